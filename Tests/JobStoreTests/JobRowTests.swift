import Testing

@testable import SQLJobStore

@Suite("Job rows")
struct JobRowTests {
    /// One node is the column's whole text; several are split at commas, empty names dropped.
    @Test(arguments: [
        ("", [String]()),
        ("cn001", ["cn001"]),
        ("cn001,cn002", ["cn001", "cn002"]),
        (",cn001,,cn002,", ["cn001", "cn002"]),
        ("héllo", ["héllo"]),
    ])
    func nodesComeBackAsStored(text: String, nodes: [String]) {
        #expect(JobRow.decodeNodes(text) == nodes)
        if !nodes.isEmpty { #expect(JobRow.decodeNodes(JobRow.encodeNodes(nodes)) == nodes) }
    }
}
