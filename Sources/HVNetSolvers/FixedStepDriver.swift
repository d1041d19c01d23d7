import Numerics
/// The fixed-step explicit Runge–Kutta methods, each with k1 = f(t, y) reused from the end of the
/// previous step (reference: E. Hairer, S. P. Nørsett, G. Wanner, *Solving Ordinary Differential
/// Equations I*, 2nd ed., Springer 1993, §II.1):
///
/// - `euler` (order 1, 1 evaluation per step): y⁺ = y + h k1.
/// - `heun` (order 2, 2 evaluations): k2 = f(t + h, y + h k1), y⁺ = y + h (k1 + k2)/2.
/// - `rk4` (order 4, 4 evaluations), the notebook's method:
///
///       k2 = f(t + h/2, y + h k1/2)
///       k3 = f(t + h/2, y + h k2/2)
///       k4 = f(t + h, y + h k3)
///       y⁺ = y + h (k1 + 2 k2 + 2 k3 + k4)/6
///
/// Under Ornstein–Uhlenbeck input RK4 is strong order 1 when the noise is evaluated at the stage
/// times (plain) and about 2 on the shifted system (docs/model.md §8, "Noise path and shifted integration").
///
/// The grid is t_n = n·dt for n < N = round(T/dt) and t_N = T. A step that would pass a breakpoint
/// is split there, so inputs are smooth inside every step and the order is kept. Spikes are
/// located by cubic Hermite interpolation between steps (``SolverMethod/EventLocation/hermite``):
/// at the steps these methods are used with its error is below a tenth of the method's own
/// (`Tests/HVNetTests/HVNetSolvers/EventLocationTests.swift`, docs/solvers.md "Where a spike is").
public struct FixedStepDriver: Sendable, Equatable {
    public enum Scheme: String, Sendable, CaseIterable {
        case euler, heun, rk4
        public var order: Int { switch self { case .euler: 1; case .heun: 2; case .rk4: 4 } }
        public var evaluationsPerStep: Int { switch self { case .euler: 1; case .heun: 2; case .rk4: 4 } }
    }

    public var scheme: Scheme
    /// The step in ms.
    public var dt: Double

    public init(scheme: Scheme, dt: Double) {
        self.scheme = scheme
        self.dt = dt
    }

    /// Integrates `system` from `initial` at t = 0 to `duration` through the one integration loop
    /// (``Integrator``), reporting each step to `observer` (in y, with dy/dt, also for shifted
    /// systems). Returns the final state and the work done.
    ///
    /// - Throws: ``IntegrationError/nonFinite(timeMs:component:)`` when the state diverges,
    ///   ``IntegrationError/invalidOptions(_:)`` for a step or duration that cannot work, or an
    ///   error of the observer.
    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        try Integrator.integrate(
            system, method: SolverMethod.named(scheme.rawValue), options: SolverOptions(dtMs: dt), noiseGridMs: dt,
            from: initial, duration: duration, observer: observer, progress: progress)
    }
}

/// The fixed-step schemes as a ``Stepper``: steps end on the grid t_n = n·dt (n < N = round(T/dt),
/// t_N = T) or on a breakpoint between grid points; every attempt is accepted.
final class FixedStepper<System: ODESystem>: Stepper {
    let scheme: FixedStepDriver.Scheme
    let system: System
    let dt: Double
    let duration: Double
    let steps: Int
    let snap: Double
    let dim: Int
    /// The grid point the next step ends on (or before, at a breakpoint).
    private var index = 1
    private let buffer: UnsafeMutablePointer<Double>

    init(method: SolverMethod, system: System, dt: Double, duration: Double) throws {
        guard let scheme = FixedStepDriver.Scheme(rawValue: method.name) else {
            throw SolverError.unsupported(method: method.name, "is not a fixed-step scheme")
        }
        guard dt > 0, dt.isFinite else { throw IntegrationError.invalidOptions("dt must be a positive number of ms, got \(dt)") }
        let count = (duration / dt).rounded()
        guard count < 1e15 else {
            throw IntegrationError.invalidOptions("\(formatNumber(duration)) ms at dt = \(formatNumber(dt)) ms is more than 10¹⁵ steps")
        }
        self.scheme = scheme
        self.system = system
        self.dt = dt
        self.duration = duration
        steps = max(1, Int(count))
        snap = 1e-9 * dt
        dim = system.dimension
        buffer = CacheLines.allocateDoubles(3 * dim)  // written by a split network's threads in parts
    }

    deinit { buffer.deallocate() }

    var isAdaptive: Bool { false }
    var minimumStep: Double { 0 }
    var stepSize: Double { dt }
    var providesEndDerivative: Bool { true }
    var lastFailure: String? { nil }
    func beginSegment(at t: Double) {}
    func shrinkAfterNonFinite() -> Bool { false }

