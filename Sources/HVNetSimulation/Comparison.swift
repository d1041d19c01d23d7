import Foundation
import HVNetAnalysis
import HVNetSolvers
import Numerics

/// Solver comparison on the same noise realisations (`hvnet compare`): every configuration and
/// the reference integrate the same network with the same noise paths (one noise grid for all),
/// and are judged by spike times, not state error alone.
public enum Comparison {
    /// One method with its options, e.g. `rkf45:rtol=1e-6` or `rk4/plain:dt=0.025`.
    public struct Configuration: Sendable, Equatable {
        public var method: SolverMethod
        public var options: SolverOptions
        public var noiseIntegration: NoiseIntegration

        public init(method: SolverMethod, options: SolverOptions, noiseIntegration: NoiseIntegration) {
            self.method = method
            self.options = options
            self.noiseIntegration = noiseIntegration
        }

        /// "rk4 shifted dt=0.025".
        public var label: String {
            var parts = ["\(method.name) \(noiseIntegration.rawValue)"]
            if let dt = options.dtMs { parts.append("dt=\(formatNumber(dt))") }
            if let r = options.relativeTolerance { parts.append("rtol=\(formatNumber(r))") }
            if let a = options.absoluteTolerance { parts.append("atol=\(formatNumber(a))") }
            if let h = options.maxStepMs { parts.append("hmax=\(formatNumber(h))") }
            return parts.joined(separator: " ")
        }

        /// The series a configuration belongs to in plots: method, noise integration and step cap.
        public var family: String {
            "\(method.name) (\(noiseIntegration.rawValue)\(options.maxStepMs.map { ", hmax=\(formatNumber($0))" } ?? ""))"
        }

