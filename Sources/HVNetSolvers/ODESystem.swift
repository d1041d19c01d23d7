import Numerics

/// A system of ODEs y′ = f(t, y) whose inputs are smooth between breakpoints. The integrator
/// stops at every breakpoint and calls ``beginSegment(from:to:)`` before integrating the next
/// segment, so f is smooth inside every step.
public protocol ODESystem: AnyObject {
    var dimension: Int { get }
    /// Right-hand-side evaluations so far.
    var evaluations: Int { get }
    /// Sorted, distinct discontinuity times in the open interval (0, `duration`).
    func breakpoints(before duration: Double) -> [Double]
    /// Sets the inputs for the open interval (`start`, `end`), which holds no breakpoint.
    func beginSegment(from start: Double, to end: Double)
    /// Writes f(t, state) into `derivative`.
    func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>)
    /// Writes the stage state `combination` into `state` (dimension values) and f(t, state) into
    /// `derivative`: the same values as writing the combination and then calling
    /// ``evaluate(t:state:into:)``. A system that splits its evaluation over threads computes each
    /// thread's components of the state on that thread, so that a state written by one thread is
    /// not read by another (docs/performance.md, "One network over several cores"). `state` must not
    /// alias the combination's inputs; `derivative` may (each component of the state is written
    /// before any derivative is). `endsStep`: the combination is the step's end state, which the
    /// loop then checks with ``firstNonFinite(state:derivative:)`` (a split system sums its
    /// components for that check while it has them at hand).
    func evaluate(t: Double, combining combination: StateCombination, state: UnsafeMutablePointer<Double>,
                  into derivative: UnsafeMutablePointer<Double>, endsStep: Bool)
    /// The evaluations of one step in order, each as ``evaluate(t:combining:state:into:endsStep:)``
    /// (a later combination may read an earlier derivative): the same values as calling that for
    /// each in turn, which is what the default does. A split system runs them as one job, its
    /// threads meeting once per evaluation instead of three times (docs/performance.md, "One
    /// network over several cores").
    func evaluate(chain: UnsafeBufferPointer<ChainedEvaluation>)
    /// Whether ``evaluate(steps:evaluationsPerStep:observing:by:)`` runs several steps as one job
    /// (false by default). Such a system keeps no history of accepted states: the loop does not call
    /// ``recordAcceptedState(time:state:derivative:)`` for the steps inside such a job.
    var evaluatesStepsTogether: Bool { get }
    /// Several fixed steps as one job: `chain` holds the evaluations of `observations.count + 1`
    /// consecutive steps, `evaluationsPerStep` each (the last of each with `endsStep`), each as in
    /// ``evaluate(chain:)``. Every step but the last is observed inside the job: each part runs
    /// `observer`'s ``CellwiseStepObserver/observeCells(_:cells:part:)`` on `observations[j]` for its
    /// cells once every part has found its components of step j's end finite, before anything
    /// writes step j's buffers again. A split system's threads thus meet once per evaluation and
    /// never wait for the loop between steps (docs/performance.md, "Eighth round").
    ///
    /// A step's buffers must be written only by its second evaluation or later (not Euler's single
    /// one): the parts observe step j in the second phase of step j + 1's first evaluation.
    ///
    /// - Returns: the steps computed: all, or j + 1 when some part found step j's end not finite
    ///   (the later ones are not run). The last step computed is the caller's, as a step of
    ///   ``evaluate(chain:)``: it checks it with ``firstNonFinite(state:derivative:)`` and observes
    ///   it. The default runs nothing and returns 0.
    func evaluate(steps chain: UnsafeBufferPointer<ChainedEvaluation>, evaluationsPerStep: Int,
                  observing observations: UnsafeBufferPointer<AcceptedStep>, by observer: any CellwiseStepObserver) -> Int
    /// True when the system evaluates in parts on several threads: the steppers then hand it
    /// their stage states as combinations (``evaluate(t:combining:state:into:endsStep:)``) and the loop asks
    /// it for non-finite components (``firstNonFinite(state:derivative:)``); otherwise they compute
    /// both themselves, inline.
    var evaluatesInParts: Bool { get }
    /// The first component that is NaN or infinite in `state` or in `derivative` (dimension values
    /// each), or nil when all are finite. The integration loop asks after every step.
    func firstNonFinite(state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) -> Int?
    /// Names state component `index` for error messages.
    func describeStateComponent(_ index: Int) -> String
    /// A split system (``evaluatesInParts``) runs `observer`'s cell-wise work on `step`
    /// (``CellwiseStepObserver/observeCells(_:cells:part:)``) for each of its parts on that part's
    /// thread, at the start of its next job (the next evaluation, or the next step's anchor), or in
    /// ``completeDeferredWork()``; returns false, doing nothing, when the system does not split
    /// (the caller then observes the step itself). The caller must leave the step's buffers as
    /// they are until then: each part reads its cells' components of them before it writes any.
    func observeCellsLater(_ step: AcceptedStep, by observer: any CellwiseStepObserver) -> Bool
    /// Runs what ``observeCellsLater(_:by:)`` left pending, on the calling thread; the loop calls
    /// it before it returns or throws.
    func completeDeferredWork()

    /// True when the system integrates shifted coordinates ỹ = y − J(t) (docs/model.md §8, "Noise path and shifted integration"):
    /// the integrator then calls ``beginStep(at:)`` before each step, evaluates on ỹ, and turns the
    /// step's end state back into y with ``unshift(at:state:)``.
    var isShifted: Bool { get }
    /// Shifted systems: a step starts at `t` (J(t) = 0 from here).
    func beginStep(at t: Double)
    /// Shifted systems: y = ỹ + J(t).
    func unshift(at t: Double, state: UnsafeMutablePointer<Double>)
    /// Shifted systems: dy/dt = dỹ/dt + J′(t).
    func addFluctuation(at t: Double, to derivative: UnsafeMutablePointer<Double>)
    /// Shifted systems, after a step accepted at `t` with `state` = ỹ(t) and `derivative` = dỹ/dt:
    /// ``unshift(at:state:)`` on `state`, `rate` = `derivative` with ``addFluctuation(at:to:)``
    /// (dy/dt, dimension values), then, when `anchoring`, ``beginStep(at:)`` at `t`; returns
    /// ``firstNonFinite(state:derivative:)`` of the unshifted state and `derivative`. The default
    /// does exactly that; a split system does it in one job over its parts.
    func completeShiftedStep(at t: Double, state: UnsafeMutablePointer<Double>, derivative: UnsafePointer<Double>,
                             rate: UnsafeMutablePointer<Double>, anchoring: Bool) -> Int?
    /// Writes ∂f/∂y (row-major, dimension × dimension) and ∂f/∂t at (t, state); false when the
    /// system has no analytic Jacobian.
    func jacobian(t: Double, state: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) -> Bool

    /// The longest step (ms) any method may take on this system (infinity: no cap). Systems with
    /// delayed terms return their shortest positive delay, so that no stage of a step needs the
    /// solution after the step's start: adaptive methods cap their step there, fixed-step methods
    /// with a longer dt are refused.
    var maximumStepMs: Double { get }
    /// Called by the integration loop with the real state y (not ỹ) and dy/dt: at t = 0, at the
    /// start of every later segment (the right derivative at a breakpoint), and at the end of every
    /// accepted step (the left derivative). Never for rejected steps or event-location
    /// re-integrations. Systems with delayed terms keep their history here. The pointers are valid
    /// only during the call.
    func recordAcceptedState(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>)
}

