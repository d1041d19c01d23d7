import ArgumentParser
import Foundation
import HVNet

@main
struct HVNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hvnet",
        abstract: "Simulate small noisy networks of Herrera-Valdez neurons.",
        discussion: ExitStatus.help,
        version: HVNetVersion.string,
        subcommands: [Run.self, Compare.self, Analyze.self, Validate.self, SweepCommand.self, FICommand.self])

    /// Parses, runs, and exits with the status of ``ExitStatus``: help and version exit 0, every
    /// error of the command line or of the input 1, a failed run 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // A signal handler is stopping the process: its exit status and message, not this error
            // (a file it removed while this thread wrote it).
            OutputGate.waitIfStopping()
            if exitCode(for: error) == .success { exit(withError: error) }
            // A command that has already printed its outcome ends with its own status.
            if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
            let status = (error as? RuntimeError)?.status ?? .badInput
            var message = (error as? RuntimeError).map { "Error: \($0.description)" } ?? fullMessage(for: error)
            if message.count > 4_000 { message = String(message.prefix(4_000)) + " …" }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(status.rawValue)
        }
    }
}

/// hvnet's exit statuses, one convention for every command.
enum ExitStatus: Int32 {
    case success = 0
    /// Bad input: scenario, sweep file, spike file, option values, or a resource estimate above
    /// the limits without --force.
    case badInput = 1
    /// The run failed or diverged (outputs up to that point are kept, summary says so).
    case runFailed = 2
    /// Some configurations or sweep points failed, others completed.
    case partlyFailed = 3
    case interrupted = 130
    case terminated = 143

    static let help = """
        Exit status: 0 success; 1 bad input (scenario, spike file, option values, or a resource estimate \
        above the limits without --force); 2 the run failed or diverged; 3 some configurations or sweep \
        points failed; 130 interrupted (SIGINT); 143 terminated (SIGTERM).
        """
}

/// An error for people, with the exit status it ends the command with.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    let status: ExitStatus
    init(_ description: String, status: ExitStatus = .badInput) {
        self.description = description
        self.status = status
    }
}

/// The checks of ``Scenario/check()`` and the resource estimate, after command-line overrides:
/// throws (status 1) on an error or, without `force`, on an estimate above the limits; prints the
/// warnings on stderr unless `quiet`. With `initialState`, also the first trial's initial state
/// (a population without a stable resting state), for commands that would otherwise meet it only
/// inside a run and report it as a failed run. Returns the estimate.
@discardableResult
func checkScenario(_ s: Scenario, path: String, force: Bool, quiet: Bool = false, initialState: Bool = false) throws -> ResourceEstimate {
    let warnings: [ScenarioWarning]
    do { warnings = try s.check() } catch let error as ScenarioError { throw RuntimeError("\(path): \(error)") }
    if initialState {
        do { _ = try s.initialState() } catch { throw RuntimeError("\(path): \(error)") }
    }
    if !quiet { for w in warnings { FileHandle.standardError.write(Data("\(path): \(w)\n".utf8)) } }
    let estimate = ResourceEstimate(s)
    if !force {
        do { try estimate.enforce() } catch let error as ResourceError { throw RuntimeError("\(path): \(error)") }
    }
    return estimate
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a scenario file without running it: every check of run, and the resource estimate.",
        discussion: ExitStatus.help)

    @Argument(help: "The scenario file (YAML or JSON).")
    var scenario: String

    @Flag(help: "Accept an estimate above the limits (the run would need --force too).")
    var force = false

    @OptionGroup var solver: SolverFlags

    @OptionGroup var overrides: OverrideFlags

    @OptionGroup var shorthands: RunShorthands

    func run() throws {
        let s = try loadScenario(scenario, overrides: try overrides.overrides(extra: shorthands.assignments), solver: solver)
        let estimate = try checkScenario(s, path: scenario, force: force, initialState: true)
        print("\(scenario): valid. \(s.cellCount) cell(s) in \(s.populations.count) population(s), \(s.durationMs) ms, \(s.solver.summary).")
        print(estimate.summary)
    }
}
