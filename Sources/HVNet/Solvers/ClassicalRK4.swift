/// The classical four-stage Runge–Kutta method with a fixed step (the notebook's method):
///
///     k1 = f(t, y)
///     k2 = f(t + h/2, y + h k1/2)
///     k3 = f(t + h/2, y + h k2/2)
///     k4 = f(t + h, y + h k3)
///     y⁺ = y + h (k1 + 2 k2 + 2 k3 + k4)/6
///
/// Order 4; four evaluations per step (k1 is f at the end of the previous step).
/// Reference: E. Hairer, S. P. Nørsett, G. Wanner, *Solving Ordinary Differential Equations I*,
/// 2nd ed., Springer 1993, §II.1.
///
/// The grid is t_n = n·dt for n < N = round(T/dt) and t_N = T. A step that would pass a breakpoint
/// is split there, so inputs are smooth inside every step and the order is kept.
public struct ClassicalRK4: Sendable, Equatable {
    public static let name = "rk4"
    public static let order = 4

    /// The step in ms.
    public var dt: Double

    public init(dt: Double) { self.dt = dt }

    /// Integrates `system` from `initial` at t = 0 to `duration`, reporting each step to
    /// `observer`. Returns the final state and the work done.
    ///
    /// - Throws: ``IntegrationError/nonFinite(timeMs:component:)`` when the state diverges, or an
    ///   error of the observer.
    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        guard dt > 0, dt.isFinite else { throw IntegrationError.invalidOptions("dt must be a positive number of ms, got \(dt)") }
        guard duration > 0, duration.isFinite else {
            throw IntegrationError.invalidOptions("the duration must be a positive number of ms, got \(duration)")
        }
        let dim = system.dimension
        precondition(initial.count == dim, "initial state has \(initial.count) components, the system \(dim)")
        let evaluationsBefore = system.evaluations
        let steps = max(1, Int((duration / dt).rounded()))
        let breaks = system.breakpoints(before: duration)
        let snap = 1e-9 * dt

        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 7 * dim)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 7 * dim)
        var y = buffer, yNew = buffer + dim
        var f = buffer + 2 * dim, fNew = buffer + 3 * dim
        let k2 = buffer + 4 * dim, k3 = buffer + 5 * dim, stage = buffer + 6 * dim
        for i in 0..<dim { y[i] = initial[i] }

        var nextBreak = 0
        func segmentEnd() -> Double { nextBreak < breaks.count ? breaks[nextBreak] : duration }
        system.beginSegment(from: 0, to: segmentEnd())
        system.evaluate(t: 0, state: y, into: f)
        try observer.begin(time: 0, state: y, derivative: f)

        var statistics = IntegrationStatistics()
        var t = 0.0
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
                for i in 0..<dim { stage[i] = y[i] + 0.5 * h * f[i] }
                system.evaluate(t: t + 0.5 * h, state: stage, into: k2)
                for i in 0..<dim { stage[i] = y[i] + 0.5 * h * k2[i] }
                system.evaluate(t: t + 0.5 * h, state: stage, into: k3)
                for i in 0..<dim { stage[i] = y[i] + h * k3[i] }
                system.evaluate(t: target, state: stage, into: fNew)  // k4
                var sum = 0.0
                for i in 0..<dim {
                    yNew[i] = y[i] + h / 6 * (f[i] + 2 * k2[i] + 2 * k3[i] + fNew[i])
                    sum += yNew[i]
                }
                if !sum.isFinite {
                    let bad = (0..<dim).first { !yNew[$0].isFinite } ?? 0
                    throw IntegrationError.nonFinite(timeMs: target, component: system.describeStateComponent(bad))
                }
                system.evaluate(t: target, state: yNew, into: fNew)
                statistics.acceptedSteps += 1
                try observer.observe(AcceptedStep(t0: t, t1: target, y0: y, f0: f, y1: yNew, f1: fNew))
                t = target
                swap(&y, &yNew)
                swap(&f, &fNew)
                if atBreak {
                    nextBreak += 1
                    system.beginSegment(from: t, to: segmentEnd())
                    system.evaluate(t: t, state: y, into: f)
                }
            }
        }
        statistics.evaluations = system.evaluations - evaluationsBefore
        return (Array(UnsafeBufferPointer(start: y, count: dim)), statistics)
    }
}
