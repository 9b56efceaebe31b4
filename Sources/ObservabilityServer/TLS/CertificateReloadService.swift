import Logging
import ObservabilityCore
import ServiceLifecycle
import UnixSignals

/// Reads the server's certificate and key again on each SIGHUP (what `systemctl reload` and
/// certbot's deploy hooks send).
struct CertificateReloadService: Service {
    let certificate: ServerCertificate
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            do throws(ConfigurationError) {
                try certificate.reload()
                logger.notice("reloaded the TLS certificate", metadata: ["file": "\(certificate.files.certificateFile)"])
            } catch {
                logger.error("kept the TLS certificate in use: the new one cannot be used", metadata: ["error": "\(error)"])
            }
        }
    }
}
