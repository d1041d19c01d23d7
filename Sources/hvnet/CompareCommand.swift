import ArgumentParser
import Foundation
import HVNet

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare solvers on the same noise realisations by spike-time error and work.",
        discussion: """
            Each --method is NAME[/shifted|/plain]:KEY=V[,V…][;KEY=V], KEY one of \(SolverOptions.keys.joined(separator: ", ")); \
            one key may list several values (one configuration each). Example: \
            --method rk4:dt=0.05,0.025,0.0125 --method rkf45:rtol=1e-4,1e-6,1e-8 --method bs32-dyadic:rtol=1e-3,1e-5. \
            Methods: \(SolverMethod.names.joined(separator: ", ")). \
            The table gives beside each spike-time error the reference's own discrepancy (its RMS difference from the \
            check) and marks "at ref." a configuration whose error is below twice it; "evaluations" are the method's own, \
            "locate" those spent locating spikes inside steps.
            """)

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(name: .customLong("method"), help: "A method configuration (repeatable).")
    var methods: [String] = []

    @Option(help: "The reference configuration (default: shifted rk4 at dt = 2^-10 ms, checked against 2^-11 ms).")
    var reference: String?

    @Option(help: "Noise realisations (trials).")
    var trials = 1

    @Option(name: .customLong("duration"), help: "Simulated time in ms (default: the scenario's).")
    var durationMs: Double?

    @Option(name: .customLong("noise-grid"), help: "Grid of the noise paths in ms (default: the scenario's, else 2^-12 ms).")
    var noiseGridMs: Double?

    @Option(name: .customLong("match-window"), help: "Spikes within this many ms of a reference spike are matched.")
    var matchWindowMs = 0.5

    @Option(name: .customLong("noise-integration"), help: "Default noise integration of configurations without /shifted or /plain.")
    var noiseIntegration: NoiseIntegration?

    @Option(help: "Worker threads (trials run in parallel).")
    var threads: Int?

    @Option(help: "Output directory (default: compare-<scenario name>).")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if methods.isEmpty { throw ValidationError("give at least one --method") }
        if trials < 1 { throw ValidationError("--trials must be at least 1") }
        if matchWindowMs <= 0 { throw ValidationError("--match-window must be positive") }
    }

    func run() throws {
        var s = try loadScenario(scenario)
        if let durationMs { s.durationMs = durationMs }
        s.noise.gridMs = noiseGridMs ?? s.noise.gridMs ?? Comparison.defaultNoiseGridMs
        s.recording.traceCells = []
        let defaultMode = noiseIntegration ?? s.solver.noiseIntegration
        let configurations: [Comparison.Configuration]
        let pair: (reference: Comparison.Configuration, check: Comparison.Configuration)
        do {
            configurations = try methods.flatMap { try Comparison.Configuration.parse($0, defaultIntegration: defaultMode) }
            pair = try Comparison.referencePair(reference)
        } catch let error as SolverError {
            throw RuntimeError("\(error)")
        }
        var options = Comparison.Options()
        options.trials = trials
        options.matchWindowMs = matchWindowMs
        options.threads = threads
        let line = quiet ? nil : ProgressLine.makeReporter()
        let result = Comparison.compare(s, configurations: configurations, reference: pair.reference, check: pair.check, options: options,
                                        progress: line.map { l in { @Sendable f in l.show(f) } })
        line?.finish()
        let directory = out ?? "compare-\(s.name)"
        let files = try ComparisonReport.write(result, scenario: scenario, to: directory)
        if !quiet {
            print("hvnet compare: \(s.name), \(s.durationMs) ms, \(trials) trial(s), noise grid \(formatNumber(s.noiseGridMs)) ms")
            print(ComparisonReport.table(result))
            print("wrote \(directory)/: \(files.joined(separator: ", "))")
        }
    }
}
