import SchedulerFormats
import Testing

@Suite("PBS resource strings, sizes and times")
struct PBSResourceListTests {
    @Test func openPBSResourcesUsed() throws {
        let used = PBSResourceList(
            parsing: "cpupercent=398,cput=00:10:02,mem=5242880kb,ncpus=8,vmem=6291456kb,walltime=00:20:00",
            field: "resources_used"
        )
        #expect(!used.wasCut)
        #expect(try used.seconds("cput") == 602)
        #expect(try used.seconds("walltime") == 1_200)
        #expect(try used.bytes("mem") == 5 << 30)
        #expect(try used.bytes("vmem") == 6 << 30)
        #expect(try used.count("ncpus") == 8)
        #expect(try used.count("cpupercent") == 398)
        #expect(try used.seconds("absent") == nil)
    }

    @Test func torqueResourcesWithStrayCommasAndNestedSpecs() throws {
        // MoM leaves a comma behind for each pair it skipped; `select` values hold `=` and `:`.
        let list = PBSResourceList(
            parsing: "nodes=2:ppn=4,,select=1:ncpus=4:mem=2gb,energy_used=0,walltime=01:00:00,",
            field: "Resource_List"
        )
        #expect(list["nodes"] == "2:ppn=4")
        #expect(list["select"] == "1:ncpus=4:mem=2gb")
        #expect(try list.seconds("walltime") == 3_600)
        #expect(list.values.count == 4)
    }

    @Test func aStringAtTheCutLengthLosesItsLastPair() throws {
        let padding = "site_note=" + String(repeating: "x", count: PBSResourceList.cutLength - 30)
        let text = padding + ",cput=00:00:09,mem=52428"
        #expect(text.utf8.count >= PBSResourceList.cutLength)
        let list = PBSResourceList(parsing: text, field: "resources_used")
        #expect(list.wasCut)
        #expect(try list.seconds("cput") == 9)
        #expect(list["mem"] == nil)
    }

    @Test(arguments: [
        ("00:00:00", 0.0), ("01:02:03", 3_723), ("120:00:00", 432_000), ("59:59", 3_599), ("90", 90),
        ("00:00:01.5", 1.5), ("0", 0),
    ])
    func durations(text: String, seconds: Double) throws {
        #expect(try PBSDuration.seconds(text, field: "walltime") == seconds)
    }

    @Test(arguments: ["", ":", "1:2:3:4", "aa:00:00", "00:60:00", "00:00:61", "-1", "1.5:00", "00::00", "1e3", " 10"])
    func badDurations(text: String) {
        #expect(throws: SchedulerFormatError.self) { try PBSDuration.seconds(text, field: "cput") }
    }

    @Test(arguments: [
        ("1234kb", Int64(1_263_616)), ("0kb", 0), ("512", 512), ("512b", 512), ("4gb", 4 << 30), ("4GB", 4 << 30),
        ("2mw", 2 << 23), ("3w", 24), ("1tb", 1 << 40), ("1pb", 1 << 50), ("7b", 7),
    ])
    func sizes(text: String, bytes: Int64) throws {
        #expect(try PBSSize.bytes(text, field: "mem") == bytes)
    }

    @Test(arguments: ["", "kb", "12xb", "12 kb", "-5kb", "1.5gb", "9999999999pb", "12kbw", "99999999999999999999"])
    func badSizes(text: String) {
        #expect(throws: SchedulerFormatError.self) { try PBSSize.bytes(text, field: "mem") }
    }

    @Test func countsAreWholeNumbers() {
        let list = PBSResourceList(parsing: "ncpus=four,ngpus=-1,nodect=2", field: "Resource_List")
        #expect(throws: SchedulerFormatError.self) { try list.count("ncpus") }
        #expect(throws: SchedulerFormatError.self) { try list.count("ngpus") }
        #expect((try? list.count("nodect")) == 2)
    }

    @Test func execHostsAndNodeFiles() {
        #expect(PBSExecHost.hosts("cn01/0*4+cn02/0*4+cn01/1") == ["cn01", "cn02"])
        #expect(PBSExecHost.hosts("gpu7/0") == ["gpu7"])
        #expect(PBSExecHost.hosts("n1\nn1\nn2\nn3\n") == ["n1", "n2", "n3"])
        #expect(PBSExecHost.hosts("cn01:ppn=4+cn02:ppn=4") == ["cn01", "cn02"])
        #expect(PBSExecHost.hosts("").isEmpty)
    }

    /// OpenPBS 23.06's hook job object has `exec_host2` and `exec_vnode` but no `exec_host`
    /// (as the fixtures' MoM showed): both forms name the same hosts.
    @Test func execHost2AndVnodes() {
        #expect(PBSExecHost.hosts("vm:15002/0") == ["vm"])
        #expect(PBSExecHost.hosts("cn01:15002/0*4+cn02:15002/0*4+cn01:15002/1") == ["cn01", "cn02"])
        #expect(PBSExecHost.hosts("(vm:ncpus=1)") == ["vm"])
        #expect(PBSExecHost.hosts("(vm:ncpus=2:mem=204800kb)") == ["vm"])
        #expect(PBSExecHost.hosts("(cn01:ncpus=4:mem=2gb)+(cn02[0]:ncpus=2+cn02[1]:ncpus=2)+(gpu[a]:ngpus=1)") == ["cn01", "cn02", "gpu[a]"])
        #expect(PBSExecHost.hosts("( cn03:ncpus=1)") == ["cn03"])
        #expect(PBSExecHost.hosts("()+(:ncpus=1)").isEmpty)
    }
}
