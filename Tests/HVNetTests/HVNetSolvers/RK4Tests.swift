import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetSimulation
@testable import HVNetSolvers

@Suite("Classical RK4")
struct RK4Tests {
    @Test("Observed order 4 ± 0.2 on y″ = −y with known solution")
    func orderOnHarmonicOscillator() throws {
        let steps = (2...6).map { pow(2.0, -Double($0)) }
        let errors = try steps.map { dt -> Double in
            let (final, _) = try ClassicalRK4(dt: dt).integrate(HarmonicOscillator(), from: [1, 0], duration: 4, observer: NullObserver())
            return hypot(final[0] - cos(4), final[1] + sin(4))
        }
        let order = observedOrder(steps: steps, errors: errors)
        #expect(abs(order - 4) <= 0.2, "observed order \(order), errors \(errors)")
    }

    @Test("round(T/dt) steps, four evaluations each, the last at T")
    func gridAndWork() throws {
        final class LastTime: StepObserver {
            var last = -1.0
            func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
            func observe(_ step: AcceptedStep) throws { last = step.t1 }
        }
        let observer = LastTime()
        let system = HarmonicOscillator()
        let (_, statistics) = try ClassicalRK4(dt: 1.0 / 70).integrate(system, from: [1, 0], duration: 40, observer: observer)
        #expect(statistics.acceptedSteps == 2800)
        #expect(statistics.evaluations == 4 * 2800 + 1)
        #expect(observer.last == 40)
    }

    /// The seed cell without pulses: v(t) at fixed grid times against dt = 2⁻¹² ms.
    @Test("Observed order 4 ± 0.2 on the seed cell without pulses, against a tiny-dt run")
    func orderOnSeedCell() throws {
        let errors = try seedCellErrors(pulses: false)
        let order = observedOrder(steps: errors.steps, errors: errors.errors)
        #expect(abs(order - 4) <= 0.2, "observed order \(order), errors \(errors.errors)")
    }

    /// With the pulses, the integrator stops at every pulse edge; steps are chosen so that the
    /// edges fall inside steps and must be split. The cell starts at rest, so the error comes
    /// from the EPSPs alone.
    @Test("With AMPA pulses, breakpoints keep the order at 4 ± 0.2")
    func orderWithPulses() throws {
        let errors = try pulseErrors(stagewise: false)
        let order = observedOrder(steps: errors.steps, errors: errors.errors)
        #expect(abs(order - 4) <= 0.2, "observed order \(order), errors \(errors.errors)")
    }

    /// The notebook's way: the pulse is looked up at every stage time, with no stop at its edges.
    /// The same measurement then shows order 1: the breakpoint test can fail.
    @Test("Evaluating the pulses stage-wise, as the notebook did, drops RK4 to order 1")
    func stagewisePulsesAreFirstOrder() throws {
        let errors = try pulseErrors(stagewise: true)
        let order = observedOrder(steps: errors.steps, errors: errors.errors)
        #expect(abs(order - 1) <= 0.3, "observed order \(order), errors \(errors.errors)")
    }

    /// Max |Δv| (mV) over t = 5, 10, …, 40 ms against a tiny reference step.
    func seedCellErrors(pulses: Bool) throws -> (steps: [Double], errors: [Double]) {
        var scenario = try shippedScenario("seed-single-cell.yaml")
        if !pulses { scenario.stimuli = [] }
        return try errors(model: scenario.makeNetwork(), initial: try scenario.initialState(), times: (1...8).map { Double($0) * 5 })
    }

    /// Max |Δv| (mV) during and after the EPSPs of a cell starting at rest.
    func pulseErrors(stagewise: Bool) throws -> (steps: [Double], errors: [Double]) {
        var scenario = try shippedScenario("seed-single-cell.yaml")
        scenario.populations[0].initial = .rest
        let times = [21, 22, 23, 25, 31, 32, 33, 35, 40.0]
        return try errors(model: scenario.makeNetwork(), initial: try scenario.initialState(), times: times, ks: [0, 1, 2, 3], stagewise: stagewise)
    }

    /// RK4 at dt = 0.3·2⁻ᵏ ms for the given k, against k = 12 with breakpoints; the pulse edges (20, 22,
    /// 30, 32 ms) fall inside steps at these dt.
    func errors(model: NetworkModel, initial: [Double], times: [Double], ks: [Int] = [3, 4, 5, 6], stagewise: Bool = false) throws -> (steps: [Double], errors: [Double]) {
        let base = 0.3
        func run(_ k: Int, stagewise: Bool) throws -> [Double] {
            let dt = base * pow(2, -Double(k))
            let observer = GridTimeSampler(times: times)
            let evaluator = NetworkEvaluator(model: model)
            if stagewise {
                _ = try ClassicalRK4(dt: dt).integrate(StagewiseInputs(evaluator), from: initial, duration: 40, observer: observer)
            } else {
                _ = try ClassicalRK4(dt: dt).integrate(evaluator, from: initial, duration: 40, observer: observer)
            }
            return observer.values
        }
        let reference = try run(12, stagewise: false)
        let errors = try ks.map { k in zip(try run(k, stagewise: stagewise), reference).map { abs($0 - $1) * 26.7 }.max()! }
        return (ks.map { base * pow(2, -Double($0)) }, errors)
    }
}

/// Wraps a network so that inputs are looked up at each stage time and no breakpoint is
/// declared: the notebook's `p_Ampa(t)` inside its RK4.
final class StagewiseInputs: ODESystem {
    let inner: NetworkEvaluator
    init(_ inner: NetworkEvaluator) { self.inner = inner }
    var dimension: Int { inner.dimension }
    var evaluations: Int { inner.evaluations }
    func breakpoints(before duration: Double) -> [Double] { [] }
    func beginSegment(from start: Double, to end: Double) {}
    func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        inner.beginSegment(from: t, to: t)
        inner.evaluate(t: t, state: state, into: derivative)
    }
    func describeStateComponent(_ index: Int) -> String { inner.describeStateComponent(index) }
}

/// The membrane potential of cell 0 at given times, by Hermite interpolation within the step
/// (exact at step ends; the times here are not all on the grid).
final class GridTimeSampler: StepObserver {
    let times: [Double]
    private(set) var values: [Double]
    init(times: [Double]) {
        self.times = times
        values = Array(repeating: .nan, count: times.count)
    }
    func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
    func observe(_ step: AcceptedStep) throws {
        for (k, t) in times.enumerated() where t > step.t0 && t <= step.t1 {
            values[k] = step.interpolate(0, at: t)
        }
    }
}
