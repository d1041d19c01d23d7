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
            "locate" those spent locating spikes inside steps. The scenario is checked and its cost estimated \
            first; above the limits compare refuses unless --force. Exit status 2 when the reference or every \
            configuration failed, 3 when some configurations failed. \(ExitStatus.help)
            """)

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(name: .customLong("method"), help: "A method configuration (repeatable).")
    var methods: [String] = []

    @Option(help: "The reference configuration (default: shifted rk4 at dt = 2^-10 ms, checked against 2^-11 ms).")
    var reference: String?

    @Option(parsing: .unconditional, help: "Noise realisations (trials).")
    var trials = 1

    @Option(name: .customLong("duration"), parsing: .unconditional, help: "Simulated time in ms (default: the scenario's).")
    var durationMs: Double?

    @Option(name: .customLong("noise-grid"), parsing: .unconditional, help: "Grid of the noise paths in ms (default: the scenario's, else 2^-12 ms).")
    var noiseGridMs: Double?

    @Option(name: .customLong("match-window"), parsing: .unconditional, help: "Spikes within this many ms of a reference spike are matched.")
    var matchWindowMs = 0.5

    @Option(name: .customLong("noise-integration"), help: "Default noise integration of configurations without /shifted or /plain.")
    var noiseIntegration: NoiseIntegration?

    @Option(parsing: .unconditional, help: "Worker threads (trials run in parallel).")
    var threads: Int?

    @Option(help: "Output directory (default: compare-<scenario name>).")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Compare even when the resource estimate exceeds the limits.")
    var force = false

    @OptionGroup var overrides: OverrideFlags

    func validate() throws {
        if methods.isEmpty { throw ValidationError("give at least one --method") }
        if !(1...1_000_000).contains(trials) { throw ValidationError("--trials: '\(trials)' is not allowed; expected a whole number of trials from 1 to 1000000") }
        if !(matchWindowMs > 0 && matchWindowMs.isFinite) { throw ValidationError("--match-window must be a positive finite number of ms, got \(matchWindowMs)") }
        if let durationMs, !(durationMs > 0 && durationMs.isFinite) {
            throw ValidationError("--duration must be a positive finite number of ms, got \(durationMs)")
        }
        if let noiseGridMs, !(noiseGridMs > 0 && noiseGridMs.isFinite) {
            throw ValidationError("--noise-grid must be a positive finite number of ms, got \(noiseGridMs)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var s = try loadScenario(scenario, overrides: try overrides.overrides())
        if let durationMs { s.durationMs = durationMs }
        s.noise.gridMs = noiseGridMs ?? s.noise.gridMs ?? Comparison.defaultNoiseGridMs
        s.recording.traceCells = []
        s.trials = trials
        s.recording.trial = 0
        try checkScenario(s, path: scenario, force: force, quiet: quiet, initialState: true)
        let directory = out ?? "compare-\(RunDirectory.sanitisedName(s.name))"
        // Outputs are written only at the end, each atomically: a signal leaves nothing partial.
        SignalCleanup.install(command: "compare", outputsAreOneSet: true)
        SignalCleanup.setOutputDirectory(directory)
        let defaultMode = noiseIntegration ?? s.solver.noiseIntegration
        let configurations: [Comparison.Configuration]
        let pair: (reference: Comparison.Configuration, check: Comparison.Configuration)
        do {
            configurations = try methods.flatMap { text in
                do { return try Comparison.Configuration.parse(text, defaultIntegration: defaultMode) } catch let error as SolverError {
                    throw RuntimeError("--method '\(text)': \(error)")
                }
            }
            pair = try Comparison.referencePair(reference)
        } catch let error as SolverError {
            throw RuntimeError("--reference '\(reference ?? "")': \(error)")
        }
        for c in configurations + [pair.reference, pair.check] {
            var probe = s
            probe.solver = SolverSettings(method: c.method, options: c.options, noiseIntegration: c.noiseIntegration)
            do { _ = try probe.check() } catch let error as ScenarioError {
                throw RuntimeError("configuration \(c.label): \(error)")
            }
            if !force {
                do { try ResourceEstimate(probe).enforce() } catch let error as ResourceError {
                    throw RuntimeError("configuration \(c.label): \(error)")
                }
            }
        }
        var options = Comparison.Options()
        options.trials = trials
        options.matchWindowMs = matchWindowMs
        options.threads = threads
        let line = quiet ? nil : ProgressLine.makeReporter()
        let result = Comparison.compare(s, configurations: configurations, reference: pair.reference, check: pair.check, options: options,
                                        progress: line.map { l in { @Sendable f in l.show(f) } })
        line?.finish()
        do {
            try RunDirectory.prepareOutput(directory, marker: "compare.json") { name in
                name == "compare.csv" || name == "compare.json" || name.hasSuffix(".svg")
            }
        } catch { throw RuntimeError("--out: \(error)") }
        let files: [String]
        do { files = try ComparisonReport.write(result, scenario: scenario, to: directory) } catch {
            throw RuntimeError("\(error)", status: .runFailed)
        }
        if !quiet {
            print("hvnet compare: \(printable(s.name)), \(s.durationMs) ms, \(trials) trial(s), noise grid \(formatNumber(s.noiseGridMs)) ms")
            print(ComparisonReport.table(result))
            print("wrote \(directory)/: \(files.joined(separator: ", "))")
        }
        if let failure = result.referenceDiscrepancy.first(where: { $0.failure != nil })?.failure {
            throw RuntimeError("the reference failed (\(failure)); the table in \(directory) has no usable errors", status: .runFailed)
        }
        let failed = result.rows.filter { $0.trials.contains { $0.failure != nil } }
        if !failed.isEmpty {
            let first = failed[0].trials.first { $0.failure != nil }?.failure ?? ""
            let all = failed.count == result.rows.count
            throw RuntimeError(
                "\(all ? "every" : "\(failed.count) of \(result.rows.count)") configuration(s) failed (first: \(failed[0].configuration.label): \(first))",
                status: all ? .runFailed : .partlyFailed)
        }
    }
}