        /// Parses `NAME[/shifted|/plain]:key=v[,v…][;key=v]` into one configuration per value of the
        /// (single) key that lists several values.
        public static func parse(_ text: String, defaultIntegration: NoiseIntegration) throws -> [Configuration] {
            let (head, tail) = text.firstIndex(of: ":").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, "")
            let nameParts = head.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let method = try SolverMethod.named(nameParts[0])
            var integration = defaultIntegration
            if nameParts.count > 1 {
                guard let mode = NoiseIntegration(rawValue: nameParts[1]) else {
                    throw SolverError.invalidOption(method: method.name, "noise integration '\(nameParts[1])' is not shifted or plain")
                }
                integration = mode
            }
            var lists: [(String, [Double])] = []
            for item in tail.split(separator: ";") where !item.isEmpty {
                let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, SolverOptions.keys.contains(kv[0]) else { throw SolverError.unknownOption(kv[0], valid: SolverOptions.keys) }
                let values = try kv[1].split(separator: ",").map { v -> Double in
                    guard let x = Double(v.trimmingCharacters(in: .whitespaces)) else {
                        throw SolverError.invalidOption(method: method.name, "\(kv[0]) = '\(v)' is not a number")
                    }
                    return x
                }
                lists.append((kv[0], values))
            }
            let swept = lists.filter { $0.1.count > 1 }
            guard swept.count <= 1 else { throw SolverError.invalidOption(method: method.name, "lists values for more than one option") }
            let sweep = swept.first?.1 ?? [.nan]
            return try sweep.map { value in
                var o = SolverOptions()
                for (key, values) in lists {
                    let v = values.count > 1 ? value : values[0]
                    switch key {
                    case "dt": o.dtMs = v
                    case "atol": o.absoluteTolerance = v
                    case "rtol": o.relativeTolerance = v
                    case "h0": o.initialStepMs = v
                    default: o.maxStepMs = v
                    }
                }
                return Configuration(method: method, options: try o.validated(for: method), noiseIntegration: integration)
            }
        }
    }

    public struct Options: Sendable {
        public var trials = 1
        /// Spikes of a configuration and the reference within this window (ms) are matched.
        public var matchWindowMs = 0.5
        public var vanRossumTauMs = 10.0
        /// Common grid on which voltages are compared (ms).
        public var voltageGridMs = 0.1
        public var threads: Int? = nil
        public init() {}
    }

    /// Errors of one run against the reference.
    public struct TrialMetrics: Sendable {
        public init(rmsSpikeErrorMs: Double, matched: Int, missed: Int, extra: Int, vanRossum: Double, rmsVoltageErrorMV: Double, statistics: IntegrationStatistics, wallSeconds: Double, failure: String?) {
            self.rmsSpikeErrorMs = rmsSpikeErrorMs
            self.matched = matched
            self.missed = missed
            self.extra = extra
            self.vanRossum = vanRossum
            self.rmsVoltageErrorMV = rmsVoltageErrorMV
            self.statistics = statistics
            self.wallSeconds = wallSeconds
            self.failure = failure
        }

        public var rmsSpikeErrorMs: Double
        public var matched: Int
        public var missed: Int
        public var extra: Int
        public var vanRossum: Double
        public var rmsVoltageErrorMV: Double
        public var statistics: IntegrationStatistics
        public var wallSeconds: Double
        public var failure: String?
    }

    public struct Row: Sendable {
        public init(configuration: Configuration, trials: [TrialMetrics]) {
            self.configuration = configuration
            self.trials = trials
        }

        public var configuration: Configuration
        public var trials: [TrialMetrics]

        public func mean(_ f: (TrialMetrics) -> Double) -> Double { trials.map(f).reduce(0, +) / Double(trials.count) }
        /// Standard error of the mean over trials (0 for one trial).
        func standardError(_ f: (TrialMetrics) -> Double) -> Double {
            guard trials.count > 1 else { return 0 }
            let m = mean(f)
            let v = trials.map(f).reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(trials.count - 1)
            return (v / Double(trials.count)).squareRoot()
        }
        public var rmsSpikeError: Double { mean(\.rmsSpikeErrorMs) }
        public var rmsSpikeErrorSE: Double { standardError(\.rmsSpikeErrorMs) }
        public var evaluations: Double { mean { Double($0.statistics.evaluations) } }
        /// Evaluations spent locating spikes inside steps (not in ``evaluations``), mean over trials.
        public var locationEvaluations: Double { mean { Double($0.statistics.locationEvaluations) } }
        public var medianWallSeconds: Double {
            let w = trials.map(\.wallSeconds).sorted()
            return w.count % 2 == 1 ? w[w.count / 2] : 0.5 * (w[w.count / 2 - 1] + w[w.count / 2])
        }
    }

    public struct Result: Sendable {
        public init(reference: Configuration, check: Configuration, referenceDiscrepancy: [TrialMetrics], rows: [Row], noiseGridMs: Double, durationMs: Double, options: Options) {
            self.reference = reference
            self.check = check
            self.referenceDiscrepancy = referenceDiscrepancy
            self.rows = rows
            self.noiseGridMs = noiseGridMs
            self.durationMs = durationMs
            self.options = options
        }

        public var reference: Configuration
        public var check: Configuration
        /// Reference vs the finer check reference, per trial.
        public var referenceDiscrepancy: [TrialMetrics]
        public var rows: [Row]
        public var noiseGridMs: Double
        public var durationMs: Double
        public var options: Options

        /// The reference's own spike-time error: its RMS difference from the finer check,
        /// averaged over trials like a row's error (ms).
        public var referenceDiscrepancyMs: Double {
            let d = referenceDiscrepancy.map(\.rmsSpikeErrorMs).filter(\.isFinite)
            return d.isEmpty ? .nan : d.reduce(0, +) / Double(d.count)
        }

        /// A row whose spike-time error is below twice the reference's own discrepancy: its error
        /// against the reference no longer measures its own accuracy, only that it is at least as
        /// accurate as the reference (within a factor of about 2).
        public func isAtReferenceAccuracy(_ row: Row) -> Bool {
            let d = referenceDiscrepancyMs
            return row.rmsSpikeError.isFinite && d.isFinite && row.rmsSpikeError < 2 * d
        }
    }

    /// A run's spikes per cell and voltages on the common grid.
    package struct Trace {
        package var spikes: [[Double]]
        package var voltages: [[Double]]
        package var statistics: IntegrationStatistics
        package var wallSeconds: Double
        package var failure: String?
        package init(spikes: [[Double]], voltages: [[Double]], statistics: IntegrationStatistics, wallSeconds: Double, failure: String?) {
            self.spikes = spikes
            self.voltages = voltages
            self.statistics = statistics
            self.wallSeconds = wallSeconds
            self.failure = failure
        }
    }

    /// Matches spikes one to one in time order within `window`: returns the matched differences,
    /// and the counts of unmatched reference (missed) and candidate (extra) spikes.
    public static func match(_ reference: [Double], _ candidate: [Double], window: Double) -> (differences: [Double], missed: Int, extra: Int) {
        var i = 0, j = 0
        var differences: [Double] = []
        var missed = 0, extra = 0
        while i < reference.count && j < candidate.count {
            let d = candidate[j] - reference[i]
            if abs(d) <= window { differences.append(d); i += 1; j += 1 } else if d < 0 { extra += 1; j += 1 } else { missed += 1; i += 1 }
        }
        return (differences, missed + reference.count - i, extra + candidate.count - j)
    }

    package static func metrics(_ a: Trace, against ref: Trace, _ o: Options) -> TrialMetrics {
        var squared = 0.0, matched = 0, missed = 0, extra = 0, vr = 0.0
        for i in ref.spikes.indices {
            let m = match(ref.spikes[i], a.spikes[i], window: o.matchWindowMs)
            squared += m.differences.reduce(0) { $0 + $1 * $1 }
            matched += m.differences.count
            missed += m.missed
            extra += m.extra
            vr += SpikeTrainDistances.vanRossum(ref.spikes[i], a.spikes[i], tauMs: o.vanRossumTauMs)
        }
        var vSquared = 0.0, vCount = 0
        for i in ref.voltages.indices {
            for (x, y) in zip(a.voltages[i], ref.voltages[i]) { vSquared += (x - y) * (x - y); vCount += 1 }
        }
        return TrialMetrics(
            rmsSpikeErrorMs: matched > 0 ? (squared / Double(matched)).squareRoot() : .nan, matched: matched, missed: missed,
            extra: extra, vanRossum: vr / Double(max(ref.spikes.count, 1)),
            rmsVoltageErrorMV: vCount > 0 ? (vSquared / Double(vCount)).squareRoot() : .nan,
            statistics: a.statistics, wallSeconds: a.wallSeconds, failure: a.failure)
    }
}
