import SchedulerFormats
import Testing

@Suite("Slurm TRES strings")
struct SlurmTRESTests {
    @Test func readsCPUsMemoryAndGPUs() throws {
        let tres = try SlurmTRES(parsing: "cpu=4,mem=8G,node=1,billing=4,gres/gpu=2")
        #expect(tres == SlurmTRES(cpus: 4, memoryBytes: 8 << 30, gpus: 2))
    }

    @Test func memoryDefaultsToMebibytesAndKnowsUnits() throws {
        #expect(try SlurmTRES(parsing: "mem=100").memoryBytes == 100 << 20)
        #expect(try SlurmTRES(parsing: "mem=512K").memoryBytes == 512 << 10)
        #expect(try SlurmTRES(parsing: "mem=1.5T").memoryBytes == 3 << 39)
    }

    @Test func typedGPUsAddUpWhenNoTotalIsGiven() throws {
        #expect(try SlurmTRES(parsing: "cpu=2,gres/gpu:a100=2,gres/gpu:v100=1").gpus == 3)
        #expect(try SlurmTRES(parsing: "gres/gpu=2,gres/gpu:a100=2").gpus == 2)
        #expect(try SlurmTRES(parsing: "cpu=2").gpus == nil)
        #expect(try SlurmTRES(parsing: "") == SlurmTRES())
    }

    @Test(arguments: ["cpu", "cpu=x", "mem=12Q", "mem=-1", "gres/gpu=-2"])
    func refusesMalformedStrings(text: String) {
        #expect(throws: SchedulerFormatError.self) { try SlurmTRES(parsing: text) }
    }
}

@Suite("Slurm TRES sums")
struct SlurmTRESSumTests {
    /// Found in review: typed GPU counts were added without a check, and the poller trapped.
    @Test func typedGPUCountsThatOverflowAreRefused() {
        #expect(throws: SchedulerFormatError.self) { try SlurmTRES(parsing: "gres/gpu:a=9223372036854775807,gres/gpu:b=1") }
        #expect((try? SlurmTRES(parsing: "gres/gpu:a=2,gres/gpu:b=1"))?.gpus == 3)
    }
}
