// Workloads (each benchmark names its own):
//   W100  = scenarios/random-100.yaml: 100 cells (80 E / 20 I), Bernoulli p = 0.2, instantaneous
//           synapses, OU input on every cell, classical RK4 at dt = 0.01 ms, spikes only.
//   W1000 = Benchmarks/workloads/random-1000.yaml: the same with 1000 cells and p = 0.02.
// Throughput is reported in cell-steps (cells × RK4 steps) per second.
import Benchmark
import Foundation
import HVNet

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

func scenario(_ path: String, durationMs: Double, method: String = "rk4", options: SolverOptions? = nil,
              noise: NoiseIntegration = .plain) -> Scenario {
    var s = try! ScenarioLoader.load(path: root.appendingPathComponent(path).path)
    s.durationMs = durationMs
    s.recording.traceCells = []
    s.solver.noiseIntegration = noise
    if let options { s.solver = SolverSettings(method: try! SolverMethod.named(method), options: options, noiseIntegration: noise) }
    return s
}

func cellSteps(_ s: Scenario) -> Int { s.cellCount * Int((s.durationMs / (s.solver.dtMs ?? 0.01)).rounded()) }

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal]
    func simulation(_ name: String, _ s: Scenario) {
        Benchmark(name, configuration: .init(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try Simulation.simulate(s).spikes.count) }
        }
    }
    simulation("W100 rk4 plain noise, 1000 ms (1e7 cell-steps)", scenario("scenarios/random-100.yaml", durationMs: 1000))
    simulation("W100 rk4 shifted noise, 1000 ms (1e7 cell-steps)", scenario("scenarios/random-100.yaml", durationMs: 1000, noise: .shifted))
    simulation("W1000 rk4 plain noise, 100 ms (1e7 cell-steps)", scenario("Benchmarks/workloads/random-1000.yaml", durationMs: 100))
    simulation("W1000 rk4 shifted noise, 100 ms (1e7 cell-steps)", scenario("Benchmarks/workloads/random-1000.yaml", durationMs: 100, noise: .shifted))
    simulation("W100 rkf45 rtol 1e-6 shifted noise, 100 ms",
               scenario("scenarios/random-100.yaml", durationMs: 100, method: "rkf45", options: SolverOptions(relativeTolerance: 1e-6), noise: .shifted))
    simulation("seed single cell, 40 ms at dt = 1/70 ms", try! ScenarioLoader.load(path: root.appendingPathComponent("scenarios/seed-single-cell.yaml").path))

    for integrals in [false, true] {
        Benchmark("noise paths alone, \(integrals ? "x and I (shifted)" : "x only (plain)"): 100 sources × 1 s on a 0.005 ms grid (2e7 grid points)",
                  configuration: .init(metrics: metrics, maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
            for _ in benchmark.scaledIterations {
                let streams = (0..<100).map { RandomStream(type: .mt19937, seed: SeedDerivation.noise(scenarioSeed: 1, trial: 0, source: $0)) }
                let integralStreams = (0..<100).map {
                    RandomStream(type: .mt19937, seed: SeedDerivation.noiseIntegral(scenarioSeed: 1, trial: 0, source: $0))
                }
                let paths = OUPathSet(taus: Array(repeating: 5, count: 100), grid: 0.005, streams: streams, integralStreams: integralStreams)
                var x = [Double](repeating: 0, count: 100), i = x
                for k in stride(from: 0, to: 200_000, by: 512) {
                    if integrals { paths.values(at: Double(k) * 0.005, x: &x, integral: &i) } else { paths.values(at: Double(k) * 0.005, x: &x, integral: nil) }
                }
                blackHole(x)
                blackHole(i)
            }
        }
    }

    Benchmark("analysis of 20 000 spikes: 100 cells, 20 Hz, 10 s, every measure (4 950 pairs)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
        let stream = RandomStream(type: .mt19937, seed: 20_000)
        let trains = (0..<100).map { _ in (0..<200).map { _ in 10_000 * stream.uniform() }.sorted() }
        let spikes = SpikeTrains(trains: trains, startMs: 0, stopMs: 10_000)
        for _ in benchmark.scaledIterations { blackHole(SpikeAnalysis(spikes).matrices.count) }
    }
}
