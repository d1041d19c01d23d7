import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetScenario
@testable import HVNetSolvers
@testable import Numerics

/// Findings of a hostile-input review: each bad input gets an error that names the key path and
/// what to change, and nothing from a file reaches the terminal as a control sequence.
@Suite("Robustness: key paths and printable names")
struct RobustnessFixTests {
    static func error(_ text: String, initial: Bool = false) -> String {
        do {
            let s = try ScenarioLoader.parse(text)
            if initial { _ = try s.initialState() }
            return "no error"
        } catch { return "\(error)" }
    }

    /// κ = 0 at rest: w relaxes at R_w (hundreds per ms), beyond RK4's stability at dt = 1/32 ms
    /// (the run used to validate and then diverge within 0.2 ms).
    @Test("A KaD exponent near 0 with a fixed step too long for its resting state is refused, naming dt and the exponent")
    func exponentStiffness() throws {
        for exponent in ["0", "1e-12"] {
            let message = Self.error("""
                duration_ms: 50
                solver: {method: rk4, dt_ms: 1/32}
                parameters: {KaD: {exponent: \(exponent)}}
                populations: [{name: p, size: 1}]
                """)
            #expect(message.contains("solver.dt_ms") && message.contains("KaD.exponent") && message.contains("populations[0]"), "\(message)")
        }
        // The same cell with an adaptive method, and the default exponent with the same step, are fine.
        #expect(Self.error("""
            duration_ms: 50
            solver: {method: rkf45}
            parameters: {KaD: {exponent: 0}}
            populations: [{name: p, size: 1}]
            """) == "no error")
        #expect(Self.error("""
            duration_ms: 50
            solver: {method: rk4, dt_ms: 1/32}
            populations: [{name: p, size: 1}]
            """) == "no error")
    }

    @Test("The fastest rate at rest is |∂ẇ/∂w| = R_w at κ = 0 and far slower at κ = 1")
    func fastestRate() throws {
        var p = CellParameters()
        let slow = p.normalized()
        p.kadExponent = 0
        let fast = p.normalized()
        let rest = try slow.restingState()
        #expect(try fast.restingState().potentialMV == rest.potentialMV)
        #expect(fast.fastestRate(at: rest) > 100 * slow.fastestRate(at: rest))
        let y = rest.potentialMV / fast.thermalPotentialMV
        #expect(fast.fastestRate(at: rest) >= 0.9 * fast.gating.potassiumRate(y))
    }

    @Test("No stable resting state: the error names populations[k].initial, the population and what to change")
    func noRestingState() {
        let message = Self.error("""
            duration_ms: 1
            solver: {method: rk4, dt_ms: 1/32}
            parameters: {NaT: {reversal_mV: 150}, KaD: {units: 0}, NaKa: {units: 0}}
            populations: [{name: ok, size: 1, initial: {v_mV: -60, w: 0.1}}, {name: depolarised, size: 2}]
            """, initial: true)
        #expect(message.contains("populations[1].initial") && message.contains("depolarised")
                && message.contains("v_mV") && message.contains("parameters"), "\(message)")
    }

    @Test("A sweep axis with two sources of values says that exactly one is allowed and names them")
    func sweepAxisTwoSources() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hvnet-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("scenarios/ten-cell-ei.yaml"),
                                         to: dir.appendingPathComponent("net.yaml"))
        let path = dir.appendingPathComponent("s.yaml").path
        try """
            scenario: net.yaml
            axes:
              - {key: noise.mean_pA, values: [120, 130], range: {from: 1, to: 2, step: 1}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SweepPlan.load(path: path)
            Issue.record("accepted two sources")
        } catch {
            let message = "\(error)"
            #expect(message.contains("axes[0]") && message.contains("exactly one") && message.contains("values")
                    && message.contains("range") && !message.contains("missing"), "\(message)")
        }
    }

    @Test("A cell listed twice in recording.cells is refused with the key path of the repeat")
    func duplicateRecordingCells() {
        let message = Self.error("""
            duration_ms: 10
            solver: {method: rk4, dt_ms: 1/32}
            populations: [{name: p, size: 4}]
            recording: {cells: [1, 3, 1]}
            """)
        #expect(message.contains("recording.cells[2]") && message.contains("recording.cells[0]"), "\(message)")
        #expect(Self.error("""
            duration_ms: 10
            solver: {method: rk4, dt_ms: 1/32}
            populations: [{name: p, size: 4}]
            recording: {cells: [3, 1]}
            """) == "no error")
    }

    /// τ² and σ² enter the exact OU transition: τ = 1e155 ms or a subnormal τ used to pass the
    /// checks and make every run "diverge" at its first step, naming a cell instead of the key.
    @Test("A noise τ or SD whose OU transition is not finite is refused, naming noise.tau_ms or noise.sd_pA",
          arguments: [("tau_ms: 1e155", "noise.tau_ms"), ("tau_ms: 5e-324", "noise.tau_ms"), ("tau_ms: 1e-320", "noise.tau_ms"),
                      ("sd_pA: 1e200", "noise.sd_pA")])
    func extremeNoiseIsRefused(setting: String, key: String) {
        let text = """
            duration_ms: 5
            solver: {method: rk4, dt_ms: 0.01, noise_integration: shifted}
            noise: {mean_pA: 145, sd_pA: 20, tau_ms: 5}
            populations: [{name: E, size: 2}]
            """
        let key0 = String(setting.split(separator: ":")[0])
        let value = String(setting.split(separator: ":")[1].dropFirst())
        let changed = text.replacingOccurrences(of: "\(key0): \(key0 == "tau_ms" ? "5" : "20")", with: "\(key0): \(value)")
        #expect(changed != text)
        let message = Self.error(changed)
        #expect(message.contains(key) && message.contains("populations[0]"), "\(message)")
        // Neither absurd alone: the larger is blamed.
        let both = Self.error(text.replacingOccurrences(of: "sd_pA: 20, tau_ms: 5", with: "sd_pA: 1e152, tau_ms: 1000"))
        #expect(both.contains("noise.sd_pA"), "\(both)")
        // The ends of the documented range still pass.
        #expect(Self.error(text.replacingOccurrences(of: "tau_ms: 5", with: "tau_ms: 1e150")) == "no error")
        #expect(Self.error(text.replacingOccurrences(of: "tau_ms: 5", with: "tau_ms: 1e-300")) == "no error")
    }

    @Test("Whole numbers may be written in decimal or scientific form (size: 1e2); fractions and hexadecimal are refused")
    func wholeNumbersInScientificForm() {
        #expect(ScenarioNode.parseWholeNumber("1e2") == 100)
        #expect(ScenarioNode.parseWholeNumber("100.0") == 100)
        #expect(ScenarioNode.parseWholeNumber("-3") == -3)
        #expect(ScenarioNode.parseWholeNumber("9007199254740992") == 9_007_199_254_740_992)
        for bad in ["1.5", "1e300", "0x10", "nan", "inf", "1/2", "", "1e-3"] { #expect(ScenarioNode.parseWholeNumber(bad) == nil, "\(bad)") }
        let text = """
            duration_ms: 5
            solver: {method: rk4, dt_ms: 0.01}
            populations: [{name: E, size: 1e2}, {name: I, size: 2.5e1}]
            """
        #expect(Self.error(text) == "no error")
        let message = Self.error(text.replacingOccurrences(of: "2.5e1", with: "2.5"))
        #expect(message.contains("populations[1].size") && message.contains("whole number"), "\(message)")
        // Past 2^53 only digits are exact: the message says so.
        let seed = Self.error(text + "\nseed: 1e18")
        #expect(seed.contains("seed") && seed.contains("in digits"), "\(seed)")
        #expect(Self.error(text + "\nseed: 1000000000000000000") == "no error")
    }

    @Test("Times and steps in messages are rounded to 12 significant digits; other values are kept")
    func roundedTimes() {
        #expect(formatRounded(0.7 * 16) == "11.2")  // 11.200000000000001 on the grid
        #expect(formatRounded(3.2600000000000002) == "3.26")
        #expect(formatRounded(1e-15) == "1e-15")
        #expect(formatRounded(123456.78901234567) == "123456.789012")
        #expect(formatRounded(0) == "0.0")
        #expect(formatRounded(-2.5) == "-2.5")
        #expect(formatRounded(.infinity) == "inf")
        #expect(formatRounded(1e308) == "1e+308")
        #expect(formatRounded(5e-324) == "5e-324")
        #expect(IntegrationError.nonFinite(timeMs: 0.7 * 16, component: "cell 3 (v)").description.contains("t = 11.2 ms"))
    }

    @Test("printable escapes control characters, separators and bidirectional overrides, and keeps the rest")
    func printableText() {
        #expect(printable("E\u{1B}[31mred\u{07}") == "E\\u{1B}[31mred\\u{7}")
        #expect(printable("a\r\nb\u{9B}c\u{202E}d") == "a\\u{D}\\u{A}b\\u{9B}c\\u{202E}d")
        #expect(printable("Zellen µ-ε 細胞 🧠") == "Zellen µ-ε 細胞 🧠")
    }

    @Test("Errors and warnings that quote a name from the file carry no control characters")
    func messagesEscapeNames() throws {
        let message = Self.error("""
            duration_ms: 10
            solver: {method: rk4, dt_ms: 1/32}
            populations: [{name: "p\\e[2J", size: 1}]
            stimuli: [{type: current_step, amplitude_pA: 5, population: "q\\e[2J", windows_ms: [[0, 5]]}]
            """)
        #expect(message.contains("q\\u{1B}[2J") && !message.unicodeScalars.contains { $0.value == 0x1B }, "\(message)")
        let s = try ScenarioLoader.parse("""
            duration_ms: 10
            solver: {method: rk4, dt_ms: 1/32}
            populations: [{name: "p\\e[2J", size: 1, noise: {sd_pA: 5, tau_ms: 0.01}}]
            noise: {grid_ms: 0.1}
            """)
        let warnings = try s.check().map(\.description)
        #expect(!warnings.isEmpty)
        #expect(warnings.allSatisfy { !$0.unicodeScalars.contains { $0.value == 0x1B } }, "\(warnings)")
    }
}
