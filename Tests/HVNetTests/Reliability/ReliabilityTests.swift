import Foundation
import Testing
@testable import GSLSupport
@testable import HVNetAnalysis
@testable import HVNetOutput
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import Numerics

@Suite("Checked conversions, scenario checks and resource estimates")
struct ReliabilityTests {
    static let base = """
        duration_ms: 40
        solver: {method: rk4, dt_ms: 1/64}
        populations:
          - {name: E, size: 4, initial: rest}
        """

    @Test("checkedCount converts whole numbers and throws on NaN, ±∞ and beyond 2^53")
    func checkedConversion() throws {
        #expect(try checkedCount(6400.4, "steps") == 6400)
        #expect(try checkedCount(6400.4, rounding: .up, "steps") == 6401)
        for bad in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9.1e15] {
            #expect(throws: CountConversionError.self) { try checkedCount(bad, "steps") }
        }
        #expect(clampedInt(.nan) == 0 && clampedInt(.infinity) == Int(largestCheckedCount))
    }

    @Test("Numbers: a fraction takes one slash and a finite quotient; inf and nan are refused")
    func numbers() {
        #expect(ScenarioNode.parseNumber("1/70") == 1.0 / 70)
        for bad in ["1/2/32", "1/0", "1e300/1e-300", "inf", "nan", "-inf", "1/", "/2", "1e400"] {
            #expect(ScenarioNode.parseNumber(bad) == nil, "\(bad)")
        }
    }

    @Test("Messages never show more than a few hundred characters of a key or value")
    func shortMessages() {
        let key = String(repeating: "k", count: 2_000_000)
        let e = scenarioError { _ = try ScenarioLoader.parse(Self.base + "\n\(key): 1\n") }
        #expect(e != nil && e!.description.count < 1_000)
        let name = String(repeating: "n", count: 1_000_000)
        let e2 = scenarioError { _ = try ScenarioLoader.parse(Self.base + "\nseed: \(name)\n") }
        #expect(e2 != nil && e2!.description.count < 600)
    }

    @Test("Nesting deeper than the limit is refused with a short message")
    func deepNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let e = scenarioError { _ = try ScenarioLoader.parse(Self.base + "\ndescription: \(deep)\n") }
        guard case .tooLarge? = e else { Issue.record("expected tooLarge, got \(String(describing: e))"); return }
        #expect(e!.description.count < 300)
        // 100 000 levels: the YAML parser's own nesting limit stops it; the message stays short.
        let deeper = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let e2 = scenarioError { _ = try ScenarioLoader.parse(Self.base + "\ndescription: \(deeper)\n") }
        #expect(e2 != nil && e2!.description.count < 600)
    }

    @Test("Two cells with k = 2 are refused; small-world inputs never repeat a neighbour or include the cell")
    func smallWorld() throws {
        let two = Self.base.replacingOccurrences(of: "size: 4", with: "size: 2")
            + "\nconnections:\n  - {receptor: AMPA, from: E, to: E, rule: small_world, k: 2, beta: 0, channels_per_contact: 1}\n"
        #expect(scenarioError { _ = try ScenarioLoader.parse(two) } != nil)
        let rng = RandomStream(type: .mt19937, seed: 3)
        for (n, k) in [(1, 2), (2, 2), (3, 2), (4, 4), (5, 4)] {
            let contacts = Topology.contacts(.smallWorld(k: k, beta: 0), preCount: n, postCount: n, samePopulation: true, rng: rng)
            for post in 0..<n {
                let inputs = contacts.filter { $0.post == post }.map(\.pre)
                #expect(Set(inputs).count == inputs.count, "n = \(n), k = \(k): a neighbour counted twice")
                #expect(!inputs.contains(post), "n = \(n), k = \(k): an autapse")
            }
        }
    }

    @Test("validate's checks include run's: msbdf with shifted noise, dt above the duration, h0 above hmax")
    func sharedChecks() {
        let noisy = Self.base + "\nnoise: {mean_pA: 100, sd_pA: 10, tau_ms: 5}\n"
        let cases: [(String, String)] = [
            (noisy.replacingOccurrences(of: "{method: rk4, dt_ms: 1/64}", with: "{method: msbdf}"), "solver.noise_integration"),
            (Self.base.replacingOccurrences(of: "dt_ms: 1/64", with: "dt_ms: 50"), "solver.dt_ms"),
            (Self.base.replacingOccurrences(of: "{method: rk4, dt_ms: 1/64}", with: "{method: rkf45, h0_ms: 0.5, hmax_ms: 0.1}"), "solver.h0_ms"),
        ]
        for (text, expectedPath) in cases {
            let e = scenarioError { _ = try ScenarioLoader.parse(text) }
            guard case .invalidValue(let path, _, _, _)? = e else {
                Issue.record("no error for \(expectedPath): \(String(describing: e))"); continue
            }
            #expect(path == expectedPath)
        }
    }

    @Test("An extreme lognormal channel distribution is refused instead of giving NaN channels")
    func lognormal() {
        let text = Self.base + "\nconnections:\n  - {receptor: AMPA, from: E, to: E, rule: all_to_all, channels_per_contact: {distribution: lognormal, mean: 1e-200, sd: 1e200}}\n"
        let e = scenarioError { _ = try ScenarioLoader.parse(text) }
        guard case .invalidValue(let path, _, _, _)? = e else { Issue.record("no error"); return }
        #expect(path == "connections[0].channels_per_contact")
    }

    @Test("Implausible settings give warnings: coarse noise grid, late stimulus, unreachable threshold")
    func warnings() throws {
        let coarse = try ScenarioLoader.parse(Self.base + "\nnoise: {grid_ms: 10, mean_pA: 100, sd_pA: 10, tau_ms: 5}\n")
        #expect(try coarse.check().contains { $0.path == "noise.grid_ms" })
        let late = try ScenarioLoader.parse(Self.base + "\nstimuli:\n  - {type: pulse, receptor: AMPA, cells: [0], windows_ms: [[50, 60]]}\n")
        #expect(try late.check().contains { $0.path == "stimuli[0].windows_ms[0]" })
        let high = try ScenarioLoader.parse(Self.base + "\nrecording: {threshold_mV: 500}\n")
        #expect(try high.check().contains { $0.path == "recording.threshold_mV" })
        #expect(try ScenarioLoader.parse(Self.base).check().isEmpty)
    }

    @Test("The estimate refuses 10^7 cells, 10^12 contacts, a 1e-9 ms noise grid and 10^6 trials before allocating")
    func estimates() throws {
        func estimate(_ text: String) throws -> ResourceEstimate { ResourceEstimate(try ScenarioLoader.parse(text)) }
        var pops = "populations:\n"
        for k in 0..<10 { pops += "  - {name: P\(k), size: 1000000, initial: rest}\n" }
        let many = "duration_ms: 10\nsolver: {method: rk4, dt_ms: 1/64}\n" + pops + "recording: {cells: none}\n"
        #expect(try estimate(many).exceeded().contains { $0.contains("memory") })
        let dense = "duration_ms: 10\nsolver: {method: rk4, dt_ms: 1/64}\npopulations:\n  - {name: E, size: 1000000, initial: rest}\nconnections:\n  - {receptor: AMPA, from: E, to: E, rule: all_to_all, channels_per_contact: 1}\n"
        #expect(try estimate(dense).exceeded().contains { $0.contains("contacts") })
        let fine = Self.base + "\nnoise: {grid_ms: 1e-9, mean_pA: 100, sd_pA: 10, tau_ms: 5}\n"
        #expect(try estimate(fine).exceeded().contains { $0.contains("noise") })
        let trials = Self.base + "\ntrials: 1000000\n"
        #expect(try estimate(trials).exceeded().contains { $0.hasPrefix("trials") })
        #expect(try estimate(Self.base).exceeded().isEmpty)
    }

    @Test("Golomb's χ² never exceeds 1, also for a kernel much longer than the recording")
    func chiCapped() {
        var x = [Double](repeating: 0, count: 1000), y = x
        for k in 0..<1000 { x[k] = 1e6 + 1e-7 * sin(Double(k)); y[k] = 1e6 + 1e-7 * cos(Double(k)) }
        let chi2 = Synchrony.golombChiSquared([x, y])
        #expect(chi2.isNaN || chi2 <= 1)
        #expect(Synchrony.golombChiSquared([[0, 1, 0, 1], [0, 1, 0, 1]]) == 1)
    }
}

