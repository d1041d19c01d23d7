import Numerics
import GSLSupport
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

    /// The largest 4δ·2ᵐ not above `limit` (m ≥ −10).
    func dyadic(atMost limit: Double) -> Double {
        var h = 4 * gridMs
        while 2 * h <= limit * (1 + 1e-12) { h *= 2 }
        while h > limit * (1 + 1e-12) && h > 4 * gridMs / 1024 { h /= 2 }
        return h
    }

    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        let dim = system.dimension
        let hmin = 4 * gridMs / 1024
        let hmax = dyadic(atMost: options.hmax)
        var h = min(dyadic(atMost: options.initialStepMs ?? 1.0 / 16), hmax)
        let atol = options.atol, rtol = options.rtol
        let shifted = system.isShifted

        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 9 * dim)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 9 * dim)
        var y = buffer, yNew = buffer + dim
        var k1 = buffer + 2 * dim, k4 = buffer + 3 * dim
        let k2 = buffer + 4 * dim, k3 = buffer + 5 * dim, stage = buffer + 6 * dim
        var rate = shifted ? buffer + 7 * dim : k1, rateNew = shifted ? buffer + 8 * dim : k4
        for i in 0..<dim { y[i] = initial[i] }
        func observedRate(_ t: Double, from g: UnsafeMutablePointer<Double>, into r: UnsafeMutablePointer<Double>) {
            guard shifted else { return }
            for i in 0..<dim { r[i] = g[i] }
            system.addFluctuation(at: t, to: r)
        }

        var statistics = IntegrationStatistics()
        let evaluationsBefore = system.evaluations
        let breaks = system.breakpoints(before: duration) + [duration]
        var t = 0.0
        system.beginSegment(from: 0, to: breaks[0])
        if shifted { system.beginStep(at: 0) }
        system.evaluate(t: 0, state: y, into: k1)
        observedRate(0, from: k1, into: rate)
        try observer.begin(time: 0, state: y, derivative: rate)
        for (k, end) in breaks.enumerated() {
            if k > 0 {
                system.beginSegment(from: t, to: end)
                if shifted { system.beginStep(at: t) }
                system.evaluate(t: t, state: y, into: k1)
                observedRate(t, from: k1, into: rate)
            }
            while t < end - 1e-12 * hmin {
                // End on the next multiple of h, or on the breakpoint.
                var target = ((t / h + 1e-9).rounded(.down) + 1) * h
                if target > end - 1e-12 * hmin { target = end }
                let step = target - t
                for i in 0..<dim { stage[i] = y[i] + 0.5 * step * k1[i] }
                system.evaluate(t: t + 0.5 * step, state: stage, into: k2)
                for i in 0..<dim { stage[i] = y[i] + 0.75 * step * k2[i] }
                system.evaluate(t: t + 0.75 * step, state: stage, into: k3)
                for i in 0..<dim { yNew[i] = y[i] + step * (2 * k1[i] + 3 * k2[i] + 4 * k3[i]) / 9 }
                system.evaluate(t: target, state: yNew, into: k4)
                var error = 0.0
                for i in 0..<dim {
                    let e = step * (-5.0 / 72 * k1[i] + k2[i] / 12 + k3[i] / 9 - k4[i] / 8)
                    let scale = atol + rtol * max(abs(y[i]), abs(yNew[i]))
                    error = max(error, abs(e) / scale)
                }
                if !error.isFinite || error > 1 {
                    guard h / 2 >= hmin * (1 - 1e-12) else {
                        if !error.isFinite, let bad = (0..<dim).first(where: { !yNew[$0].isFinite }) {
                            throw IntegrationError.nonFinite(timeMs: target, component: system.describeStateComponent(bad))
                        }
                        throw IntegrationError.stepSizeUnderflow(timeMs: t, stepMs: h)
                    }
                    h /= 2
                    statistics.rejectedSteps += 1
                    continue
                }
                if shifted { system.unshift(at: target, state: yNew) }
                if let bad = (0..<dim).first(where: { !yNew[$0].isFinite }) {
                    throw IntegrationError.nonFinite(timeMs: target, component: system.describeStateComponent(bad))
                }
                if shifted { system.beginStep(at: target) }
                observedRate(target, from: k4, into: rateNew)
                statistics.acceptedSteps += 1
                if statistics.acceptedSteps > options.maxSteps { throw IntegrationError.tooManySteps(timeMs: target, limit: options.maxSteps) }
                try observer.observe(AcceptedStep(t0: t, t1: target, y0: y, f0: rate, y1: yNew, f1: rateNew))
                t = target
                swap(&y, &yNew)
                swap(&k1, &k4)
                swap(&rate, &rateNew)
                if error <= 0.091 && 2 * h <= hmax * (1 + 1e-12) {
                    let q = t / (2 * h)
                    if abs(q - q.rounded()) < 1e-9 { h *= 2 }
                }
            }
            t = end
            progress?(t / duration)
        }
        statistics.evaluations = system.evaluations - evaluationsBefore
        return (Array(UnsafeBufferPointer(start: y, count: dim)), statistics)
    }
}
