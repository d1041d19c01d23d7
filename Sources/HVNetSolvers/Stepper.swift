
/// What one attempt at a step gave (``Stepper/attempt(from:to:state:derivative:into:derivativeInto:)``).
public enum StepAttempt: Equatable {
    /// The step passed the method's error test (fixed-step methods always pass): the end state
    /// (and, where the stepper provides it, the derivative there) is written.
    case accepted
    /// The error test failed; the stepper has shortened its step and the integration retries from
    /// the same (t, y). `nonFinite`: the trial state or its error estimate was NaN or infinite.
    case rejected(nonFinite: Bool)
}

/// A method family as the one integration loop (``Integrator``) sees it: it attempts a step of h
/// from (t, y) and adapts h, and it can take one step of a given length without error control
/// (for event location). Breakpoints, the noise shift, non-finite states, the observer, the work
/// counters and every error are the loop's business, the same for every family.
///
/// States and derivatives are in the integration's coordinates (ỹ for shifted noise integration,
/// with the anchor at the step's start t); all pointers hold ``ODESystem/dimension`` values.
public protocol Stepper: AnyObject {
    /// Adapts its step under error control (the step cap ``SolverOptions/maxSteps`` applies).
    var isAdaptive: Bool { get }
    /// Below this step (ms) an adaptive stepper has failed: "step size underflow".
    var minimumStep: Double { get }
    /// The step (ms) the next attempt will try.
    var stepSize: Double { get }
    /// Writes f(t₁, y₁) at the end of an accepted step (false: the loop evaluates it, counted as an
    /// output evaluation).
    var providesEndDerivative: Bool { get }
    /// A failure the stepper met that is not an error-test rejection (a GSL status, in words), until
    /// the next accepted step; named in the underflow error.
    var lastFailure: String? { get }

    /// Forget any history: the integration starts, or restarts after a breakpoint, at `t`.
    func beginSegment(at t: Double)
    /// The end of the next step from `t`, and whether it closes the segment that ends at
    /// `segmentEnd` (a step end within rounding of the segment's end closes it).
    func nextEnd(from t: Double, segmentEnd: Double) -> (end: Double, closesSegment: Bool)
    /// Attempts the step from (`t`, `state`) to `end`; `derivative` is f(t, state).
    func attempt(from t: Double, to end: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>,
                 into newState: UnsafeMutablePointer<Double>, derivativeInto newDerivative: UnsafeMutablePointer<Double>) -> StepAttempt
    /// After an accepted step whose end state turned out NaN or infinite: make the next attempt
    /// shorter (fixed-step methods cannot, and return false).
    func shrinkAfterNonFinite() -> Bool
    /// After an attempt rejected as non-finite: the component the stepper saw go NaN or infinite
    /// inside it (a stage state before a stage derivative), when it knows; nil otherwise.
    var nonFiniteComponent: Int? { get }
    /// One step of the method from (`t0`, `state`) to `t` without error control, for event
    /// location inside an accepted step; false when it could not be taken.
    func advance(from t0: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>, to t: Double,
                 into result: UnsafeMutablePointer<Double>) -> Bool
    /// A fixed-step method on a system that evaluates steps together
    /// (``ODESystem/evaluatesStepsTogether``): up to `limit` steps from `t` inside the segment that
    /// ends at `segmentEnd`, as one job (``ODESystem/evaluate(steps:evaluationsPerStep:observing:by:)``),
    /// step j from one pair of buffers to the other (`start` to `other`, then back), observed by
    /// `observer`. Writes the step ends into `times` (times[0] = t, times[j + 1] the end of step j;
    /// `limit` + 1 values). Nil, having run nothing, when it does not run steps this way or fewer
    /// than two steps fit (the default: nil).
    func attemptSteps(from t: Double, segmentEnd: Double, limit: Int, start: StepBuffers, other: StepBuffers,
                      times: UnsafeMutablePointer<Double>, observer: any CellwiseStepObserver) -> StepRun?
}

extension Stepper {
    public var nonFiniteComponent: Int? { nil }
    public func attemptSteps(from t: Double, segmentEnd: Double, limit: Int, start: StepBuffers, other: StepBuffers,
                             times: UnsafeMutablePointer<Double>, observer: any CellwiseStepObserver) -> StepRun? { nil }
}

/// A state and its derivative (dimension values each).
public struct StepBuffers {
    public var state: UnsafeMutablePointer<Double>
    public var derivative: UnsafeMutablePointer<Double>
    public init(state: UnsafeMutablePointer<Double>, derivative: UnsafeMutablePointer<Double>) {
        self.state = state
        self.derivative = derivative
    }
}

/// Steps run as one job by ``Stepper/attemptSteps(from:segmentEnd:limit:start:other:times:observer:)``.
public struct StepRun {
    /// Steps computed (at least 1); all but the last were checked and observed inside the job, the
    /// last is the caller's to check and observe.
    public var count: Int
    /// Whether the last step closes the segment.
    public var closesSegment: Bool
}
