import Numerics
/// One accepted step from (t0, y0) to (t1, y1) with the derivatives f0 = f(t0, y0) and
/// f1 = f(t1, y1) of the segment the step lies in (f1 is the left limit at a breakpoint). Enough
/// for cubic Hermite interpolation inside the step. The pointers are valid only during the call
/// (for a ``CellwiseStepObserver``'s cell-wise work on a split system, until that work has run:
/// ``ODESystem/observeCellsLater(_:by:)``).
public struct AcceptedStep {
    public let t0: Double
    public let t1: Double
    public let y0: UnsafePointer<Double>
    public let f0: UnsafePointer<Double>
    public let y1: UnsafePointer<Double>
    public let f1: UnsafePointer<Double>
    /// The solution inside the step to the method's accuracy, where the method locates events by
    /// re-integration (nil: cubic Hermite interpolation is as accurate as the method).
    public let solution: (any StepSolution)?

    public init(t0: Double, t1: Double, y0: UnsafePointer<Double>, f0: UnsafePointer<Double>, y1: UnsafePointer<Double>,
                f1: UnsafePointer<Double>, solution: (any StepSolution)? = nil) {
        self.t0 = t0
        self.t1 = t1
        self.y0 = y0
        self.f0 = f0
        self.y1 = y1
        self.f1 = f1
        self.solution = solution
    }

    public var h: Double { t1 - t0 }

    /// The cubic Hermite interpolant of component `i` at `t` in [t0, t1].
    @inlinable public func interpolate(_ i: Int, at t: Double) -> Double {
        CubicHermite(h: h, y0: y0[i], f0: f0[i], y1: y1[i], f1: f1[i]).value(at: (t - t0) / h)
    }
}

/// The solution of an ODE inside one accepted step [t0, t1], computed by re-integrating from
/// (t0, y0) with the method's own stepper and a single step (or the method's companion one-step
/// stepper for multistep methods), on the same noise realisation and the same shift anchor as the
/// step. States are in y (not ỹ). Used to locate events to the solver's accuracy.
public protocol StepSolution: AnyObject {
    /// y(t) for t in [t0, t1], valid until the next call; nil when the re-integration failed.
    func state(at t: Double) -> UnsafePointer<Double>?
    /// dy/dt at t (the state at t is recomputed as by ``state(at:)``); nil on failure.
    func derivative(at t: Double) -> UnsafePointer<Double>?
    /// How closely a component's value must match a level for an event at that level to be located:
    /// a small fraction of the method's own error tolerance there.
    func valueTolerance(at level: Double) -> Double
}

extension AcceptedStep {
    /// The time of the upward crossing of `level` by component `i`, given y0[i] < level ≤ y1[i].
    ///
    /// Without a ``solution``: the crossing of the cubic Hermite interpolant. With one: the root of
    /// g(t) = y_i(t) − level on the re-integrated solution by the Illinois variant of regula falsi
    /// (M. Dowell, P. Jarratt, BIT 11:168, 1971), started from the Hermite estimate and kept inside
    /// a bracket, until |g| is below the solution's value tolerance or the bracket is narrower than
    /// 1e-13 ms (at most 60 re-integrations). Falls back to the Hermite estimate when a
    /// re-integration fails.
    public func upwardCrossing(component i: Int, level: Double) -> Double {
        let hermite = CubicHermite(h: h, y0: y0[i], f0: f0[i], y1: y1[i], f1: f1[i])
        let guess = t0 + hermite.upwardCrossing(of: level) * h
        guard let solution else { return guess }
        let tolerance = solution.valueTolerance(at: level)
        return Self.illinois(t0, y0[i] - level, t1, y1[i] - level, guess: guess, valueTolerance: tolerance) {
            solution.state(at: $0).map { $0[i] - level }
        } ?? guess
    }

