import CoreMetrics
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HookDelivery
import Logging
import ObservabilityCore
import SchedulerHooks
import ServiceLifecycle

/// Replays the events this host's hooks spooled while the store or the server was down: at
/// start, then every interval. Controller-side hooks write to the store directly and spool
/// when it is locked or unreachable; nothing else would ever deliver those events.
struct SpoolReplayService: Service {
    let spool: EventSpool
    let store: any JobStore
    let interval: Duration
    let logger: Logger
    let depth: Gauge
    let replayed: Counter
    let rejected: Counter

    init(spool: EventSpool, store: any JobStore, interval: Duration = .seconds(60), metricsFactory: any MetricsFactory, logger: Logger) {
        self.spool = spool
        self.store = store
        self.interval = interval
        self.logger = logger
        depth = Gauge(label: "hpc_obs_spool_depth", factory: metricsFactory)
        replayed = Counter(label: "hpc_obs_spool_replayed_total", factory: metricsFactory)
        rejected = Counter(label: "hpc_obs_spool_rejected_total", factory: metricsFactory)
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await replayOnce()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func replayOnce() async {
        let replayer = SpoolReplayer(spool: spool, delivery: StoreEventDelivery(store: store))
        let report = await replayer.replay(until: .now + interval / 2)
        replayed.increment(by: report.delivered)
        rejected.increment(by: report.rejected.count)
        let waiting = spool.depth()
        depth.record(waiting)
        if report.delivered > 0 || !report.rejected.isEmpty {
            logger.info("replayed spooled events", metadata: [
                "spool": "\(spool.directory)", "delivered": "\(report.delivered)", "rejected": "\(report.rejected.count)",
            ])
        }
        for rejection in report.rejected {
            logger.warning("spooled event refused and moved to rejected/", metadata: ["event": "\(rejection)"])
        }
        if let reason = report.stoppedBecause, waiting > 0 {
            logger.warning("spool replay stopped", metadata: ["spool": "\(spool.directory)", "reason": "\(reason)"])
        }
    }
}
