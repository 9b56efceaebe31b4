import Foundation
import Hummingbird
import Logging
import ObservabilityCore
import ObservabilityServer
import StorageBackends

/// The server as `hpc-obs-server` builds it, plus `/bench/trivial`: a route that does no work
/// and answers with a fixed body the size of an ingest response. Measuring both in one
/// process gives the framework's ceiling beside the real routes. Not installed; see
/// `bench/api-load.sh`.
@main
struct HTTPBench {
    static func main() async throws {
        let configuration = try ServerConfiguration(environment: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "hpc-obs-httpbench")
        logger.logLevel = .warning
        let store = try await JobStoreFactory.open(configuration.database, logger: logger)
        let router = try buildRouter(store: store, auth: configuration.auth)
        let trivialBody = ByteBuffer(string: #"{"accepted":1,"jobId":"bench"}"#)
        router.post("bench/trivial") { _, _ in
            Response(status: .created, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: trivialBody))
        }
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            logger: logger
        )
        try await application.runService()
        await store.close()
    }
}
