import Foundation
import ObservabilityCore
import TestSupport
import Testing

@testable import SQLJobStore

/// Several clusters share one service: their job ids (and their hooks' event ids) repeat, and
/// must stay apart in every path; a single-cluster site's jobs keep being found by their id.
@Suite("Jobs of several clusters")
struct ClusterKeyTests {
    static func clustered(
        _ id: String,
        job: String,
        _ kind: LifecycleEvent.Kind,
        at seconds: Double,
        cluster: String?,
        finalState: JobState? = nil
    )
        -> LifecycleEvent
    {
        var event = event(id, job: job, kind, at: seconds, nodes: ["node-1"], finalState: finalState)
        event.attributes.cluster = cluster
        return event
    }

    @Test(arguments: TestBackend.available)
    func twoClustersJob123AreTwoJobsWithTheirOwnStateAndSamples(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        // The same hook event id on both clusters: each is applied once, to its own job.
        let outcomes = try await store.apply([
            Self.clustered("slurm:123:prolog", job: "123", .started, at: 1, cluster: "alpha"),
            Self.clustered("slurm:123:prolog", job: "123", .started, at: 2, cluster: "beta"),
            Self.clustered("slurm:123:epilog", job: "123", .ended, at: 5, cluster: "beta", finalState: .failed),
            Self.clustered("slurm:123:prolog", job: "123", .started, at: 1, cluster: "alpha"),
        ])
        #expect(outcomes.map { if case .duplicate = $0 { true } else { false } } == [false, false, false, true])

        let alphaKey = try #require(try await store.jobKey(id: "123", cluster: "alpha"))
        let betaKey = try #require(try await store.jobKey(id: "123", cluster: "beta"))
        #expect(alphaKey != betaKey)
        #expect(try await store.jobKey(id: "123", cluster: "gamma") == nil)
        let alpha = try #require(try await store.job(id: alphaKey))
        let beta = try #require(try await store.job(id: betaKey))
        #expect(alpha.schedulerID == "123" && alpha.cluster == "alpha" && alpha.state == .running)
        #expect(beta.schedulerID == "123" && beta.cluster == "beta" && beta.state == .failed)

        // Without a cluster the id is ambiguous, and the error names both.
        let error = await #expect(throws: StoreError.self) { try await store.jobKey(id: "123", cluster: nil) }
        #expect(error?.code == .ambiguous && error?.message.contains("alpha, beta") == true)

        try await store.appendSamples([sample(alphaKey, 2, cpu: 10), sample(alphaKey, 3, cpu: 20), sample(betaKey, 3, cpu: 90)])
        #expect(try await store.samples(jobID: alphaKey, try SampleQuery()).map(\.cpuUsage) == [10, 20])
        #expect(try await store.samples(jobID: betaKey, try SampleQuery()).map(\.cpuUsage) == [90])

        let listed = try await store.listJobs(JobFilter(cluster: "beta"), page: try JobPage())
        #expect(listed.total == 1 && listed.jobs.map(\.id) == [betaKey])
        #expect(try await store.listJobs(JobFilter(), page: try JobPage()).total == 2)
        let running = try await store.runningJobs()
        #expect(running.map(\.schedulerID) == ["123"] && running.map(\.cluster) == ["alpha"])
    }

    @Test(arguments: TestBackend.available)
    func aJobStoredWithoutAClusterIsFoundByItsIdAndTakenOverByTheFirstClusterNamingIt(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        // As a job stored before clusters were told apart, or by a hook that did not know its cluster.
        _ = try await store.apply([Self.clustered("hook:7:prolog", job: "7", .started, at: 1, cluster: nil)])
        #expect(try await store.jobKey(id: "7", cluster: nil) == "7")
        // The poller, which knows the cluster, completes that job instead of recording another.
        _ = try await store.apply([Self.clustered("poll:7:end", job: "7", .ended, at: 4, cluster: "alpha", finalState: .completed)])
        let adopted = try #require(try await store.job(id: "7", cluster: nil))
        #expect(adopted.id == "7" && adopted.cluster == "alpha" && adopted.state == .completed)
        #expect(try await store.jobKey(id: "7", cluster: "alpha") == "7")
        // Another cluster's job 7 is another job; from then on the id alone is ambiguous.
        _ = try await store.apply([Self.clustered("hook:7:prolog", job: "7", .started, at: 9, cluster: "beta")])
        #expect(try await store.job(id: "7", cluster: "beta")?.state == .running)
        #expect(try await store.job(id: "7", cluster: "alpha")?.state == .completed)
        await #expect(throws: StoreError.self) { try await store.job(id: "7", cluster: nil) }

        // Samples and usage name their job as ingest knows it: cluster/id finds the job kept
        // under the bare id too; the id alone, now ambiguous, is refused and stores nothing.
        try await store.appendSamples([sample("alpha/7", 2, cpu: 30), sample("beta/7", 10, cpu: 60)])
        #expect(try await store.samples(jobID: "7", try SampleQuery()).map(\.cpuUsage) == [30])
        #expect(try await store.samples(jobID: "beta/7", try SampleQuery()).map(\.cpuUsage) == [60])
        let ambiguous = await #expect(throws: StoreError.self) { try await store.appendSamples([sample("7", 3)]) }
        #expect(ambiguous?.code == .ambiguous)
        let unknown = await #expect(throws: StoreError.self) { try await store.appendSamples([sample("gamma/7", 3)]) }
        #expect(unknown?.code == .notFound)
        try await store.recordUsage([JobUsageTotals(jobID: "alpha/7", node: "node-1", cpuSeconds: 5, peakMemoryBytes: 1 << 20)])
        #expect(try await store.usage(jobID: "7").nodes.map(\.cpuSeconds) == [5])
        #expect(try await store.usage(jobID: "beta/7").nodes.isEmpty)
    }

    @Test(arguments: TestBackend.available)
    func creatingAJobThatExistsUnderAnotherKeyIsAConflict(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        // makeJob's jobs are cluster hpc1's, keyed by the bare id as before clusters were told apart.
        _ = try await store.createJob(makeJob("42"))
        var again = makeJob("42")
        again.id = JobKey.make(schedulerID: "42", cluster: "hpc1")
        let error = await #expect(throws: StoreError.self) { try await store.createJob(again) }
        #expect(error?.code == .conflict)
        var elsewhere = makeJob("42")
        elsewhere.attributes.cluster = "hpc2"
        elsewhere.id = JobKey.make(schedulerID: "42", cluster: "hpc2")
        _ = try await store.createJob(elsewhere)
        #expect(try await store.job(id: "42", cluster: "hpc2")?.schedulerID == "42")
    }
}
