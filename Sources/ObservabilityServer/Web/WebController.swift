import Foundation
import HTTPTypes
import Hummingbird
import WebPages

/// The web pages: `/` (overview), `/jobs` (the jobs table), `/jobs/{jobId}` (one job), their
/// script and style under `/ui/`, and the chart library under `/javascript/`.
///
/// Every page is the same document; its script reads the data from `/v1`, so a page shows
/// nothing a script could not fetch. The document and its files need no token even when
/// reads do: they hold no data, and the page asks for the token before it reads.
struct WebController: Sendable {
    let libraries: ScriptLibraries

    /// The paths this controller answers, for the router's table of known paths (405s).
    static let paths = ["/", "/jobs", "/jobs/{jobId}", "/ui/{file}", "/javascript/dygraphs/{file}"]

    func register(on router: Router<BasicRequestContext>) {
        for path in ["/", "/jobs", "/jobs/{jobId}"] {
            router.get(RouterPath(path)) { request, _ in Self.respond(with: WebAssets.page, to: request) }
        }
        router.get("/ui/{file}") { request, context in
            guard let asset = context.parameters.get("file").flatMap({ WebAssets.files[$0] }) else {
                throw APIProblem.notFound("no such file of the pages")
            }
            return Self.respond(with: asset, to: request)
        }
        router.get("/javascript/dygraphs/{file}") { request, context in
            let path = "dygraphs/\(context.parameters.get("file") ?? "")"
            guard ScriptLibraries.served[path] != nil else { throw APIProblem.notFound("no such file of the chart library") }
            guard let asset = libraries.asset(path) else {
                throw APIProblem.notFound(
                    "the chart library is not installed in \(libraries.root)/dygraphs: install Debian's libjs-dygraphs package"
                )
            }
            return Self.respond(with: asset, to: request)
        }
    }

    /// The file, or 304 when the browser holds this version. Browsers revalidate each use
    /// (`no-cache`), so a new server version shows at once.
    static func respond(with asset: WebAsset, to request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: asset.etag,
            .cacheControl: "no-cache",
            .contentSecurityPolicy: WebAssets.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
