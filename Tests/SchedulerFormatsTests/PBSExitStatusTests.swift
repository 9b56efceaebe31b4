import SchedulerFormats
import Testing

@Suite("PBS exit statuses")
struct PBSExitStatusTests {
    @Test func exitCodesAndSignals() throws {
        #expect(try PBSExitStatus(parsing: "0", flavor: .openPBS) == .exited(code: 0))
        #expect(try PBSExitStatus(parsing: "3", flavor: .torque).exitCode == 3)
        // A shell that saw its child killed exits 128 + signal itself: an ordinary code.
        #expect(try PBSExitStatus(parsing: "137", flavor: .openPBS) == .exited(code: 137))
        // MoM's own report of a job a signal killed: 256 + signal.
        #expect(try PBSExitStatus(parsing: "271", flavor: .openPBS) == .killed(signal: 15))
        #expect(try PBSExitStatus(parsing: "271", flavor: .openPBS).exitCode == 143)
        #expect(try PBSExitStatus(parsing: "265", flavor: .torque).exitCode == 137)
        #expect(try PBSExitStatus(parsing: "256", flavor: .torque) == .exited(code: 256))
    }

    @Test func failuresAreNumberedByFlavor() throws {
        func failure(_ text: String, _ flavor: PBSFlavor) throws -> PBSFailure? {
            guard case .pbsFailure(let failure) = try PBSExitStatus(parsing: text, flavor: flavor) else { return nil }
            return failure
        }
        #expect(try failure("-3", .openPBS)?.outcome == .requeued)
        #expect(try failure("-3", .torque)?.outcome == .requeued)
        #expect(try failure("-11", .openPBS)?.outcome == .requeued)
        #expect(try failure("-11", .openPBS)?.name == "RERUN")
        #expect(try failure("-11", .torque)?.outcome == .overTimeLimit)
        #expect(try failure("-29", .openPBS)?.outcome == .overTimeLimit)
        #expect(try failure("-28", .openPBS)?.outcome == .overTimeLimit)
        #expect(try failure("-27", .openPBS)?.outcome == .overMemoryLimit)
        #expect(try failure("-10", .torque)?.outcome == .overMemoryLimit)
        #expect(try failure("-1", .openPBS)?.outcome == .failed)
        // MoM restarts and failed checkpoint restarts requeue the job, in both flavors.
        #expect(try failure("-4", .openPBS)?.outcome == .requeued)
        #expect(try failure("-7", .torque)?.outcome == .requeued)
        #expect(try failure("-14", .torque)?.name == "RETRY_PROLOGUE")
        #expect(try failure("-14", .torque)?.outcome == .requeued)
        #expect(try failure("-14", .openPBS)?.outcome == .requeued)
        let unknown = try failure("-99", .openPBS)
        #expect(unknown?.outcome == .failed)
        #expect(unknown?.name == nil)
        #expect(unknown?.description == "-99 (an unknown PBS code)")
        #expect(try failure("-29", .openPBS)?.description == "-29 (JOB_EXEC_KILL_WALLTIME)")
        #expect(try PBSExitStatus(parsing: "-29", flavor: .openPBS).exitCode == -29)
    }

    @Test(arguments: ["", "x", "1.5", " 0", "99999999999", "--1"])
    func nonNumbersAreRefused(text: String) {
        #expect(throws: SchedulerFormatError.self) { try PBSExitStatus(parsing: text, flavor: .openPBS) }
    }
}
