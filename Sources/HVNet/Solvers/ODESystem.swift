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
}

extension NetworkEvaluator: ODESystem {
    public var dimension: Int { model.stateSize }
    public func breakpoints(before duration: Double) -> [Double] { model.breakpoints(before: duration) }
    public func describeStateComponent(_ index: Int) -> String { model.describeStateComponent(index) }
}
