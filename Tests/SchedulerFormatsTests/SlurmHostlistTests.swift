import SchedulerFormats
import Testing

@Suite("Slurm host lists")
struct SlurmHostlistTests {
    @Test(arguments: [
        ("vm", ["vm"]),
        ("cn[001-003,007]", ["cn001", "cn002", "cn003", "cn007"]),
        ("gpu01,cn[1-2]", ["gpu01", "cn1", "cn2"]),
        ("rack[1-2]-n[8-9]", ["rack1-n8", "rack1-n9", "rack2-n8", "rack2-n9"]),
        ("n[9-11]", ["n9", "n10", "n11"]),
        ("n[09-11]", ["n09", "n10", "n11"]),
        ("", []),
    ])
    func expands(expression: String, names: [String]) throws {
        #expect(try SlurmHostlist.expand(expression) == names)
    }

    @Test(arguments: ["cn[1-", "cn1]", "cn[3-1]", "cn[a-b]", "cn[1,,2]", "two words"])
    func refusesMalformedLists(expression: String) {
        #expect(throws: SchedulerFormatError.self) { try SlurmHostlist.expand(expression) }
    }

    @Test func refusesListsBeyondTheLimit() {
        let error = #expect(throws: SchedulerFormatError.self) { try SlurmHostlist.expand("n[1-999999999]", limit: 1_000) }
        #expect(error?.reason.contains("more than 1000") == true)
        #expect(throws: SchedulerFormatError.self) { try SlurmHostlist.expand("a[1-40]b[1-40]", limit: 1_000) }
    }

    @Test func nonASCIIListsAreRefusedRatherThanMisread() {
        #expect(throws: SchedulerFormatError.self) { try SlurmHostlist.expand("a,\u{301}b") }
        #expect(throws: SchedulerFormatError.self) { try SlurmHostlist.expand("n[\u{301}1-2]") }
    }
}
