import ObservabilityCore
import StorageBackends
import TestSupport
import Testing

/// Replicas on one PostgreSQL take turns polling through an advisory lock.
@Suite struct PollerLeadershipTests {
    /// PostgreSQL's: in the quick lane, which runs none, this one waits for the full run.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func oneReplicaLeadsPerNameAndAnotherTakesOverWhenItResigns() async throws {
        let url = try TestBackend.requirePostgresURL()
        let name = "slurm-poller:test-\(UInt64.random(in: 0...UInt64.max))"
        let first = JobStoreFactory.pollerLeadership(.postgres(connectionString: url), name: name)
        let second = JobStoreFactory.pollerLeadership(.postgres(connectionString: url), name: name)
        let otherCluster = JobStoreFactory.pollerLeadership(.postgres(connectionString: url), name: name + "-b")
        #expect(await first.lead())
        #expect(await first.lead(), "a held lead is confirmed")
        #expect(!(await second.lead()))
        #expect(await otherCluster.lead(), "each cluster has its own leader")
        await first.resign()
        #expect(await second.lead())
        #expect(!(await first.lead()))
        await second.resign()
        await otherCluster.resign()
    }

    @Test func aDatabaseThatCannotBeReachedMeansNoLead() async {
        let unreachable = JobStoreFactory.pollerLeadership(
            .postgres(connectionString: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"),
            name: "slurm-poller:x"
        )
        #expect(!(await unreachable.lead()))
    }

    @Test func sqliteHasOneServerWhichAlwaysLeads() async {
        let sole = JobStoreFactory.pollerLeadership(.sqlite(path: "/tmp/x.db"), name: "slurm-poller:x")
        #expect(await sole.lead())
    }

    @Test func lockKeysAreStable() {
        #expect(LockKey.of("hpc-obs:slurm-poller:alpha") == LockKey.of("hpc-obs:slurm-poller:alpha"))
        #expect(LockKey.of("hpc-obs:slurm-poller:alpha") != LockKey.of("hpc-obs:slurm-poller:beta"))
        #expect(LockKey.of("") == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
    }
}
