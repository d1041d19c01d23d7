import GSLSupport

/// GSL's odeiv2 steppers as a ``Stepper`` of the one integration loop: each attempt is one
/// `gsl_odeiv2_step_apply` of h, judged by GSL's standard control on y
/// (`gsl_odeiv2_control_hadjust` with `gsl_odeiv2_control_y_new`: per component atol + rtol·|y|,
/// safety 0.9, growth at most ×5, shrinkage at most ×0.2), so the loop sees every rejection and
/// meets step-size underflow itself instead of inside `gsl_odeiv2_evolve_apply`. A stepper failure
/// other than the error test (an implicit stepper's Newton iteration that does not converge) halves
/// the step, as `gsl_odeiv2_evolve_apply` does; a non-finite derivative (reported to GSL as
/// `GSL_EBADFUNC`) quarters it. The stepper and its history are reset at every breakpoint.
///
/// Event location re-integrates from the step's start with a second stepper of the same type (a
/// single step, started afresh), or for the multistep methods, whose single step from a past state
/// is not defined, with GSL's rk8pd (``SolverMethod/EventLocation/companion(_:)``).
///
/// Reference: M. Galassi et al., *GNU Scientific Library Reference Manual*, "Ordinary
/// Differential Equations"; the steppers' own references are listed there.
final class GSLStepper<System: ODESystem>: Stepper {
    let method: SolverMethod
    let system: System
    let dim: Int
    let hmax: Double
    private let box: GSLCallbacks
    private let evolution: GSLEvolution
    private var locator: GSLEvolution?
    private let locatorType: GSLStepType
    private let atol: Double, rtol: Double
    private(set) var stepSize: Double
    private(set) var lastFailure: String?
    /// The step of the last attempt (before the stepper adapts it).
    private var tried = 0.0
    /// The last attempt was cut short to end on the segment's end: GSL does not let such a step set the next one.
    private var truncated = false
    private let error: UnsafeMutablePointer<Double>

    init(method: SolverMethod, system: System, options: SolverOptions, duration: Double) throws {
        self.method = method
        self.system = system
        dim = system.dimension
        guard let type = GSLStepType(rawValue: method.name == "rk4-gsl" ? "rk4" : method.name) else {
            throw SolverError.unsupported(method: method.name, "is not a GSL stepper")
        }
        box = GSLCallbacks(
            dimension: dim, evaluate: { system.evaluate(t: $0, state: $1, into: $2) },
            jacobian: method.usesJacobian ? { system.jacobian(t: $0, state: $1, dfdy: $2, dfdt: $3) } : nil)
        atol = options.atol
        rtol = options.rtol
        hmax = options.hmax
        stepSize = min(options.initialStepMs ?? min(1e-3, duration), hmax)
        do {
            evolution = try GSLEvolution(stepType: type, callbacks: box, initialStep: stepSize, absoluteTolerance: atol, relativeTolerance: rtol)
        } catch let failure as GSLError {
            throw IntegrationError.stepperFailure(timeMs: 0, reason: failure.description)
        }
        switch method.eventLocation {
        case .companion(let name): locatorType = GSLStepType(rawValue: name) ?? .rk8pd
        default: locatorType = type
        }
        error = .allocate(capacity: max(dim, 1))
        error.initialize(repeating: 0, count: max(dim, 1))
    }

    deinit { error.deallocate() }

    /// The component GSL's callback saw go NaN or infinite in the last attempt.
    var nonFiniteComponent: Int? { box.nonFinite?.index }

    /// Below 1e-12 ms (or a few ulps of t) a step no longer changes the state meaningfully.
    var minimumStep: Double { 1e-12 }
    /// GSL's `dydt_out` is f at the end where the stepper says it is exact.
    var providesEndDerivative: Bool { evolution.givesExactDerivativeOut }

    func beginSegment(at t: Double) {
        evolution.reset()
    }

