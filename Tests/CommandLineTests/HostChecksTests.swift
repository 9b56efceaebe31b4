import Foundation
import Testing

@testable import SetupDoctor

@Suite final class HostChecksTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "hpc-obs-doctor-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func aSettingsFileWithABadLineIsAProblemNamingTheLine() throws {
        let path = try write("hpc-obs.conf", "HPC_OBS_URL=http://obs:8080\nnot a setting\n")
        let result = HostChecks.settingsFile(path: path, namedByEnvironment: false)
        #expect(result.finding.level == .problem)
        #expect(result.finding.detail.contains("line 2"))
        #expect(result.values["HPC_OBS_URL"] == "http://obs:8080")
        #expect(HostChecks.settingsFile(path: "\(directory)/absent", namedByEnvironment: false).finding.level == .warning)
        #expect(HostChecks.settingsFile(path: "\(directory)/absent", namedByEnvironment: true).finding.level == .problem)
    }

    @Test func aTokenEveryoneCanReadIsAProblemWithItsFix() throws {
        let open = try write("open-token", "secret\n", mode: 0o644)
        let finding = HostChecks.tokenFile(open)
        #expect(finding.level == .problem)
        #expect(finding.fix == "chmod 0640 \(open)")
        #expect(HostChecks.tokenFile(try write("token", "secret\n")).level == .ok)
        #expect(HostChecks.tokenFile(try write("empty", "\n")).level == .problem)
        #expect(HostChecks.tokenFile(nil).level == .warning)
        #expect(HostChecks.tokenFile("\(directory)/absent").level == .problem)
    }

    @Test func aSpoolThatIsALinkOrOpenToAllIsAProblem() throws {
        let target = "\(directory)/target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/link", withDestinationPath: target)
        #expect(HostChecks.spool("\(directory)/link").first?.level == .problem)
        #expect(HostChecks.spool("\(directory)/absent").first?.level == .warning)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: target)
            #expect(HostChecks.spool(target).first?.detail.contains("every user") == true)
            try FileManager.default.setAttributes([.posixPermissions: 0o2770], ofItemAtPath: target)
            _ = try write("target/1.json", "{}")
            #expect(HostChecks.spool(target).first?.detail.contains("1 event wait") == true)
        }
    }

    @Test func slurmConfRunsOurHooksOrSaysSo() throws {
        let wrapper = try write("site-prolog", "#!/bin/sh\nexec /usr/libexec/hpc-obs/run-hook-dir prolog\n", mode: 0o755)
        let good = try write(
            "slurm.conf",
            "ClusterName=c # comment\nprolog=\(wrapper)\nEpilog=/usr/libexec/hpc-obs/hpc-obs-epilog,/etc/slurm/other\n"
        )
        #expect(HostChecks.schedulerHooks(slurmConf: good, pbsHome: "\(directory)/pbs").level == .ok)
        let bad = try write("slurm-bad.conf", "Prolog=/etc/slurm/site-prolog\n")
        let finding = HostChecks.schedulerHooks(slurmConf: bad, pbsHome: "\(directory)/pbs")
        #expect(finding.level == .warning)
        #expect(finding.detail.contains("Prolog=/etc/slurm/site-prolog"))
        #expect(HostChecks.schedulerHooks(slurmConf: "\(directory)/absent", pbsHome: "\(directory)/pbs").level == .warning)
    }

    @Test func versionsOfOneReleaseAgreeAndOthersDoNot() {
        #expect(HostChecks.slurmVersions(library: "22.05.8", controller: .success("22.05.11")).level == .ok)
        #expect(HostChecks.slurmVersions(library: "22.05.8", controller: .success("23.11.1")).level == .problem)
        #expect(HostChecks.slurmVersions(library: "22.05.8", controller: .failure(.init(reason: "down"))).level == .warning)
    }

    @Test func theServiceChecksSeeAClockOffAndARefusedToken() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let answer = ServiceAnswer(version: "1.0", storeReachable: true, detail: nil, serverDate: now.addingTimeInterval(-30))
        let findings = HostChecks.service(url: "http://obs", answer: .success(answer), now: now, tokenAccepted: false, hasToken: true)
        #expect(findings.map(\.level) == [.ok, .warning, .problem])
        #expect(findings[1].detail == "this host's clock is 30 s ahead of the service's")
        let down = HostChecks.service(url: "http://obs", answer: .failure(.init(reason: "refused")), now: now, tokenAccepted: nil, hasToken: true)
        #expect(down.map(\.level) == [.problem])
    }

    @Test func theReportEndsWithACountAndKeepsControlCharactersOut() {
        let text = DoctorReport.render([DoctorFinding(.problem, "spool", "/var/spool/x\u{1B}[2J", fix: "chmod 2770 it")], colour: false)
        #expect(text.contains("problem  spool  /var/spool/x?[2J"))
        #expect(text.contains("fix: chmod 2770 it"))
        #expect(text.hasSuffix("1 problem, 0 warnings.\n"))
    }
}
