/// Why an integration stopped early.
public enum IntegrationError: Error, Equatable, CustomStringConvertible {
    /// The state became NaN or infinite: the run diverged.
    case nonFinite(timeMs: Double, component: String)
    /// Options that cannot work (a non-positive step, a non-positive duration, …).
    case invalidOptions(String)

    public var description: String {
        switch self {
        case .nonFinite(let t, let component):
            return "the run diverged: \(component) became NaN or infinite at t = \(t) ms"
        case .invalidOptions(let message):
            return message
        }
    }
}
