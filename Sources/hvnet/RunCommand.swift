import ArgumentParser
import Foundation
import HVNet

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a scenario and write traces, spikes, a summary and plots.",
        discussion: "Outputs go to --out DIR (default: runs/<scenario name>-<date>-<time>). Each file is written under a temporary name and renamed when complete.")

    @Argument(help: "The scenario file (YAML or JSON).")
    var scenario: String

    @Option(name: .long, help: "The run directory to write into.")
    var out: String?

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let s = try loadScenario(scenario)
        let directory = out ?? defaultDirectory(for: s.name)
        let result: Simulation.Result
        do {
            result = try Simulation.run(s, scenarioPath: scenario, outputDirectory: directory)
        } catch let error as ScenarioError {
            throw RuntimeError("\(scenario): \(error)")
        } catch {
            throw RuntimeError("\(error)")
        }
        if !quiet { print(Report.text(result)) }
        if let failure = result.failure {
            throw RuntimeError("\(failure). Outputs up to that time are in \(directory) (summary.json says status: incomplete).")
        }
    }

    func defaultDirectory(for name: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return "runs/\(name)-\(formatter.string(from: Date()))"
    }
}

struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The short human summary `hvnet run` prints.
enum Report {
    static func text(_ r: Simulation.Result) -> String {
        let s = r.scenario
        var lines: [String] = []
        lines.append("hvnet \(HVNetVersion.string): \(s.name), \(s.cellCount) cell(s), \(s.durationMs) ms, \(s.solver.method) dt = \(short(s.solver.dtMs)) ms")
        lines.append("  work: \(r.statistics.acceptedSteps) steps, \(r.statistics.evaluations) right-hand-side evaluations, \(String(format: "%.3f", r.wallSeconds)) s")
        lines.append("  spikes: \(r.spikes.count) (upward crossings of \(s.recording.thresholdMV) mV)")
        for spike in r.spikes.prefix(10) {
            lines.append("    cell \(spike.cell): t = \(String(format: "%.5f", spike.timeMs)) ms, peak \(String(format: "%.4f", spike.peakMV)) mV at \(String(format: "%.4f", spike.peakTimeMs)) ms")
        }
        if r.spikes.count > 10 { lines.append("    … \(r.spikes.count - 10) more in spikes.csv") }
        for e in r.efficiency.prefix(4) {
            lines.append("  cell \(e.cell) efficiency (notebook's calc2DNrnOrbit): Na \(String(format: "%.4f", e.sodium)), K \(String(format: "%.4f", e.potassium))")
        }
        lines.append("  wrote \(r.outputDirectory)/: \(r.files.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }

    static func short(_ x: Double) -> String { String(format: "%.6g", x) }
}
