import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetOutput
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers
@testable import Numerics

@Suite("Output files")
struct OutputTests {
    @Test("A file appears only when committed; an abandoned one leaves nothing")
    func atomicFiles() throws {
        let dir = try makeScratchDirectory("hvnet-test")
        defer { removeScratch(dir) }
        let path = dir + "/a.csv"
        do {
            let file = try OutputFile(path: path)
            try file.write("x\n")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        let file = try OutputFile(path: path)
        try file.write("x\n")
        try file.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x\n")
    }

    @Test("JSON numbers round-trip; NaN and infinities become null")
    func json() {
        let value = JSONValue.object([("a", .number(0.1)), ("b", .number(.nan)), ("c", .numbers([1e-5, .infinity])), ("d", .string("q\"\n"))])
        #expect(value.rendered() == "{\n  \"a\": 0.1,\n  \"b\": null,\n  \"c\": [1e-05, null],\n  \"d\": \"q\\\"\\n\"\n}")
        let x = 0.1 + 0.2
        #expect(Double(formatNumber(x)) == x)
    }

    @Test("hvnet run writes every file of the run directory")
    func runDirectory() throws {
        let dir = try makeScratchDirectory("hvnet-test")
        defer { removeScratch(dir) }
        let scenario = try shippedScenario("seed-single-cell.yaml")
        let result = try Simulation.run(scenario, scenarioPath: "seed-single-cell.yaml", outputDirectory: dir)
        #expect(result.failure == nil)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(files == ["scenario.yaml", "connectivity.csv", "traces.csv", "spikes.csv", "summary.json", "voltage.svg", "phase-plane.svg",
                          "dvdt-v.svg", "nullclines.csv", "figures.py"])
        #expect(Set(result.files) == files)
        let spikes = try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8).split(separator: "\n")
        #expect(spikes.count == 2 && spikes[0] == "cell,time_ms")
        let header = try String(contentsOfFile: dir + "/traces.csv", encoding: .utf8).prefix { $0 != "\n" }
        #expect(header == "time_ms,cell0_v_mV,cell0_w,cell0_iNaT_pA,cell0_iKaD_pA,cell0_iNaKa_pA,cell0_iAmpa_pA,cell0_iGabaA_pA")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as! [String: Any]
        #expect(summary["status"] as? String == "complete")
        #expect(summary["spike_count"] as? Int == 1)
        let efficiency = (summary["efficiency"] as! [[String: Any]])[0]
        #expect((efficiency["sodium"] as! Double).isFinite && (efficiency["potassium"] as! Double).isFinite)
    }

    @Test("A diverging run stops with the time and the cell, and keeps its outputs marked incomplete")
    func divergence() throws {
        var scenario = try shippedScenario("seed-single-cell.yaml")
        scenario.stimuli = [Stimulus(kind: .currentStep(amplitudePA: 1e12), cells: [0], windowsMs: [5...6])]
        let dir = try makeScratchDirectory("hvnet-test")
        defer { removeScratch(dir) }
        let result = try Simulation.run(scenario, scenarioPath: nil, outputDirectory: dir)
        let failure = try #require(result.failure)
        #expect(failure.contains("cell 0"))
        #expect(failure.contains("t = 5"))
        let summary = try String(contentsOfFile: dir + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"status\": \"incomplete\""))
    }

    /// Before, a stopped run reported 0 steps and divided its spikes by the whole duration.
    @Test("A run that stops early reports the steps it took and its rates over the time it reached")
    func divergenceStatistics() throws {
        var scenario = try shippedScenario("ten-cell-ei.yaml")
        scenario.stimuli = [Stimulus(kind: .currentStep(amplitudePA: 1e12), cells: [3], windowsMs: [500...600])]
        let dir = try makeScratchDirectory("hvnet-test")
        defer { removeScratch(dir) }
        let result = try Simulation.run(scenario, scenarioPath: nil, outputDirectory: dir)
        _ = try #require(result.failure)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let incomplete = try #require(summary["trials_incomplete"] as? [[String: Any]])
        let reached = try #require(incomplete.first?["reached_ms"] as? Double)
        #expect(reached > 500 && reached < 501)
        // RK4 at dt = 1/64 ms: every step before the one that failed was taken.
        let steps = try #require((summary["work"] as? [String: Any])?["accepted_steps"] as? Int)
        #expect(steps == Int((reached * 64).rounded()) - 1)
        let populations = try #require(summary["populations"] as? [[String: Any]])
        for population in populations {
            let spikes = try #require(population["spikes"] as? Int), cells = try #require(population["cells"] as? Int)
            let rate = try #require(population["mean_rate_hz"] as? Double)
            #expect(spikes > 0)
            #expect(abs(rate - Double(spikes) / Double(cells) / (reached / 1000)) <= 1e-9 * rate)
        }
    }

    /// Before, a stopped run's summary said 0 rejected steps (the error carried no statistics).
    @Test("An adaptive run that stops reports its rejected steps and evaluations up to the stop", arguments: ["rkf45", "bs32-dyadic"])
    func adaptiveStopStatistics(_ method: String) throws {
        var scenario = try shippedScenario("ten-cell-ei.yaml")
        scenario.durationMs = 60
        scenario.solver = SolverSettings(method: try SolverMethod.named(method), options: SolverOptions(relativeTolerance: 1e-6))
        scenario.stimuli = [Stimulus(kind: .currentStep(amplitudePA: 1e12), cells: [3], windowsMs: [50...60])]
        let dir = try makeScratchDirectory("hvnet-test")
        defer { removeScratch(dir) }
        let result = try Simulation.run(scenario, scenarioPath: nil, outputDirectory: dir)
        _ = try #require(result.failure)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))
        let work = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["work"] as? [String: Any])
        // Reaching the minimum step from a normal one takes many halvings, each a rejected step.
        let rejected = try #require(work["rejected_steps"] as? Int), accepted = try #require(work["accepted_steps"] as? Int)
        let evaluations = try #require(work["rhs_evaluations"] as? Int)
        #expect(rejected > 10)
        #expect(accepted > 0)
        #expect(evaluations > accepted + rejected)
        #expect(result.statistics.rejectedSteps == rejected)
    }

    /// Before, a path refused at its last component (a name over 255 bytes) left the
    /// directories made for the components before it.
    @Test("A refused output path leaves none of the directories made for it, and its message keeps the reason")
    func refusedPathLeavesNothing() throws {
        let dir = try makeScratchDirectory("hvnet-test")
        defer { removeScratch(dir) }
        let long = String(repeating: "n", count: 300)
        #expect(throws: OutputError.self) { try RunDirectory.makeDirectories(dir + "/a/b/" + long + "/c") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
        let deep = dir + "/" + Array(repeating: "dd", count: 1_500).joined(separator: "/")
        do {
            try RunDirectory.makeDirectories(deep)
            Issue.record("a 4.5 kB path was accepted")
        } catch {
            #expect("\(error)".contains("too long") && "\(error)".count < 400)
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/dd"))
    }

    @Test("Cubic Hermite finds the crossing of a cubic exactly")
    func hermiteCrossing() {
        // p(t) = t³ on [0, 2]: values 0 and 8, slopes 0 and 12; crosses 1 at t = 1.
        let h = CubicHermite(h: 2, y0: 0, f0: 0, y1: 8, f1: 12)
        #expect(abs(h.upwardCrossing(of: 1) * 2 - 1) < 1e-14)
        let m = CubicHermite(h: 1, y0: 0, f0: 1, y1: 0, f1: -1).maximum()  // p = s − s²
        #expect(abs(m.s - 0.5) < 1e-15 && abs(m.value - 0.25) < 1e-15)
    }

    @Test("Plot coordinates print like \"%.2f\" (except exact halves, which round away from zero)")
    func fixedTwoDecimals() {
        var generator = SeededGenerator(seed: 11)
        var values = (0..<20_000).map { _ in Double.random(in: -5_000...5_000, using: &generator) }
        values += [0, -0, 0.004, -0.004, 0.996, -0.996, 99.999, 1e14, -3.5e-7]
        for v in values where (abs(v) * 100).truncatingRemainder(dividingBy: 1) != 0.5 {
            #expect(SVGPlot.fixed2(v) == String(format: "%.2f", v) || (abs(v) < 0.005 && SVGPlot.fixed2(v) == "0.00"), "\(v)")
        }
        #expect(SVGPlot.fixed2(0.125) == "0.13" && SVGPlot.fixed2(-2.5) == "-2.50" && SVGPlot.fixed2(.infinity) == "inf")
    }
}

@Suite("Cubic Hermite extrema")
struct CubicHermiteTests {
    @Test("Critical points of p(s) = s³ − 1.5 s² + 0.48 s lie at 0.2 and 0.8")
    func criticalPoints() {
        // p′(s) = 3s² − 3s + 0.48 = 3(s − 0.2)(s − 0.8); with h = 1: y0 = 0, f0 = 0.48, y1 = −0.02, f1 = 0.48.
        let h = CubicHermite(h: 1, y0: 0, f0: 0.48, y1: -0.02, f1: 0.48)
        let points = h.criticalPoints()
        #expect(points.count == 2)
        #expect(abs(points[0] - 0.2) < 1e-12 && abs(points[1] - 0.8) < 1e-12)
        let m = h.maximum()
        #expect(abs(m.s - 0.2) < 1e-12)
    }
}
