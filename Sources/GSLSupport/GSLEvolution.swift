internal import CGSL

/// GSL's odeiv2 steppers by their GSL names (`gsl_odeiv2_step_rk2`, …).
public enum GSLStepType: String, Sendable, CaseIterable {
    case rk2, rk4, rkf45, rkck, rk8pd, rk1imp, rk2imp, rk4imp, bsimp, msadams, msbdf

    var gslType: UnsafePointer<gsl_odeiv2_step_type> {
        switch self {
        case .rk2: return hv_step_rk2()
        case .rk4: return hv_step_rk4()
        case .rkf45: return hv_step_rkf45()
        case .rkck: return hv_step_rkck()
        case .rk8pd: return hv_step_rk8pd()
        case .rk1imp: return hv_step_rk1imp()
        case .rk2imp: return hv_step_rk2imp()
        case .rk4imp: return hv_step_rk4imp()
        case .bsimp: return hv_step_bsimp()
        case .msadams: return hv_step_msadams()
        case .msbdf: return hv_step_msbdf()
        }
    }
}

/// The right-hand side and Jacobian that GSL calls back, with the first non-finite derivative
/// seen (reported to GSL as `GSL_EBADFUNC`, so that the step fails instead of going on).
public final class GSLCallbacks {
    package typealias Function = (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    package typealias Jacobian = (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Bool

    let evaluate: Function
    let jacobian: Jacobian?
    let dimension: Int
    /// Where a derivative or state first became NaN or infinite since ``reset()``: time and component.
    public private(set) var nonFinite: (t: Double, index: Int)?

    /// - Parameters:
    ///   - evaluate: writes f(t, y) (dimension values) into its third argument.
    ///   - jacobian: writes ∂f/∂y (row-major) and ∂f/∂t; returns false when it has none.
    package init(dimension: Int, evaluate: @escaping Function, jacobian: Jacobian?) {
        self.dimension = dimension
        self.evaluate = evaluate
        self.jacobian = jacobian
    }

    public func reset() { nonFinite = nil }

    fileprivate func recordNonFinite(_ t: Double, _ index: Int) {
        if nonFinite == nil { nonFinite = (t, index) }
    }

    fileprivate func callFunction(_ t: Double, _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        evaluate(t, y, dydt)
        for i in 0..<dimension where !dydt[i].isFinite || !y[i].isFinite {
            // A non-finite stage state is where it started; a derivative can be non-finite only
            // through what another component passed it (a synapse from a cell that blew up).
            if nonFinite == nil { nonFinite = (t, (i..<dimension).first { !y[$0].isFinite } ?? i) }
            return Int32(GSL_EBADFUNC)
        }
        return Int32(GSL_SUCCESS)
    }
}

/// One `gsl_odeiv2_driver` (stepper, control on y with atol + rtol·|y|, evolve) for a system of
/// `dimension` equations: hvnet's only door to gsl_odeiv2. hvnet takes single steps
/// (``step(t:h:state:error:derivativeIn:derivativeOut:)``) and judges them with GSL's control
/// (``adjust(state:error:derivative:h:)``); the step-size loop is hvnet's own. Not thread-safe; one per integration.
///
/// Reference: M. Galassi et al., *GNU Scientific Library Reference Manual*, "Ordinary
/// Differential Equations".
public final class GSLEvolution {
    public let stepType: GSLStepType
    private let callbacks: GSLCallbacks
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>

    /// - Throws: ``GSLError`` (`GSL_ENOMEM`) when GSL cannot allocate the driver.
    public init(stepType: GSLStepType, callbacks: GSLCallbacks, initialStep: Double, absoluteTolerance: Double,
                relativeTolerance: Double) throws {
        GSLRuntime.ensureInitialized()
        self.stepType = stepType
        self.callbacks = callbacks
        system = .allocate(capacity: 1)
        system.initialize(to: gsl_odeiv2_system(
            function: gslFunction, jacobian: callbacks.jacobian == nil ? nil : gslJacobian,
            dimension: callbacks.dimension, params: Unmanaged.passUnretained(callbacks).toOpaque()))
        guard let driver = gsl_odeiv2_driver_alloc_y_new(system, stepType.gslType, initialStep, absoluteTolerance, relativeTolerance) else {
            system.deallocate()
            throw GSLError(status: Int32(GSL_ENOMEM), context: "\(stepType.rawValue): allocating the GSL driver")
        }
        self.driver = driver
    }

    deinit {
        gsl_odeiv2_driver_free(driver)
        system.deallocate()
    }

    /// `gsl_odeiv2_step_apply`: one step of exactly `h` from (`t`, `state`) without error
    /// control. On return `state` holds y(t + h), `error` the stepper's error estimate and
    /// `derivativeOut` f(t + h, y(t + h)); `derivativeIn` (f(t, y), or nil) is used when the stepper
    /// can take it (``canUseDerivativeIn``). Returns GSL's status (0 on success).
    package func step(t: Double, h: Double, state: UnsafeMutablePointer<Double>, error: UnsafeMutablePointer<Double>,
                     derivativeIn: UnsafePointer<Double>?, derivativeOut: UnsafeMutablePointer<Double>) -> Int32 {
        withExtendedLifetime(callbacks) {
            gsl_odeiv2_step_apply(driver.pointee.s, t, h, state, error, canUseDerivativeIn ? derivativeIn : nil, derivativeOut, system)
        }
    }

    /// How the control object judges a step: `gsl_odeiv2_control_hadjust` with GSL's standard
    /// control on y (per component atol + rtol·|y|, safety factor 0.9, changes limited to a factor
    /// 5 up and 0.2 down). Returns −1 when the step must be retried with the (smaller) `h`,
    /// 0 when it is accepted and `h` unchanged, +1 when it is accepted and `h` may grow.
    package func adjust(state: UnsafePointer<Double>, error: UnsafePointer<Double>, derivative: UnsafePointer<Double>,
                       h: inout Double) -> Int {
        Int(gsl_odeiv2_control_hadjust(driver.pointee.c, driver.pointee.s, state, error, derivative, &h))
    }

    /// The stepper takes f(t, y) at the step's start instead of evaluating it.
    public var canUseDerivativeIn: Bool { driver.pointee.s.pointee.type.pointee.can_use_dydt_in != 0 }
    /// The stepper's `derivativeOut` is f at the step's end (not an approximation).
    public var givesExactDerivativeOut: Bool { driver.pointee.s.pointee.type.pointee.gives_exact_dydt_out != 0 }

    /// `gsl_odeiv2_driver_reset`: forget the history (at a breakpoint).
    public func reset() { gsl_odeiv2_driver_reset(driver) }

    /// `gsl_odeiv2_step_reset` and `gsl_odeiv2_evolve_reset`: start the stepper afresh.
    public func resetStepper() {
        gsl_odeiv2_step_reset(driver.pointee.s)
        gsl_odeiv2_evolve_reset(driver.pointee.e)
    }
}

extension GSLError {
    /// `GSL_EMAXITER` and `GSL_SUCCESS`, as statuses hvnet compares with or raises itself.
    public static let outOfMemory = Int32(GSL_ENOMEM)
    public static let maximumIterations = Int32(GSL_EMAXITER)
    public static let success = Int32(GSL_SUCCESS)
    public static let badFunction = Int32(GSL_EBADFUNC)

    /// GSL's own words for a status (`gsl_strerror`).
    public static func reason(_ status: Int32) -> String {
        GSLRuntime.ensureInitialized()
        return String(cString: gsl_strerror(status))
    }
}

private func gslFunction(_ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?, _ params: UnsafeMutableRawPointer?) -> Int32 {
    Unmanaged<GSLCallbacks>.fromOpaque(params!).takeUnretainedValue().callFunction(t, y!, dydt!)
}

private func gslJacobian(_ t: Double, _ y: UnsafePointer<Double>?, _ dfdy: UnsafeMutablePointer<Double>?, _ dfdt: UnsafeMutablePointer<Double>?,
                         _ params: UnsafeMutableRawPointer?) -> Int32 {
    Unmanaged<GSLCallbacks>.fromOpaque(params!).takeUnretainedValue().callJacobian(t, y!, dfdy!, dfdt!)
}

extension GSLCallbacks {
    /// The Jacobian, refused (`GSL_EBADFUNC`) when an entry is not finite: a linear solve with it
    /// would spread NaN over every component of the step. The component recorded is the column
    /// of the first such entry (row by row): the variable whose change the rates cannot follow,
    /// which is the cell that blew up also for the rows of the cells it drives.
    fileprivate func callJacobian(_ t: Double, _ y: UnsafePointer<Double>, _ dfdy: UnsafeMutablePointer<Double>,
                                  _ dfdt: UnsafeMutablePointer<Double>) -> Int32 {
        guard jacobian?(t, y, dfdy, dfdt) == true else { return Int32(GSL_EUNIMPL) }
        let n = dimension
        for k in 0..<(n * n) where !dfdy[k].isFinite {
            recordNonFinite(t, k % n)
            return Int32(GSL_EBADFUNC)
        }
        for i in 0..<n where !dfdt[i].isFinite {
            recordNonFinite(t, i)
            return Int32(GSL_EBADFUNC)
        }
        return Int32(GSL_SUCCESS)
    }
}
