/// The integration methods hvnet offers, by stable lowercase name. Each is documented with its
/// formula, order and reference where it is implemented; this table is the registry.
public struct SolverMethod: Sendable, Equatable, CustomStringConvertible {
    public enum Family: String, Sendable {
        /// Fixed step dt (hvnet's own: ``FixedStepDriver``).
        case fixedStep = "fixed step"
        /// GSL's odeiv2 steppers with error control (`GSLStepper`).
        case gsl = "GSL adaptive"
        /// hvnet's adaptive Bogacki–Shampine 3(2) with dyadic steps (``DyadicDriver``).
        case dyadic = "adaptive dyadic"
    }

    /// How events (spike threshold crossings and peaks) are located inside an accepted step.
    public enum EventLocation: Sendable, Equatable {
        /// Cubic Hermite interpolation between the step's ends (values and derivatives): as
        /// accurate as the method at the fixed steps it is used with.
        case hermite
        /// Root finding on the solution itself: re-integration from the step's start with the
        /// method's own stepper and a single step to each trial time.
        case reintegration
        /// As ``reintegration``, with the named one-step stepper of the same family, for methods
        /// whose single step from a past state is not defined (multistep methods).
        case companion(String)
    }

    public let name: String
    public let order: Int
    public let family: Family
    /// Needs the Jacobian (implicit steppers and bsimp).
    public let usesJacobian: Bool
    /// Keeps a history of past steps (msadams, msbdf): incompatible with the per-step shift.
    public let isMultistep: Bool
    public let summary: String
    /// How the integration loop locates events in this method's steps.
    public var eventLocation: EventLocation {
        switch family {
        case .fixedStep: return .hermite
        case .dyadic: return .reintegration
        case .gsl: return isMultistep ? .companion("rk8pd") : .reintegration
        }
    }

    public var description: String { name }

    public static let all: [SolverMethod] = [
        SolverMethod(name: "euler", order: 1, family: .fixedStep, usesJacobian: false, isMultistep: false, summary: "explicit Euler, 1 evaluation per step"),
        SolverMethod(name: "heun", order: 2, family: .fixedStep, usesJacobian: false, isMultistep: false, summary: "Heun's method (explicit trapezoid), 2 evaluations per step"),
        SolverMethod(name: "rk4", order: 4, family: .fixedStep, usesJacobian: false, isMultistep: false, summary: "classical Runge–Kutta, 4 evaluations per step (the notebook's method)"),
        SolverMethod(name: "rk2", order: 2, family: .gsl, usesJacobian: false, isMultistep: false, summary: "GSL rk2: explicit embedded Runge–Kutta (2, 3)"),
        SolverMethod(name: "rk4-gsl", order: 4, family: .gsl, usesJacobian: false, isMultistep: false, summary: "GSL rk4: classical Runge–Kutta with step doubling for the error (12 evaluations per step)"),
        SolverMethod(name: "rkf45", order: 5, family: .gsl, usesJacobian: false, isMultistep: false, summary: "GSL rkf45: Runge–Kutta–Fehlberg (4, 5)"),
        SolverMethod(name: "rkck", order: 5, family: .gsl, usesJacobian: false, isMultistep: false, summary: "GSL rkck: Runge–Kutta Cash–Karp (4, 5)"),
        SolverMethod(name: "rk8pd", order: 8, family: .gsl, usesJacobian: false, isMultistep: false, summary: "GSL rk8pd: Runge–Kutta Prince–Dormand (8, 9)"),
        SolverMethod(name: "rk1imp", order: 1, family: .gsl, usesJacobian: true, isMultistep: false, summary: "GSL rk1imp: implicit Euler (Gaussian 1st order), step doubling"),
        SolverMethod(name: "rk2imp", order: 2, family: .gsl, usesJacobian: true, isMultistep: false, summary: "GSL rk2imp: implicit midpoint (Gaussian 2nd order), step doubling"),
        SolverMethod(name: "rk4imp", order: 4, family: .gsl, usesJacobian: true, isMultistep: false, summary: "GSL rk4imp: implicit Gaussian 4th order, step doubling"),
        SolverMethod(name: "bsimp", order: 6, family: .gsl, usesJacobian: true, isMultistep: false, summary: "GSL bsimp: implicit Bulirsch–Stoer (Bader–Deuflhard)"),
        SolverMethod(name: "msadams", order: 12, family: .gsl, usesJacobian: false, isMultistep: true, summary: "GSL msadams: variable-order Adams (1–12), functional iteration"),
        SolverMethod(name: "msbdf", order: 5, family: .gsl, usesJacobian: true, isMultistep: true, summary: "GSL msbdf: variable-order BDF (1–5), Newton iteration"),
        SolverMethod(name: "bs32-dyadic", order: 3, family: .dyadic, usesJacobian: false, isMultistep: false, summary: "Bogacki–Shampine 3(2) on the shifted system, dyadic steps on the noise grid"),
    ]

