import Numerics
import GSLSupport
import GSLSupport

/// GSL's odeiv2 steppers with error control on y (`gsl_odeiv2_control_y_new`: per component
/// atol + rtol·|y|), driven segment by segment so that every breakpoint is a step end (the stepper
/// and its history are reset there). GSL has no dense output: the derivative at each accepted
/// step's end is evaluated for the cubic Hermite spike detection and counted apart from the
/// method's own evaluations (``IntegrationStatistics/outputEvaluations``). Every GSL status
/// becomes a Swift error; NaN or infinite states (which rkf45 and rk8pd return with success) stop
/// the run with the time and the state component.
///
/// Reference: M. Galassi et al., *GNU Scientific Library Reference Manual*, "Ordinary
/// Differential Equations"; the steppers' own references are listed there.
public struct GSLDriver {
    public let method: SolverMethod
    public let options: SolverOptions

    public init(method: SolverMethod, options: SolverOptions) {
        precondition(method.family == .gsl)
        self.method = method
        self.options = options
    }

    /// GSL's stepper for a method of the registry (`rk4-gsl` is GSL's `rk4`).
    static func stepType(_ name: String) -> GSLStepType {
        guard let type = GSLStepType(rawValue: name == "rk4-gsl" ? "rk4" : name) else { preconditionFailure("not a GSL stepper: \(name)") }
        return type
    }

    public func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, from initial: [Double], duration: Double, observer: Observer,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        GSLRuntime.ensureInitialized()
        if system.isShifted && method.isMultistep {
            throw SolverError.unsupported(
                method: method.name, "keeps a history of past steps, which the per-step shift of the noise invalidates; use plain noise integration")
        }
        let dim = system.dimension
        let box = GSLCallbacks(
            dimension: dim, evaluate: { system.evaluate(t: $0, state: $1, into: $2) },
            jacobian: method.usesJacobian ? { system.jacobian(t: $0, state: $1, dfdy: $2, dfdt: $3) } : nil)
        let h0 = options.initialStepMs ?? min(1e-3, duration)
        let evolution = try GSLEvolution(
            stepType: Self.stepType(method.name), callbacks: box, initialStep: h0,
            absoluteTolerance: options.atol, relativeTolerance: options.rtol)
        let hmax = options.hmax

        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 4 * dim)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 4 * dim)
        let y = buffer, y0 = buffer + dim
        var rate = buffer + 2 * dim, rateNew = buffer + 3 * dim
        for i in 0..<dim { y[i] = initial[i] }

        var statistics = IntegrationStatistics()
        let evaluationsBefore = system.evaluations
        var outputEvaluations = 0
        /// dy/dt at (t, y) for the observer, with the anchor at t.
        func observedRate(_ t: Double, into r: UnsafeMutablePointer<Double>) {
            system.beginStep(at: t)
            system.evaluate(t: t, state: y, into: r)
            system.addFluctuation(at: t, to: r)
            outputEvaluations += 1
        }

        let breaks = system.breakpoints(before: duration) + [duration]
        var t = 0.0
        var h = min(h0, hmax)
        var segmentStart = true
        /// Where the last rejected non-finite step went bad, until a step succeeds.
        var recentNonFinite: (Double, Int)? = nil
        system.beginSegment(from: 0, to: breaks[0])
        observedRate(0, into: rate)
        try observer.begin(time: 0, state: y, derivative: rate)
        for (k, end) in breaks.enumerated() {
            if k > 0 {
                statistics.rejectedSteps += evolution.failedSteps
                evolution.reset()
                system.beginSegment(from: t, to: end)
                observedRate(t, into: rate)
                segmentStart = true
            }
            while t < end {
                if system.isShifted { system.beginStep(at: t) }
                for i in 0..<dim { y0[i] = y[i] }
                let t0 = t
                h = min(h, hmax, end - t)
                if segmentStart { segmentStart = false }
                box.reset()
                let hTried = h
                let status = evolution.apply(t: &t, end: end, h: &h, state: y)
                // GSL's explicit steppers can accept a step whose state is NaN or infinite (the
                // error estimate is NaN, which passes the control's test), and a non-finite
                // derivative aborts the step with GSL_EBADFUNC. Either way: back to the step's
                // start with a quarter of the step, as a rejection; a run that stays non-finite
                // down to a step of 1e-12 ms has diverged.
                let badState = (0..<dim).first(where: { !y[$0].isFinite })
                if box.nonFinite != nil || badState != nil {
                    let location = box.nonFinite.map { ($0.t, $0.index) } ?? (t, badState!)
                    guard hTried > 1e-12 else {
                        throw IntegrationError.nonFinite(timeMs: location.0, component: system.describeStateComponent(location.1))
                    }
                    recentNonFinite = location
                    for i in 0..<dim { y[i] = y0[i] }
                    t = t0
                    h = hTried / 4
                    statistics.rejectedSteps += 1
                    statistics.rejectedSteps += evolution.failedSteps
                    evolution.resetStepper()
                    continue
                }
                if status != GSLError.success {
                    // A step that kept producing non-finite states until GSL gave up has diverged.
                    if let location = recentNonFinite {
                        throw IntegrationError.nonFinite(timeMs: location.0, component: system.describeStateComponent(location.1))
                    }
                    // Name the component that changes fastest relative to the tolerance: the one
                    // that forced the step down.
                    system.evaluate(t: t, state: y, into: rateNew)
                    let fastest = (0..<dim).max { i, j in
                        abs(rateNew[i]) / (options.atol + options.rtol * abs(y[i])) < abs(rateNew[j]) / (options.atol + options.rtol * abs(y[j]))
                    } ?? 0
                    throw GSLError(status: status, context: "\(method.name) at t = \(t) ms (step \(h) ms), fastest-changing state \(system.describeStateComponent(fastest))")
                }
                recentNonFinite = nil
                if system.isShifted { system.unshift(at: t, state: y) }
                statistics.acceptedSteps += 1
                if statistics.acceptedSteps > options.maxSteps {
                    throw GSLError(status: GSLError.maximumIterations, context: "\(method.name): more than \(options.maxSteps) steps before t = \(t) ms")
                }
                observedRate(t, into: rateNew)
                try observer.observe(AcceptedStep(t0: t0, t1: t, y0: y0, f0: rate, y1: y, f1: rateNew))
                swap(&rate, &rateNew)
            }
            progress?(t / duration)
        }
        statistics.rejectedSteps += evolution.failedSteps
        statistics.outputEvaluations = outputEvaluations
        statistics.evaluations = system.evaluations - evaluationsBefore - outputEvaluations
        return (Array(UnsafeBufferPointer(start: y, count: dim)), statistics)
    }
}
