import Foundation
import ObservabilityCore
import Testing

@Suite("Job attributes")
struct JobAttributesTests {
    let known = JobAttributes(
        name: "train",
        partition: "gpu",
        account: "proj",
        cluster: "hpc1",
        requestedCPUs: 8,
        requestedMemoryBytes: 16 << 30,
        requestedGPUs: 2
    )

    @Test func newerValuesWinAndMissingOnesLeaveTheOldInPlace() {
        let merged = known.updated(with: JobAttributes(partition: "long", requestedGPUs: 4))
        var expected = known
        expected.partition = "long"
        expected.requestedGPUs = 4
        #expect(merged == expected)
        #expect(known.updated(with: JobAttributes()) == known)
    }

    @Test func theFirstRefusedAttributeIsNamedAsTheAPINamesIt() {
        #expect(throws: Never.self) { try known.validate() }
        var bad = known
        bad.requestedCPUs = 0
        bad.requestedGPUs = -1
        let error = #expect(throws: ValidationError.self) { try bad.validate() }
        #expect(error?.field == "requestedCpus")
    }

    @Test func keepingValidDropsOnlyWhatIsRefusedAndSaysWhy() {
        var odd = known
        odd.partition = "has space"
        odd.requestedMemoryBytes = Int64.max
        let (kept, dropped) = odd.keepingValid()
        #expect(kept.partition == nil && kept.requestedMemoryBytes == nil)
        #expect(kept.name == "train" && kept.requestedCPUs == 8 && kept.requestedGPUs == 2)
        #expect(dropped.map(\.field) == ["partition", "requestedMemoryMb"])
    }

    @Test func carriersReadAndWriteThemAsTheirOwn() {
        var job = Job(id: "1", user: "alice", attributes: known, submitTime: .init(timeIntervalSince1970: 0))
        #expect(job.partition == "gpu" && job.requestedGPUs == 2)
        job.partition = "debug"
        #expect(job.attributes.partition == "debug")
    }
}