    public static var names: [String] { all.map(\.name) }

    /// The method called `name`, or an error listing the valid names.
    public static func named(_ name: String) throws -> SolverMethod {
        guard let m = all.first(where: { $0.name == name }) else { throw SolverError.unknownMethod(name, valid: names) }
        return m
    }
}

/// Options of a method: dt for fixed-step methods; tolerances, initial and maximum step for
/// adaptive ones. Options that a method does not use are errors, so that a typo is not silent.
public struct SolverOptions: Sendable, Equatable {
    public var dtMs: Double?
    public var absoluteTolerance: Double?
    public var relativeTolerance: Double?
    public var initialStepMs: Double?
    public var maxStepMs: Double?
    /// A cap on the steps (accepted and rejected) of adaptive methods.
    public var maxSteps: Int = 100_000_000

    public init(dtMs: Double? = nil, absoluteTolerance: Double? = nil, relativeTolerance: Double? = nil,
                initialStepMs: Double? = nil, maxStepMs: Double? = nil) {
        self.dtMs = dtMs
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.initialStepMs = initialStepMs
        self.maxStepMs = maxStepMs
    }

    public static let keys = ["dt", "atol", "rtol", "h0", "hmax"]

    /// Defaults for adaptive methods: rtol 1e-6, and atol rtol/100 unless given (1e-8 at the
    /// default rtol). The state is normalised (v/v_T of order 1, gates and synaptic variables in
    /// [0, 1]), so an atol that follows rtol lets a tolerance sweep tighten every component; a
    /// fixed atol capped the accuracy of rkf45 on ten-cell-ei at about 2e-4 ms whatever rtol
    /// (docs/solvers.md, "Defaults").
    public var atol: Double { absoluteTolerance ?? rtol * 1e-2 }
    public var rtol: Double { relativeTolerance ?? 1e-6 }
    /// The largest step of an adaptive method: no cap (infinity) unless set. Spikes are located
    /// inside steps by re-integration (``SolverMethod/EventLocation``), so long steps cost no
    /// spike-time accuracy; under noise the error control keeps steps short anyway (docs/solvers.md,
    /// "Defaults").
    public var hmax: Double { maxStepMs ?? .infinity }

    /// The largest step any method takes with these options (ms).
    public var largestStep: Double { dtMs ?? hmax }

    /// Checks that the options fit the method.
    public func validated(for method: SolverMethod) throws -> SolverOptions {
        switch method.family {
        case .fixedStep:
            guard let dt = dtMs, dt > 0, dt.isFinite else { throw SolverError.invalidOption(method: method.name, "needs a finite dt > 0 (ms)") }
            if absoluteTolerance != nil || relativeTolerance != nil || initialStepMs != nil || maxStepMs != nil {
                throw SolverError.invalidOption(method: method.name, "takes only dt; atol, rtol, h0 and hmax are for adaptive methods")
            }
        case .gsl, .dyadic:
            if dtMs != nil { throw SolverError.invalidOption(method: method.name, "is adaptive: give atol, rtol, h0 or hmax, not dt") }
            guard atol >= 0, rtol >= 0, atol.isFinite, rtol.isFinite, atol + rtol > 0 else {
                throw SolverError.invalidOption(method: method.name, "needs finite tolerances atol ≥ 0 and rtol ≥ 0, not both 0")
            }
            if let h = initialStepMs, !(h > 0 && h.isFinite) { throw SolverError.invalidOption(method: method.name, "h0 must be a finite step > 0 (ms)") }
            if let h = maxStepMs, !(h > 0 && h.isFinite) { throw SolverError.invalidOption(method: method.name, "hmax must be a finite step > 0 (ms)") }
            if let h0 = initialStepMs, h0 > hmax {
                throw SolverError.invalidOption(method: method.name, "h0 (\(h0) ms) must not exceed hmax (\(hmax) ms)")
            }
        }
        return self
    }
}

/// Why a solver configuration cannot be used.
public enum SolverError: Error, Equatable, CustomStringConvertible {
    case unknownMethod(String, valid: [String])
    case unknownOption(String, valid: [String])
    case invalidOption(method: String, String)
    case unsupported(method: String, String)

    public var description: String {
        switch self {
        case .unknownMethod(let name, let valid): return "unknown method '\(name)'; valid methods: \(valid.joined(separator: ", "))"
        case .unknownOption(let name, let valid): return "unknown solver option '\(name)'; valid options: \(valid.joined(separator: ", "))"
        case .invalidOption(let method, let text): return "\(method) \(text)"
        case .unsupported(let method, let text): return "\(method): \(text)"
        }
    }
}
