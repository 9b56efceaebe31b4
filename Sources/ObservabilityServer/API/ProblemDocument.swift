/// The JSON body of a problem response, `Problem` in `openapi.yaml`.
struct ProblemDocument: Codable, Sendable, Equatable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var field: String?
}
