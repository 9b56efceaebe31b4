import EventTransport
import LocalFiles
import ObservabilityCore
import SchedulerHooks

/// Where `hpc-obs` finds the service, read as the hooks read it: `HPC_OBS_URL`,
/// `HPC_OBS_TOKEN_FILE` and `HPC_OBS_CA_FILE` from the settings file (`HPC_OBS_CONFIG`, else
/// `/etc/hpc-obs/hpc-obs.conf`), overridden by the environment, and the URL by `--url`.
public struct ClientSettings: Sendable, Hashable {
    /// The service's base URL, without a trailing slash: `https://obs.example.org:8080`; the
    /// first of `urls`.
    public var url: String { urls[0] }
    /// Every address `HPC_OBS_URL` lists (replicas of one service), tried in order.
    public var urls: [String]
    public var tokenFile: String?
    public var caFile: String?

    public init(url: String, tokenFile: String? = nil, caFile: String? = nil) {
        self.init(urls: [url], tokenFile: tokenFile, caFile: caFile)
    }

    /// - Precondition: `urls` is not empty.
    public init(urls: [String], tokenFile: String? = nil, caFile: String? = nil) {
        precondition(!urls.isEmpty, "a service needs an address")
        self.urls = urls
        self.tokenFile = tokenFile
        self.caFile = caFile
    }

    /// The settings from the file's values, the environment's and the command line's, in
    /// rising precedence.
    public static func resolve(
        file: [String: String],
        environment: [String: String],
        urlOverride: String?
    ) throws(ClientSettingsError) -> ClientSettings {
        func value(_ key: String) -> String? {
            (environment[key] ?? file[key]).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let text = urlOverride ?? value("HPC_OBS_URL") else { throw .noURL }
        var urls: [String] = []
        for url in ServiceURLs.split(text) {
            guard let checked = Self.checkedURL(url) else { throw .badURL(url) }
            urls.append(checked)
        }
        guard !urls.isEmpty else { throw .badURL(text) }
        return ClientSettings(urls: urls, tokenFile: value("HPC_OBS_TOKEN_FILE"), caFile: value("HPC_OBS_CA_FILE"))
    }

    /// `http://` or `https://`, a host, an optional port and path; no query, fragment or
    /// credentials. Trailing slashes are dropped so paths join without doubling them.
    static func checkedURL(_ text: String) -> String? {
        var rest: Substring
        if text.hasPrefix("http://") {
            rest = text.dropFirst("http://".count)
        } else if text.hasPrefix("https://") {
            rest = text.dropFirst("https://".count)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.hasPrefix(":"),
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            !text.contains("?"), !text.contains("#"), !authority.contains("@")
        else { return nil }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        }
        rest = Substring(text)
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        return String(rest)
    }

    /// The settings file's values, and what was wrong with it; an absent file is no problem
    /// (a user's environment may hold everything), an unreadable named one is.
    public static func readSettingsFile(environment: [String: String]) -> (values: [String: String], problems: [String]) {
        let path = environment[SettingsFile.pathVariable] ?? SettingsFile.defaultPath
        guard let bytes = FileBytes.read(path) else {
            return ([:], environment[SettingsFile.pathVariable] == nil ? [] : ["cannot read HPC_OBS_CONFIG=\(path)"])
        }
        let parsed = SettingsFileParser.parse(String(decoding: bytes, as: UTF8.self))
        return (parsed.values, parsed.problems.map { "\(path) \($0)" })
    }
}

/// Why there is no service to talk to.
public enum ClientSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    case noURL
    case badURL(String)

    public var description: String {
        switch self {
        case .noURL:
            "no service URL: pass --url http://HOST:8080, set HPC_OBS_URL, or put HPC_OBS_URL=... in \(SettingsFile.defaultPath)"
        case .badURL(let url):
            "'\(url.prefix(200))' is not a service URL such as http://obs.example.org:8080 (http or https, a host, an optional port)"
        }
    }
}