    private func gridPoint(_ n: Int) -> Double { n >= steps ? duration : Double(n) * dt }

    func nextEnd(from t: Double, segmentEnd: Double) -> (end: Double, closesSegment: Bool) {
        while index < steps && gridPoint(index) <= t + snap { index += 1 }
        let gridEnd = gridPoint(index)
        if segmentEnd < gridEnd + snap {
            return (segmentEnd < gridEnd - snap ? segmentEnd : gridEnd, true)
        }
        return (gridEnd, false)
    }

    func attempt(from t: Double, to target: Double, state y: UnsafePointer<Double>, derivative f: UnsafePointer<Double>,
                 into yNew: UnsafeMutablePointer<Double>, derivativeInto fNew: UnsafeMutablePointer<Double>) -> StepAttempt {
        step(from: t, to: target, y, f, into: yNew, endDerivative: fNew)
        return .accepted
    }

    func advance(from t0: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>, to t: Double,
                 into result: UnsafeMutablePointer<Double>) -> Bool {
        step(from: t0, to: t, state, derivative, into: result, endDerivative: nil)
        return true
    }

    /// Evaluations of one step of the scheme.
    var evaluationsPerStep: Int {
        switch scheme {
        case .euler: 1
        case .heun: 2
        case .rk4: 4
        }
    }

    /// Initialises the evaluations of the step from (`t`, `y`, `f`) to `target` at `chain`, ending
    /// with yNew and f there (``evaluationsPerStep`` of them, returned): the stages of ``step(from:to:_:_:into:endDerivative:)``.
    private func appendEvaluations(from t: Double, to target: Double, _ y: UnsafePointer<Double>, _ f: UnsafePointer<Double>,
                                   into yNew: UnsafeMutablePointer<Double>, _ fNew: UnsafeMutablePointer<Double>,
                                   chain: UnsafeMutablePointer<ChainedEvaluation>) -> Int {
        let h = target - t
        let k2 = buffer, k3 = buffer + dim, stage = buffer + 2 * dim
        var count = 0
        func add(_ t: Double, _ combination: StateCombination, _ state: UnsafeMutablePointer<Double>,
                 _ derivative: UnsafeMutablePointer<Double>, endsStep: Bool = false) {
            (chain + count).initialize(to: ChainedEvaluation(t: t, combination: combination, state: state, derivative: derivative, endsStep: endsStep))
            count += 1
        }
        switch scheme {
        case .euler:
            add(target, .step(base: y, scale: h, direction: f), yNew, fNew, endsStep: true)
        case .heun:
            add(target, .step(base: y, scale: h, direction: f), stage, k2)
            add(target, .heun(base: y, scale: 0.5 * h, d1: f, d2: k2), yNew, fNew, endsStep: true)
        case .rk4:
            // k4 into fNew's room, then the end state and f there, as in step(from:to:_:_:into:endDerivative:).
            add(t + 0.5 * h, .step(base: y, scale: 0.5 * h, direction: f), stage, k2)
            add(t + 0.5 * h, .step(base: y, scale: 0.5 * h, direction: k2), stage, k3)
            add(target, .step(base: y, scale: h, direction: k3), stage, fNew)
            add(target, .rk4(base: y, scale: h / 6, d1: f, d2: k2, d3: k3, d4: UnsafePointer(fNew)), yNew, fNew, endsStep: true)
        }
        return count
    }

    func attemptSteps(from t: Double, segmentEnd: Double, limit: Int, start: StepBuffers, other: StepBuffers,
                      times: UnsafeMutablePointer<Double>, observer: any CellwiseStepObserver) -> StepRun? {
        // Euler's step writes its end state in its only evaluation's first phase, before the
        // parts could observe the previous step, whose start state lies in the same buffer: Euler
        // runs one step at a time (the observation needs a step's start and end buffers until
        // the first evaluation of the next step has met).
        guard system.evaluatesStepsTogether, limit >= 2, evaluationsPerStep >= 2 else { return nil }
        // The ends nextEnd(from:segmentEnd:) gives one step at a time (it is the same for the same
        // t); planning moves the grid index on, so it is put back when no job is run.
        let startIndex = index
        times[0] = t
        var planned = 0, closes = false
        while planned < limit && !closes {
            let (end, closing) = nextEnd(from: times[planned], segmentEnd: segmentEnd)
            guard end > times[planned] else { break }
            planned += 1
            times[planned] = end
            closes = closing
        }
        guard planned >= 2 else {
            index = startIndex
            return nil
        }
        let perStep = evaluationsPerStep
        let done = withUnsafeTemporaryAllocation(of: ChainedEvaluation.self, capacity: planned * perStep) { chain in
            withUnsafeTemporaryAllocation(of: AcceptedStep.self, capacity: planned - 1) { observations in
                let evaluations = chain.baseAddress!, steps = observations.baseAddress!
                for j in 0..<planned {
                    let from = j % 2 == 0 ? start : other, to = j % 2 == 0 ? other : start
                    _ = appendEvaluations(from: times[j], to: times[j + 1], from.state, from.derivative, into: to.state, to.derivative,
                                          chain: evaluations + j * perStep)
                    if j < planned - 1 {
                        (steps + j).initialize(to: AcceptedStep(t0: times[j], t1: times[j + 1], y0: from.state, f0: from.derivative,
                                                                y1: to.state, f1: to.derivative))
                    }
                }
                defer {
                    evaluations.deinitialize(count: planned * perStep)
                    steps.deinitialize(count: planned - 1)
                }
                return system.evaluate(steps: UnsafeBufferPointer(chain), evaluationsPerStep: perStep,
                                       observing: UnsafeBufferPointer(observations), by: observer)
            }
        }
        guard done >= 1 else {
            index = startIndex
            return nil
        }
        return StepRun(count: done, closesSegment: done == planned && closes)
    }

