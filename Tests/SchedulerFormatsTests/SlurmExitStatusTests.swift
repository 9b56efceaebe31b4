import SchedulerFormats
import Testing

@Suite("Slurm exit statuses")
struct SlurmExitStatusTests {
    @Test func waitStatusesAsSlurmReportsThem() {
        // `exit 3` is 768 in SLURM_JOB_EXIT_CODE; `kill -9 $$` is 9.
        #expect(SlurmExitStatus(waitStatus: 768) == SlurmExitStatus(code: 3, signal: 0))
        #expect(SlurmExitStatus(waitStatus: 768).exitCode == 3)
        #expect(SlurmExitStatus(waitStatus: 9) == SlurmExitStatus(code: 0, signal: 9))
        #expect(SlurmExitStatus(waitStatus: 9).exitCode == 137)
        #expect(SlurmExitStatus(waitStatus: 0).exitCode == 0)
    }

    @Test func pairsAsInExitCode2() throws {
        #expect(try SlurmExitStatus(pair: "3:0").exitCode == 3)
        #expect(try SlurmExitStatus(pair: "0:15").exitCode == 143)
        for bad in ["3", "a:b", "-1:0", "1:2:3", ""] {
            #expect(throws: SchedulerFormatError.self) { try SlurmExitStatus(pair: bad) }
        }
    }
}
