import ObservabilityAPI
import ObservabilityCore

extension ObservabilityAPIHandler {
    func postEvents(_ input: Operations.PostEvents.Input) async throws -> Operations.PostEvents.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedMediaType }
        let bodies: [Components.Schemas.LifecycleEvent]
        switch body {
        case .LifecycleEvent(let single):
            bodies = [single]
        case .case2(let batch):
            bodies = try APIProblem.batch(batch, max: 10_000, noun: "event")
        }
        var events: [LifecycleEvent] = []
        events.reserveCapacity(bodies.count)
        for (index, eventBody) in bodies.enumerated() {
            events.append(
                try ValidationError.naming(index, of: bodies.count) { () throws(ValidationError) in
                    try LifecycleEvent(eventBody)
                }
            )
        }
        let outcomes = try await store.apply(events)
        let results = zip(events, outcomes).map { event, outcome in
            Components.Schemas.EventResult(outcome, eventID: event.id)
        }
        for result in results { metrics.recordEvent(outcome: result.outcome.rawValue) }
        return .ok(.init(body: .json(.init(results: results))))
    }
}