@Suite("Run directories: never mixed, no temporary files left")
struct RunDirectoryTests {
    static func scratch(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hvnet-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    static let scenario = """
        name: tiny
        duration_ms: 5
        solver: {method: rk4, dt_ms: 1/16}
        populations:
          - {name: E, size: 2, initial: rest}
        recording: {cells: all, format: npy}
        """

    @Test("A directory with other files is refused; a run directory is cleared of the previous run's files")
    func neverMixed() throws {
        let fm = FileManager.default
        let foreign = Self.scratch("foreign")
        defer { try? fm.removeItem(atPath: foreign) }
        try fm.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        fm.createFile(atPath: foreign + "/notes.txt", contents: Data("mine".utf8))
        #expect(throws: OutputError.self) { try RunDirectory.prepare(foreign) }
        #expect(fm.fileExists(atPath: foreign + "/notes.txt"))

        let dir = Self.scratch("rerun")
        defer { try? fm.removeItem(atPath: dir) }
        var s = try ScenarioLoader.parse(Self.scenario)
        _ = try Simulation.run(s, scenarioPath: nil, outputDirectory: dir)
        #expect(fm.fileExists(atPath: dir + "/traces.npy"))
        s.recording.format = .csv
        _ = try Simulation.run(s, scenarioPath: nil, outputDirectory: dir)
        let names = try fm.contentsOfDirectory(atPath: dir)
        #expect(!names.contains("traces.npy") && !names.contains("traces.columns.txt"), "files of two runs: \(names)")
        #expect(names.contains("traces.csv") && names.contains("scenario.yaml"))
        #expect(!names.contains { $0.hasSuffix(".tmp") })
        let summary = try String(contentsOfFile: dir + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"status\": \"complete\""))
    }

