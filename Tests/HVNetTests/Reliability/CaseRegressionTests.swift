import Foundation
import Testing
@testable import HVNetAnalysis
@testable import HVNetOutput
@testable import HVNetScenario

/// An input of Tests/HVNetTests/Resources/cases (scenarios/ or spikes/).
func caseFile(_ path: String) -> String {
    let base = Bundle.module.resourceURL!
    let direct = base.appendingPathComponent("cases/\(path)")
    return FileManager.default.fileExists(atPath: direct.path) ? direct.path : base.appendingPathComponent("Resources/cases/\(path)").path
}

func scenarioError(_ body: () throws -> Void) -> ScenarioError? {
    do { try body(); return nil } catch let e as ScenarioError { return e } catch { return nil }
}

/// Each input of the cases folder that once crashed, hung or was accepted, with its right behaviour.
@Suite("Malformed inputs: each case gets its documented behaviour")
struct CaseRegressionTests {
    @Test("duration_ms: 1e300 is refused at load, naming duration_ms and the step count")
    func hugeDuration() {
        let e = scenarioError { _ = try ScenarioLoader.load(path: caseFile("scenarios/duration-1e300.yaml")) }
        guard case .invalidValue(let path, _, let expected, _)? = e else { Issue.record("no scenario error: \(String(describing: e))"); return }
        #expect(path == "duration_ms")
        #expect(expected.contains("steps"))
    }

    @Test("A YAML alias bomb is refused at once, with a short message", .timeLimit(.minutes(1)))
    func aliasBomb() {
        let start = Date()
        let e = scenarioError { _ = try ScenarioLoader.load(path: caseFile("scenarios/yaml-alias-bomb.yaml")) }
        guard case .tooLarge? = e else { Issue.record("expected tooLarge, got \(String(describing: e))"); return }
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(e!.description.count < 400)
    }

    @Test("A 1e-6 ms trace interval is refused by the estimate, naming recording.interval_ms")
    func traceInterval() throws {
        let s = try ScenarioLoader.load(path: caseFile("scenarios/trace-interval-1e-6.yaml"))
        let estimate = ResourceEstimate(s)
        #expect(estimate.traceBytes > 1e11)
        let lines = estimate.exceeded()
        #expect(lines.count == 1 && lines[0].contains("recording.interval_ms"))
        #expect(throws: ResourceError.self) { try estimate.enforce() }
    }

    @Test("dt_ms: 1/2/32 is refused: a fraction has one slash")
    func nestedFraction() {
        let e = scenarioError { _ = try ScenarioLoader.load(path: caseFile("scenarios/nested-fraction.yaml")) }
        guard case .invalidValue(let path, let value, _, _)? = e else { Issue.record("no error"); return }
        #expect(path == "solver.dt_ms" && value == "1/2/32")
    }

    @Test("A small world on one cell is refused (k must be less than the population size)")
    func smallWorldOneCell() {
        let e = scenarioError { _ = try ScenarioLoader.load(path: caseFile("scenarios/small-world-one-cell.yaml")) }
        guard case .invalidValue(let path, _, let expected, _)? = e else { Issue.record("no error"); return }
        #expect(path == "connections[0].k")
        #expect(expected.contains("less than the population size"))
    }

    @Test("Zero tolerances are refused at load with the key path (validate and run share the check)")
    func zeroTolerances() {
        let e = scenarioError { _ = try ScenarioLoader.load(path: caseFile("scenarios/zero-tolerances.yaml")) }
        guard case .invalidValue(let path, _, _, _)? = e else { Issue.record("no error"); return }
        #expect(path == "solver.rtol")
    }

    @Test("A name with slashes gives a sanitised default directory inside runs/, unique within one second")
    func nameWithSlashes() throws {
        let s = try ScenarioLoader.load(path: caseFile("scenarios/name-with-slashes.yaml"))
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("hvnet-names-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let date = Date()
        let a = try RunDirectory.createUnique(parent: parent, name: s.name, date: date)
        let b = try RunDirectory.createUnique(parent: parent, name: s.name, date: date)
        #expect(a != b)
        for path in [a, b] {
            #expect((path as NSString).deletingLastPathComponent == parent)
            let name = (path as NSString).lastPathComponent
            #expect(!name.hasPrefix("."))
            #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        }
    }

    @Test("Victor–Purpura at q = ∞ frees only exact coincidences")
    func victorPurpuraInfinity() throws {
        let file = try SpikeFile.read(path: caseFile("spikes/victor-purpura-q-inf.csv"), options: .init())
        let trains = try file.trains(startMs: 0, stopMs: 100)[0]
        let d = (0..<3).map { i in (0..<3).map { j in SpikeTrainDistances.victorPurpura(trains.trains[i], trains.trains[j], costPerMs: .infinity) } }
        #expect(d == [[0, 0, 3], [0, 0, 3], [3, 3, 0]])
    }

    @Test("Correlogram lags as long as the recording are an error naming --cch-window-bins")
    func correlogramTooLong() throws {
        let file = try SpikeFile.read(path: caseFile("spikes/cch-window-longer-than-recording.csv"), options: .init())
        var p = AnalysisParameters()
        p.cchWindowBins = 12
        let estimate = AnalysisEstimate(
            cells: max(file.cellIds.count, 1), trials: 1, spikes: file.rows.count, startMs: 0, stopMs: 10, parameters: p, measures: [.cch])
        let lines = estimate.undefined()
        #expect(lines.count == 1 && lines[0].contains("--cch-window-bins 12") && lines[0].contains("at most 9"))
    }

    @Test("A cell index of 2^63 − 1 is an error naming the line")
    func hugeCellIndex() {
        #expect(throws: SpikeFileError.self) { _ = try SpikeFile.read(path: caseFile("spikes/cell-index-int-max.csv"), options: .init()) }
        do { _ = try SpikeFile.read(path: caseFile("spikes/cell-index-int-max.csv"), options: .init()) } catch {
            #expect("\(error)".contains("line 3"))
        }
    }
}
