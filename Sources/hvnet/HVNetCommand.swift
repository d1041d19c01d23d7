import ArgumentParser
import Foundation
import HVNet

@main
struct HVNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hvnet",
        abstract: "Simulate small noisy networks of Herrera-Valdez neurons.",
        version: HVNetVersion.string,
        subcommands: [Run.self, Compare.self, Analyze.self, Validate.self, SweepCommand.self, FICommand.self])
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a scenario file without running it.")

    @Argument(help: "The scenario file (YAML or JSON).")
    var scenario: String

    @OptionGroup var overrides: OverrideFlags

    func run() throws {
        let s = try loadScenario(scenario, overrides: try overrides.overrides())
        do { _ = try s.initialState() } catch { throw RuntimeError("\(scenario): \(error)") }
        print("\(scenario): valid. \(s.cellCount) cell(s) in \(s.populations.count) population(s), \(s.durationMs) ms, \(s.solver.summary).")
    }
}
