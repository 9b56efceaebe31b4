import Foundation
import ObservabilityCore
import Testing

@Suite("Statistics for an overview")
struct ClusterStatisticsTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    func use(_ name: String, cpu: Double, gpu: Double = 0, idle: Double = 0) -> ResourceUse {
        ResourceUse(name: name, jobs: 1, cpuHours: cpu, gpuHours: gpu, idleGPUHours: idle)
    }

    @Test func leadersAreTheTopOfEachFigureOnceOrderedByCPUHours() {
        let all = [
            use("a", cpu: 100), use("b", cpu: 90), use("c", cpu: 80), use("gpu-heavy", cpu: 1, gpu: 50, idle: 1),
            use("idler", cpu: 2, gpu: 10, idle: 9), use("d", cpu: 70),
        ]
        let leaders = ResourceUse.leaders(of: all, top: 2)
        #expect(leaders.map(\.name) == ["a", "b", "idler", "gpu-heavy"])
        // Nobody without GPU-hours ranks by them, so a small top does not fill with zeros.
        #expect(ResourceUse.leaders(of: [use("x", cpu: 1), use("y", cpu: 2)], top: 1).map(\.name) == ["y"])
        #expect(ResourceUse.leaders(of: all, top: 100).count == all.count)
        #expect(ResourceUse.leaders(of: [], top: 3).isEmpty)
    }

    @Test func tiesRankByName() {
        let leaders = ResourceUse.leaders(of: [use("zoe", cpu: 5), use("amy", cpu: 5), use("bea", cpu: 5)], top: 2)
        #expect(leaders.map(\.name) == ["amy", "bea"])
    }

    @Test func theWindowDefaultsToTheLastDayAndMustBeOneWayRound() throws {
        let day = try StatisticsWindow(now: now)
        #expect(day.until == now && day.since == now.addingTimeInterval(-86_400))
        let lastWeekUntil = try StatisticsWindow(until: now.addingTimeInterval(-3_600), now: now)
        #expect(lastWeekUntil.since == now.addingTimeInterval(-3_600 - 86_400))
        let backwards = #expect(throws: ValidationError.self) { try StatisticsWindow(since: now, until: now, now: now) }
        #expect(backwards?.field == "since")
        let ancient = #expect(throws: ValidationError.self) {
            try StatisticsWindow(since: Date(timeIntervalSince1970: -10), until: now, now: now)
        }
        #expect(ancient?.field == "since")
        let future = #expect(throws: ValidationError.self) {
            try StatisticsWindow(until: Date(timeIntervalSince1970: 9_000_000_000), now: now)
        }
        #expect(future?.field == "until")
    }
}
