import Foundation
import MetricsExposition

#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` families, read from `/proc/self` at scrape time.
struct ProcessMetrics: Sendable, Equatable {
    var cpuSeconds: Double
    var residentBytes: Int64
    var virtualBytes: Int64
    var openFileDescriptors: Int
    var maxFileDescriptors: Int?
    var startTimeSeconds: Double

    /// Nil where `/proc` is not there to read (not Linux, or a sandbox without it).
    static func current() -> ProcessMetrics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let bootTime = bootTimeSeconds()
        else { return nil }
        let openDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        // RLIM_INFINITY is all ones; Swift cannot import the macro's `-1` into an unsigned type.
        let unlimited = rlim_t.max
        let maxDescriptors = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur != unlimited ? Int(limit.rlim_cur) : nil
        return parse(
            stat: stat,
            bootTime: bootTime,
            ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
            pageSize: Int64(sysconf(Int32(_SC_PAGESIZE))),
            openFileDescriptors: openDescriptors,
            maxFileDescriptors: maxDescriptors
        )
    }

    /// Parses `/proc/self/stat`; fields are counted after the command name, which is in
    /// parentheses and may itself hold spaces and parentheses.
    static func parse(
        stat: String,
        bootTime: Double,
        ticksPerSecond: Double,
        pageSize: Int64,
        openFileDescriptors: Int,
        maxFileDescriptors: Int?
    ) -> ProcessMetrics? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // After ")": field 3 (state) is index 0, so field N is index N - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Every field read here is a non-negative decimal integer; reading them as integers
        // keeps a malformed file from reaching a trapping Double-to-Int64 conversion.
        func field(_ number: Int) -> Int64? {
            let index = number - 3
            guard fields.indices.contains(index), let value = Int64(fields[index]), value >= 0 else { return nil }
            return value
        }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23), let rss = field(24) else {
            return nil
        }
        let (residentBytes, overflow) = rss.multipliedReportingOverflow(by: pageSize)
        return ProcessMetrics(
            cpuSeconds: (Double(utime) + Double(stime)) / ticksPerSecond,
            residentBytes: overflow ? .max : residentBytes,
            virtualBytes: vsize,
            openFileDescriptors: openFileDescriptors,
            maxFileDescriptors: maxFileDescriptors,
            startTimeSeconds: bootTime + Double(start) / ticksPerSecond
        )
    }

    private static func bootTimeSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst("btime ".count))
        }
        return nil
    }

    func render(into writer: inout MetricsWriter) {
        writer.family("process_cpu_seconds_total", type: .counter, help: "Total user and system CPU time spent in seconds.")
        writer.sample("process_cpu_seconds_total", cpuSeconds)
        writer.family("process_resident_memory_bytes", type: .gauge, help: "Resident memory size in bytes.")
        writer.sample("process_resident_memory_bytes", residentBytes)
        writer.family("process_virtual_memory_bytes", type: .gauge, help: "Virtual memory size in bytes.")
        writer.sample("process_virtual_memory_bytes", virtualBytes)
        writer.family("process_open_fds", type: .gauge, help: "Number of open file descriptors.")
        writer.sample("process_open_fds", Int64(openFileDescriptors))
        if let maxFileDescriptors {
            writer.family("process_max_fds", type: .gauge, help: "Maximum number of open file descriptors.")
            writer.sample("process_max_fds", Int64(maxFileDescriptors))
        }
        writer.family("process_start_time_seconds", type: .gauge, help: "Start time of the process since the Unix epoch in seconds.")
        writer.sample("process_start_time_seconds", startTimeSeconds)
    }
}
