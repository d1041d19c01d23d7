import Dispatch
import Foundation
import GSLSupport
import HDF5Support
import HVNetAnalysis
import HVNetOutput
import HVNetScenario
import HVNetSimulation
import HVNetSolvers
import NWBExport
import Numerics

extension Simulation {
    /// Runs every trial of `scenario` (in parallel over `options.threads`) and writes spikes.csv,
    /// connectivity.csv, traces of the recorded trial, summary.json and SVG plots into
    /// `outputDirectory`. Each file appears complete or not at all; outputs do not depend on the
    /// number of threads or the order in which trials finish.
    ///
    /// The directory follows ``RunDirectory``: a non-empty directory that is not a run directory
    /// is refused (``OutputError/notRunDirectory(path:entries:)``), the previous run's files are
    /// removed first, and summary.json says "running" until the run ends. The caller checks the
    /// scenario (``Scenario/check()``) and its ``ResourceEstimate`` before.
    public static func run(_ scenario: Scenario, scenarioPath: String?, outputDirectory: String, options: Options = Options())
        throws -> Result
    {
        _ = try scenario.check()
        // Everything that input can make fail comes before the directory is touched: the
        // connectivity, the network and every trial's initial state (a population without a
        // stable resting state is refused here, leaving nothing behind).
        let connectivity = scenario.drawConnectivity()
        let network = scenario.makeNetwork(connectivity: connectivity)
        var initialStates: [[Double]] = []
        for trial in 0..<scenario.trials { initialStates.append(try scenario.initialState(trial: trial, network: network)) }
        try RunDirectory.prepare(outputDirectory)
        func path(_ name: String) -> String { (outputDirectory as NSString).appendingPathComponent(name) }
        try OutputFile.write(
            RunDirectory.runningSummary(scenarioName: scenario.name, scenarioPath: scenarioPath, commandLine: options.commandLine),
            to: path("summary.json"))
        try OutputFile.write(ScenarioWriter.yaml(scenario), to: path("scenario.yaml"))
        var files: [String] = ["scenario.yaml"]
        let start = Date()

        // The delay_ms column only when the scenario sets delays (runs without keep their file).
        let delays = scenario.hasDelays
        try OutputFile.write(
            (delays ? "pre,post,receptor,channels,delay_ms\n" : "pre,post,receptor,channels\n")
                + connectivity.map {
                    "\($0.pre),\($0.post),\($0.receptor.rawValue),\(formatNumber($0.channels))"
                        + (delays ? ",\(formatNumber($0.delayMs))\n" : "\n")
                }.joined(),
            to: path("connectivity.csv"))
        files.append("connectivity.csv")
        if let drawn = scenario.drawnCellParameters {
            var text = "cell,population," + drawn.keys.joined(separator: ",") + "\n"
            for (cell, row) in drawn.rows.enumerated() {
                let name = row.population.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + row.population.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : row.population
                text += "\(cell),\(name)," + row.values.map { $0.isNaN ? "" : formatNumber($0) }.joined(separator: ",") + "\n"
            }
            try OutputFile.write(text, to: path("cells.csv"))
            files.append("cells.csv")
        }

        let recordedTrial = scenario.recording.trial
        let tracing = !scenario.recording.traceCells.isEmpty
        var traceSink: TraceSink? = nil
        if tracing {
            switch scenario.recording.format {
            case .csv: traceSink = try CSVTraceSink(path: path("traces.csv"))
            case .npy: traceSink = try NPYTraceSink(path: path("traces.npy"))
            }
        }
        // With an NWB file, the recorded trial's rows are also kept for it.
        let copyingSink = scenario.recording.nwb && tracing ? CopyingTraceSink(passingTo: traceSink) : nil
        // Only the worker that runs the recorded trial touches the sink.
        let sinkBox = ExclusiveBox(copyingSink ?? traceSink)
        let initial = initialStates

        let (threads, cellThreads) = threadPlan(requested: options.threads, trials: scenario.trials, cells: scenario.cellCount)
        let usedCellThreads = AtomicCount()
        let meter = ProgressMeter(trials: scenario.trials, report: options.progress)
        let outputs = try TrialPool.map(count: scenario.trials, threads: threads) { trial -> TrialOutput in
            let sink = trial == recordedTrial ? sinkBox.value : nil
            let (evaluator, recorder) = try prepare(
                scenario, network: network, trial: trial, traces: sink, keepRows: false, cellThreads: cellThreads)
            usedCellThreads.set(evaluator.cellThreads)
            var statistics = IntegrationStatistics()
            var failure: String? = nil
            var reached = scenario.durationMs
            do {
                statistics = try integrate(
                    scenario, evaluator, from: initial[trial], observer: recorder,
                    progress: { meter.update(trial: trial, fraction: $0) }
                ).statistics
            } catch let error as IntegrationError {
                failure = error.description
                statistics = recorder.stoppedStatistics ?? Self.fallbackStatistics(evaluator, recorder)
                if let t = error.timeMs { reached = t }
            } catch let error as GSLError {
                failure = error.description
                statistics = recorder.stoppedStatistics ?? Self.fallbackStatistics(evaluator, recorder)
            }
            recorder.finish()
            meter.update(trial: trial, fraction: 1)
            let spikes = recorder.takeSortedSpikes()
            let firing = Set(spikes.map(\.cell))
            return TrialOutput(
                trial: Trial(index: trial, spikes: spikes, statistics: statistics, failure: failure, reachedMs: reached),
                efficiency: trial == recordedTrial ? recorder.efficiency.map { var e = $0; e.fired = firing.contains(e.cell); return e } : nil,
                plots: trial == recordedTrial ? recorder.plotData : nil)
        }
        let trials = outputs.map(\.trial)
        let recorded = outputs.indices.contains(recordedTrial) ? outputs[recordedTrial] : nil
        let wall = Date().timeIntervalSince(start)
        if let traceSink { files += try traceSink.commit() }

        // A trial that stopped early (a diverging run) counts its spikes over the time it reached.
        let trains = trials.map { trial in
            SpikeTrains(cellCount: scenario.cellCount, spikes: trial.spikes.lazy.map { ($0.cell, $0.timeMs) }, startMs: 0,
                        stopMs: trial.failure != nil && trial.reachedMs > 0 ? trial.reachedMs : scenario.durationMs)
        }
        // spikes.csv, each population's statistics and the plots: on two threads at once when the
        // run had more than one (W1000's two populations and raster take about 0.1 s each, serial
        // after a loop that the threads share); the outputs are the same either way. A write that
        // fails ends the output as the serial order would (spikes.csv, then each plot in turn):
        // no piece starts after a failure, the plots a concurrent piece wrote after a failed
        // spikes.csv are removed, and the error reported is the first in that order.
        let plotData = recorded?.plots ?? []
        let spikesPath = path("spikes.csv"), offsets = scenario.populationOffsets, populationCount = scenario.populations.count
        let failed = AtomicCount()
        let pieces = try TrialPool.map(count: populationCount + 2, threads: threads > 1 || usedCellThreads.value > 1 ? 2 : 1) { piece -> RunOutputPiece in
            guard failed.value == 0 else { return .skipped }
            do {
                if piece == 0 {
                    try OutputFile.write(to: spikesPath) { out in
                        out.write(trials.count > 1 ? "trial,cell,time_ms\n" : "cell,time_ms\n")
                        for trial in trials {
                            for spike in trial.spikes {
                                out.write((trials.count > 1 ? "\(spike.trial)," : "") + "\(spike.cell),\(formatNumber(spike.timeMs))\n")
                            }
                        }
                    }
                    return .spikes
                }
                if piece <= populationCount {
                    let population = scenario.populations[piece - 1], first = offsets[piece - 1]
                    return .population(PopulationSummary(name: population.name, cells: first..<(first + population.size), trials: trains))
                }
                var figures: [String] = []
                for (name, plot) in RunPlots.figures(scenario: scenario, traces: plotData, network: network, trains: trains) {
                    guard failed.value == 0 else { return .figures(figures, failure: nil) }
                    do {
                        try OutputFile.write(to: (outputDirectory as NSString).appendingPathComponent(name)) { plot.render(into: &$0) }
                    } catch {
                        failed.set(1)
                        return .figures(figures, failure: error)
                    }
                    figures.append(name)
                }
                return .figures(figures, failure: nil)
            } catch {
                failed.set(1)
                return .failed(error)
            }
        }
        guard case .figures(let figures, let plotFailure) = pieces[populationCount + 1] else {
            // Skipped: only spikes.csv's failure stops the plots before they start.
            if case .failed(let error) = pieces[0] { throw error }
            preconditionFailure("the last piece is the plots, which runs unless spikes.csv failed")
        }
        if case .failed(let error) = pieces[0] {
            for name in figures { unlink((outputDirectory as NSString).appendingPathComponent(name)) }
            throw error
        }
        if let plotFailure { throw plotFailure }
        let populations = pieces.compactMap { if case .population(let p) = $0 { p } else { nil } }
        files.append("spikes.csv")
        files += figures
        if let nullclines = RunPlots.nullclineCSV(scenario: scenario, traces: plotData, network: network) {
            try OutputFile.write(nullclines, to: path("nullclines.csv"))
            files.append("nullclines.csv")
        }
        try OutputFile.write(FiguresScript.run(scenario: scenario, figures: figures), to: path("figures.py"))
        files.append("figures.py")

        if scenario.recording.nwb {
            let text = scenarioPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
                ?? "# scenario '\(scenario.name)' (no file; hash \(scenario.sourceHash))\n"
            let run = try RunNWB.run(
                scenario: scenario, trials: trials,
                connectivity: connectivity.map {
                    NWBConnection(pre: $0.pre, post: $0.post, receptor: $0.receptor.rawValue, channels: $0.channels,
                                  delayMs: scenario.hasDelays ? $0.delayMs : nil)
                },
                traces: copyingSink.flatMap { $0.columns.isEmpty ? nil : ($0.columns, $0.rows) }, scenarioText: text,
                scenarioFileName: scenarioPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "scenario.yaml", startDate: start)
            do { try NWBWriter.write(run, to: path("run.nwb")) } catch {
                // A refused write in the temporary file: the system's reason, not HDF5's words about that file.
                throw OutputError.cannotWrite(path: path("run.nwb"), reason: (error as? HDF5Error)?.systemReason ?? "\(error)")
            }
            files.append("run.nwb")
        }

        var result = Result(
            scenario: scenario, trials: trials, wallSeconds: wall, threads: threads, cellThreads: max(1, usedCellThreads.value), efficiency: recorded?.efficiency ?? [],
            populations: populations, files: files, outputDirectory: outputDirectory)
        result.files.append("summary.json")
        try OutputFile.write(RunSummary.json(result, scenarioPath: scenarioPath, commandLine: options.commandLine).rendered() + "\n", to: path("summary.json"))
        return result
    }
}

