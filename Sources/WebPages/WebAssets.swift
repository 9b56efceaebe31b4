/// One file a page needs, with what a browser needs to cache it.
public struct WebAsset: Sendable {
    public let bytes: [UInt8]
    public let contentType: String
    /// A strong validator: the same bytes always have the same tag.
    public let etag: String

    public init(bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
        etag = "\"\(String(Self.fingerprint(bytes), radix: 16))\""
    }

    /// FNV-1a, 64 bits: a cache validator, not a security boundary.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// The pages' own files, compiled into the binary (SwiftPM embeds `Assets/`), so the server
/// serves the pages it was built with and a package holds nothing to get out of step.
public enum WebAssets {
    /// Every page is this one document; its script draws the page the path names.
    public static let page = WebAsset(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8")

    /// `/ui/<name>`.
    public static let files: [String: WebAsset] = [
        "app.js": WebAsset(bytes: PackageResources.app_js, contentType: "text/javascript; charset=utf-8"),
        "app.css": WebAsset(bytes: PackageResources.app_css, contentType: "text/css; charset=utf-8"),
    ]

    /// What the pages may load and do: only this server's own scripts, styles and API, no
    /// inline script (so a value that slipped into markup cannot run), no framing. Inline
    /// styles are allowed because the chart library positions its legend with them.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}
