import CGSL

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

    static func stepType(_ name: String) -> UnsafePointer<gsl_odeiv2_step_type> {
        switch name {
        case "rk2": return hv_step_rk2()
        case "rk4-gsl": return hv_step_rk4()
        case "rkf45": return hv_step_rkf45()
        case "rkck": return hv_step_rkck()
        case "rk8pd": return hv_step_rk8pd()
        case "rk1imp": return hv_step_rk1imp()
        case "rk2imp": return hv_step_rk2imp()
        case "rk4imp": return hv_step_rk4imp()
        case "bsimp": return hv_step_bsimp()
        case "msadams": return hv_step_msadams()
        case "msbdf": return hv_step_msbdf()
        default: preconditionFailure("not a GSL stepper: \(name)")
        }
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
        let box = GSLCallbackBox(system)
        defer { withExtendedLifetime(box) {} }
        let sys = UnsafeMutablePointer<gsl_odeiv2_system>.allocate(capacity: 1)
        defer { sys.deallocate() }
        sys.initialize(to: gsl_odeiv2_system(
            function: gslFunction, jacobian: method.usesJacobian ? gslJacobian : nil,
            dimension: dim, params: Unmanaged.passUnretained(box).toOpaque()))
        let h0 = options.initialStepMs ?? min(1e-3, duration)
        guard let driver = gsl_odeiv2_driver_alloc_y_new(sys, Self.stepType(method.name), h0, options.atol, options.rtol) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: "\(method.name): allocating the GSL driver")
        }
        defer { gsl_odeiv2_driver_free(driver) }
        let evolve = driver.pointee.e!, control = driver.pointee.c!, step = driver.pointee.s!
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
                statistics.rejectedSteps += Int(evolve.pointee.failed_steps)
                gsl_odeiv2_driver_reset(driver)
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
                let status = gsl_odeiv2_evolve_apply(evolve, control, step, sys, &t, end, &h, y)
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
                    statistics.rejectedSteps += Int(evolve.pointee.failed_steps)
                    gsl_odeiv2_step_reset(step)
                    gsl_odeiv2_evolve_reset(evolve)
                    continue
                }
                if Int(status) != GSL_SUCCESS {
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
                    throw GSLError(status: Int32(GSL_EMAXITER), context: "\(method.name): more than \(options.maxSteps) steps before t = \(t) ms")
                }
                observedRate(t, into: rateNew)
                try observer.observe(AcceptedStep(t0: t0, t1: t, y0: y0, f0: rate, y1: y, f1: rateNew))
                swap(&rate, &rateNew)
            }
            progress?(t / duration)
        }
        statistics.rejectedSteps += Int(evolve.pointee.failed_steps)
        statistics.outputEvaluations = outputEvaluations
        statistics.evaluations = system.evaluations - evaluationsBefore - outputEvaluations
        return (Array(UnsafeBufferPointer(start: y, count: dim)), statistics)
    }
}

/// What the C callbacks reach through `params`: the system's evaluation and Jacobian, and the
/// first non-finite derivative seen (reported as GSL_EBADFUNC to GSL).
final class GSLCallbackBox {
    let evaluate: (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    let jacobian: (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Bool
    let dimension: Int
    var nonFinite: (t: Double, index: Int)?

    init<System: ODESystem>(_ system: System) {
        evaluate = { system.evaluate(t: $0, state: $1, into: $2) }
        jacobian = { system.jacobian(t: $0, state: $1, dfdy: $2, dfdt: $3) }
        dimension = system.dimension
    }

    func reset() { nonFinite = nil }
}

private func gslFunction(_ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?, _ params: UnsafeMutableRawPointer?) -> Int32 {
    let box = Unmanaged<GSLCallbackBox>.fromOpaque(params!).takeUnretainedValue()
    box.evaluate(t, y!, dydt!)
    for i in 0..<box.dimension where !dydt![i].isFinite || !y![i].isFinite {
        if box.nonFinite == nil { box.nonFinite = (t, i) }
        return Int32(GSL_EBADFUNC)
    }
    return Int32(GSL_SUCCESS)
}

private func gslJacobian(_ t: Double, _ y: UnsafePointer<Double>?, _ dfdy: UnsafeMutablePointer<Double>?, _ dfdt: UnsafeMutablePointer<Double>?,
                         _ params: UnsafeMutableRawPointer?) -> Int32 {
    let box = Unmanaged<GSLCallbackBox>.fromOpaque(params!).takeUnretainedValue()
    return box.jacobian(t, y!, dfdy!, dfdt!) ? Int32(GSL_SUCCESS) : Int32(GSL_EUNIMPL)
}
