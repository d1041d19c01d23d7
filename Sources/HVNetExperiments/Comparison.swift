import Dispatch
import Foundation
import HVNetModel
import HVNetScenario
import HVNetSimulation
import HVNetSolvers

extension Comparison {
    /// The noise grid of a comparison when neither the command nor the scenario gives one: 2⁻¹² ms,
    /// four times finer than the default reference's step, so that the reference's stage times
    /// sample the path at grid points or close to them.
    public static let defaultNoiseGridMs = 0x1p-12

    /// The reference policy of `hvnet compare`: the configurations every row is judged against,
    /// and the finer one that checks the reference itself (``Result/referenceDiscrepancy``).
    ///
    /// - Without `reference`: shifted RK4 at dt = 2⁻¹⁰ ms, checked against dt = 2⁻¹¹ ms (shifted
    ///   RK4 has strong order 2 under OU noise, docs/solvers.md, so halving dt cuts its error about
    ///   4-fold, and the difference of the two estimates the reference's own error).
    /// - With `reference` (one configuration in the syntax of ``Configuration/parse(_:defaultIntegration:)``,
    ///   shifted unless it says /plain): checked against the same with dt halved, or with rtol and
    ///   atol divided by 10 for adaptive methods.
    ///
    /// - Throws: ``SolverError`` when `reference` is not a single valid configuration.
    public static func referencePair(_ reference: String?) throws -> (reference: Configuration, check: Configuration) {
        guard let reference else {
            let rk4 = try SolverMethod.named("rk4")
            return (Configuration(method: rk4, options: SolverOptions(dtMs: 0x1p-10), noiseIntegration: .shifted),
                    Configuration(method: rk4, options: SolverOptions(dtMs: 0x1p-11), noiseIntegration: .shifted))
        }
        let parsed = try Configuration.parse(reference, defaultIntegration: .shifted)
        guard parsed.count == 1 else {
            throw SolverError.invalidOption(method: parsed.first?.method.name ?? reference, "as --reference must be a single configuration, not a list of values")
        }
        var finer = parsed[0]
        if let dt = finer.options.dtMs {
            finer.options.dtMs = dt / 2
        } else {
            finer.options.relativeTolerance = finer.options.rtol / 10
            finer.options.absoluteTolerance = finer.options.atol / 10
        }
        return (parsed[0], finer)
    }

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
                statistics = recorder.stoppedStatistics ?? Simulation.fallbackStatistics(evaluator, recorder)
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
            // The reference's own discrepancy fails when either run failed; say which.
            var discrepancy = metrics(ref, against: fine, options)
            discrepancy.failure = ref.failure.map { "the reference \(reference.label): \($0)" }
                ?? fine.failure.map { "its check \(check.label): \($0)" }
            return (discrepancy, rows)
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