    /// One step; f at the step's end (on ỹ with the old anchor: the next step's k1) when asked.
    private func step(from t: Double, to target: Double, _ y: UnsafePointer<Double>, _ f: UnsafePointer<Double>,
                      into yNew: UnsafeMutablePointer<Double>, endDerivative fNew: UnsafeMutablePointer<Double>?) {
        let h = target - t
        let k2 = buffer, k3 = buffer + dim, stage = buffer + 2 * dim
        let inParts = system.evaluatesInParts, dim = dim
        if inParts, let fNew {
            // A split system runs the step's evaluations as one chain (the same values).
            withUnsafeTemporaryAllocation(of: ChainedEvaluation.self, capacity: 4) { chain in
                let count = appendEvaluations(from: t, to: target, y, f, into: yNew, fNew, chain: chain.baseAddress!)
                system.evaluate(chain: UnsafeBufferPointer(rebasing: chain[0..<count]))
                chain.baseAddress!.deinitialize(count: count)
            }
            return
        }
        /// f(t, combination) with the combination written into `state`: by the system's parts, or here.
        @inline(__always)
        func evaluate(_ t: Double, _ combination: StateCombination, _ state: UnsafeMutablePointer<Double>,
                      _ derivative: UnsafeMutablePointer<Double>, endsStep: Bool = false) {
            if inParts {
                system.evaluate(t: t, combining: combination, state: state, into: derivative, endsStep: endsStep)
            } else {
                combination.write(into: state, components: 0..<dim)
                system.evaluate(t: t, state: state, into: derivative)
            }
        }
        switch scheme {
        case .euler:
            let end = StateCombination.step(base: y, scale: h, direction: f)
            guard let fNew else { return end.write(into: yNew, components: 0..<dim) }
            evaluate(target, end, yNew, fNew, endsStep: true)
        case .heun:
            evaluate(target, .step(base: y, scale: h, direction: f), stage, k2)
            // y + 0.5 h (f + k2): the scale is (0.5 h), the same rounding.
            let end = StateCombination.heun(base: y, scale: 0.5 * h, d1: f, d2: k2)
            guard let fNew else { return end.write(into: yNew, components: 0..<dim) }
            evaluate(target, end, yNew, fNew, endsStep: true)
        case .rk4:
            evaluate(t + 0.5 * h, .step(base: y, scale: 0.5 * h, direction: f), stage, k2)
            evaluate(t + 0.5 * h, .step(base: y, scale: 0.5 * h, direction: k2), stage, k3)
            guard let fNew else {
                // k4 into the result buffer (stage is its argument), then the end state over it.
                evaluate(target, .step(base: y, scale: h, direction: k3), stage, yNew)
                StateCombination.rk4(base: y, scale: h / 6, d1: f, d2: k2, d3: k3, d4: yNew).write(into: yNew, components: 0..<dim)
                return
            }
            // k4 into fNew's room, then the end state and f there (the next step's k1) in one evaluation.
            let k4 = fNew
            evaluate(target, .step(base: y, scale: h, direction: k3), stage, k4)
            evaluate(target, .rk4(base: y, scale: h / 6, d1: f, d2: k2, d3: k3, d4: k4), yNew, fNew, endsStep: true)
        }
    }
}

/// The classical four-stage Runge–Kutta method with a fixed step: ``FixedStepDriver`` with the
/// `rk4` scheme.
public struct ClassicalRK4: Sendable, Equatable {
    public static let name = "rk4"
    public static let order = 4
    public var dt: Double
    public init(dt: Double) { self.dt = dt }

    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        try FixedStepDriver(scheme: .rk4, dt: dt).integrate(system, from: initial, duration: duration, observer: observer, progress: progress)
    }
}
