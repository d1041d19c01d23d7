import ArgumentParser
import HVNet

extension NoiseIntegration: ExpressibleByArgument {}

/// Command-line overrides of a scenario's `solver:` block.
struct SolverFlags: ParsableArguments {
    @Option(help: "Integration method (\(SolverMethod.names.joined(separator: ", "))).")
    var method: String?
    @Option(parsing: .unconditional, help: "Fixed step in ms (euler, heun, rk4).")
    var dt: Double?
    @Option(parsing: .unconditional, help: "Relative tolerance of adaptive methods (default 1e-6).")
    var rtol: Double?
    @Option(parsing: .unconditional, help: "Absolute tolerance of adaptive methods (default rtol/100).")
    var atol: Double?
    @Option(parsing: .unconditional, help: "Initial step of adaptive methods (ms).")
    var h0: Double?
    @Option(parsing: .unconditional, help: "Maximum step of adaptive methods (ms; default: no cap).")
    var hmax: Double?
    @Option(name: .customLong("noise-integration"), help: "shifted or plain.")
    var noiseIntegration: NoiseIntegration?

    func apply(to scenario: inout Scenario) throws {
        for (name, value) in [("--dt", dt), ("--rtol", rtol), ("--atol", atol), ("--h0", h0), ("--hmax", hmax)] {
            if let value, !value.isFinite { throw RuntimeError("\(name): '\(value)' is not allowed; expected a finite number") }
        }
        for (name, value) in [("--dt", dt), ("--h0", h0), ("--hmax", hmax)] {
            if let value, !(value > 0) { throw RuntimeError("\(name): '\(value)' is not allowed; expected a positive step in ms") }
        }
        for (name, value) in [("--rtol", rtol), ("--atol", atol)] {
            if let value, !(value >= 0) { throw RuntimeError("\(name): '\(value)' is not allowed; expected a tolerance ≥ 0") }
        }
        do {
            if let method {
                let m = try SolverMethod.named(method)
                if m.family != scenario.solver.method.family { scenario.solver.options = SolverOptions() }
                scenario.solver.method = m
            }
            var o = scenario.solver.options
            if let dt { o.dtMs = dt }
            if let rtol { o.relativeTolerance = rtol }
            if let atol { o.absoluteTolerance = atol }
            if let h0 { o.initialStepMs = h0 }
            if let hmax { o.maxStepMs = hmax }
            scenario.solver.options = try o.validated(for: scenario.solver.method)
            if let noiseIntegration { scenario.solver.noiseIntegration = noiseIntegration }
        } catch let error as SolverError {
            throw RuntimeError("\(error)")
        }
    }
}
