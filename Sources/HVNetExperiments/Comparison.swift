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
        let threads = TrialPool.threads(requested: options.threads, count: options.trials)
        // Trials run in parallel; a trial's configurations one after another on its thread. The work
        // item cannot throw (a failed configuration is a row with its error), so try! never traps.
        let perTrial = try! TrialPool.map(count: options.trials, threads: threads) { trial -> (TrialMetrics, [TrialMetrics]) in
            let ref = run(scenario, reference, trial: trial, network: network, voltageGridMs: options.voltageGridMs)
            let fine = run(scenario, check, trial: trial, network: network, voltageGridMs: options.voltageGridMs)
            progress?(Double(done.add(2)) / Double(total))
            var rows: [TrialMetrics] = []
            for c in configurations {
                rows.append(metrics(run(scenario, c, trial: trial, network: network, voltageGridMs: options.voltageGridMs), against: ref, options))
                progress?(Double(done.add(1)) / Double(total))
            }
            return (metrics(ref, against: fine, options), rows)
        }
        return Result(
            reference: reference, check: check, referenceDiscrepancy: perTrial.map(\.0),
            rows: configurations.indices.map { k in Row(configuration: configurations[k], trials: perTrial.map { $0.1[k] }) },
            noiseGridMs: scenario.noiseGridMs, durationMs: scenario.durationMs, options: options)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add(_ n: Int) -> Int { lock.lock(); defer { lock.unlock() }; value += n; return value }
    }
}
