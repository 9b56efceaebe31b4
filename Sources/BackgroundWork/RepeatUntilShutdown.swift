public import ServiceLifecycle

/// Runs `cycle` again and again, sleeping on `clock` for the pause each cycle returns, until
/// the task is cancelled or its service group shuts down gracefully.
///
/// The server's background services (the Slurm poller, the collector, the spool replay,
/// retention) all work this way. A sleep ends early on graceful shutdown, so SIGTERM never
/// waits out an interval; a cycle already running is let finish, so a shutdown never leaves
/// half a poll applied. The pause comes from the cycle rather than a fixed timer because the
/// poller and the node agent back off after failures, and a tick that fired while a long
/// cycle ran would only start the next one at once. Tests pass a manual clock.
public func repeatUntilShutdown(on clock: any Clock<Duration>, _ cycle: () async -> Duration) async {
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        let pause = await cycle()
        if Task.isCancelled || Task.isShuttingDownGracefully { return }
        try? await cancelWhenGracefulShutdown { try await clock.sleep(for: pause) }
    }
}
