import SchedulerFormats
import Testing

@Suite("Slurm GRES detail")
struct SlurmGRESDetailTests {
    @Test(arguments: [
        ("gpu:a100:2(IDX:0-1)", [0, 1]),
        ("gpu:2(IDX:0,2)", [0, 2]),
        ("gpu(IDX:3)", [3]),
        ("gpu:a100:1(IDX:0),gpu:v100:2(IDX:2-3)", [0, 2, 3]),
        ("gpu:1(IDX:1),nic:1(IDX:0)", [1]),
        ("mps:100(0/100),gpu:tesla:4(IDX:0-1,3,5)", [0, 1, 3, 5]),
        ("gpu:1g.5gb:1(IDX:4)", [4]),
        ("gpu:2(IDX:N/A)", []),
        ("nic:1(IDX:0)", []),
        ("gpux:1(IDX:0)", []),
        ("", []),
        ("gpu:2(IDX:3-1)", []),
        ("gpu:2(IDX:0-99999999999)", []),
        ("gpu:2(IDX:0-", []),
        ("gpu:2(IDX:0-65535)", Array(0...65_535)),
    ])
    func readsTheGPUsOfOneNode(detail: String, indices: [Int]) {
        #expect(SlurmGRESDetail.gpuIndices(detail) == indices)
    }
}
