public import ObservabilityCore

/// Applies events straight to the store: the controller host, next to the server, needs no
/// HTTP round trip.
public struct StoreEventDelivery: EventDelivery {
    let store: any JobStore

    public init(store: any JobStore) {
        self.store = store
    }

    public func deliver(_ bodies: [[UInt8]], timeoutSeconds: Double) async throws(DeliveryError) {
        var events: [LifecycleEvent] = []
        for body in bodies {
            guard let event = EventWireFormat.decode(body) else {
                throw .rejected("a spooled event is not valid JSON of a lifecycle event")
            }
            events.append(event)
        }
        do {
            _ = try await store.apply(events)
        } catch let error as ValidationError {
            throw .rejected(error.description)
        } catch let error as StoreError where error.code == .ambiguous {
            throw .rejected(error.description)
        } catch {
            throw .retryable("the store: \(error)")
        }
    }
}
