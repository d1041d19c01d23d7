import Foundation
import Testing
@testable import HVNetScenario

/// Reading sweep files: expansion of axes into points, seeds, and errors that name the key path.
@Suite("Sweep files")
struct SweepPlanTests {
    /// Writes `text` as a sweep file in `directory`, next to a copy of the ten-cell scenario; returns its path.
    static func sweepFile(_ text: String, csv: String? = nil, in directory: String) throws -> String {
        let dir = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("scenarios/ten-cell-ei.yaml"),
                                         to: dir.appendingPathComponent("net.yaml"))
        if let csv { try csv.write(to: dir.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8) }
        let path = dir.appendingPathComponent("s.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The plan of the sweep file `text`; its directory is removed once the plan is read (the plan
    /// keeps the texts and the scenario it needs).
    static func plan(_ text: String, csv: String? = nil) throws -> SweepPlan {
        let dir = try makeScratchDirectory("hvnet-sweepplan")
        defer { removeScratch(dir) }
        return try SweepPlan.load(path: sweepFile(text, csv: csv, in: dir))
    }

    static func error(_ text: String, csv: String? = nil) -> String {
        do { _ = try plan(text, csv: csv); return "no error" } catch { return "\(error)" }
    }

    @Test("A grid is every combination, the last axis fastest")
    func grid() throws {
        let p = try Self.plan("""
            scenario: net.yaml
            axes:
              - {key: noise.mean_pA, values: [120, 130]}
              - {key: noise.sd_pA, range: {from: 10, to: 30, step: 10}}
            """)
        #expect(p.keys == ["noise.mean_pA", "noise.sd_pA"])
        #expect(p.points.map(\.values) == [["120", "10"], ["120", "20"], ["120", "30"], ["130", "10"], ["130", "20"], ["130", "30"]])
        #expect(p.points[4].scenario.populations[0].noise?.sdPA == 20)
        #expect(p.points[4].scenario.populations[0].noise?.meanPA == 130)
    }

    @Test("zip advances the axes together")
    func zip() throws {
        let p = try Self.plan("""
            scenario: net.yaml
            mode: zip
            axes:
              - {key: noise.mean_pA, values: [120, 130]}
              - {key: "connections[2].channels_per_contact", values: [50, 70]}
            """)
        #expect(p.points.map(\.values) == [["120", "50"], ["130", "70"]])
        #expect(p.points[1].scenario.connections[2].channelsPerContact == .constant(70))
    }

    @Test("range steps in decimal; linspace, logspace and geomspace follow NumPy")
    func generators() throws {
        let p = try Self.plan("""
            scenario: net.yaml
            mode: zip
            axes:
              - {key: noise.tau_ms, range: {from: 0.1, to: 0.3, step: 0.1}}
              - {key: noise.mean_pA, linspace: [100, 101, 3]}
              - {key: noise.sd_pA, logspace: [0, 2, 3]}
              - {key: noise.shared, geomspace: [0.01, 1, 3]}
            """)
        #expect(p.axisValues[0] == ["0.1", "0.2", "0.3"])
        #expect(p.axisValues[1] == ["100", "100.5", "101"])
        #expect(p.axisValues[2] == ["1", "10", "100"])
        #expect(p.axisValues[3] == ["0.01", "0.1", "1"])
    }

    @Test("set:, trials: and noise: common give every point the scenario's seed and trials")
    func commonNoise() throws {
        let p = try Self.plan("""
            scenario: net.yaml
            set: {duration_ms: 200, seed: 7}
            trials: 3
            axes: [{key: noise.sd_pA, values: [10, 20]}]
            """)
        #expect(p.points.allSatisfy { $0.seed == 7 && $0.scenario.trials == 3 && $0.scenario.durationMs == 200 })
    }

    @Test("noise: independent derives a different seed per point, the same every time")
    func independentNoise() throws {
        let text = """
            scenario: net.yaml
            noise: independent
            axes: [{key: noise.sd_pA, values: [10, 20, 30]}]
            """
        let a = try Self.plan(text), b = try Self.plan(text)
        #expect(Set(a.points.map(\.seed)).count == 3)
        #expect(a.points.map(\.seed) == b.points.map(\.seed))
    }

    @Test("Points from a CSV file, one column per key path")
    func csvPoints() throws {
        let p = try Self.plan("scenario: net.yaml\npoints: points.csv\n", csv: "noise.mean_pA,populations[0].noise.sd_pA\n120,4\n140,6\n")
        #expect(p.keys == ["noise.mean_pA", "populations[0].noise.sd_pA"])
        #expect(p.points.map { $0.scenario.populations[0].noise?.sdPA } == [4, 6])
        #expect(p.points.map { $0.scenario.populations[1].noise?.sdPA } == [20, 20])
    }

    @Test("An unknown key in the sweep file names it and the allowed keys")
    func unknownSweepKey() {
        let text = Self.error("scenario: net.yaml\naxis: []\n")
        #expect(text.contains("unknown key 'axis' at the top level"))
        #expect(text.contains("did you mean 'axes'?"))
    }

    @Test("An axis key path the scenario does not accept names it")
    func unknownKeyPath() {
        let text = Self.error("scenario: net.yaml\naxes: [{key: noise.sd_pa, values: [1, 2]}]\n")
        #expect(text.contains("noise.sd_pa: the scenario format has no key 'sd_pa' in noise"))
        #expect(text.contains("did you mean 'noise.sd_pA'?"))
    }

    @Test("An empty axis names its key path")
    func emptyAxis() {
        #expect(Self.error("scenario: net.yaml\naxes: [{key: noise.sd_pA, values: []}]\n")
            .contains("axes[0].values (line 2): '[]' is not allowed; expected at least one value"))
    }

    @Test("zip axes of unequal length name the odd axis")
    func unequalZip() {
        let text = Self.error("""
            scenario: net.yaml
            mode: zip
            axes: [{key: noise.sd_pA, values: [1, 2]}, {key: noise.mean_pA, values: [1, 2, 3]}]
            """)
        #expect(text.contains("axes[1]"))
        #expect(text.contains("as many values as axes[0] (2)"))
    }

    @Test("A value the scenario rejects names the point and the key path")
    func badValue() {
        let text = Self.error("scenario: net.yaml\naxes: [{key: noise.sd_pA, values: [10, -1]}]\n")
        #expect(text.contains("point 1 (noise.sd_pA=-1)"))
        #expect(text.contains("noise.sd_pA: '-1' is not allowed"))
    }

    @Test("A bad key path in set: is reported as applying to every point")
    func badSet() {
        let text = Self.error("scenario: net.yaml\nset: {duraton_ms: 5}\naxes: [{key: seed, values: [1]}]\n")
        #expect(text.contains("in set: (or trials:, --set), applied to every point: duraton_ms: the scenario format has no key 'duraton_ms'"))
        #expect(text.contains("did you mean 'duration_ms'?"))
    }

    @Test("A missing scenario file is named")
    func missingScenario() {
        #expect(Self.error("scenario: nope.yaml\naxes: [{key: seed, values: [1]}]\n").contains("nope.yaml"))
    }
}