    @Test("scenario.yaml is the resolved scenario: loading it and writing again gives the same text")
    func resolvedScenario() throws {
        for name in ["ten-cell-ei.yaml", "random-100.yaml", "correlated-noise-pair.yaml", "pair-notebook.yaml"] {
            let s = try shippedScenario(name)
            let text = ScenarioWriter.yaml(s)
            let again = try ScenarioLoader.parse(text)
            #expect(ScenarioWriter.yaml(again) == text, "\(name)")
            #expect(again.populations == s.populations && again.connections == s.connections && again.stimuli == s.stimuli)
            #expect(again.durationMs == s.durationMs && again.solver == s.solver && again.recording == s.recording)
        }
    }

    @Test("Temporary files of dead processes are removed; a stopped run's files are removed with it")
    func temporaries() throws {
        let fm = FileManager.default
        let dir = Self.scratch("stale")
        defer { try? fm.removeItem(atPath: dir) }
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Process ids wrap below 2^22 on Linux; 2^31 − 2 is never a live process.
        fm.createFile(atPath: dir + "/.spikes.csv.2147483646.tmp", contents: Data())
        try RunDirectory.prepare(dir)
        #expect(try fm.contentsOfDirectory(atPath: dir).isEmpty)
        do {
            let file = try OutputFile(path: dir + "/x.csv")
            try file.write("unfinished")
        }
        #expect(try fm.contentsOfDirectory(atPath: dir).isEmpty)
        RunDirectory.markInterrupted(dir, signal: SIGINT, commandLine: ["hvnet", "run"])
        #expect(try fm.contentsOfDirectory(atPath: dir) == ["summary.json"])
        #expect(try String(contentsOfFile: dir + "/summary.json", encoding: .utf8).contains("\"status\": \"interrupted\""))
    }

    @Test("The efficiency of a cell that did not spike is undefined (null), not a huge ratio")
    func silentEfficiency() throws {
        let dir = Self.scratch("efficiency")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try ScenarioLoader.parse(Self.scenario)
        let result = try Simulation.run(s, scenarioPath: nil, outputDirectory: dir)
        #expect(result.spikeCount == 0)
        #expect(!result.efficiency.isEmpty && result.efficiency.allSatisfy { $0.sodium.isNaN && $0.potassium.isNaN })
        let summary = try String(contentsOfFile: dir + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"sodium\": null"))
    }
}
