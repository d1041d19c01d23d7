import Numerics
import GSLSupport
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
/// is split there, so inputs are smooth inside every step and the order is kept.
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

    /// Integrates `system` from `initial` at t = 0 to `duration`, reporting each step to
    /// `observer` (in y, with dy/dt, also for shifted systems). Returns the final state and the
    /// work done.
    ///
    /// - Throws: ``IntegrationError/nonFinite(timeMs:component:)`` when the state diverges, or an
    ///   error of the observer.
    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        guard dt > 0, dt.isFinite else { throw IntegrationError.invalidOptions("dt must be a positive number of ms, got \(dt)") }
        guard duration > 0, duration.isFinite else {
            throw IntegrationError.invalidOptions("the duration must be a positive number of ms, got \(duration)")
        }
        let dim = system.dimension
        precondition(initial.count == dim, "initial state has \(initial.count) components, the system \(dim)")
        let evaluationsBefore = system.evaluations
        let steps: Int
        do { steps = max(1, try checkedCount(duration / dt, rounding: .toNearestOrAwayFromZero, "steps (duration / dt)")) } catch {
            throw IntegrationError.invalidOptions("\(error)")
        }
        let breaks = system.breakpoints(before: duration)
        let snap = 1e-9 * dt
        let shifted = system.isShifted

        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 9 * dim)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 9 * dim)
        var y = buffer, yNew = buffer + dim
        var f = buffer + 2 * dim, fNew = buffer + 3 * dim
        let k2 = buffer + 4 * dim, k3 = buffer + 5 * dim, stage = buffer + 6 * dim
        // dy/dt for the observer: f itself, or f + η(t) for shifted systems.
        var rate = shifted ? buffer + 7 * dim : f, rateNew = shifted ? buffer + 8 * dim : fNew
        for i in 0..<dim { y[i] = initial[i] }

        func observedRate(at t: Double, from g: UnsafeMutablePointer<Double>, into r: UnsafeMutablePointer<Double>) {
            guard shifted else { return }
            for i in 0..<dim { r[i] = g[i] }
            system.addFluctuation(at: t, to: r)
        }

        var nextBreak = 0
        func segmentEnd() -> Double { nextBreak < breaks.count ? breaks[nextBreak] : duration }
        system.beginSegment(from: 0, to: segmentEnd())
        if shifted { system.beginStep(at: 0) }
        system.evaluate(t: 0, state: y, into: f)
        observedRate(at: 0, from: f, into: rate)
        try observer.begin(time: 0, state: y, derivative: rate)

        var statistics = IntegrationStatistics()
        var t = 0.0
        let reportEvery = max(1, steps / 200)
        for n in 0..<steps {
            let gridEnd = n + 1 == steps ? duration : Double(n + 1) * dt
            while t < gridEnd - snap {
                var target = gridEnd
                var atBreak = false
                if nextBreak < breaks.count, breaks[nextBreak] < gridEnd + snap {
                    atBreak = true
                    if breaks[nextBreak] < gridEnd - snap { target = breaks[nextBreak] }
                }
                let h = target - t
                switch scheme {
                case .euler:
                    for i in 0..<dim { yNew[i] = y[i] + h * f[i] }
                case .heun:
                    for i in 0..<dim { stage[i] = y[i] + h * f[i] }
                    system.evaluate(t: target, state: stage, into: k2)
                    for i in 0..<dim { yNew[i] = y[i] + 0.5 * h * (f[i] + k2[i]) }
                case .rk4:
                    for i in 0..<dim { stage[i] = y[i] + 0.5 * h * f[i] }
                    system.evaluate(t: t + 0.5 * h, state: stage, into: k2)
                    for i in 0..<dim { stage[i] = y[i] + 0.5 * h * k2[i] }
                    system.evaluate(t: t + 0.5 * h, state: stage, into: k3)
                    for i in 0..<dim { stage[i] = y[i] + h * k3[i] }
                    system.evaluate(t: target, state: stage, into: fNew)  // k4
                    for i in 0..<dim { yNew[i] = y[i] + h / 6 * (f[i] + 2 * k2[i] + 2 * k3[i] + fNew[i]) }
                }
                // f at the step's end: on ỹ with the old anchor this is the new step's k1.
                system.evaluate(t: target, state: yNew, into: fNew)
                if shifted { system.unshift(at: target, state: yNew) }
                var sum = 0.0
                for i in 0..<dim { sum += yNew[i] }
                if !sum.isFinite {
                    let bad = (0..<dim).first { !yNew[$0].isFinite } ?? 0
                    throw IntegrationError.nonFinite(timeMs: target, component: system.describeStateComponent(bad))
                }
                if shifted { system.beginStep(at: target) }
                observedRate(at: target, from: fNew, into: rateNew)
                statistics.acceptedSteps += 1
                try observer.observe(AcceptedStep(t0: t, t1: target, y0: y, f0: rate, y1: yNew, f1: rateNew))
                t = target
                swap(&y, &yNew)
                swap(&f, &fNew)
                swap(&rate, &rateNew)
                if atBreak {
                    nextBreak += 1
                    system.beginSegment(from: t, to: segmentEnd())
                    system.evaluate(t: t, state: y, into: f)
                    observedRate(at: t, from: f, into: rate)
                }
            }
            if let progress, n % reportEvery == 0 { progress(Double(n + 1) / Double(steps)) }
        }
        statistics.evaluations = system.evaluations - evaluationsBefore
        return (Array(UnsafeBufferPointer(start: y, count: dim)), statistics)
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