extension ODESystem {
    public var evaluatesInParts: Bool { false }
    public var evaluatesStepsTogether: Bool { false }
    public func evaluate(steps chain: UnsafeBufferPointer<ChainedEvaluation>, evaluationsPerStep: Int,
                         observing observations: UnsafeBufferPointer<AcceptedStep>, by observer: any CellwiseStepObserver) -> Int { 0 }
    public func firstNonFinite(state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) -> Int? {
        firstNonFiniteComponent(state, derivative, count: dimension)
    }
    public func evaluate(t: Double, combining combination: StateCombination, state: UnsafeMutablePointer<Double>,
                         into derivative: UnsafeMutablePointer<Double>, endsStep: Bool) {
        combination.write(into: state, components: 0..<dimension)
        evaluate(t: t, state: state, into: derivative)
    }
    public func evaluate(chain: UnsafeBufferPointer<ChainedEvaluation>) {
        for e in chain { evaluate(t: e.t, combining: e.combination, state: e.state, into: e.derivative, endsStep: e.endsStep) }
    }
    public func observeCellsLater(_ step: AcceptedStep, by observer: any CellwiseStepObserver) -> Bool { false }
    public func completeDeferredWork() {}
    public var isShifted: Bool { false }
    public func beginStep(at t: Double) {}
    public func unshift(at t: Double, state: UnsafeMutablePointer<Double>) {}
    public func addFluctuation(at t: Double, to derivative: UnsafeMutablePointer<Double>) {}
    public func completeShiftedStep(at t: Double, state: UnsafeMutablePointer<Double>, derivative: UnsafePointer<Double>,
                                    rate: UnsafeMutablePointer<Double>, anchoring: Bool) -> Int? {
        unshiftedStepEnd(self, at: t, state: state, derivative: derivative, rate: rate, anchoring: anchoring)
    }
    public func jacobian(t: Double, state: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) -> Bool { false }
    public var maximumStepMs: Double { .infinity }
    public func recordAcceptedState(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) {}
}

