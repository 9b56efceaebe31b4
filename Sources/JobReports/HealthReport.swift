public import ObservabilityAPI

/// `hpc-obs health`: one line that says whether the service and its store answer.
public struct HealthReport: Sendable {
    public var health: Components.Schemas.Health
    public var url: String

    public init(health: Components.Schemas.Health, url: String) {
        self.health = health
        self.url = url
    }

    public var isHealthy: Bool { health.status == .ok }

    public func render(style: TerminalStyle) -> String {
        let status = isHealthy ? style.paint("ok", .green) : style.paint("unavailable", .red)
        var line = "\(status): hpc-obs-server \(Printable.text(health.version)) at \(url), store \(health.store.rawValue)"
        if let detail = health.detail { line += " (\(Printable.text(detail)))" }
        if health.readTokenRequired == true { line += ", reads need a token" }
        if let poller = health.poller, poller != .off { line += ", Slurm poller \(poller.rawValue)" }
        return line + "\n"
    }
}
