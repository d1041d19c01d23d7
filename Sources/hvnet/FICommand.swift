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

    @Option(help: "Currents in pA: a list 150,160,170 or FROM:TO:STEP such as 150:300:10.")
    var currents: String

    @Option(name: .customLong("duration"), help: "Simulated time in ms (default: the scenario's).")
    var durationMs: Double?

    @Option(name: .customLong("transient"), help: "Ignore spikes before this time in ms (default: half the duration).")
    var transientMs: Double?

    @Option(help: "Trials per current (default: the scenario's).")
    var trials: Int?

    @Option(help: "Worker threads (default: every core). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Output directory (default: a new runs/<scenario name>-fi-<date>-<time>-<process id>).")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @OptionGroup var overrides: OverrideFlags

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let s = try loadScenario(scenario, overrides: try overrides.overrides())
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
        do { directory = try out ?? RunDirectory.createUnique(parent: "runs", name: "\(s.name)-fi") } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let files: [String]
        do { files = try FICurve.write(result, scenarioPath: scenario, to: directory) } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if !quiet {
            print("hvnet fi: \(s.name), population \(result.population), \(formatNumber(result.durationMs)) ms, transient \(formatNumber(result.transientMs)) ms, \(result.scenario.trials) trial(s)")
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
