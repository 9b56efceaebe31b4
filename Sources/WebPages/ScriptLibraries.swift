import LocalFiles
import Synchronization

/// The chart library, served from Debian's `libjs-*` packages as Debian's JavaScript policy
/// asks (`/usr/share/javascript`, at `/javascript/` on the web), never from a CDN.
///
/// Only the files named here are served, so no path in a request reaches the file system.
/// Each is read once, when first asked for, and kept; a file that is missing is looked for
/// again on the next request, so installing the package later needs no restart.
public final class ScriptLibraries: Sendable {
    /// `dygraphs/…` paths under the root, with their types.
    public static let served: [String: String] = [
        "dygraphs/dygraph.min.js": "text/javascript; charset=utf-8",
        "dygraphs/dygraph.min.css": "text/css; charset=utf-8",
    ]

    /// Debian's place for JavaScript libraries.
    public static let defaultRoot = "/usr/share/javascript"

    public let root: String
    private let loaded = Mutex<[String: WebAsset]>([:])

    public init(root: String = ScriptLibraries.defaultRoot) {
        self.root = root
    }

    /// The file at `path` (`dygraphs/dygraph.min.js`), or nil when it is not one of
    /// ``served`` or cannot be read.
    public func asset(_ path: String) -> WebAsset? {
        guard let contentType = Self.served[path] else { return nil }
        if let asset = loaded.withLock({ $0[path] }) { return asset }
        guard let bytes = FileBytes.read("\(root)/\(path)", limit: 4 << 20) else { return nil }
        let asset = WebAsset(bytes: bytes, contentType: contentType)
        loaded.withLock { $0[path] = asset }
        return asset
    }
}