/// What each of the two concurrent pieces of a run's output gives back.
private enum RunOutputPiece: Sendable {
    case spikes
    case population(PopulationSummary)
    /// The plots written, in order, and the error of the one that could not be.
    case figures([String], failure: (any Error)?)
    case failed(any Error)
    /// Not run: an earlier piece failed.
    case skipped
}

extension Simulation {
    /// What is known of a trial that stopped before its integration loop began (the loop reports
    /// its own statistics when it stops, ``Recorder/stoppedStatistics``).
    static func fallbackStatistics(_ evaluator: NetworkEvaluator, _ recorder: Recorder) -> IntegrationStatistics {
        var statistics = IntegrationStatistics()
        statistics.evaluations = evaluator.evaluations
        statistics.acceptedSteps = recorder.observedSteps
        return statistics
    }

    /// Networks with fewer cells are not split over threads: below this size the barriers of a
    /// split evaluation cost more than they save (measured crossover, docs/performance.md,
    /// "One network over several cores").
    public static let minimumCellsToSplit = 128

    /// How a run uses `requested` threads (nil: every core) when the process may use `cores`
    /// processors (``Processors/available``: fewer than the machine's under `taskset`, a cpuset or
    /// a Slurm allocation): trials
    /// first, one thread each; when there are fewer trials than threads, each trial's network is
    /// split over the threads left to it (⌊min(threads, cores) / trial threads⌋), if it has at
    /// least ``minimumCellsToSplit`` cells. A split network never gets more threads than the cores
    /// left to it: its threads meet at a barrier several times per step, and one that waits for a
    /// core stops all of them (a 257-cell network on 8 threads of 2 cores ran three times slower
    /// than on one). Outputs are the same for any plan.
    public static func threadPlan(requested: Int?, trials: Int, cells: Int,
                                  cores: Int = Processors.available) -> (trialThreads: Int, cellThreads: Int) {
        let total = max(1, requested ?? cores)
        let trialThreads = TrialPool.threads(requested: total, count: trials)
        let cellThreads = cells >= minimumCellsToSplit ? max(1, min(total, max(1, cores)) / trialThreads) : 1
        return (trialThreads, cellThreads)
    }
}