    /// The largest value of component `i` in the step and its time.
    ///
    /// Without a ``solution``, or when the slopes at the ends do not change sign from + to −: the
    /// maximum of the cubic Hermite interpolant (endpoints included). With a solution and a sign
    /// change: the root of dy_i/dt on the re-integrated solution (Illinois, as
    /// ``upwardCrossing(component:level:)``), and y_i there.
    public func maximum(component i: Int) -> (value: Double, time: Double) {
        let hermite = CubicHermite(h: h, y0: y0[i], f0: f0[i], y1: y1[i], f1: f1[i])
        let m = hermite.maximum()
        let estimate = (value: m.value, time: t0 + m.s * h)
        guard let solution, f0[i] > 0, f1[i] < 0 else { return estimate }
        let tolerance = 1e-9 * max(abs(f0[i]), abs(f1[i]))
        // dy/dt falls through zero: find the root of −dy/dt, which rises.
        guard let time = Self.illinois(t0, -f0[i], t1, -f1[i], guess: estimate.time, valueTolerance: tolerance, evaluate: {
            solution.derivative(at: $0).map { -$0[i] }
        }), let state = solution.state(at: time) else { return estimate }
        return (state[i], time)
    }

    /// Illinois iteration for a root of g in [a, b] with g(a) < 0 ≤ g(b); nil when g fails.
    static func illinois(_ a0: Double, _ ga0: Double, _ b0: Double, _ gb0: Double, guess: Double, valueTolerance: Double,
                         evaluate g: (Double) -> Double?) -> Double? {
        var a = a0, b = b0, ga = ga0, gb = gb0
        guard ga < 0, gb >= 0 else { return nil }
        if gb == 0 { return b }
        var x = guess.isFinite && guess > a && guess < b ? guess : a + (b - a) * (-ga / (gb - ga))
        var side = 0
        for _ in 0..<60 {
            guard let gx = g(x), gx.isFinite else { return nil }
            if abs(gx) <= valueTolerance { return x }
            if gx < 0 {
                a = x; ga = gx
                if side == -1 { gb *= 0.5 }
                side = -1
            } else {
                b = x; gb = gx
                if side == 1 { ga *= 0.5 }
                side = 1
            }
            if b - a <= 1e-13 * max(1, abs(b)) { return gx < 0 ? b : a }
            x = (a * gb - b * ga) / (gb - ga)
            if !(x > a && x < b) { x = 0.5 * (a + b) }
        }
        return x
    }
}

/// Receives the integration as it advances; recorders and event detectors conform.
public protocol StepObserver: AnyObject {
    /// The initial state at t = 0 (with f(0, y0)).
    func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws
    /// One accepted step.
    func observe(_ step: AcceptedStep) throws
    /// The integration stopped with an error (a divergence, a step-size underflow, too many steps,
    /// an error of the observer): the work done until then, rejected steps included, since the
    /// error carries none. Called once, before the error reaches the caller. Default: nothing.
    func integrationStopped(with statistics: IntegrationStatistics)
}

extension StepObserver {
    public func integrationStopped(with statistics: IntegrationStatistics) {}
}

/// An observer whose work on a step is, apart from a little per step, the same work for each
/// cell: cell i's reads only cell i's components of the step (the potential y_i at index i and
/// its rate) and writes only what the observer keeps for cell i, or for the part of cells it
/// belongs to. A network split over threads then runs that work on each part's thread
/// (``ODESystem/observeCellsLater(_:by:)``), so that the thread that runs the loop does not read
/// every cell's state after every step.
public protocol CellwiseStepObserver: StepObserver {
    /// Whether ``observe(_:)`` of the coming steps is exactly ``observeStep(_:)`` followed by
    /// ``observeCells(_:cells:part:)`` over ranges that cover every cell once (false, for
    /// instance, while the observer samples traces, which read across cells).
    var splitsByCells: Bool { get }
    /// The per-step part of ``observe(_:)``, on the loop's thread.
    func observeStep(_ step: AcceptedStep)
    /// The cell-wise part of ``observe(_:)`` for `cells`: part `part` (from 0) of a split system's
    /// partition, or part 0 holding every cell. On any thread; different parts run concurrently,
    /// and a cell stays in the same part for the whole integration.
    func observeCells(_ step: AcceptedStep, cells: Range<Int>, part: Int)
}

/// Work done by an integration.
public struct IntegrationStatistics: Sendable, Equatable {
    /// Right-hand-side evaluations of the method, rejected steps included.
    public var evaluations = 0
    /// Evaluations made only for output (derivatives at step ends for spike detection, where the
    /// method does not provide them).
    public var outputEvaluations = 0
    /// Evaluations spent locating events (spike times and peaks) inside accepted steps by
    /// re-integration; not included in ``evaluations``.
    public var locationEvaluations = 0
    public var acceptedSteps = 0
    public var rejectedSteps = 0
    public init() {}
}
