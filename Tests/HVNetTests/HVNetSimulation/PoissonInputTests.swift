import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetNoise
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

/// Poisson spike-train input (`stimuli[].type: poisson`): the trains against the Poisson process's
/// definition, the open channels against g(t) = Σ_k c·exp(−(t − t_k)/τ), breakpoints, the
/// Jacobian's dg/dt term, and the errors.
@Suite("Poisson input")
struct PoissonInputTests {
    /// Uncoupled cells driven by one Poisson stimulus.
    static func scenario(cells: Int = 1, duration: Double, stimulus: String, seed: Int = 5, trials: Int = 1,
                         dt: String = "1/16", variables: String = "[v, pAmpa, pGabaA]") throws -> Scenario {
        try ScenarioLoader.parse("""
            duration_ms: \(duration)
            seed: \(seed)
            trials: \(trials)
            solver: {method: rk4, dt_ms: \(dt)}
            populations: [{name: p, size: \(cells)}]
            stimuli:
              - \(stimulus)
            recording: {cells: [\((0..<min(cells, 10)).map(String.init).joined(separator: ", "))], variables: \(variables), interval_ms: 0.25}
            """)
    }

    static func trains(_ s: Scenario, trial: Int = 0) throws -> [(stimulus: Int, cell: Int?, timesMs: [Double])] {
        try #require(Simulation.poissonInput(s, network: s.makeNetwork(), trial: trial)).spikeTrains
    }

    /// 40 trains of 50 Hz over 100 s: 200 000 spikes expected, Poisson SD √200 000 ≈ 447.
    @Test("The number of input spikes is rate × T × cells within 5 Poisson SD")
    func countMatchesRate() throws {
        let s = try Self.scenario(cells: 40, duration: 100_000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 50, channels_per_spike: 1, tau_ms: 2, population: p}")
        let trains = try Self.trains(s)
        #expect(trains.count == 40)
        #expect(Set(trains.compactMap(\.cell)) == Set(0..<40))
        let total = Double(trains.reduce(0) { $0 + $1.timesMs.count })
        let expected = 50.0 * 100 * 40
        #expect(abs(total - expected) < 5 * expected.squareRoot(), "\(total) spikes, expected \(expected) ± \(expected.squareRoot())")
        for train in trains {
            #expect(zip(train.timesMs, train.timesMs.dropFirst()).allSatisfy { $0 < $1 })
            #expect(train.timesMs.allSatisfy { $0 >= 0 && $0 < 100_000 })
        }
    }