    func nextEnd(from t: Double, segmentEnd: Double) -> (end: Double, closesSegment: Bool) {
        let h = min(stepSize, hmax)
        let end = t + h
        if end >= segmentEnd || segmentEnd - end <= 1e-12 * max(1, abs(segmentEnd)) {
            truncated = segmentEnd - t < h
            return (segmentEnd, true)
        }
        truncated = false
        return (end, false)
    }

    func attempt(from t: Double, to end: Double, state y: UnsafePointer<Double>, derivative f: UnsafePointer<Double>,
                 into yNew: UnsafeMutablePointer<Double>, derivativeInto fNew: UnsafeMutablePointer<Double>) -> StepAttempt {
        let h = end - t
        tried = h
        for i in 0..<dim { yNew[i] = y[i] }
        box.reset()
        let status = evolution.step(t: t, h: h, state: yNew, error: error, derivativeIn: f, derivativeOut: fNew)
        if box.nonFinite != nil || status == GSLError.badFunction {
            stepSize = h / 4
            return .rejected(nonFinite: true)
        }
        if status != GSLError.success && atRest(h: h, state: y, derivative: f) {
            // See ``atRest(h:state:derivative:)``: the step changes nothing at the tolerance.
            for i in 0..<dim { yNew[i] = y[i] + h * f[i] }
            system.evaluate(t: end, state: yNew, into: fNew)
            for i in 0..<dim { error[i] = 0 }
        } else if status != GSLError.success {
            lastFailure = "\(method.name) reported \(GSLError(status: status, context: "").name): \(GSLError.reason(status))"
            stepSize = h / 2
            return .rejected(nonFinite: false)
        }
        for i in 0..<dim where !yNew[i].isFinite || !error[i].isFinite {
            stepSize = h / 4
            return .rejected(nonFinite: true)
        }
        var hNew = h
        let verdict = evolution.adjust(state: yNew, error: error, derivative: fNew, h: &hNew)
        if verdict < 0 {
            stepSize = hNew
            return .rejected(nonFinite: false)
        }
        lastFailure = nil
        // As gsl_odeiv2_evolve_apply: a step cut short to reach the segment's end does not set the next.
        if !truncated { stepSize = min(hNew, hmax) }
        return .accepted
    }

    /// True when a step of `h` from (t, y) changes no component by more than 10⁻⁶ of its
    /// tolerance: |h·f_i| ≤ 10⁻⁶ (atol + rtol·|y_i|).
    ///
    /// GSL's implicit Runge–Kutta steppers (rk1imp, rk2imp, rk4imp) solve their stage equations by
    /// a modified Newton iteration (`modnewton1`) that declares divergence when its second
    /// increment is not smaller than its first (Hairer and Wanner's convergence rate θ ≥ 1). At an
    /// equilibrium, such as a noise-free cell at its resting state, the first increment is already
    /// rounding noise and so is the second: the iteration fails at every step size, and the step
    /// size would shrink until it underflows. Such a step is taken as y + h·f with a zero error
    /// estimate (any method gives that result to far below the tolerance), and the step grows.
    func atRest(h: Double, state y: UnsafePointer<Double>, derivative f: UnsafePointer<Double>) -> Bool {
        for i in 0..<dim where !(abs(h * f[i]) <= 1e-6 * (atol + rtol * abs(y[i]))) { return false }
        return true
    }

    var isAdaptive: Bool { true }

    func shrinkAfterNonFinite() -> Bool {
        stepSize = tried / 4
        return true
    }

    func advance(from t0: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>, to t: Double,
                 into result: UnsafeMutablePointer<Double>) -> Bool {
        if locator == nil {
            locator = try? GSLEvolution(stepType: locatorType, callbacks: box, initialStep: t - t0, absoluteTolerance: atol,
                                        relativeTolerance: rtol)
        }
        guard let locator else { return false }
        for i in 0..<dim { result[i] = state[i] }
        locator.resetStepper()
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * max(dim, 1))
        defer { scratch.deallocate() }
        let status = locator.step(t: t0, h: t - t0, state: result, error: scratch, derivativeIn: derivative,
                                  derivativeOut: scratch + dim)
        return status == GSLError.success
    }
}
