import Foundation

/// Runs a scenario and writes its run directory. The library's entry point for `hvnet run`.
public enum Simulation {
    /// What a run produced.
    public struct Result: Sendable {
        public var scenario: Scenario
        public var spikes: [Spike]
        public var statistics: IntegrationStatistics
        public var wallSeconds: Double
        public var efficiency: [EfficiencySums]
        /// Files written, relative to the run directory.
        public var files: [String]
        public var outputDirectory: String
        /// Nil when the run completed; the error when it stopped early (outputs are kept and
        /// marked incomplete in summary.json).
        public var failure: String?
    }

    /// An in-memory run without files: spikes, trace rows (time, then the recorded variables of
    /// each traced cell) and work counters.
    public static func simulate(_ scenario: Scenario) throws -> (spikes: [Spike], rows: [[Double]], statistics: IntegrationStatistics) {
        let evaluator = NetworkEvaluator(model: scenario.makeNetwork())
        let recorder = try Recorder(
            evaluator: evaluator, settings: scenario.recording, dt: scenario.solver.dtMs,
            duration: scenario.durationMs, traceFile: nil, keepRows: true)
        let (_, statistics) = try ClassicalRK4(dt: scenario.solver.dtMs).integrate(
            evaluator, from: try scenario.initialState(), duration: scenario.durationMs, observer: recorder)
        recorder.finish()
        return (recorder.spikes.sorted { ($0.timeMs, $0.cell) < ($1.timeMs, $1.cell) }, recorder.rows, statistics)
    }

    /// Runs `scenario` and writes traces.csv, spikes.csv, summary.json and SVG plots into
    /// `outputDirectory` (created if needed). Each file appears complete or not at all.
    public static func run(_ scenario: Scenario, scenarioPath: String?, outputDirectory: String) throws -> Result {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true) } catch {
            throw OutputError.cannotCreate(path: outputDirectory, reason: error.localizedDescription)
        }
        func path(_ name: String) -> String { (outputDirectory as NSString).appendingPathComponent(name) }
        var files: [String] = []

        let start = Date()
        let evaluator = NetworkEvaluator(model: scenario.makeNetwork())
        let tracing = !scenario.recording.traceCells.isEmpty
        let traceFile = tracing ? try OutputFile(path: path("traces.csv")) : nil
        let recorder = try Recorder(
            evaluator: evaluator, settings: scenario.recording, dt: scenario.solver.dtMs,
            duration: scenario.durationMs, traceFile: traceFile)
        var statistics = IntegrationStatistics()
        var failure: String? = nil
        do {
            statistics = try ClassicalRK4(dt: scenario.solver.dtMs).integrate(
                evaluator, from: try scenario.initialState(), duration: scenario.durationMs, observer: recorder
            ).statistics
        } catch let error as IntegrationError {
            failure = error.description
            statistics.evaluations = evaluator.evaluations
        }
        recorder.finish()
        let wall = Date().timeIntervalSince(start)
        if let traceFile {
            try traceFile.commit()
            files.append("traces.csv")
        }

        let spikes = recorder.spikes.sorted { ($0.timeMs, $0.cell) < ($1.timeMs, $1.cell) }
        try OutputFile.write(
            "cell,time_ms\n" + spikes.map { "\($0.cell),\(formatNumber($0.timeMs))\n" }.joined(), to: path("spikes.csv"))
        files.append("spikes.csv")

        for (name, svg) in RunPlots.figures(scenario: scenario, recorder: recorder) {
            try OutputFile.write(svg, to: path(name))
            files.append(name)
        }

        var result = Result(
            scenario: scenario, spikes: spikes, statistics: statistics, wallSeconds: wall,
            efficiency: recorder.efficiency, files: files, outputDirectory: outputDirectory, failure: failure)
        result.files.append("summary.json")
        try OutputFile.write(RunSummary.json(result, scenarioPath: scenarioPath).rendered() + "\n", to: path("summary.json"))
        return result
    }
}
