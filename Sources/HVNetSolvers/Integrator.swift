import Numerics

/// "Make a stepper, then advance it": the one integration loop behind every method of the
/// registry. A method family supplies only a ``Stepper`` (attempt a step of h from (t, y), and
/// one step without error control for event location); this loop does everything else, the same
/// way for every family:
///
/// - stops at every breakpoint of the system (``ODESystem/breakpoints(before:)``) and restarts the
///   stepper there, so the right-hand side is smooth inside every step;
/// - under shifted noise integration anchors the shift at each step's start
///   (``ODESystem/beginStep(at:)``), turns the end state back into y (``ODESystem/unshift(at:state:)``)
///   and hands the observer dy/dt = dỹ/dt + η (``ODESystem/addFluctuation(at:to:)``);
/// - refuses a step whose end state or derivative is NaN or infinite: adaptive methods retry it
///   shorter, and a run that stays non-finite down to the smallest step, or a fixed-step run, stops
///   with ``IntegrationError/nonFinite(timeMs:component:)``; no such step reaches the observer;
/// - reports every accepted step to the observer, with a ``StepSolution`` (re-integration from
///   the step's start on the same anchor) where the registry row says that the method locates
///   events that way (``SolverMethod/EventLocation``);
/// - hands the system every accepted state (y and dy/dt, ``ODESystem/recordAcceptedState(time:state:derivative:)``)
///   and caps the step at ``ODESystem/maximumStepMs`` (adaptive methods; a longer fixed dt is an
///   error), for systems with delayed terms;
/// - counts work: the method's evaluations (rejected steps included), evaluations for output and
///   for event location apart, accepted and rejected steps;
/// - raises one error set, ``IntegrationError``: "too many steps", "step size underflow" and
///   "non-finite state" mean the same whichever stepper met them.
public enum Integrator {
    /// The most fixed steps a split system runs as one job
    /// (``ODESystem/evaluate(steps:evaluationsPerStep:observing:by:)``): its threads wait for the
    /// loop once per job instead of once per step.
    static let stepsPerJob = 16
    public static func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, method: SolverMethod, options: SolverOptions, noiseGridMs: Double,
        from initial: [Double], duration: Double, observer: Observer, progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        try integrate(system, method: method, options: options, noiseGridMs: noiseGridMs, from: initial, duration: duration,
                      observer: observer, eventLocation: method.eventLocation, progress: progress)
    }

    /// As above with the event location chosen by the caller (to measure one against the other).
    static func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, method: SolverMethod, options: SolverOptions, noiseGridMs: Double,
        from initial: [Double], duration: Double, observer: Observer, eventLocation: SolverMethod.EventLocation,
        progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        var options = try options.validated(for: method)
        let cap = system.maximumStepMs
        if cap.isFinite {
            // Delayed terms: no stage of a step may need the solution after the step's start.
            guard cap > 0 else { throw IntegrationError.invalidOptions("the step cap must be a positive number of ms, got \(cap)") }
            switch method.family {
            case .fixedStep:
                if let dt = options.dtMs, dt > cap * (1 + 1e-12) {
                    throw IntegrationError.invalidOptions(
                        "dt = \(formatNumber(dt)) ms is longer than the shortest transmission delay (\(formatNumber(cap)) ms); a fixed step must not exceed it")
                }
            case .dyadic:
                if cap < 4 * noiseGridMs / 1024 {
                    throw IntegrationError.invalidOptions(
                        "the shortest transmission delay (\(formatNumber(cap)) ms) is below bs32-dyadic's smallest step (\(formatNumber(4 * noiseGridMs / 1024)) ms on a noise grid of \(formatNumber(noiseGridMs)) ms)")
                }
                fallthrough
            case .gsl:
                options.maxStepMs = min(options.hmax, cap)
                if let h0 = options.initialStepMs { options.initialStepMs = min(h0, options.hmax) }
            }
        }
        guard duration > 0, duration.isFinite else {
            throw IntegrationError.invalidOptions("the duration must be a positive number of ms, got \(duration)")
        }
        guard initial.count == system.dimension else {
            throw IntegrationError.invalidOptions("the initial state has \(initial.count) components, the system \(system.dimension)")
        }
        if system.isShifted && method.isMultistep {
            throw SolverError.unsupported(
                method: method.name, "keeps a history of past steps, which the per-step shift of the noise invalidates; use plain noise integration")
        }
        switch method.family {
        case .fixedStep:
            let stepper = try FixedStepper(method: method, system: system, dt: options.dtMs ?? 0, duration: duration)
            return try run(system, stepper, options: options, from: initial, duration: duration, observer: observer,
                           eventLocation: eventLocation, progress: progress)
        case .dyadic:
            let stepper = try DyadicStepper(system: system, options: options, gridMs: noiseGridMs, duration: duration)
            return try run(system, stepper, options: options, from: initial, duration: duration, observer: observer,
                           eventLocation: eventLocation, progress: progress)
        case .gsl:
            let stepper = try GSLStepper(method: method, system: system, options: options, duration: duration)
            return try run(system, stepper, options: options, from: initial, duration: duration, observer: observer,
                           eventLocation: eventLocation, progress: progress)
        }
    }

    /// The loop.
    static func run<System: ODESystem, S: Stepper, Observer: StepObserver>(
        _ system: System, _ stepper: S, options: SolverOptions, from initial: [Double], duration: Double, observer: Observer,
        eventLocation: SolverMethod.EventLocation, progress: ((Double) -> Void)?
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        let dim = system.dimension
        let shifted = system.isShifted
        // On a cache line: a split network's threads write their cells' components of these.
        let buffer = CacheLines.allocateDoubles(6 * dim)
        defer { buffer.deallocate() }
        // Cell-wise observation left to a split system's parts reads the last step's buffers:
        // done before they go (this runs first), whether the loop returns or throws.
        defer { system.completeDeferredWork() }
        // A fixed-step method in parts writes the step buffers only through the system's jobs, so
        // the observer's cell-wise work may wait for the next job (``ODESystem/observeCellsLater(_:by:)``).
        let cellwise = system.evaluatesInParts && !stepper.isAdaptive && eventLocation == .hermite ? observer as? any CellwiseStepObserver : nil
        var y = buffer, yNew = buffer + dim
        var f = buffer + 2 * dim, fNew = buffer + 3 * dim
        // dy/dt for the observer: f itself, or f + η(t) for shifted systems.
        var rate = shifted ? buffer + 4 * dim : f, rateNew = shifted ? buffer + 5 * dim : fNew
        for i in 0..<dim { y[i] = initial[i] }
        func observedRate(at t: Double, from g: UnsafeMutablePointer<Double>, into r: UnsafeMutablePointer<Double>) {
            guard shifted else { return }
            for i in 0..<dim { r[i] = g[i] }
            system.addFluctuation(at: t, to: r)
        }
        let inParts = system.evaluatesInParts
        func firstNonFinite(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>) -> Int? {
            inParts ? system.firstNonFinite(state: a, derivative: b) : firstNonFiniteComponent(a, b, count: dim)
        }
        /// The component to name when the step from (y, f) ended with `first` (the first non-finite
        /// component of `a` or `b`): of the components not finite at the end, the one whose rate at
        /// the step's start was largest in magnitude (a non-finite rate counts as largest), the
        /// lowest index on ties. A cell that blows up within one step passes NaN through its
        /// synapses to the cells it drives in the same step, and the first index is then often
        /// one of those; the cell that blew up is the one that was already changing fastest.
        func blamed(first: Int, _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>) -> Int {
            var best = first, largest = -1.0
            for i in first..<dim where !a[i].isFinite || !b[i].isFinite {
                let rate = f[i].isFinite ? abs(f[i]) : .infinity
                if rate > largest { largest = rate; best = i }
            }
            return best
        }
        /// The component that changes fastest relative to its tolerance at (t, y): the one that forced the step down.
        func fastestIndex() -> Int {
            let atol = options.atol, rtol = options.rtol
            // A non-finite rate counts as fastest (NaN would compare false with everything).
            func speed(_ i: Int) -> Double {
                let s = abs(f[i]) / (atol + rtol * abs(y[i]))
                return s.isNaN ? .infinity : s
            }
            return (0..<dim).max { i, j in speed(i) < speed(j) } ?? 0
        }
        func fastest(at t: Double) -> String { system.describeStateComponent(fastestIndex()) }
        let solution = eventLocation == .hermite ? nil : Reintegration(system: system, stepper: stepper, options: options)
        // Fixed steps on a system that runs several as one job, observed cell-wise by its parts: up
        // to `stepsPerJob` steps at a time, the loop then taking the last of them as its own.
        let together = cellwise != nil && !shifted && solution == nil && system.evaluatesStepsTogether
        let times = UnsafeMutablePointer<Double>.allocate(capacity: Self.stepsPerJob + 1)
        defer { times.deallocate() }

        var statistics = IntegrationStatistics()
        let evaluationsBefore = system.evaluations
        // The statistics so far go to the observer when the loop stops with an error.
        var finished = false
        defer {
            if !finished {
                var done = statistics
                done.evaluations = system.evaluations - evaluationsBefore - statistics.outputEvaluations - statistics.locationEvaluations
                observer.integrationStopped(with: done)
            }
        }
        let breaks = system.breakpoints(before: duration) + [duration]
        var t = 0.0
        var nextReport = 0.005
        /// Where the last non-finite attempt went bad, until a step is accepted.
        var recentNonFinite: (time: Double, index: Int)? = nil
        for (k, segmentEnd) in breaks.enumerated() {
            // A segment shorter than rounding (a breakpoint the previous step already ended on,
            // within 1e-12 relative) is skipped.
            if k == 0 || segmentEnd - t > 1e-12 * max(1, abs(segmentEnd)) {
                system.beginSegment(from: t, to: segmentEnd)
                if shifted { system.beginStep(at: t) }
                system.evaluate(t: t, state: y, into: f)
                observedRate(at: t, from: f, into: rate)
                system.recordAcceptedState(time: t, state: y, derivative: rate)
                if k == 0 { try observer.begin(time: 0, state: y, derivative: rate) }
                stepper.beginSegment(at: t)
            } else {
                continue  // the previous step already ended on this breakpoint
            }
            var closed = false
            while !closed {
                let end: Double, closes: Bool
                var outcome: StepAttempt
                if together, let cellwise, cellwise.splitsByCells,
                   let run = stepper.attemptSteps(from: t, segmentEnd: segmentEnd, limit: Self.stepsPerJob, start: StepBuffers(state: y, derivative: f),
                                                  other: StepBuffers(state: yNew, derivative: fNew), times: times, observer: cellwise) {
                    // The job's steps but its last are finite and observed cell-wise: what the loop
                    // does for an accepted step is left to do for them (without a history: see
                    // ODESystem.evaluatesStepsTogether), then the last is taken as a step of its own.
                    for j in 0..<(run.count - 1) {
                        statistics.acceptedSteps += 1
                        cellwise.observeStep(AcceptedStep(t0: times[j], t1: times[j + 1], y0: y, f0: rate, y1: yNew, f1: rateNew))
                        swap(&y, &yNew)
                        swap(&f, &fNew)
                        swap(&rate, &rateNew)
                    }
                    t = times[run.count - 1]
                    (end, closes) = (times[run.count], run.closesSegment)
                    outcome = .accepted
                } else {
                    (end, closes) = stepper.nextEnd(from: t, segmentEnd: segmentEnd)
                    guard end > t else {
                        throw IntegrationError.stepSizeUnderflow(timeMs: t, stepMs: end - t, component: fastest(at: t), reason: stepper.lastFailure)
                    }
                    if stepper.isAdaptive && statistics.acceptedSteps + statistics.rejectedSteps >= options.maxSteps {
                        throw IntegrationError.tooManySteps(timeMs: t, limit: options.maxSteps)
                    }
                    outcome = stepper.attempt(from: t, to: end, state: y, derivative: f, into: yNew, derivativeInto: fNew)
                }
                if outcome == .accepted && !stepper.providesEndDerivative {
                    let before = system.evaluations
                    system.evaluate(t: end, state: yNew, into: fNew)
                    statistics.outputEvaluations += system.evaluations - before
                }
                if outcome == .accepted, let first = firstNonFinite(yNew, fNew) {
                    let bad = blamed(first: first, yNew, fNew)
                    guard stepper.shrinkAfterNonFinite() else {
                        throw IntegrationError.nonFinite(timeMs: end, component: system.describeStateComponent(bad))
                    }
                    recentNonFinite = (end, bad)
                    outcome = .rejected(nonFinite: true)
                }
                if case .rejected(let nonFinite) = outcome {
                    statistics.rejectedSteps += 1
                    if nonFinite && recentNonFinite == nil {
                        // The trial state's non-finite component to blame; when the state was left as it
                        // was (only the error estimate, or a stage inside GSL, went bad), the component the
                        // stepper saw go bad, else the one that changes fastest at the step's start.
                        recentNonFinite = (end, (0..<dim).first { !yNew[$0].isFinite }.map { blamed(first: $0, yNew, yNew) }
                                                ?? stepper.nonFiniteComponent ?? fastestIndex())
                    }
                    if stepper.stepSize < stepper.minimumStep * (1 - 1e-12) {
                        if let bad = recentNonFinite {
                            throw IntegrationError.nonFinite(timeMs: bad.time, component: system.describeStateComponent(bad.index))
                        }
                        throw IntegrationError.stepSizeUnderflow(
                            timeMs: t, stepMs: stepper.stepSize, component: fastest(at: t), reason: stepper.lastFailure)
                    }
                    continue
                }
                recentNonFinite = nil
                // Checked above; shifted systems change the state here, so it is checked again.
                // Without a re-integration inside the step (Hermite location) nothing after this
                // needs the step's anchor, so the next step's anchor is set here too.
                let anchorsNow = shifted && solution == nil
                if shifted, let first = system.completeShiftedStep(at: end, state: yNew, derivative: fNew, rate: rateNew, anchoring: anchorsNow) {
                    throw IntegrationError.nonFinite(timeMs: end, component: system.describeStateComponent(blamed(first: first, yNew, fNew)))
                }
                statistics.acceptedSteps += 1
                // The observer runs while the shift is still anchored at the step's start, so that
                // a re-integration inside the step sees the same noise as the step itself.
                solution?.prepare(t0: t, y0: y, f0: f)
                let before = system.evaluations
                let step = AcceptedStep(t0: t, t1: end, y0: y, f0: rate, y1: yNew, f1: rateNew, solution: solution)
                if let cellwise, cellwise.splitsByCells, system.observeCellsLater(step, by: cellwise) {
                    cellwise.observeStep(step)
                } else {
                    try observer.observe(step)
                }
                statistics.locationEvaluations += system.evaluations - before
                system.recordAcceptedState(time: end, state: yNew, derivative: rateNew)
                if shifted && !anchorsNow { system.beginStep(at: end) }
                t = end
                swap(&y, &yNew)
                swap(&f, &fNew)
                swap(&rate, &rateNew)
                closed = closes
                if let progress, t >= nextReport * duration {
                    progress(t / duration)
                    nextReport = (t / duration + 0.005)
                }
            }
        }
        progress?(1)
        statistics.evaluations = system.evaluations - evaluationsBefore - statistics.outputEvaluations - statistics.locationEvaluations
        finished = true
        return (Array(UnsafeBufferPointer(start: y, count: dim)), statistics)
    }
}