/// ``ODESystem/completeShiftedStep(at:state:derivative:rate:anchoring:)`` one call at a time (the
/// default, and what a system that does not split does).
public func unshiftedStepEnd<System: ODESystem>(_ system: System, at t: Double, state: UnsafeMutablePointer<Double>,
                                               derivative: UnsafePointer<Double>, rate: UnsafeMutablePointer<Double>,
                                               anchoring: Bool) -> Int? {
    system.unshift(at: t, state: state)
    let bad = system.firstNonFinite(state: state, derivative: derivative)
    for i in 0..<system.dimension { rate[i] = derivative[i] }
    system.addFluctuation(at: t, to: rate)
    if anchoring { system.beginStep(at: t) }
    return bad
}

/// A state of an explicit Runge–Kutta step computed component by component from the step's start
/// and its stage derivatives (each component from the same components of the inputs only, so
/// that it can be computed in parts, on any thread, with the same rounding).
public enum StateCombination {
    /// base + scale · direction (an Euler step, an RK stage).
    case step(base: UnsafePointer<Double>, scale: Double, direction: UnsafePointer<Double>)
    /// base + scale · (d1 + d2) (Heun's end, with scale h/2).
    case heun(base: UnsafePointer<Double>, scale: Double, d1: UnsafePointer<Double>, d2: UnsafePointer<Double>)
    /// base + scale · (d1 + 2 d2 + 2 d3 + d4) (classical RK4's end, with scale h/6).
    case rk4(base: UnsafePointer<Double>, scale: Double, d1: UnsafePointer<Double>, d2: UnsafePointer<Double>,
             d3: UnsafePointer<Double>, d4: UnsafePointer<Double>)

    /// Writes the components `components` of the combination into `out`.
    @inlinable @inline(__always)
    public func write(into out: UnsafeMutablePointer<Double>, components: Range<Int>) {
        switch self {
        case .step(let y, let a, let d):
            for i in components { out[i] = y[i] + a * d[i] }
        case .heun(let y, let a, let d1, let d2):
            for i in components { out[i] = y[i] + a * (d1[i] + d2[i]) }
        case .rk4(let y, let a, let d1, let d2, let d3, let d4):
            for i in components { out[i] = y[i] + a * (d1[i] + 2 * d2[i] + 2 * d3[i] + d4[i]) }
        }
    }
}

/// One evaluation of a step's chain (``ODESystem/evaluate(chain:)``): f(`t`, `combination`) with
/// the combination written into `state` and f into `derivative`; `endsStep` as in
/// ``ODESystem/evaluate(t:combining:state:into:endsStep:)``.
public struct ChainedEvaluation {
    public var t: Double
    public var combination: StateCombination
    public var state: UnsafeMutablePointer<Double>
    public var derivative: UnsafeMutablePointer<Double>
    public var endsStep: Bool

    public init(t: Double, combination: StateCombination, state: UnsafeMutablePointer<Double>,
                derivative: UnsafeMutablePointer<Double>, endsStep: Bool = false) {
        self.t = t
        self.combination = combination
        self.state = state
        self.derivative = derivative
        self.endsStep = endsStep
    }
}

/// Σ (a[i] + b[i]) for i below `count`, summed over eight lanes side by side (so not one chain of
/// additions as long as the arrays): finite exactly when every term is, short of an overflow.
/// For finiteness tests only: the order of the terms is not that of a plain loop.
@inlinable
public func finiteTestSum(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
    var i = 0
    while i + 8 <= count {
        s0 += load4(a + i) + load4(b + i)
        s1 += load4(a + i + 4) + load4(b + i + 4)
        i += 8
    }
    var sum = (s0 + s1).sum()
    while i < count {
        sum += a[i] + b[i]
        i += 1
    }
    return sum
}

/// The first index below `count` where `a` or `b` is NaN or infinite, or nil: one summing pass
/// (``finiteTestSum(_:_:count:)``), then a search only when the sum is not finite.
@inlinable
public func firstNonFiniteComponent(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Int? {
    if finiteTestSum(a, b, count: count).isFinite { return nil }
    return (0..<count).first { !a[$0].isFinite || !b[$0].isFinite }
}
