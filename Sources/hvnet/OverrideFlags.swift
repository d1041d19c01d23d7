import ArgumentParser
import HVNet

/// `--set KEY.PATH=VALUE` (repeatable): overrides applied to the scenario file's node tree
/// before it is validated, so every check and key-path error of the loader applies.
struct OverrideFlags: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a scenario value (repeatable): KEY.PATH=VALUE, e.g. noise.sd_pA=20, populations[1].size=40, connections[0].channels_per_contact.mean=12. VALUE is YAML: a number, a string, [a, b] or {k: v}.",
        valueName: "KEY.PATH=VALUE"))
    var set: [String] = []

    /// The parsed overrides, or a bad-input error naming the option.
    func overrides(extra: [String] = []) throws -> [ScenarioOverride] {
        do {
            return try (set + extra).map { try ScenarioOverride(parsing: $0) }
        } catch let error as ScenarioError {
            throw InputError("\(error)")
        }
    }
}

/// `--duration`, `--seed` and `--trials` of `run` and `validate`: shorthands for `--set`, applied
/// after the `--set` overrides.
struct RunShorthands: ParsableArguments {
    @Option(name: .customLong("duration"), parsing: .unconditional, help: "Simulated time in ms (the same as --set duration_ms=MS).")
    var durationMs: String?

    @Option(parsing: .unconditional, help: "The scenario seed (the same as --set seed=N).")
    var seed: String?

    @Option(parsing: .unconditional, help: "Trials, independent noise realisations (the same as --set trials=K).")
    var trials: String?

    /// The shorthands as `--set` assignments.
    var assignments: [String] {
        [durationMs.map { "duration_ms=\($0)" }, seed.map { "seed=\($0)" }, trials.map { "trials=\($0)" }].compactMap { $0 }
    }
}

/// Loads a scenario with overrides; a bad file or override is an ``InputError`` (exit 1).
func loadScenario(_ path: String, overrides: [ScenarioOverride], solver: SolverFlags? = nil) throws -> Scenario {
    do {
        var document = try ScenarioDocument.read(path: path).applying(overrides)
        if let solver {
            let (method, options) = try solver.treeOptions(fileMethod: document.solverMethodName ?? "rk4")
            document.applySolverOptions(method: method, options: options)
        }
        return try document.validated()
    } catch let error as ScenarioError {
        throw InputError("\(path): \(error)")
    }
}

/// Bad input (scenario, sweep file, options): printed as "Error: …", exit code 1.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
