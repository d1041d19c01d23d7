import Numerics
/// Why an integration stopped early.
public enum IntegrationError: Error, Equatable, CustomStringConvertible {
    /// The state became NaN or infinite: the run diverged.
    case nonFinite(timeMs: Double, component: String)
    /// Options that cannot work (a non-positive step, a non-positive duration, …).
    case invalidOptions(String)
    /// An adaptive method needed a step below its minimum; `reason` names what the stepper
    /// reported on the way there, when it was more than the error test.
    case stepSizeUnderflow(timeMs: Double, stepMs: Double, component: String, reason: String?)
    /// The stepper could not be set up or failed otherwise (a GSL status, in words).
    case stepperFailure(timeMs: Double, reason: String)
    /// An adaptive method took more steps than allowed.
    case tooManySteps(timeMs: Double, limit: Int)

    public var description: String {
        switch self {
        case .nonFinite(let t, let component):
            return "the run diverged: \(component) became NaN or infinite at t = \(formatRounded(t)) ms"
        case .invalidOptions(let message):
            return message
        case .stepSizeUnderflow(let t, let h, let component, let reason):
            return "step size underflow at t = \(formatRounded(t)) ms: the step fell to \(formatRounded(h)) ms, below the smallest allowed; fastest-changing state \(component)"
                + (reason.map { " (\($0))" } ?? " (the error test failed at every larger step)")
                + "; loosen rtol/atol or use a fixed-step method"
        case .stepperFailure(let t, let reason):
            return "the solver failed at t = \(formatRounded(t)) ms: \(reason)"
        case .tooManySteps(let t, let limit):
            return "too many steps: more than \(limit) steps (accepted and rejected) before t = \(formatRounded(t)) ms"
        }
    }

    /// The time at which the integration stopped, where known.
    public var timeMs: Double? {
        switch self {
        case .nonFinite(let t, _), .stepSizeUnderflow(let t, _, _, _), .tooManySteps(let t, _), .stepperFailure(let t, _): return t
        case .invalidOptions: return nil
        }
    }
}