    /// The intervals of a Poisson process are exponential: CV = 1. From n ≈ 50 000 intervals the
    /// CV's standard error is about 1/√n ≈ 0.0045.
    @Test("The inter-spike intervals have mean 1000/rate ms and CV 1 within 5 standard errors")
    func intervalsAreExponential() throws {
        let s = try Self.scenario(duration: 250_000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 200, channels_per_spike: 1, tau_ms: 2, cells: [0]}")
        let times = try #require(try Self.trains(s).first).timesMs
        let intervals = zip(times, times.dropFirst()).map { $1 - $0 }
        let n = Double(intervals.count)
        let mean = intervals.reduce(0, +) / n
        let sd = (intervals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        #expect(abs(mean - 5) < 5 * 5 / n.squareRoot(), "mean interval \(mean) ms")
        #expect(abs(sd / mean - 1) < 5 / n.squareRoot(), "CV \(sd / mean)")
    }

    /// Counts of two cells in 1000 bins of 100 ms: the correlation of independent trains has
    /// standard error 1/√1000 ≈ 0.032.
    @Test("Different cells get independent trains: count correlation within 5 standard errors of 0")
    func independentCells() throws {
        let s = try Self.scenario(cells: 2, duration: 100_000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 80, channels_per_spike: 1, tau_ms: 2, cells: [0, 1]}")
        let trains = try Self.trains(s)
        func counts(_ times: [Double]) -> [Double] {
            var c = [Double](repeating: 0, count: 1000)
            for t in times { c[min(999, Int(t / 100))] += 1 }
            return c
        }
        let a = counts(trains[0].timesMs), b = counts(trains[1].timesMs)
        let ma = a.reduce(0, +) / 1000, mb = b.reduce(0, +) / 1000
        let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
        let r = cov / (a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) } * b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }).squareRoot()
        #expect(abs(r) < 5 / 1000.0.squareRoot(), "correlation \(r)")
        #expect(trains[0].timesMs != trains[1].timesMs)
    }

    @Test("shared: true gives every target cell the same train and the same open channels")
    func sharedTrain() throws {
        let s = try Self.scenario(cells: 3, duration: 60, stimulus: "{type: poisson, receptor: GABAA, rate_Hz: 300, channels_per_spike: 4, tau_ms: 3, shared: true, cells: [0, 2]}")
        let trains = try Self.trains(s)
        #expect(trains.count == 1 && trains[0].cell == nil)
        #expect(trains[0].timesMs.count > 5)
        let rows = try Simulation.simulate(s).rows
        // Columns: time, then (v, pAmpa, pGabaA) per cell.
        #expect(rows.contains { $0[3] > 0 })
        #expect(rows.allSatisfy { $0[3] == $0[9] && $0[6] == 0 && $0[2] == 0 })
    }

    @Test("Trials get different trains; the same seed and trial the same train")
    func trialsAndReproducibility() throws {
        let s = try Self.scenario(duration: 1000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 100, channels_per_spike: 1, tau_ms: 2, cells: [0]}", trials: 2)
        let first = try Self.trains(s, trial: 0)[0].timesMs, again = try Self.trains(s, trial: 0)[0].timesMs
        let second = try Self.trains(s, trial: 1)[0].timesMs
        #expect(first == again)
        #expect(first != second)
        let otherSeed = try Self.scenario(duration: 1000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 100, channels_per_spike: 1, tau_ms: 2, cells: [0]}", seed: 6)
        #expect(try Self.trains(otherSeed)[0].timesMs != first)
    }

    /// The recorded open channels against their definition, computed from the drawn train.
    @Test("Recorded pAmpa of an unconnected cell is c·Σ exp(−(t − t_k)/τ) at every sample time")
    func recordedChannelsMatchDefinition() throws {
        let c = 3.0, tau = 4.0
        let s = try Self.scenario(duration: 200, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 150, channels_per_spike: \(c), tau_ms: \(tau), cells: [0], windows_ms: [[20, 150]]}")
        let times = try Self.trains(s)[0].timesMs
        #expect(times.count > 5 && times.allSatisfy { $0 >= 20 && $0 < 150 })
        let rows = try Simulation.simulate(s).rows
        #expect(rows.count == 801)
        for row in rows {
            let t = row[0]
            let expected = times.filter { $0 <= t }.reduce(0) { $0 + c * exp(-(t - $1) / tau) }
            #expect(abs(row[2] - expected) <= 1e-9 * max(1, expected), "t = \(t): \(row[2]) vs \(expected)")
        }
        // The input moves the potential: the channels reach the right-hand side.
        let v = rows.map { $0[1] }
        #expect(v.max()! - v.min()! > 0.5)
    }

    /// Campbell's theorem: the mean of g is λ c τ; for shot noise with exponential kernels the
    /// time average over T has SD c τ √(λ T) / T (λ in 1/ms). Here λ = 0.4/ms, c = 2, τ = 5 ms,
    /// T = 20 s: mean 4, SD 0.022. Sampled every 0.5 ms by the segment machinery the integrator uses.
    @Test("The time average of g is rate·c·τ within 5 SD of the time average (Campbell)")
    func meanIsRateTimesChargeTimesTau() throws {
        let duration = 20_000.0
        let s = try Self.scenario(duration: duration, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 400, channels_per_spike: 2, tau_ms: 5, cells: [0]}")
        let input = try #require(Simulation.poissonInput(s, network: s.makeNetwork(), trial: 0))
        let breaks = input.breakpoints(before: duration) + [duration]
        var start = 0.0, sum = 0.0, samples = 0.0
        var sample = 0.25
        for end in breaks {
            input.beginSegment(from: start, to: end)
            while sample < end {
                sum += input.channels(at: sample, cell: 0).ampa
                samples += 1
                sample += 0.5
            }
            start = end
        }
        let mean = sum / samples
        let sd = 2 * 5 * (0.4 * duration).squareRoot() / duration
        #expect(abs(mean - 4) < 5 * sd, "mean g \(mean), expected 4 ± \(sd)")
    }

    @Test("Every input spike is a breakpoint of the evaluator and an end of an accepted step")
    func spikesAreBreakpoints() throws {
        let s = try Self.scenario(cells: 2, duration: 100, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 200, channels_per_spike: 1, tau_ms: 2, cells: [0, 1], windows_ms: [[0, 30], [50, 100]]}", dt: "0.1")
        let network = s.makeNetwork()
        let input = try #require(Simulation.poissonInput(s, network: network, trial: 0))
        let spikes = input.spikeTrains.flatMap(\.timesMs)
        #expect(spikes.count > 20)
        let evaluator = NetworkEvaluator(model: network, poissonInput: input)
        let breaks = evaluator.breakpoints(before: 100)
        #expect(breaks == Array(Set(spikes)).sorted(), "only spikes: Poisson window edges are no discontinuity")
        final class Ends: StepObserver {
            var ends: [Double] = []
            func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
            func observe(_ step: AcceptedStep) throws { ends.append(step.t1) }
        }
        let ends = Ends()
        _ = try Integrator.integrate(evaluator, method: SolverMethod.named("rk4"), options: SolverOptions(dtMs: 0.1), noiseGridMs: 0.1,
                                     from: try s.initialState(trial: 0, network: network), duration: 100, observer: ends)
        let endSet = Set(ends.ends)
        #expect(spikes.allSatisfy { endSet.contains($0) })
    }

    /// The right-hand side against docs/model.md's equations with g from the definition, at stage
    /// times inside segments (the evaluation path, not the recorder's).
    @Test("The right-hand side adds c·Σ exp(−(t − t_k)/τ) open AMPA channels at any time inside a segment")
    func rightHandSideChannels() throws {
        let c = 6.0, tau = 2.5
        let s = try Self.scenario(cells: 2, duration: 100, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 300, channels_per_spike: \(c), tau_ms: \(tau), cells: [1]}")
        let network = s.makeNetwork()
        let input = try #require(Simulation.poissonInput(s, network: network, trial: 0))
        let times = input.spikeTrains[0].timesMs
        let evaluator = NetworkEvaluator(model: network, poissonInput: input)
        let breaks = [0] + evaluator.breakpoints(before: 100) + [100]
        var checked = 0
        // 10–60 ms at 300 Hz: about 15 input spikes (Poisson SD 3.9), so more than 10 checks
        // (3 per segment) fail only for a train with fewer than 3 spikes there (p < 1e-4).
        for (start, end) in zip(breaks, breaks.dropFirst()) where start >= 10 && start < 60 {
            evaluator.beginSegment(from: start, to: end)
            for fraction in [0.0, 0.3, 0.9] {
                let t = start + fraction * (end - start)
                let g = times.filter { $0 <= t }.reduce(0) { $0 + c * exp(-(t - $1) / tau) }
                let state = [-2.5, -2.4, 0.05, 0.06]
                var out = [Double](repeating: 0, count: 4)
                evaluator.evaluate(t: t, state: state, into: &out)
                let expected = NetworkEvaluatorTests.referenceDerivative(network, state: state, pulseAmpa: [0, g])
                for k in 0..<4 {
                    #expect(abs(out[k] - expected[k]) <= 1e-10 * max(abs(expected[k]), 1e-3), "t = \(t), component \(k)")
                }
                checked += 1
            }
        }
        #expect(checked > 10)
    }

    @Test("The Jacobian's ∂f/∂t holds −φ(y) dg/dt of the Poisson channels (central differences)")
    func jacobianTimeDerivative() throws {
        let s = try Self.scenario(cells: 2, duration: 100, stimulus: "{type: poisson, receptor: GABAA, rate_Hz: 400, channels_per_spike: 30, tau_ms: 3, cells: [1]}")
        let network = s.makeNetwork()
        let input = try #require(Simulation.poissonInput(s, network: network, trial: 0))
        let evaluator = NetworkEvaluator(model: network, poissonInput: input)
        let breaks = evaluator.breakpoints(before: 100)
        let k = try #require(breaks.indices.first { breaks[$0] > 20 })
        let (start, end) = (breaks[k], breaks[k + 1])
        evaluator.beginSegment(from: start, to: end)
        let t = 0.5 * (start + end), ht = 1e-4 * (end - start)
        let state = [-2.0, -1.5, 0.1, 0.2]
        var dfdy = [Double](repeating: 0, count: 16), dfdt = [Double](repeating: 0, count: 4)
        #expect(evaluator.jacobian(t: t, state: state, dfdy: &dfdy, dfdt: &dfdt))
        var plus = [Double](repeating: 0, count: 4), minus = plus
        evaluator.evaluate(t: t + ht, state: state, into: &plus)
        evaluator.evaluate(t: t - ht, state: state, into: &minus)
        #expect(dfdt[1] != 0)
        for row in 0..<4 {
            let fd = (plus[row] - minus[row]) / (2 * ht)
            #expect(abs(dfdt[row] - fd) <= 1e-6 * max(1, abs(fd)), "∂f\(row)/∂t: \(dfdt[row]) vs \(fd)")
        }
    }

    @Test("Bad Poisson values are refused with their key path", arguments: [
        ("{type: poisson, receptor: AMPA, rate_Hz: -1, channels_per_spike: 1, tau_ms: 2, cells: [0]}", "stimuli[0].rate_Hz"),
        ("{type: poisson, receptor: AMPA, rate_Hz: .nan, channels_per_spike: 1, tau_ms: 2, cells: [0]}", "stimuli[0].rate_Hz"),
        ("{type: poisson, receptor: AMPA, rate_Hz: .inf, channels_per_spike: 1, tau_ms: 2, cells: [0]}", "stimuli[0].rate_Hz"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 0, tau_ms: 2, cells: [0]}", "stimuli[0].channels_per_spike"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 1, tau_ms: 0, cells: [0]}", "stimuli[0].tau_ms"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 1, tau_ms: -3, cells: [0]}", "stimuli[0].tau_ms"),
        ("{type: poisson, receptor: NMDA, rate_Hz: 10, channels_per_spike: 1, tau_ms: 2, cells: [0]}", "stimuli[0].receptor"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 1, tau_ms: 2, shared: 2, cells: [0]}", "stimuli[0].shared"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 1, cells: [0]}", "tau_ms"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 1, tau_ms: 2, activation: 1, cells: [0]}", "activation"),
        ("{type: poisson, receptor: AMPA, rate_Hz: 10, channels_per_spike: 1, tau_ms: 2, cells: [3]}", "stimuli[0].cells[0]"),
    ])
    func refused(stimulus: String, path: String) throws {
        do {
            _ = try Self.scenario(duration: 100, stimulus: stimulus)
            Issue.record("accepted \(stimulus)")
        } catch let error as ScenarioError {
            #expect("\(error)".contains(path), "\(error)")
        }
    }

    @Test("A huge rate × duration × cells is refused by the resource estimate, naming the stimulus")
    func resourceEstimate() throws {
        let s = try Self.scenario(cells: 100, duration: 10_000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 20000, channels_per_spike: 1, tau_ms: 2, population: p}")
        let estimate = ResourceEstimate(s)
        #expect(abs(estimate.inputSpikesPerTrial - 2e7) < 1)
        let lines = estimate.exceeded()
        #expect(lines.contains { $0.contains("Poisson input spikes") && $0.contains("stimuli[0].rate_Hz") }, "\(lines)")
        let small = try Self.scenario(cells: 100, duration: 1000, stimulus: "{type: poisson, receptor: AMPA, rate_Hz: 100, channels_per_spike: 1, tau_ms: 2, shared: true, population: p}")
        #expect(ResourceEstimate(small).inputSpikesPerTrial == 100)
        #expect(ResourceEstimate(small).exceeded().isEmpty)
    }

    @Test("The resolved scenario file keeps the Poisson keys")
    func writerRoundTrip() throws {
        let s = try Self.scenario(cells: 2, duration: 100, stimulus: "{type: poisson, receptor: GABAA, rate_Hz: 12.5, channels_per_spike: 7, tau_ms: 6, shared: true, cells: [1], windows_ms: [[5, 50]]}")
        let again = try ScenarioLoader.parse(ScenarioWriter.yaml(s))
        #expect(again.stimuli == s.stimuli)
    }
}