/// The solution inside the current step by re-integration with the step's own stepper from the
/// step's start (``StepSolution``). The loop calls ``prepare(t0:y0:f0:)`` before each observer
/// call, with the shift still anchored at t0.
final class Reintegration<System: ODESystem, S: Stepper>: StepSolution {
    let system: System
    let stepper: S
    let dim: Int
    let atol: Double, rtol: Double
    private let buffer: UnsafeMutablePointer<Double>
    private var t0 = 0.0
    private var y0: UnsafePointer<Double>
    private var f0: UnsafePointer<Double>

    init(system: System, stepper: S, options: SolverOptions) {
        self.system = system
        self.stepper = stepper
        dim = system.dimension
        atol = options.atol
        rtol = options.rtol
        buffer = .allocate(capacity: 2 * max(dim, 1))
        buffer.initialize(repeating: 0, count: 2 * max(dim, 1))
        y0 = UnsafePointer(buffer)
        f0 = UnsafePointer(buffer)
    }

    deinit { buffer.deallocate() }

    func prepare(t0: Double, y0: UnsafePointer<Double>, f0: UnsafePointer<Double>) {
        self.t0 = t0
        self.y0 = y0
        self.f0 = f0
    }

    /// ỹ(t) by one step from t0 into `buffer`; then y(t).
    func state(at t: Double) -> UnsafePointer<Double>? {
        guard t > t0 else { return y0 }
        guard stepper.advance(from: t0, state: y0, derivative: f0, to: t, into: buffer) else { return nil }
        system.unshift(at: t, state: buffer)
        for i in 0..<dim where !buffer[i].isFinite { return nil }
        return UnsafePointer(buffer)
    }

    func derivative(at t: Double) -> UnsafePointer<Double>? {
        let derivative = buffer + dim
        if t > t0 {
            guard stepper.advance(from: t0, state: y0, derivative: f0, to: t, into: buffer) else { return nil }
            // f on ỹ with the anchor at t0, plus η(t): dy/dt.
            system.evaluate(t: t, state: buffer, into: derivative)
            system.unshift(at: t, state: buffer)
        } else {
            for i in 0..<dim { buffer[i] = y0[i] }
            system.evaluate(t: t, state: buffer, into: derivative)
        }
        system.addFluctuation(at: t, to: derivative)
        for i in 0..<dim where !derivative[i].isFinite { return nil }
        return UnsafePointer(derivative)
    }

    func valueTolerance(at level: Double) -> Double { 1e-3 * (atol + rtol * abs(level)) }
}
