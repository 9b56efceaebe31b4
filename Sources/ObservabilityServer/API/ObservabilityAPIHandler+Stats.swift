import ObservabilityAPI
import ObservabilityCore

extension ObservabilityAPIHandler {
    func getStats(_ input: Operations.GetStats.Input) async throws -> Operations.GetStats.Output {
        let query = input.query
        let top = query.top.map { Int(clamping: $0) } ?? 10
        let window = try APIProblem.parsingQuery { () throws(ValidationError) in
            guard (1...1_000).contains(top) else {
                throw ValidationError(.outOfRange, field: "top", "must be between 1 and 1000, got \(top)")
            }
            return try StatisticsWindow(since: query.since, until: query.until, now: now())
        }
        let statistics = try await store.statistics(over: window)
        return .ok(.init(body: .json(Components.Schemas.Stats(statistics, top: top))))
    }
}
