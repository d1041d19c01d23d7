import Foundation
import Testing
@testable import HVNetScenario

@Suite("Scenario files: validation and errors")
struct ScenarioErrorTests {
    static let valid = """
        duration_ms: 40
        solver: {method: rk4, dt_ms: 1/70}
        populations:
          - name: cell
            initial: {v_mV: -30, w: 0.001}
        """

    func error(_ text: String) -> ScenarioError? {
        do { _ = try ScenarioLoader.parse(text); return nil } catch let e as ScenarioError { return e } catch { return nil }
    }

    @Test("A step too small for the duration is refused by the step's key path, with the duration in the message")
    func stepTooSmallForDuration() {
        let dt = error(Self.valid.replacingOccurrences(of: "dt_ms: 1/70", with: "dt_ms: 1e-300"))
        guard case .invalidValue(let path, let value, let expected, _)? = dt else {
            Issue.record("expected an invalid value, got \(String(describing: dt))")
            return
        }
        #expect(path == "solver.dt_ms" && value == "1e-300")
        #expect(expected.contains("duration_ms 40") && expected.contains("2^53"))
        let hmax = error(Self.valid.replacingOccurrences(of: "{method: rk4, dt_ms: 1/70}", with: "{method: rkf45, hmax_ms: 1e-300}"))
        guard case .invalidValue(let hmaxPath, _, _, _)? = hmax else {
            Issue.record("expected an invalid value, got \(String(describing: hmax))")
            return
        }
        #expect(hmaxPath == "solver.hmax_ms")
        // The duration named when it is the unusual one: far too short for the step, far too long
        // for the trace interval of an adaptive method.
        let short = error(Self.valid.replacingOccurrences(of: "duration_ms: 40", with: "duration_ms: 1e-300"))
        guard case .invalidValue(let shortPath, _, _, _)? = short else {
            Issue.record("expected an invalid value, got \(String(describing: short))")
            return
        }
        #expect(shortPath == "duration_ms")
        let long = error(
            Self.valid.replacingOccurrences(of: "duration_ms: 40", with: "duration_ms: 1e300")
                .replacingOccurrences(of: "{method: rk4, dt_ms: 1/70}", with: "{method: rkf45}"))
        guard case .invalidValue(let longPath, _, _, _)? = long else {
            Issue.record("expected an invalid value, got \(String(describing: long))")
            return
        }
        #expect(longPath == "duration_ms")
        let interval = error(Self.valid + "\nrecording: {interval_ms: 1e-300}")
        guard case .invalidValue(let intervalPath, _, _, _)? = interval else {
            Issue.record("expected an invalid value, got \(String(describing: interval))")
            return
        }
        #expect(intervalPath == "recording.interval_ms")
    }

