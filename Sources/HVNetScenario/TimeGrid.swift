/// The time grids of one run, derived in one place (``Scenario/timeGrid``) from the solver's step:
///
/// - the step: `dt` of fixed-step methods (nil for adaptive ones);
/// - the noise grid δ: the scenario's `noise.grid_ms`; else dt/2, so that every RK4 stage time is
///   a grid point; else 2⁻¹⁰ ms for adaptive methods; without noise under bs32-dyadic, 2⁻²⁴ ms
///   (there the grid only quantises the steps, the smallest of which is 4δ);
/// - the trace interval: the recording's `interval_ms`, else dt, else 0.05 ms;
/// - the noise block length: grid points generated at a time, long enough (2.5 of the largest
///   steps) that a rejected step rarely reaches back past the previous block; at least 512 and at
///   most 2¹⁶ (adaptive methods have no step cap by default: a step that reaches further back
///   replays the paths from their seeds, the same values at more work).
public struct TimeGrid: Sendable, Equatable {
    /// Fixed step (ms), nil for adaptive methods.
    public var stepMs: Double?
    /// The largest step the method takes (ms): dt, or the adaptive methods' hmax.
    public var largestStepMs: Double
    /// δ (ms).
    public var noiseGridMs: Double
    /// Trace sampling interval (ms).
    public var traceIntervalMs: Double

    public init(stepMs: Double?, largestStepMs: Double, noiseGridMs: Double, traceIntervalMs: Double) {
        self.stepMs = stepMs
        self.largestStepMs = largestStepMs
        self.noiseGridMs = noiseGridMs
        self.traceIntervalMs = traceIntervalMs
    }

    /// Grid points per generated noise block.
    public var noiseBlockLength: Int {
        let points = (2.5 * largestStepMs / noiseGridMs).rounded(.up)
        return points < 512 ? 512 : (points < 65_536 ? Int(points) : 65_536)
    }
}
