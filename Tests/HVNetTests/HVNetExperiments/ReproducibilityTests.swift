import Foundation
import Testing
@testable import HVNetScenario
@testable import HVNetSimulation

@Suite("Trials and reproducibility")
struct ReproducibilityTests {
    static func scenario(trials: Int, duration: Double = 400) throws -> Scenario {
        var s = try shippedScenario("ten-cell-ei.yaml")
        s.durationMs = duration
        s.trials = trials
        s.recording.traceCells = [0]
        return s
    }

    func run(_ s: Scenario, threads: Int) throws -> (spikes: String, summary: String) {
        let dir = scratchPath("hvnet-repro")
        defer { removeScratch(dir) }
        _ = try Simulation.run(s, scenarioPath: nil, outputDirectory: dir, options: .init(threads: threads))
        let spikes = try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8)
        let traces = try String(contentsOfFile: dir + "/traces.csv", encoding: .utf8)
        return (spikes, traces)
    }

    @Test("Same seed: byte-identical spikes.csv and traces across repeated runs and 1 or 2 threads")
    func byteIdentical() throws {
        let s = try Self.scenario(trials: 4)
        let one = try run(s, threads: 1)
        let again = try run(s, threads: 1)
        let two = try run(s, threads: 2)
        #expect(one.spikes == again.spikes)
        #expect(one.spikes == two.spikes)
        #expect(one.summary == two.summary)
        #expect(one.spikes.hasPrefix("trial,cell,time_ms\n"))
        let trialsSeen = Set(one.spikes.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] })
        #expect(trialsSeen == ["0", "1", "2", "3"])
    }

    @Test("Trials are independent realisations; a trial's spikes do not depend on how many trials run")
    func trialsDiffer() throws {
        let dir = scratchPath("hvnet-t4")
        defer { removeScratch(dir) }
        let four = try Simulation.run(Self.scenario(trials: 4), scenarioPath: nil, outputDirectory: dir)
        let one = try Simulation.simulate(Self.scenario(trials: 1), trial: 2)
        #expect(four.trials[2].spikes.map(\.timeMs) == one.spikes.map(\.timeMs))
        #expect(four.trials[0].spikes.map(\.timeMs) != four.trials[1].spikes.map(\.timeMs))
    }

    @Test("A different seed gives a different realisation")
    func seedMatters() throws {
        var a = try Self.scenario(trials: 1), b = a
        b.seed = 2
        a.recording.traceCells = []
        b.recording.traceCells = []
        #expect(try Simulation.simulate(a).spikes.map(\.timeMs) != Simulation.simulate(b).spikes.map(\.timeMs))
    }

    @Test("Jittered initial conditions are seeded per trial")
    func jitter() throws {
        var s = try Self.scenario(trials: 3)
        s.populations[0].initial = .jitter(sdMV: 3)
        let network = s.makeNetwork()
        let a = try s.initialState(trial: 0, network: network), b = try s.initialState(trial: 1, network: network)
        #expect(a != b)
        #expect(a == (try s.initialState(trial: 0, network: network)))
        // I cells start at rest, E cells around it.
        #expect(abs(a[8] * 26.7 - -69.9225) < 1e-3)
        #expect(a[0..<8].contains { abs($0 * 26.7 - -69.9225) > 0.1 })
    }
}
