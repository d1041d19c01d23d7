import ArgumentParser
import Foundation
import HVNet

@main
struct HVNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hvnet",
        abstract: "Simulate small noisy networks of Herrera-Valdez neurons.",
        version: HVNetVersion.string,
        subcommands: [Run.self, Compare.self, Analyze.self, Validate.self])
}

/// Loads a scenario or exits with its error message.
func loadScenario(_ path: String) throws -> Scenario {
    do {
        return try ScenarioLoader.load(path: path)
    } catch let error as ScenarioError {
        throw RuntimeError("\(path): \(error)")
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a scenario file without running it.")

    @Argument(help: "The scenario file (YAML or JSON).")
    var scenario: String

    func run() throws {
        let s = try loadScenario(scenario)
        do { _ = try s.initialState() } catch { throw RuntimeError("\(scenario): \(error)") }
        print("\(scenario): valid. \(s.cellCount) cell(s) in \(s.populations.count) population(s), \(s.durationMs) ms, \(s.solver.summary).")
    }
}
