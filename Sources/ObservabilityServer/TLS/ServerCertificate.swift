import Logging
import NIOCore
import NIOSSL
import ObservabilityCore
import Synchronization

/// The server's certificate chain and key, read from `TLS_CERT_FILE` and `TLS_KEY_FILE` at
/// start and again on SIGHUP, so a renewed certificate takes effect without a restart.
///
/// Every handshake takes the pair current at that moment (swift-nio-ssl's context callback):
/// connections already open keep the one they started with. A reload that fails (a file half
/// written, a key that does not match) keeps the pair in use and says why.
final class ServerCertificate: Sendable {
    let files: ServerConfiguration.TLSFiles
    private let current: Mutex<Pair>

    struct Pair: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    init(files: ServerConfiguration.TLSFiles) throws(ConfigurationError) {
        self.files = files
        current = Mutex(try Self.load(files))
    }

    /// TLS 1.2 or later with the certificate current at each handshake.
    var tlsConfiguration: TLSConfiguration {
        let pair = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) },
            privateKey: .privateKey(pair.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }

    /// Reads the files again; on failure the pair in use stays.
    func reload() throws(ConfigurationError) {
        let pair = try Self.load(files)
        current.withLock { $0 = pair }
    }

    /// The chain and key, checked to belong together by building a context from them.
    static func load(_ files: ServerConfiguration.TLSFiles) throws(ConfigurationError) -> Pair {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateFile)
        } catch {
            throw ConfigurationError(variable: "TLS_CERT_FILE", value: files.certificateFile, accepted: "a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else {
            throw ConfigurationError(variable: "TLS_CERT_FILE", value: files.certificateFile, accepted: "a PEM file holding at least one certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyFile, format: .pem)
        } catch {
            throw ConfigurationError(variable: "TLS_KEY_FILE", value: files.keyFile, accepted: "a readable PEM private key (\(error))")
        }
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            )
        } catch {
            throw ConfigurationError(
                variable: "TLS_KEY_FILE",
                value: files.keyFile,
                accepted: "the private key of the first certificate in TLS_CERT_FILE=\(files.certificateFile) (\(error))"
            )
        }
        return Pair(chain: chain, key: key)
    }
}