    @Test("A directory or a device given as the scenario file is named as such, not as a missing permission")
    func notARegularFile() throws {
        let directory = NSTemporaryDirectory() + "hvnet-scenario-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (path, what) in [(directory, "it is a directory"), ("/dev/null", "it is not a regular file")] {
            do {
                _ = try ScenarioDocument.read(path: path)
                Issue.record("\(path) was read")
            } catch let error as ScenarioError {
                guard case .unreadable(let reported, let reason) = error else {
                    Issue.record("expected unreadable, got \(error)")
                    continue
                }
                #expect(reported == path && reason.hasPrefix(what))
            }
        }
    }

    @Test("A minimal scenario parses, with fractions for dt")
    func minimal() throws {
        let s = try ScenarioLoader.parse(Self.valid)
        #expect(s.solver.dtMs == 1.0 / 70 && s.solver.method.name == "rk4")
        #expect(s.cellCount == 1)
        #expect(s.populations[0].initial == .explicit(potentialMV: [-30], w: [0.001]))
    }

    @Test("A misspelt key is rejected with its path, the allowed keys and a suggestion")
    func misspeltKey() {
        let e = error(Self.valid.replacingOccurrences(of: "initial:", with: "intial:"))
        #expect(e == .unknownKey(path: "populations[0]", key: "intial", allowed: ["name", "size", "parameters", "initial", "noise"]))
        #expect(e?.description.contains("did you mean 'initial'?") == true)
        let top = error(Self.valid.replacingOccurrences(of: "duration_ms", with: "duration"))
        #expect(top?.description.contains("unknown key 'duration' at the top level") == true)
    }

    @Test("w0 ≤ 0 is rejected: w = 0 is invariant", arguments: ["0", "-0.1"])
    func nonPositiveW(_ w: String) {
        let e = error(Self.valid.replacingOccurrences(of: "w: 0.001", with: "w: \(w)"))
        guard case .invalidValue(let path, let value, let expected, _)? = e else {
            Issue.record("expected an invalid value, got \(String(describing: e))")
            return
        }
        #expect(path == "populations[0].initial.w")
        #expect(value == w)
        #expect(expected.contains("invariant"))
    }

    @Test("A string where a number belongs names the path and the value")
    func stringForNumber() {
        let e = error(Self.valid.replacingOccurrences(of: "v_mV: -30", with: "v_mV: minus thirty"))
        #expect(e?.description.hasPrefix("populations[0].initial.v_mV (line 5): 'minus thirty' is not allowed") == true)
    }

    @Test("A missing file, an empty file and broken YAML are clear errors")
    func unreadable() {
        #expect(throws: ScenarioError.fileNotFound(path: "/nonexistent/x.yaml")) { try ScenarioLoader.load(path: "/nonexistent/x.yaml") }
        #expect(error("") == .syntax(message: "the file is empty"))
        if case .syntax? = error("duration_ms: [1, 2") {} else { Issue.record("broken YAML must be a syntax error") }
    }

    @Test("Missing required keys and wrong shapes are named")
    func missingAndShapes() {
        #expect(error("solver: {dt_ms: 0.1}\npopulations: [{name: a}]")?.description.hasPrefix("missing key duration_ms") == true)
        let badMatrix = Self.valid + """

            connections:
              - {receptor: AMPA, from: cell, to: cell, matrix: [[0, 1]], channels_per_contact: 10}
            """
        #expect(error(badMatrix)?.description.contains("1 rows (cells of cell) of 1 non-negative numbers") == true)
        let badMethod = Self.valid.replacingOccurrences(of: "method: rk4", with: "method: rk5")
        #expect(error(badMethod)?.description.contains("expected one of euler, heun, rk4, rk2, rk4-gsl, rkf45") == true)
        let badReceptor = Self.valid + """

            stimuli:
              - {type: pulse, receptor: NMDA, cells: [0], windows_ms: [[1, 2]]}
            """
        #expect(error(badReceptor)?.description.contains("stimuli[0].receptor") == true)
        let badWindow = Self.valid + """

            stimuli:
              - {type: pulse, receptor: AMPA, cells: [0], windows_ms: [[3, 2]]}
            """
        #expect(error(badWindow)?.description.contains("a stop time after the start") == true)
        let badCell = Self.valid + """

            stimuli:
              - {type: current_step, amplitude_pA: 50, cells: [3], windows_ms: [[1, 2]]}
            """
        #expect(error(badCell)?.description.contains("a cell index from 0 to 0") == true)
    }

    @Test("JSON is accepted")
    func json() throws {
        let s = try ScenarioLoader.parse("""
            {"duration_ms": 5, "solver": {"dt_ms": 0.01}, "populations": [{"name": "a", "size": 2, "initial": "rest"}]}
            """)
        #expect(s.cellCount == 2)
        let y = try s.initialState()
        #expect(abs(y[0] * 26.7 - -69.9225) < 1e-4)
    }

    @Test("Every shipped scenario validates")
    func shippedScenariosValidate() throws {
        let dir = repositoryRoot.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let s = try ScenarioLoader.load(path: dir.appendingPathComponent(file).path)
            _ = try s.initialState()
        }
    }
}
