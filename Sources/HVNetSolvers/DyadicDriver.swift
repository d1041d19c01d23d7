/// `bs32-dyadic`: the Bogacki–Shampine 3(2) pair (P. Bogacki, L. F. Shampine, Appl. Math. Lett.
/// 2:321, 1989) with FSAL, on the shifted system, with dyadic steps h = 4δ·2ᵐ on the noise grid δ
/// (m may be negative down to −10 when the error test demands it; such steps have stage times
/// between grid points, where the noise is the path's cubic Hermite interpolant):
///
///     k1 = f(t, y)                      k2 = f(t + h/2, y + h k1/2)
///     k3 = f(t + 3h/4, y + 3h k2/4)     y⁺ = y + h (2 k1 + 3 k2 + 4 k3)/9
///     k4 = f(t + h, y⁺)                 e  = h (−5 k1/72 + k2/12 + k3/9 − k4/8)
///
/// A step is accepted when max_i |e_i| / (atol + rtol·max(|y_i|, |y⁺_i|)) ≤ 1. On a reject the
/// step is halved; after an accept it is doubled when the error allows a factor 2 (error ≤ 0.091)
/// and t is a multiple of the doubled step. Steps end on multiples of h, so every stage time is a
/// grid point of the noise path: the adaptive method sees the exact sampled noise, never an
/// interpolation (except on the step that ends at a breakpoint off the grid). Order 3; 3
/// evaluations per accepted step, 3 per rejected one.
public struct DyadicDriver {
    public let options: SolverOptions
    /// δ, the noise grid (ms); steps of at least 4δ have every stage time on the grid.
    public let gridMs: Double

    public init(options: SolverOptions, gridMs: Double) {
        self.options = options
        self.gridMs = gridMs
    }

    /// Integrates through the one integration loop (``Integrator``).
    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        try Integrator.integrate(
            system, method: SolverMethod.named("bs32-dyadic"), options: options, noiseGridMs: gridMs,
            from: initial, duration: duration, observer: observer, progress: progress)
    }
}

/// ``DyadicDriver``'s steps as a ``Stepper``.
final class DyadicStepper<System: ODESystem>: Stepper {
    let system: System
    let gridMs: Double
    let atol: Double, rtol: Double
    let hmin: Double, hmax: Double
    let dim: Int
    private(set) var stepSize: Double
    /// The step of the last attempt.
    private var tried = 0.0
    private let buffer: UnsafeMutablePointer<Double>

    init(system: System, options: SolverOptions, gridMs: Double, duration: Double) throws {
        guard gridMs > 0, gridMs.isFinite else { throw IntegrationError.invalidOptions("the noise grid must be a positive number of ms, got \(gridMs)") }
        self.system = system
        self.gridMs = gridMs
        atol = options.atol
        rtol = options.rtol
        hmin = 4 * gridMs / 1024
        dim = system.dimension
        buffer = .allocate(capacity: 3 * max(dim, 1))
        buffer.initialize(repeating: 0, count: 3 * max(dim, 1))
        hmax = Self.dyadic(atMost: min(options.hmax, max(duration, 4 * gridMs)), gridMs: gridMs)
        stepSize = min(Self.dyadic(atMost: options.initialStepMs ?? 1.0 / 16, gridMs: gridMs), hmax)
    }

    deinit { buffer.deallocate() }

    /// The largest 4δ·2ᵐ not above `limit` (m ≥ −10).
    static func dyadic(atMost limit: Double, gridMs: Double) -> Double {
        var h = 4 * gridMs
        var doublings = 0
        while 2 * h <= limit * (1 + 1e-12) && doublings < 2000 { h *= 2; doublings += 1 }
        while h > limit * (1 + 1e-12) && h > 4 * gridMs / 1024 { h /= 2 }
        return h
    }

    var minimumStep: Double { hmin }
    var providesEndDerivative: Bool { true }
    var lastFailure: String? { nil }
    func beginSegment(at t: Double) {}

    func nextEnd(from t: Double, segmentEnd: Double) -> (end: Double, closesSegment: Bool) {
        // End on the next multiple of h, or on the breakpoint.
        let h = stepSize
        let target = ((t / h + 1e-9).rounded(.down) + 1) * h
        if target >= segmentEnd - 1e-12 * hmin { return (segmentEnd, true) }
        return (target, false)
    }

    var isAdaptive: Bool { true }

    func shrinkAfterNonFinite() -> Bool {
        stepSize = tried / 2
        return true
    }

    func attempt(from t: Double, to target: Double, state y: UnsafePointer<Double>, derivative k1: UnsafePointer<Double>,
                 into yNew: UnsafeMutablePointer<Double>, derivativeInto k4: UnsafeMutablePointer<Double>) -> StepAttempt {
        let step = target - t
        tried = stepSize
        let k2 = buffer, k3 = buffer + dim
        stages(from: t, step: step, y, k1, into: yNew)
        system.evaluate(t: target, state: yNew, into: k4)
        var error = 0.0
        for i in 0..<dim {
            let e = step * (-5.0 / 72 * k1[i] + k2[i] / 12 + k3[i] / 9 - k4[i] / 8)
            let scale = atol + rtol * max(abs(y[i]), abs(yNew[i]))
            let x = abs(e) / scale
            if x > error || x.isNaN { error = x }  // a NaN stays NaN
        }
        if !error.isFinite || error > 1 {
            stepSize /= 2
            return .rejected(nonFinite: !error.isFinite)
        }
        let h = stepSize
        if error <= 0.091 && 2 * h <= hmax * (1 + 1e-12) {
            let q = target / (2 * h)
            if abs(q - q.rounded()) < 1e-9 { stepSize = 2 * h }
        }
        return .accepted
    }

    func advance(from t0: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>, to t: Double,
                 into result: UnsafeMutablePointer<Double>) -> Bool {
        stages(from: t0, step: t - t0, state, derivative, into: result)
        return true
    }

    /// k2, k3 into the buffer and y⁺ into `yNew`.
    private func stages(from t: Double, step: Double, _ y: UnsafePointer<Double>, _ k1: UnsafePointer<Double>,
                        into yNew: UnsafeMutablePointer<Double>) {
        let k2 = buffer, k3 = buffer + dim, stage = buffer + 2 * dim
        for i in 0..<dim { stage[i] = y[i] + 0.5 * step * k1[i] }
        system.evaluate(t: t + 0.5 * step, state: stage, into: k2)
        for i in 0..<dim { stage[i] = y[i] + 0.75 * step * k2[i] }
        system.evaluate(t: t + 0.75 * step, state: stage, into: k3)
        for i in 0..<dim { yNew[i] = y[i] + step * (2 * k1[i] + 3 * k2[i] + 4 * k3[i]) / 9 }
    }
}
