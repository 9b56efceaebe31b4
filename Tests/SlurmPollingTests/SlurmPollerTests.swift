import Foundation
import Logging
import MetricsTestKit
import ObservabilityCore
import SQLJobStore
import Synchronization
import TestSupport
import Testing

@testable import SlurmPolling

/// The poller in-process: slurmctld is a recorded table, time a manual clock, the store a
/// real one (both backends where PostgreSQL is configured).
@Suite("Slurm poller against recorded answers")
struct SlurmPollerTests {
    static let submit = Date(timeIntervalSince1970: 1_790_000_000)
    static let start = submit.addingTimeInterval(60)

    static func job(_ id: UInt32, _ state: SlurmBaseState, name: String = "train") -> SlurmJobRecord {
        SlurmJobRecord(
            jobID: id,
            baseState: state,
            userID: 1000,
            userName: "alice",
            attributes: JobAttributes(
                name: name,
                partition: "gpu",
                account: "proj",
                cluster: "hpc1"
            ),
            nodes: state == .pending ? nil : "cn[01-02]",
            submitTime: submit,
            startTime: state == .pending ? nil : start,
            endTime: state.isLive ? nil : start.addingTimeInterval(600),
            requestedTRES: "cpu=8,mem=16G,node=2"
        )
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    static func poller(
        _ store: any JobStore,
        _ source: RecordedJobSource,
        clock: ManualClock = ManualClock(),
        metrics: TestMetrics = TestMetrics(),
        fullLoadEvery: Int = 10
    ) -> SlurmPoller {
        SlurmPoller(
            store: store,
            interval: .seconds(30),
            source: source,
            fullLoadEvery: fullLoadEvery,
            clock: clock,
            metricsFactory: metrics,
            logger: quietLogger
        )
    }

    @Test(arguments: TestBackend.available)
    func newJobsAreRecordedAndAnIdleClusterCostsNoEvents(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        let source = RecordedJobSource()
        let metrics = TestMetrics()
        let poller = Self.poller(scratch.store, source, metrics: metrics)
        source.hold([Self.job(1, .pending), Self.job(2, .running)])
        try await poller.pollOnce()
        #expect(try await scratch.store.job(id: "1", cluster: nil)?.state == .pending)
        #expect(try await scratch.store.job(id: "2", cluster: nil)?.state == .running)
        #expect(try await scratch.store.job(id: "2", cluster: nil)?.nodes == ["cn01", "cn02"])
        let applied = try metrics.expectCounter("hpc_obs_slurm_poll_events_total").totalValue

        // Nothing moved: slurmctld answers "unchanged" and nothing is applied.
        try await poller.pollOnce()
        #expect(try metrics.expectCounter("hpc_obs_slurm_poll_events_total").totalValue == applied)

        // One job ends; the other's unchanged record is only named, not applied again.
        source.hold([Self.job(1, .pending), Self.job(2, .complete)])
        try await poller.pollOnce()
        #expect(try await scratch.store.job(id: "2", cluster: nil)?.state == .completed)
        #expect(try metrics.expectCounter("hpc_obs_slurm_poll_events_total").totalValue == applied + 1)
        #expect(try metrics.expectGauge("hpc_obs_slurm_jobs").lastValue == 2)
        await scratch.store.close()
    }

    @Test(arguments: TestBackend.available)
    func aJobSlurmNoLongerHoldsIsClosedAtTheNextFullLoad(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        let source = RecordedJobSource()
        let poller = Self.poller(scratch.store, source, fullLoadEvery: 1)
        source.hold([Self.job(3, .running), Self.job(4, .running)])
        try await poller.pollOnce()
        // Job 3's epilog was lost and slurmctld forgot it (MinJobAge).
        source.hold([Self.job(4, .running)])
        try await poller.pollOnce()
        let closed = try #require(try await scratch.store.job(id: "3", cluster: nil))
        #expect(closed.state == .failed && closed.exitCode == nil)
        #expect(try await scratch.store.job(id: "4", cluster: nil)?.state == .running)
        await scratch.store.close()
    }

    @Test func liveJobsOfThisClusterInTheStoreButNotInSlurmAreClosedAtStart() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let source = RecordedJobSource(cluster: "hpc1")
        // Recorded by a poller that ran before this process, then forgotten by slurmctld.
        _ = try await scratch.store.apply(
            LifecycleEvent(id: "old:7", jobID: "7", kind: .started, time: Self.start, user: "bob", attributes: JobAttributes(cluster: "hpc1"))
        )
        // Another cluster's job, and one made through the API, are not this poller's to close.
        _ = try await scratch.store.apply(
            LifecycleEvent(id: "old:8", jobID: "8", kind: .started, time: Self.start, user: "bob", attributes: JobAttributes(cluster: "other"))
        )
        _ = try await scratch.store.apply(
            LifecycleEvent(
                id: "old:api",
                jobID: "notebook-1",
                kind: .started,
                time: Self.start,
                user: "bob",
                attributes: JobAttributes(cluster: "hpc1")
            )
        )
        source.hold([])
        try await Self.poller(scratch.store, source).pollOnce()
        #expect(try await scratch.store.job(id: "7", cluster: nil)?.state == .failed)
        #expect(try await scratch.store.job(id: "8", cluster: nil)?.state == .running)
        #expect(try await scratch.store.job(id: "notebook-1", cluster: nil)?.state == .running)
        await scratch.store.close()
    }

