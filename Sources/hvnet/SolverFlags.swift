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

    /// The options checked for range, as a method name and `solver:` keys with their values, to be
    /// written into the scenario before it is validated (``ScenarioDocument/applySolverOptions(method:options:)``),
    /// so that the scenario's checks see the method and step the run will use.
    /// - Parameter fileMethod: the scenario's own method, used when `--method` is not given.
    func treeOptions(fileMethod: String) throws -> (method: String?, options: [(key: String, value: String)]) {
        try checkRanges()
        let target: SolverMethod
        do { target = try SolverMethod.named(method ?? fileMethod) } catch let error as SolverError {
            guard method != nil else { return (nil, []) }  // the scenario's own bad method: the loader names its key
            throw RuntimeError("\(error)")
        }
        let adaptiveFlags = [("--rtol", rtol), ("--atol", atol), ("--h0", h0), ("--hmax", hmax)].filter { $0.1 != nil }.map(\.0)
        if target.family == .fixedStep, let flag = adaptiveFlags.first {
            throw RuntimeError("\(flag): \(target.name) takes only dt (--dt); \(adaptiveFlags.joined(separator: ", ")) \(adaptiveFlags.count == 1 ? "is an option" : "are options") of adaptive methods")
        }
        if target.family != .fixedStep, dt != nil {
            throw RuntimeError("--dt: \(target.name) is adaptive; it takes --rtol, --atol, --h0 and --hmax (--dt is for \(SolverMethod.names.compactMap { try? SolverMethod.named($0) }.filter { $0.family == .fixedStep }.map(\.name).joined(separator: ", ")))")
        }
        var options: [(key: String, value: String)] = []
        for (key, value) in [("dt_ms", dt), ("rtol", rtol), ("atol", atol), ("h0_ms", h0), ("hmax_ms", hmax)] {
            if let value { options.append((key, "\(value)")) }
        }
        if let noiseIntegration { options.append(("noise_integration", noiseIntegration.rawValue)) }
        return (method, options)
    }

    private func checkRanges() throws {
        for (name, value) in [("--dt", dt), ("--rtol", rtol), ("--atol", atol), ("--h0", h0), ("--hmax", hmax)] {
            if let value, !value.isFinite { throw RuntimeError("\(name): '\(value)' is not allowed; expected a finite number") }
        }
        for (name, value) in [("--dt", dt), ("--h0", h0), ("--hmax", hmax)] {
            if let value, !(value > 0) { throw RuntimeError("\(name): '\(value)' is not allowed; expected a positive step in ms") }
        }
        for (name, value) in [("--rtol", rtol), ("--atol", atol)] {
            if let value, !(value >= 0) { throw RuntimeError("\(name): '\(value)' is not allowed; expected a tolerance ≥ 0") }
        }
    }
}
