import Numerics
import GSLSupport
/// One accepted step from (t0, y0) to (t1, y1) with the derivatives f0 = f(t0, y0) and
/// f1 = f(t1, y1) of the segment the step lies in (f1 is the left limit at a breakpoint). Enough
/// for cubic Hermite interpolation inside the step. The pointers are valid only during the call.
public struct AcceptedStep {
    public let t0: Double
    public let t1: Double
    public let y0: UnsafePointer<Double>
    public let f0: UnsafePointer<Double>
    public let y1: UnsafePointer<Double>
    public let f1: UnsafePointer<Double>

    public var h: Double { t1 - t0 }

    /// The cubic Hermite interpolant of component `i` at `t` in [t0, t1].
    @inlinable public func interpolate(_ i: Int, at t: Double) -> Double {
        CubicHermite(h: h, y0: y0[i], f0: f0[i], y1: y1[i], f1: f1[i]).value(at: (t - t0) / h)
    }
}

/// Receives the integration as it advances; recorders and event detectors conform.
public protocol StepObserver: AnyObject {
    /// The initial state at t = 0 (with f(0, y0)).
    func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws
    /// One accepted step.
    func observe(_ step: AcceptedStep) throws
}

/// Work done by an integration.
public struct IntegrationStatistics: Sendable, Equatable {
    /// Right-hand-side evaluations of the method, rejected steps included.
    public var evaluations = 0
    /// Evaluations made only for output (derivatives at step ends for spike detection, where the
    /// method does not provide them).
    public var outputEvaluations = 0
    public var acceptedSteps = 0
    public var rejectedSteps = 0
    public init() {}
}
