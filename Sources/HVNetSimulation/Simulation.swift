import Foundation
import GSLSupport
import HVNetAnalysis
import HVNetModel
import HVNetNoise
import HVNetScenario
import HVNetSolvers

/// Runs a scenario and writes its run directory. The library's entry point for `hvnet run`.
public enum Simulation {
    /// Options of a run that do not change its results.
    public struct Options: Sendable {
        /// Threads (nil: every core): trials first, then the threads left over split each trial's
        /// network (`threadPlan` in HVNetExperiments). Results do not depend on it.
        public var threads: Int?
        /// Called with the fraction done (0…1), from worker threads.
        public var progress: (@Sendable (Double) -> Void)?
        /// The command line that started the run, recorded in summary.json.
        public var commandLine: [String] = []

        public init(threads: Int? = nil, progress: (@Sendable (Double) -> Void)? = nil, commandLine: [String] = []) {
            self.threads = threads
            self.progress = progress
            self.commandLine = commandLine
        }
    }

    /// One trial's outcome.
    public struct Trial: Sendable {
        public init(index: Int, spikes: [Spike], statistics: IntegrationStatistics, failure: String?, reachedMs: Double) {
            self.index = index
            self.spikes = spikes
            self.statistics = statistics
            self.failure = failure
            self.reachedMs = reachedMs
        }

        public var index: Int
        public var spikes: [Spike]
        public var statistics: IntegrationStatistics
        /// Nil when the trial reached the end; the error otherwise.
        public var failure: String?
        /// Time reached (ms).
        public var reachedMs: Double
    }

    /// What a run produced.
    public struct Result: Sendable {
        public init(scenario: Scenario, trials: [Trial], wallSeconds: Double, threads: Int, cellThreads: Int = 1, efficiency: [EfficiencySums], populations: [PopulationSummary], files: [String], outputDirectory: String) {
            self.scenario = scenario
            self.trials = trials
            self.wallSeconds = wallSeconds
            self.threads = threads
            self.cellThreads = cellThreads
            self.efficiency = efficiency
            self.populations = populations
            self.files = files
            self.outputDirectory = outputDirectory
        }

        public var scenario: Scenario
        public var trials: [Trial]
        public var wallSeconds: Double
        /// Threads running trials.
        public var threads: Int
        /// Threads evaluating each trial's network together (1: not split).
        public var cellThreads: Int
        public var efficiency: [EfficiencySums]
        public var populations: [PopulationSummary]
        /// Files written, relative to the run directory.
        public var files: [String]
        public var outputDirectory: String

        public var spikes: [Spike] { trials.flatMap(\.spikes) }
        public var spikeCount: Int { trials.reduce(0) { $0 + $1.spikes.count } }
        public var statistics: IntegrationStatistics {
            trials.reduce(into: IntegrationStatistics()) {
                $0.evaluations += $1.statistics.evaluations
                $0.acceptedSteps += $1.statistics.acceptedSteps
                $0.rejectedSteps += $1.statistics.rejectedSteps
                $0.outputEvaluations += $1.statistics.outputEvaluations
                $0.locationEvaluations += $1.statistics.locationEvaluations
            }
        }
        /// Nil when every trial completed; otherwise the first failure, with its trial.
        public var failure: String? {
            trials.first { $0.failure != nil }.map { scenario.trials > 1 ? "trial \($0.index): \($0.failure!)" : $0.failure! }
        }
    }

    /// An in-memory run of one trial without files: spikes, trace rows (time, then the recorded
    /// variables of each traced cell) and work counters.
    ///
    /// - Parameter cellThreads: threads that evaluate the network together (the results are the
    ///   same for any number; see ``NetworkEvaluator/init(model:noiseModel:scenarioSeed:trial:blockLength:noiseIntegration:threads:)``).
    public static func simulate(_ scenario: Scenario, trial: Int = 0, cellThreads: Int = 1) throws
        -> (spikes: [Spike], rows: [[Double]], statistics: IntegrationStatistics)
    {
        try simulateWithState(scenario, trial: trial, cellThreads: cellThreads).run
    }

    /// ``simulate(_:trial:cellThreads:)`` with the final state (for tests of bit-identical runs).
    package static func simulateWithState(_ scenario: Scenario, trial: Int = 0, cellThreads: Int = 1) throws
        -> (run: (spikes: [Spike], rows: [[Double]], statistics: IntegrationStatistics), state: [Double], cellThreads: Int)
    {
        let network = scenario.makeNetwork()
        let (evaluator, recorder) = try prepare(
            scenario, network: network, trial: trial, traces: nil, keepRows: true, cellThreads: cellThreads)
        let (state, statistics) = try integrate(scenario, evaluator, from: try scenario.initialState(trial: trial, network: network), observer: recorder)
        recorder.finish()
        return ((recorder.takeSortedSpikes(), recorder.rows, statistics), state, evaluator.cellThreads)
    }

    /// The evaluator and recorder of one trial; the network is evaluated over `cellThreads`
    /// threads where ``NetworkEvaluator/supportsCellThreads(_:)`` allows.
    package static func prepare(_ scenario: Scenario, network: NetworkModel, trial: Int, traces: TraceSink?, keepRows: Bool,
                                cellThreads: Int = 1) throws
        -> (NetworkEvaluator, Recorder)
    {
        let evaluator = NetworkEvaluator(
            model: network, noiseModel: scenario.noiseModel, scenarioSeed: scenario.seed, trial: trial,
            blockLength: scenario.timeGrid.noiseBlockLength, noiseIntegration: scenario.solver.noiseIntegration,
            poissonInput: poissonInput(scenario, network: network, trial: trial), threads: cellThreads)
        var settings = scenario.recording
        if traces == nil && !keepRows { settings.traceCells = [] }
        let recorder = try Recorder(
            evaluator: evaluator, settings: settings, dt: scenario.traceIntervalMs, duration: scenario.durationMs,
            traces: traces, keepRows: keepRows, trial: trial)
        return (evaluator, recorder)
    }

    /// The input spike trains of the network's Poisson stimuli in `trial` (nil without any): one
    /// stream per stimulus and target cell, or per stimulus when shared
    /// (``SeedDerivation/poissonInput(scenarioSeed:trial:stimulus:cell:)``), with the scenario's
    /// generator, up to the end of the run.
    public static func poissonInput(_ scenario: Scenario, network: NetworkModel, trial: Int) -> PoissonConductances? {
        guard network.stimuli.contains(where: { $0.poisson != nil }) else { return nil }
        return PoissonConductances(model: network) { index, cell in
            let stimulus = network.stimuli[index]
            let stream = RandomStream(
                type: scenario.noise.generator,
                seed: SeedDerivation.poissonInput(scenarioSeed: scenario.seed, trial: trial, stimulus: index, cell: cell))
            return PoissonProcess.spikeTimes(
                rateHz: stimulus.poisson?.rateHz ?? 0, windowsMs: stimulus.windowsMs, endMs: scenario.durationMs, stream: stream)
        }
    }

    /// Integrates with the scenario's method and options.
    package static func integrate(_ scenario: Scenario, _ evaluator: NetworkEvaluator, from initial: [Double], observer: Recorder,
                          progress: ((Double) -> Void)? = nil) throws -> (state: [Double], statistics: IntegrationStatistics) {
        try Integrator.integrate(
            evaluator, method: scenario.solver.method, options: scenario.solver.options, noiseGridMs: scenario.noiseGridMs,
            from: initial, duration: scenario.durationMs, observer: observer, progress: progress)
    }
}
