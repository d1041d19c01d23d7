import Numerics
import GSLSupport
/// Why an integration stopped early.
public enum IntegrationError: Error, Equatable, CustomStringConvertible {
    /// The state became NaN or infinite: the run diverged.
    case nonFinite(timeMs: Double, component: String)
    /// Options that cannot work (a non-positive step, a non-positive duration, …).
    case invalidOptions(String)
    /// An adaptive method needed a step below its minimum.
    case stepSizeUnderflow(timeMs: Double, stepMs: Double)
    /// An adaptive method took more steps than allowed.
    case tooManySteps(timeMs: Double, limit: Int)

    public var description: String {
        switch self {
        case .nonFinite(let t, let component):
            return "the run diverged: \(component) became NaN or infinite at t = \(t) ms"
        case .invalidOptions(let message):
            return message
        case .stepSizeUnderflow(let t, let h):
            return "step size underflow at t = \(t) ms: the error test failed at the smallest step (\(h) ms)"
        case .tooManySteps(let t, let limit):
            return "more than \(limit) steps before t = \(t) ms"
        }
    }

    /// The time at which the integration stopped, where known.
    public var timeMs: Double? {
        switch self {
        case .nonFinite(let t, _), .stepSizeUnderflow(let t, _), .tooManySteps(let t, _): return t
        case .invalidOptions: return nil
        }
    }
}
