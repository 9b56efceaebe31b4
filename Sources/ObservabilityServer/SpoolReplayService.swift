import BackgroundWork
import CoreMetrics
import EventTransport
import Logging
import ObservabilityCore
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Replays the events this host's hooks spooled while the store or the server was down: at
/// start, then every interval. Controller-side hooks write to the store directly and spool
/// when it is locked or unreachable; nothing else would ever deliver those events.
struct SpoolReplayService: Service {
    let spool: EventSpool
    let store: any JobStore
    let interval: Duration
    let clock: any Clock<Duration>
    let logger: Logger
    let depth: Gauge
    let unsafe: Gauge
    let unreadable: Gauge
    let replayed: Counter
    let rejected: Counter

    init(
        spool: EventSpool,
        store: any JobStore,
        interval: Duration = .seconds(60),
        clock: any Clock<Duration> = ContinuousClock(),
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.spool = spool
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
        depth = Gauge(label: Family.depth.rawValue, factory: metricsFactory)
        unsafe = Gauge(label: Family.unsafe.rawValue, factory: metricsFactory)
        unreadable = Gauge(label: Family.unreadable.rawValue, factory: metricsFactory)
        replayed = Counter(label: Family.replayed.rawValue, factory: metricsFactory)
        rejected = Counter(label: Family.rejected.rawValue, factory: metricsFactory)
    }

    /// The families, named and described here only.
    enum Family: String, CaseIterable {
        case depth = "hpc_obs_spool_depth"
        case unsafe = "hpc_obs_spool_unsafe_entries"
        case unreadable = "hpc_obs_spool_unreadable_entries"
        case replayed = "hpc_obs_spool_replayed_total"
        case rejected = "hpc_obs_spool_rejected_total"

        var help: String {
            switch self {
            case .depth: "Events waiting in this host's hook spool."
            case .unsafe: "Spool entries passed over as unsafe: links, FIFOs, hard links, files of users the service does not trust."
            case .unreadable: "Spooled events this server may not read (the group read bit is missing)."
            case .replayed: "Spooled events this server delivered to the store."
            case .rejected: "Spooled events the store refused for good, moved to the spool's rejected/ folder."
            }
        }
    }

    static var metricFamilies: [(name: String, help: String)] {
        Family.allCases.map { ($0.rawValue, $0.help) }
    }

    func run() async throws {
        var census = EventSpool.Census()
        await repeatUntilShutdown(on: clock) {
            census = await replayOnce(previous: census)
            return interval
        }
    }

    /// One replay; logs passed-over entries when their numbers change from `previous`.
    @discardableResult
    func replayOnce(previous: EventSpool.Census = EventSpool.Census()) async -> EventSpool.Census {
        let replayer = SpoolReplayer(spool: spool, delivery: StoreEventDelivery(store: store))
        let report = await replayer.replay(until: .now + interval / 2)
        replayed.increment(by: report.delivered)
        rejected.increment(by: report.rejected.count)
        let census = spool.census()
        let waiting = census.waiting
        depth.record(waiting)
        unsafe.record(census.unsafe)
        unreadable.record(census.unreadable)
        if (census.unsafe, census.unreadable) != (previous.unsafe, previous.unreadable), census.unsafe > 0 || census.unreadable > 0 {
            logger.warning(
                "spool entries passed over",
                metadata: [
                    "spool": "\(spool.directory)",
                    "unsafe": "\(census.unsafe)",
                    "unreadable": "\(census.unreadable)",
                    "hint":
                        "unsafe entries are links, FIFOs or files of users other than root, this service's and slurm; unreadable ones need the group read bit",
                ]
            )
        }
        if report.delivered > 0 || !report.rejected.isEmpty {
            logger.info(
                "replayed spooled events",
                metadata: [
                    "spool": "\(spool.directory)", "delivered": "\(report.delivered)", "rejected": "\(report.rejected.count)",
                ]
            )
        }
        for rejection in report.rejected {
            logger.warning("spooled event refused and moved to rejected/", metadata: ["event": "\(rejection)"])
        }
        if let reason = report.stoppedBecause, waiting > 0 {
            logger.warning("spool replay stopped", metadata: ["spool": "\(spool.directory)", "reason": "\(reason)"])
        }
        return census
    }
}
