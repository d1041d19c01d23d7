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
    /// Names state component `index` for error messages.
    func describeStateComponent(_ index: Int) -> String

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
    public var isShifted: Bool { false }
    public func beginStep(at t: Double) {}
    public func unshift(at t: Double, state: UnsafeMutablePointer<Double>) {}
    public func addFluctuation(at t: Double, to derivative: UnsafeMutablePointer<Double>) {}
    public func jacobian(t: Double, state: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) -> Bool { false }
    public var maximumStepMs: Double { .infinity }
    public func recordAcceptedState(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) {}
}