    /// Two clusters number jobs alike: this poller's job 7 is its own, and when it vanishes
    /// from slurmctld only it is closed, never the other cluster's job 7.
    @Test(arguments: TestBackend.available)
    func aJobNumberAnotherClusterHasTooStaysThatClustersJob(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        _ = try await scratch.store.apply(
            LifecycleEvent(
                id: "slurm:7:prolog",
                jobID: "7",
                kind: .started,
                time: Self.start,
                user: "bob",
                attributes: JobAttributes(cluster: "other")
            )
        )
        let source = RecordedJobSource(cluster: "hpc1")
        let poller = Self.poller(scratch.store, source, fullLoadEvery: 1)
        source.hold([Self.job(7, .running)])
        try await poller.pollOnce()
        #expect(try await scratch.store.job(id: "7", cluster: "hpc1")?.state == .running)
        #expect(try await scratch.store.job(id: "7", cluster: "other")?.user == "bob")
        source.hold([])
        try await poller.pollOnce()
        #expect(try await scratch.store.job(id: "7", cluster: "hpc1")?.state == .failed)
        #expect(try await scratch.store.job(id: "7", cluster: "other")?.state == .running)
        await scratch.store.close()
    }

    @Test func aFieldTheStoreRefusesCostsThatFieldNotTheJob() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let source = RecordedJobSource()
        source.hold([Self.job(9, .pending, name: "odd\tname")])
        try await Self.poller(scratch.store, source).pollOnce()
        let job = try #require(try await scratch.store.job(id: "9", cluster: nil))
        #expect(job.state == .pending && job.name == nil && job.partition == "gpu")
        await scratch.store.close()
    }

    /// The run loop on a manual clock: while the source cannot be opened the pauses grow
    /// (2, 4, 8, 10 intervals), `hpc_obs_slurm_up` stays 0 and each try is counted; once it
    /// opens, the poller records the queue and waits one interval.
    @Test func theLoopBacksOffUntilTheSourceOpensThenPollsEveryInterval() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let source = RecordedJobSource()
        let clock = ManualClock()
        let metrics = TestMetrics()
        let poller = Self.poller(scratch.store, source, clock: clock, metrics: metrics)
        source.hold([Self.job(11, .running)])
        source.fail(next: 5)
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await poller.run() }
            var pauses: [Duration] = []
            for _ in 0..<6 {
                let deadline = await clock.nextSleep()
                let pause = clock.now.duration(to: deadline)
                pauses.append(pause)
                if pauses.count < 6 {
                    #expect(try metrics.expectGauge("hpc_obs_slurm_up").lastValue == 0)
                }
                clock.advance(by: pause)
            }
            #expect(pauses == [.seconds(60), .seconds(120), .seconds(240), .seconds(300), .seconds(300), .seconds(30)])
            #expect(try metrics.expectCounter("hpc_obs_slurm_poll_failures_total").totalValue == 5)
            #expect(try metrics.expectGauge("hpc_obs_slurm_up").lastValue == 1)
            #expect(try await scratch.store.job(id: "11", cluster: nil)?.state == .running)
            group.cancelAll()
        }
        await scratch.store.close()
    }

    /// Leads or stands by as told, cycle by cycle.
    final class Turns: PollerLeadership {
        private let answers: Mutex<[Bool]>
        init(_ answers: [Bool]) { self.answers = Mutex(answers) }
        func lead() async -> Bool { answers.withLock { $0.count > 1 ? $0.removeFirst() : ($0.first ?? true) } }
        func resign() async {}
    }

    @Test func onlyTheLeaderPollsAndEachNewLeadStartsWithAFullLoad() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let source = RecordedJobSource()
        source.hold([Self.job(11, .running)])
        let clock = ManualClock()
        let metrics = TestMetrics()
        let role = PollerRoleBoard()
        let turns = Turns([false, true, true, false, true])
        let poller = SlurmPoller(
            store: scratch.store,
            interval: .seconds(30),
            source: source,
            clock: clock,
            leadership: { _ in turns },
            role: role,
            metricsFactory: metrics,
            logger: Self.quietLogger
        )
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await poller.run() }
            var seen: [(loads: Int, leader: Double?, role: PollerRoleBoard.Role)] = []
            for _ in 0..<5 {
                let deadline = await clock.nextSleep()
                seen.append((source.fullAnswers, try metrics.expectGauge("hpc_obs_slurm_poller_leader").lastValue, role.role))
                clock.advance(by: clock.now.duration(to: deadline))
            }
            #expect(seen.map(\.loads) == [0, 1, 1, 1, 2], "a standby asks slurmctld nothing; a new lead loads everything")
            #expect(seen.map(\.leader) == [0, 1, 1, 0, 1])
            #expect(seen.map(\.role) == [.standby, .leader, .leader, .standby, .leader])
            #expect(try await scratch.store.job(id: "11", cluster: nil)?.state == .running)
            group.cancelAll()
        }
        #expect(role.role == .off)
        await scratch.store.close()
    }

    @Test func cancellingTheLoopEndsItsSleep() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let source = RecordedJobSource()
        let clock = ManualClock()
        let poller = Self.poller(scratch.store, source, clock: clock)
        source.hold([])
        let run = Task { try await poller.run() }
        await clock.nextSleep()
        run.cancel()
        try await run.value
        #expect(source.fullAnswers == 1)
        await scratch.store.close()
    }
}

extension SlurmBaseState {
    fileprivate var isLive: Bool { self == .pending || self == .running || self == .suspended }
}
