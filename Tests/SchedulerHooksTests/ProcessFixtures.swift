import Foundation
import Logging
import ObservabilityCore
import StorageBackends
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

enum LocalPort {
    /// A port nothing listens on now: bound to port 0, read back, closed.
    static func free() throws -> Int {
        let listener = try SilentListener()
        listener.close()
        return listener.port
    }
}

/// A loopback TCP socket that accepts connections into its backlog and never answers.
final class SilentListener: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            _ = Glibc.close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// Holds an exclusive lock on a SQLite file through the `sqlite3` tool until released.
final class SQLiteLocker: @unchecked Sendable {
    let process = Process()
    let input = Pipe()

    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\n".utf8))
        // Let sqlite3 take the lock before the hook runs.
        Thread.sleep(forTimeInterval: 0.3)
    }

    func release() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// `hpc-obs-server` as a child process on SQLite.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int

    static func start(port: Int, database: String) throws -> ServerProcess {
        let server = ServerProcess(port: port)
        server.process.executableURL = BuiltExecutable.url("hpc-obs-server")
        server.process.environment = ["DATABASE_URL": database, "HOST": "127.0.0.1", "PORT": "\(port)", "LOG_LEVEL": "error"]
        server.process.standardOutput = FileHandle.nullDevice
        server.process.standardError = FileHandle.nullDevice
        try server.process.run()
        return server
    }

    private init(port: Int) {
        self.port = port
    }

    func waitUntilHealthy() async throws {
        for _ in 0..<100 {
            if (try? await get("/v1/health")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw POSIXError(.ETIMEDOUT)
    }

    func jobState(_ id: String) async throws -> String? {
        let data = try await get("/v1/jobs/\(id)")
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["state"] as? String
    }

    private func get(_ path: String) async throws -> Data {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw POSIXError(.EIO) }
        return data
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// The SQLite store at `path`, as the hooks open it.
func openSQLiteStore(_ path: String) async throws -> any JobStore {
    try await JobStoreFactory.open(.sqlite(path: path), logger: Logger(label: "test"))
}
