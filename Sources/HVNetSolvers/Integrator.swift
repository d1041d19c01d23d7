import Numerics
import GSLSupport
/// "Make an integrator, then advance it": one entry point for every method of the registry.
/// The same network, noise path (shifted or plain) and observer serve all methods.
public enum Integrator {
    public static func integrate<System: ODESystem, Observer: StepObserver>(
        _ system: System, method: SolverMethod, options: SolverOptions, noiseGridMs: Double,
        from initial: [Double], duration: Double, observer: Observer, progress: ((Double) -> Void)? = nil
    ) throws -> (state: [Double], statistics: IntegrationStatistics) {
        let options = try options.validated(for: method)
        switch method.family {
        case .fixedStep:
            let scheme = FixedStepDriver.Scheme(rawValue: method.name)!
            return try FixedStepDriver(scheme: scheme, dt: options.dtMs!).integrate(
                system, from: initial, duration: duration, observer: observer, progress: progress)
        case .gsl:
            return try GSLDriver(method: method, options: options).integrate(
                system, from: initial, duration: duration, observer: observer, progress: progress)
        case .dyadic:
            return try DyadicDriver(options: options, gridMs: noiseGridMs).integrate(
                system, from: initial, duration: duration, observer: observer, progress: progress)
        }
    }
}
