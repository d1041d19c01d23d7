import ArgumentParser
import Foundation
import HVNet

struct FICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fi",
        abstract: "The f-I curve of a population: steady-state rate against a constant current step.",
        discussion: """
            Adds a current step of each amplitude (pA, depolarising positive) to every cell of the population for the \
            whole run. Writes fi.csv (current_pA, population, trial, rate_hz, count_rate_hz, first_spike_ms, cv_isi), \
            fi.json (with the onset current of repetitive firing, found by bisection to 0.01 pA) and fi.svg. rate_hz is \
            (n - 1)/(t_last - t_first) over the spikes after --transient (0 with fewer than two); count_rate_hz is their \
            count over the remaining time. Exit codes: 0 success; 1 bad input; 2 a run failed; 130/143 interrupted.
            """)

    @Argument(help: "The scenario file (YAML or JSON).")
    var scenario: String

    @Option(help: "The population that receives the current (default: the first).")
    var population: String?

    @Option(parsing: .unconditional, help: "Currents in pA: a list 150,160,170 or FROM:TO:STEP such as 150:300:10.")
    var currents: String

    @Option(name: .customLong("duration"), parsing: .unconditional, help: "Simulated time in ms (default: the scenario's).")
    var durationMs: Double?

    @Option(name: .customLong("transient"), parsing: .unconditional, help: "Ignore spikes before this time in ms (default: half the duration).")
    var transientMs: Double?

    @Option(parsing: .unconditional, help: "Trials per current (default: the scenario's).")
    var trials: Int?

    @Option(parsing: .unconditional, help: "Worker threads (default: every core). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Output directory (default: a new runs/<scenario name>-fi-<date>-<time>-<process id>).")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Run even when the resource estimate of one current exceeds the limits.")
    var force = false

    @OptionGroup var overrides: OverrideFlags

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let s = try loadScenario(scenario, overrides: try overrides.overrides())
        // Outputs are written only at the end, each atomically: a signal leaves nothing partial.
        SignalCleanup.install(command: "fi")
        if let out { SignalCleanup.setOutputDirectory(out) }
        // One current's run: the scenario's checks and cost, as `run` checks them.
        var probe = s
        if let durationMs {
            guard durationMs > 0, durationMs.isFinite else { throw InputError("--duration: '\(durationMs)' is not allowed; expected a positive finite number of ms") }
            probe.durationMs = durationMs
        }
        if let trials {
            guard trials >= 1 else { throw InputError("--trials: '\(trials)' is not allowed; expected at least 1") }
            probe.trials = trials
        }
        probe.recording.traceCells = []
        try checkScenario(probe, path: scenario, force: force, quiet: quiet, initialState: true)
        let result: FICurve.Result
        do {
            let list = try FICurve.parseCurrents(currents)
            let options = FICurve.Options(
                population: population, currentsPA: list, durationMs: durationMs, transientMs: transientMs, trials: trials, threads: threads)
            result = try FICurve.compute(s, options: options)
        } catch let error as FICurve.FIError {
            if case .runFailed = error {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            throw InputError("\(error)")
        }
        let directory: String
        do { directory = try out ?? SignalCleanup.createRunDirectory(name: "\(s.name)-fi") } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if out != nil {
            do {
                try RunDirectory.prepareOutput(directory, marker: "fi.json") { ["fi.csv", "fi.json", "fi.svg"].contains($0) }
            } catch { throw InputError("--out: \(error)") }
        }
        let files: [String]
        do { files = try FICurve.write(result, scenarioPath: scenario, to: directory) } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if !quiet {
            print("hvnet fi: \(printable(s.name)), population \(printable(result.population)), \(formatNumber(result.durationMs)) ms, transient \(formatNumber(result.transientMs)) ms, \(result.scenario.trials) trial(s)")
            for c in result.meanRates {
                print(String(format: "  %10.4g pA  %10.4f Hz", c.current, c.mean))
            }
            if let onset = result.onsetPA, let b = result.onsetBracketPA {
                print(String(format: "  onset of repetitive firing: %.3f pA (between %.3f and %.3f pA)", onset, b.lowerBound, b.upperBound))
            } else {
                print("  onset of repetitive firing: not bracketed by the currents (the lowest fires, or none does)")
            }
            print("wrote \(directory)/: \(files.joined(separator: ", "))")
        }
    }
}