/// The threads that evaluated each trial's network (the same for every trial).
final class AtomicCount: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    func set(_ value: Int) { lock.lock(); stored = value; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return stored }
}

/// A value handed to exactly one worker thread at a time (here: the trace sink of the recorded
/// trial), so it needs no lock.
final class ExclusiveBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// What one trial of a run hands back: its outcome, and the recorded trial's extras.
struct TrialOutput: Sendable {
    var trial: Simulation.Trial
    var efficiency: [EfficiencySums]?
    var plots: [PlotTrace]?
}

/// Aggregates per-trial progress into one fraction and reports it at most every 0.25 s.
final class ProgressMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var fractions: [Double]
    private let report: (@Sendable (Double) -> Void)?
    private var lastReport = Date.distantPast

    init(trials: Int, report: (@Sendable (Double) -> Void)?) {
        fractions = Array(repeating: 0, count: trials)
        self.report = report
    }

    func update(trial: Int, fraction: Double) {
        guard let report else { return }
        lock.lock()
        fractions[trial] = fraction
        let now = Date()
        let due = now.timeIntervalSince(lastReport) >= 0.25
        if due { lastReport = now }
        let total = fractions.reduce(0, +) / Double(fractions.count)
        lock.unlock()
        if due { report(total) }
    }
}
