import Dispatch
import Foundation
import HVNetAnalysis
import HVNetModel
import HVNetNoise
import HVNetOutput
import HVNetScenario
import HVNetSimulation
import HVNetSolvers
import Numerics

extension Comparison {
    static func run(_ scenario: Scenario, _ c: Configuration, trial: Int, network: NetworkModel, voltageGridMs: Double) -> Trace {
        var s = scenario
        s.solver = SolverSettings(method: c.method, options: c.options, noiseIntegration: c.noiseIntegration)
        s.recording.traceCells = Array(0..<s.cellCount)
        s.recording.variables = [.v]
        s.recording.intervalMs = voltageGridMs
        let start = Date()
        var spikes = [[Double]](repeating: [], count: s.cellCount)
        var voltages = [[Double]](repeating: [], count: s.cellCount)
        var statistics = IntegrationStatistics()
        var failure: String? = nil
        do {
            let (evaluator, recorder) = try Simulation.prepare(s, network: network, trial: trial, traces: nil, keepRows: true)
            do {
                statistics = try Simulation.integrate(s, evaluator, from: try s.initialState(trial: trial, network: network), observer: recorder).statistics
            } catch {
                failure = "\(error)"
                statistics.evaluations = evaluator.evaluations
            }
            recorder.finish()
            for spike in recorder.spikes { spikes[spike.cell].append(spike.timeMs) }
            for row in recorder.rows { for i in 0..<s.cellCount { voltages[i].append(row[1 + i]) } }
        } catch {
            failure = "\(error)"
        }
        return Trace(spikes: spikes.map { $0.sorted() }, voltages: voltages, statistics: statistics,
                     wallSeconds: Date().timeIntervalSince(start), failure: failure)
    }

    /// Runs every configuration and the reference (checked against `check`) on `options.trials`
    /// noise realisations; trials run in parallel, configurations within a trial one after another.
    public static func compare(_ scenario: Scenario, configurations: [Configuration], reference: Configuration, check: Configuration,
                               options: Options, progress: (@Sendable (Double) -> Void)? = nil) -> Result {
        let network = scenario.makeNetwork()
        let total = options.trials * (configurations.count + 2)
        let done = Counter()
        let slots = TrialSlots(trials: options.trials, configurations: configurations.count)
        let threads = max(1, min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount, options.trials))
        let queue = TrialQueue(count: options.trials)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while let trial = queue.next() {
                let ref = run(scenario, reference, trial: trial, network: network, voltageGridMs: options.voltageGridMs)
                let fine = run(scenario, check, trial: trial, network: network, voltageGridMs: options.voltageGridMs)
                progress?(Double(done.add(2)) / Double(total))
                var rows: [TrialMetrics] = []
                for c in configurations {
                    rows.append(metrics(run(scenario, c, trial: trial, network: network, voltageGridMs: options.voltageGridMs), against: ref, options))
                    progress?(Double(done.add(1)) / Double(total))
                }
                slots.store(trial: trial, discrepancy: metrics(ref, against: fine, options), rows: rows)
            }
        }
        return Result(
            reference: reference, check: check, referenceDiscrepancy: slots.discrepancy.map { $0! },
            rows: configurations.indices.map { k in Row(configuration: configurations[k], trials: slots.rows.map { $0![k] }) },
            noiseGridMs: scenario.noiseGridMs, durationMs: scenario.durationMs, options: options)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add(_ n: Int) -> Int { lock.lock(); defer { lock.unlock() }; value += n; return value }
    }

    final class TrialSlots: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var discrepancy: [TrialMetrics?]
        private(set) var rows: [[TrialMetrics]?]
        init(trials: Int, configurations: Int) {
            discrepancy = Array(repeating: nil, count: trials)
            rows = Array(repeating: nil, count: trials)
        }
        func store(trial: Int, discrepancy d: TrialMetrics, rows r: [TrialMetrics]) {
            lock.lock(); defer { lock.unlock() }
            discrepancy[trial] = d
            rows[trial] = r
        }
    }
}
