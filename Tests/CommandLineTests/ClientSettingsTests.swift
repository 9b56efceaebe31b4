import Foundation
import Testing

@testable import ServiceClient

@Suite struct ClientSettingsTests {
    @Test func theCommandLineWinsOverTheEnvironmentWhichWinsOverTheFile() throws {
        let file = ["HPC_OBS_URL": "http://file:8080", "HPC_OBS_TOKEN_FILE": "/etc/hpc-obs/token"]
        let fromFile = try ClientSettings.resolve(file: file, environment: [:], urlOverride: nil)
        #expect(fromFile == ClientSettings(url: "http://file:8080", tokenFile: "/etc/hpc-obs/token"))
        let fromEnvironment = try ClientSettings.resolve(file: file, environment: ["HPC_OBS_URL": "https://env:443/"], urlOverride: nil)
        #expect(fromEnvironment.url == "https://env:443")
        let fromOption = try ClientSettings.resolve(file: file, environment: ["HPC_OBS_URL": "https://env"], urlOverride: "http://cli:1")
        #expect(fromOption.url == "http://cli:1")
    }

    @Test func noURLOrABadOneSaysHowToSetOne() {
        #expect(throws: ClientSettingsError.noURL) { try ClientSettings.resolve(file: [:], environment: ["HPC_OBS_URL": ""], urlOverride: nil) }
        for bad in [
            "obs:8080", "ftp://obs", "http://", "http://:80", "http://obs:0", "http://obs:99999", "http://u:p@obs", "http://obs/?q", "http://o bs",
        ] {
            #expect(throws: ClientSettingsError.badURL(bad)) { try ClientSettings.resolve(file: [:], environment: [:], urlOverride: bad) }
        }
        #expect(ClientSettingsError.noURL.description.contains("HPC_OBS_URL"))
    }

    @Test func timeExpressions() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let utc = TimeZone(identifier: "UTC")!
        #expect(TimeExpression.parse("now", now: now, timeZone: utc) == now)
        #expect(TimeExpression.parse("90m", now: now, timeZone: utc) == now.addingTimeInterval(-5_400))
        #expect(TimeExpression.parse("7d", now: now, timeZone: utc) == now.addingTimeInterval(-604_800))
        #expect(TimeExpression.parse("2026-12-01", now: now, timeZone: utc) == Date(timeIntervalSince1970: 1_796_083_200))
        #expect(TimeExpression.parse("2026-12-01T08:00:00Z", now: now, timeZone: utc) == Date(timeIntervalSince1970: 1_796_112_000))
        for bad in ["", "d", "-5d", "5y", "99999999999d", "2026-02-30", "2026-13-01", "300000-01-01T00:00:00Z", "yesterday"] {
            #expect(TimeExpression.parse(bad, now: now, timeZone: utc) == nil, "\(bad)")
        }
    }

    @Test func theServersDateHeaderIsRead() {
        #expect(ServerDateRecorder.httpDate("Wed, 02 Dec 2026 12:00:00 GMT") == Date(timeIntervalSince1970: 1_796_212_800))
        #expect(ServerDateRecorder.httpDate("yesterday") == nil)
    }
}
