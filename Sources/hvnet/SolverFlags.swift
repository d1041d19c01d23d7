import ArgumentParser
import HVNet

extension NoiseIntegration: ExpressibleByArgument {}

/// Command-line overrides of a scenario's `solver:` block.
struct SolverFlags: ParsableArguments {
    @Option(help: "Integration method (\(SolverMethod.names.joined(separator: ", "))).")
    var method: String?
    @Option(help: "Fixed step in ms (euler, heun, rk4).")
    var dt: Double?
    @Option(help: "Relative tolerance of adaptive methods (default 1e-6).")
    var rtol: Double?
    @Option(help: "Absolute tolerance of adaptive methods (default rtol/100).")
    var atol: Double?
    @Option(help: "Initial step of adaptive methods (ms).")
    var h0: Double?
    @Option(help: "Maximum step of adaptive methods (ms; default: no cap).")
    var hmax: Double?
    @Option(name: .customLong("noise-integration"), help: "shifted or plain.")
    var noiseIntegration: NoiseIntegration?

    func apply(to scenario: inout Scenario) throws {
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
