import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

/// Synaptic transmission delays (`connections[].delay_ms`) end to end: loader, network,
/// history and integration loop.
@Suite("Transmission delays")
struct DelayTests {
    /// Cell 0 fires once (a 2 ms current step of 1000 pA at 5 ms); cell 1 receives it through 20
    /// AMPA channels without delay, cell 2 through 20 with `delay` ms. Both postsynaptic cells start
    /// at rest, so their EPSPs differ only by the delay.
    static func epspScenario(solver: String, delay: Double = 3) -> String {
        """
        duration_ms: 25
        solver: \(solver)
        populations:
          - {name: pre, size: 1, initial: rest}
          - {name: direct, size: 1, initial: rest}
          - {name: delayed, size: 1, initial: rest}
        connections:
          - {receptor: AMPA, from: pre, to: direct, rule: one_to_one, channels_per_contact: 20}
          - {receptor: AMPA, from: pre, to: delayed, rule: one_to_one, channels_per_contact: 20, delay_ms: \(delay)}
        stimuli:
          - {type: current_step, amplitude_pA: 1000, cells: [0], windows_ms: [[5, 7]]}
        recording: {cells: none}
        """
    }

    /// The largest value of each watched potential after `after` ms, located inside the steps
    /// (re-integration where the method locates events that way).
    final class PeakObserver: StepObserver {
        let cells: [Int]
        let after: Double
        var peaks: [(value: Double, time: Double)]
        var spikes = 0
        init(cells: [Int], after: Double) {
            self.cells = cells
            self.after = after
            peaks = cells.map { _ in (-.infinity, .nan) }
        }
        func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
        func observe(_ step: AcceptedStep) throws {
            guard step.t1 > after else { return }
            for (k, cell) in cells.enumerated() {
                let m = step.maximum(component: cell)
                if m.value > peaks[k].value { peaks[k] = m }
            }
        }
    }

    static func peaks(_ text: String) throws -> [(value: Double, time: Double)] {
        let scenario = try ScenarioLoader.parse(text)
        let network = scenario.makeNetwork()
        let evaluator = NetworkEvaluator(model: network)
        let observer = PeakObserver(cells: [1, 2], after: 6)
        _ = try Integrator.integrate(
            evaluator, method: scenario.solver.method, options: scenario.solver.options, noiseGridMs: scenario.noiseGridMs,
            from: try scenario.initialState(network: network), duration: scenario.durationMs, observer: observer)
        return observer.peaks
    }

    /// RK4 at dt = 0.01 ms (the delay is 300 steps; the history's Hermite error, O(dt⁴), is far
    /// below the tolerance) and adaptive methods at their default tolerances (step capped at the
    /// delay, breakpoints at 3, 8 and 10 ms; bsimp and rk8pd take the longest steps, where the
    /// Hermite history is least accurate): the tolerance 0.02 ms on the lag and 1 % on the
    /// amplitude are those asked of the feature; the EPSP is about 3.6 mV high.
    @Test("The EPSP through a 3 ms delay peaks 3.00 ± 0.02 ms after the undelayed one, with the same amplitude",
          arguments: ["{method: rk4, dt_ms: 0.01}", "{method: rkf45}", "{method: bs32-dyadic}", "{method: bsimp}", "{method: rk8pd}"])
    func epspLag(_ solver: String) throws {
        let p = try Self.peaks(Self.epspScenario(solver: solver))
        let vT = try ScenarioLoader.parse(Self.epspScenario(solver: solver)).populations[0].parameters.thermalPotentialMV
        let rest = try ScenarioLoader.parse(Self.epspScenario(solver: solver)).initialState()[1]
        let direct = (p[0].value - rest) * vT, delayed = (p[1].value - rest) * vT
        #expect(direct > 1, "the presynaptic spike must evoke an EPSP (got \(direct) mV)")
        #expect(abs(p[1].time - p[0].time - 3) <= 0.02, "lag \(p[1].time - p[0].time) ms")
        #expect(abs(delayed / direct - 1) <= 0.01, "amplitudes \(direct) and \(delayed) mV")
    }

    @Test("Without delay the EPSP does not lag: the check above can fail")
    func noLagWithoutDelay() throws {
        let p = try Self.peaks(Self.epspScenario(solver: "{method: rk4, dt_ms: 0.01}", delay: 0))
        #expect(abs(p[1].time - p[0].time) < 1e-9)
        #expect(p[1].value == p[0].value)
    }

    @Test("delay_ms: 0 gives bit for bit the spikes and traces of no delay (noisy coupled pair)")
    func zeroDelayIsNoDelay() throws {
        var plain = try shippedScenario("pair-excitatory.yaml")
        plain.durationMs = 400
        plain.recording.traceCells = [0, 1]
        var zero = plain
        zero.connections[0].delayMs = .constant(0)
        let a = try Simulation.simulate(plain), b = try Simulation.simulate(zero)
        #expect(!a.spikes.isEmpty)
        #expect(a.spikes == b.spikes)
        #expect(a.rows == b.rows)
        #expect(a.statistics == b.statistics)
        #expect(plain.makeNetwork().hasDelays == false && zero.makeNetwork().hasDelays == false)
    }

    @Test("A delay changes a coupled noisy pair's spikes (the zero-delay check above can fail)")
    func delayChangesSpikes() throws {
        var plain = try shippedScenario("pair-excitatory.yaml")
        plain.durationMs = 400
        var delayed = plain
        delayed.connections[0].delayMs = .constant(2)
        #expect(try Simulation.simulate(plain).spikes != Simulation.simulate(delayed).spikes)
    }

    @Test("Adaptive steps are capped at the shortest delay, and delayed jumps are breakpoints")
    func stepCapAndBreakpoints() throws {
        let scenario = try ScenarioLoader.parse(Self.epspScenario(solver: "{method: rkf45}", delay: 1.5))
        let network = scenario.makeNetwork()
        #expect(network.delays == [1.5])
        // Stimulus edges 5 and 7, each and t = 0 propagated by 1.5 ms.
        #expect(network.breakpoints(before: 25) == [1.5, 5, 6.5, 7, 8.5])
        final class LongestStep: StepObserver {
            var longest = 0.0
            func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
            func observe(_ step: AcceptedStep) throws { longest = max(longest, step.h) }
        }
        let observer = LongestStep()
        _ = try Integrator.integrate(
            NetworkEvaluator(model: network), method: scenario.solver.method, options: scenario.solver.options,
            noiseGridMs: scenario.noiseGridMs, from: try scenario.initialState(network: network), duration: 25, observer: observer)
        #expect(observer.longest <= 1.5 * (1 + 1e-12))
        #expect(observer.longest > 1, "at rest the step grows to the cap (longest \(observer.longest) ms)")
    }
}
