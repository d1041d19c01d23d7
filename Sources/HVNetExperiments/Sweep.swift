import Dispatch
import Foundation
import HVNetAnalysis
import HVNetOutput
import HVNetScenario
import HVNetSimulation
import Numerics

/// Parameter sweeps: every point of a ``SweepPlan`` is one run (``Simulation/run``) in its own
/// directory `points/NNNN/`, written under a temporary name and renamed into place when complete;
/// the tables (`points.csv`, `results.csv`, `summary.csv`), `sweep.json` and the plots are
/// rebuilt from those directories. Points can be shared out over processes (shard K of N computes
/// the points i with i mod N = K) that share nothing but the output directory. See docs/sweeps.md
/// and docs/cluster.md.
public enum Sweep {
    /// Which points this process computes: those with index mod `count` = `index`.
    public struct Shard: Sendable, Equatable, CustomStringConvertible {
        public var index: Int
        public var count: Int
        /// Where the shard came from (`--shard`, `Slurm array`, `Open MPI`, `PMI`, `srun`, `default`).
        public var source: String

        public init(index: Int, count: Int, source: String) {
            self.index = index
            self.count = count
            self.source = source
        }

        public var description: String { "\(index)/\(count) (\(source))" }

        /// Parses `K/N` with 0 ≤ K < N. Throws ``SweepRunError/badShard(_:)``.
        public static func parse(_ text: String, source: String = "--shard") throws -> Shard {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else {
                throw SweepRunError.badShard("\(source) '\(text)': expected K/N with whole numbers 0 ≤ K < N, e.g. 0/4")
            }
            return Shard(index: k, count: n, source: source)
        }

        /// The shard from the environment, in this order: a Slurm job array (SLURM_ARRAY_TASK_ID −
        /// SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT), Open MPI (OMPI_COMM_WORLD_RANK/SIZE),
        /// MPICH and Intel MPI (PMI_RANK/PMI_SIZE), srun (SLURM_PROCID/SLURM_NTASKS); else 0/1.
        public static func fromEnvironment(_ env: [String: String]) throws -> Shard {
            func pair(_ k: String, _ n: String, _ source: String, minus: String? = nil) throws -> Shard? {
                guard let kText = env[k], let nText = env[n] else { return nil }
                guard var kv = Int(kText), let nv = Int(nText) else {
                    throw SweepRunError.badShard("\(source): \(k)=\(kText), \(n)=\(nText) are not whole numbers")
                }
                if let minus, let m = env[minus] {
                    guard let mv = Int(m) else { throw SweepRunError.badShard("\(source): \(minus)=\(m) is not a whole number") }
                    kv -= mv
                }
                return try parse("\(kv)/\(nv)", source: source)
            }
            return try pair("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "Slurm array", minus: "SLURM_ARRAY_TASK_MIN")
                ?? pair("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI")
                ?? pair("PMI_RANK", "PMI_SIZE", "PMI")
                ?? pair("SLURM_PROCID", "SLURM_NTASKS", "srun")
                ?? Shard(index: 0, count: 1, source: "default")
        }

        public func owns(_ point: Int) -> Bool { point % count == index }
    }

    /// Options of a sweep that do not change its results.
    public struct Options: Sendable {
        /// Worker threads (nil: every core), spread over points and their trials.
        public var threads: Int?
        public var shard: Shard
        /// Skip points whose directory is complete.
        public var resume: Bool
        /// The command line, recorded in sweep.json.
        public var commandLine: [String]
        /// Called from worker threads with the sweep's progress.
        public var progress: (@Sendable (Progress) -> Void)?

        public init(threads: Int? = nil, shard: Shard = Shard(index: 0, count: 1, source: "default"), resume: Bool = false,
                    commandLine: [String] = [], progress: (@Sendable (Progress) -> Void)? = nil) {
            self.threads = threads
            self.shard = shard
            self.resume = resume
            self.commandLine = commandLine
            self.progress = progress
        }
    }

    /// Progress of this process's share: points done and failed of `total`, the fraction of the
    /// work done (running points count in part) and the seconds since the start.
    public struct Progress: Sendable {
        public var done: Int
        public var failed: Int
        public var total: Int
        public var fraction: Double
        public var elapsedSeconds: Double
        /// Seconds left, estimated from the fraction done; nil before any work is done.
        public var remainingSeconds: Double? {
            fraction > 0 ? elapsedSeconds * (1 - fraction) / fraction : nil
        }
    }

    /// What one process did and what the output directory holds afterwards.
    public struct Outcome: Sendable {
        /// Points this process computed, and those of them that failed.
        public var computed: [Int]
        public var failedHere: [Int]
        /// Points of this shard skipped because they were complete (--resume).
        public var skipped: [Int]
        /// Points with no directory yet (other shards still running, or killed).
        public var missing: [Int]
        /// Points whose directory records a failure.
        public var failed: [Int]
        /// True when every point was there and the tables were written.
        public var merged: Bool
        public var outputDirectory: String
    }

    /// Metrics of results.csv, per trial and population, in column order.
    public static let metrics = ["rate_hz", "cv_isi", "cv2", "lv", "fano_factor", "chi"]

    // MARK: Running

    /// Computes this shard's points of `plan` into `outputDirectory` (trials × points over the
    /// threads), then, if every point of the sweep is there, rebuilds the tables. A point whose run
    /// fails (a diverging trial, an unwritable file) is recorded with its error and does not stop
    /// the others. Throws ``SweepRunError`` or ``OutputError`` for problems with the directory.
    public static func run(_ plan: SweepPlan, outputDirectory: String, options: Options = Options()) throws -> Outcome {
        let layout = Layout(directory: outputDirectory, points: plan.points.count)
        try layout.createDirectories()
        var todo: [Int] = []
        var skipped: [Int] = []
        for point in plan.points where options.shard.owns(point.index) {
            if let record = try layout.record(point.index) {
                guard record.hash == point.scenario.sourceHash else {
                    throw SweepRunError.foreignPoint(layout.pointDirectory(point.index))
                }
                if options.resume && record.complete { skipped.append(point.index); continue }
            }
            todo.append(point.index)
        }
        // Temporary directories that a killed run of these points left behind.
        let stale = (try? FileManager.default.contentsOfDirectory(atPath: layout.pointsDirectory)) ?? []
        let mine = Set(todo.map { ".\(layout.name($0)).partial-" })
        for name in stale where name.hasPrefix(".") {
            if let dash = name.range(of: ".partial-"), mine.contains(String(name[..<dash.upperBound])) {
                try? FileManager.default.removeItem(atPath: (layout.pointsDirectory as NSString).appendingPathComponent(name))
            }
        }
        let threads = TrialPool.threads(requested: options.threads, count: Int.max)
        let outer = max(1, min(threads, todo.count))
        let inner = max(1, threads / outer)
        let meter = SweepMeter(total: todo.count, report: options.progress)
        let work = todo
        let statuses = try TrialPool.map(count: work.count, threads: outer) { k -> Bool in
            let point = plan.points[work[k]]
            let ok = runPoint(point, layout: layout, threads: inner, meter: meter, slot: k)
            meter.finish(slot: k, failed: !ok)
            return ok
        }
        let failedHere = zip(todo, statuses).filter { !$0.1 }.map(\.0)
        var outcome = Outcome(
            computed: todo, failedHere: failedHere, skipped: skipped, missing: [], failed: [], merged: false,
            outputDirectory: outputDirectory)
        let state = try layout.survey(plan)
        outcome.missing = state.missing
        outcome.failed = state.failed
        if state.missing.isEmpty {
            try writeTables(plan, layout: layout, options: options)
            outcome.merged = true
        }
        return outcome
    }

    /// Rebuilds the tables, sweep.json and plots from the point directories. Throws
    /// ``SweepRunError/missingPoints(_:directory:)`` when some are not there yet.
    public static func merge(_ plan: SweepPlan, outputDirectory: String, options: Options = Options()) throws -> Outcome {
        let layout = Layout(directory: outputDirectory, points: plan.points.count)
        guard FileManager.default.fileExists(atPath: layout.pointsDirectory) else {
            throw SweepRunError.missingPoints(plan.points.map(\.index), directory: outputDirectory)
        }
        let state = try layout.survey(plan)
        guard state.missing.isEmpty else { throw SweepRunError.missingPoints(state.missing, directory: outputDirectory) }
        try writeTables(plan, layout: layout, options: options)
        return Outcome(
            computed: [], failedHere: [], skipped: [], missing: [], failed: state.failed, merged: true, outputDirectory: outputDirectory)
    }

    /// Runs one point into a temporary directory and renames it into place; false if it failed.
    static func runPoint(_ point: SweepPlan.Point, layout: Layout, threads: Int, meter: SweepMeter, slot: Int) -> Bool {
        let final = layout.pointDirectory(point.index)
        let temporary = layout.temporaryDirectory(point.index)
        let fm = FileManager.default
        try? fm.removeItem(atPath: temporary)
        let start = Date()
        var status = "complete"
        var rows: [String] = []
        do {
            let options = Simulation.Options(threads: threads, progress: { meter.update(slot: slot, fraction: $0) })
            let result = try Simulation.run(point.scenario, scenarioPath: nil, outputDirectory: temporary, options: options)
            rows = resultRows(result)
            if let failure = result.failure { status = failure }
        } catch {
            status = "\(error)"
            rows = (0..<point.scenario.trials).flatMap { trial in
                point.scenario.populations.map { p in
                    "\(trial),\(SweepPlan.csvField(p.name)),\(p.size),0,"
                        + metrics.map { _ in "nan" }.joined(separator: ",") + ",\(SweepPlan.csvField(status))"
                }
            }
        }
        let record = JSONValue.object([
            ("point", .integer(point.index)),
            ("status", .string(status == "complete" ? "complete" : "failed")),
            ("error", status == "complete" ? .null : .string(status)),
            ("seed", .string(String(point.seed))),
            ("scenario_hash_fnv1a64", .string(point.scenario.sourceHash)),
            ("wall_time_s", .number(Date().timeIntervalSince(start))),
        ])
        do {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            try OutputFile.write(rows.map { $0 + "\n" }.joined(), to: (temporary as NSString).appendingPathComponent("rows.csv"))
            try OutputFile.write(record.rendered() + "\n", to: (temporary as NSString).appendingPathComponent("point.json"))
            try layout.publish(temporary, as: final)
        } catch {
            try? fm.removeItem(atPath: temporary)
            return false
        }
        return status == "complete"
    }

    /// results.csv rows of one point without the point and key-path columns: trial, population,
    /// cells, n_spikes, metrics, status.
    static func resultRows(_ result: Simulation.Result) -> [String] {
        let s = result.scenario
        let offsets = s.populationOffsets
        var rows: [String] = []
        for trial in result.trials {
            let complete = trial.failure == nil
            let train = SpikeTrains(
                cellCount: s.cellCount, spikes: trial.spikes.lazy.map { ($0.cell, $0.timeMs) }, startMs: 0, stopMs: s.durationMs)
            for (p, population) in s.populations.enumerated() {
                let range = offsets[p]..<(offsets[p] + population.size)
                let summary = PopulationSummary(name: population.name, cells: range, trials: [train])
                let lvs = range.map { PerCellStatistics.lv(train.trains[$0]) }.filter(\.isFinite)
                let lv = lvs.isEmpty ? Double.nan : lvs.reduce(0, +) / Double(lvs.count)
                let values = complete ? [summary.meanRateHz, summary.meanCV, summary.meanCV2, lv, summary.meanFano, summary.chi]
                    : Array(repeating: Double.nan, count: metrics.count)
                let status = trial.failure ?? "complete"
                rows.append(
                    "\(trial.index),\(SweepPlan.csvField(population.name)),\(population.size),\(summary.spikes),"
                        + values.map(formatNumber).joined(separator: ",") + ",\(SweepPlan.csvField(status))")
            }
        }
        return rows
    }
}

/// Problems with a sweep's output directory or shard (not with its points, which are recorded).
public enum SweepRunError: Error, CustomStringConvertible {
    case badShard(String)
    case missingPoints([Int], directory: String)
    case foreignPoint(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .badShard(let text): return "bad shard: \(text)"
        case .missingPoints(let points, let directory):
            let list = points.prefix(20).map(String.init).joined(separator: ", ") + (points.count > 20 ? ", …" : "")
            return "cannot merge \(directory): \(points.count) point(s) missing (\(list)); run the missing shards, or the sweep with --resume"
        case .foreignPoint(let path):
            return "\(path) belongs to a different sweep (another scenario or other values); use another --out"
        case .unreadable(let text): return text
        }
    }
}

/// Aggregates the progress of the points running on this process.
final class SweepMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var fractions: [Double]
    private var done = 0, failed = 0
    private let total: Int
    private let start = Date()
    private var last = Date.distantPast
    private let report: (@Sendable (Sweep.Progress) -> Void)?

    init(total: Int, report: (@Sendable (Sweep.Progress) -> Void)?) {
        self.total = total
        fractions = Array(repeating: 0, count: total)
        self.report = report
    }

    func update(slot: Int, fraction: Double) { record(force: false) { fractions[slot] = fraction } }

    func finish(slot: Int, failed f: Bool) {
        record(force: true) {
            fractions[slot] = 1
            done += 1
            if f { failed += 1 }
        }
    }

    private func record(force: Bool, _ change: () -> Void) {
        guard let report else { return }
        lock.lock()
        change()
        let now = Date()
        let due = force || now.timeIntervalSince(last) >= 0.25
        if due { last = now }
        let progress = Sweep.Progress(
            done: done, failed: failed, total: total, fraction: total == 0 ? 1 : fractions.reduce(0, +) / Double(total),
            elapsedSeconds: now.timeIntervalSince(start))
        lock.unlock()
        if due { report(progress) }
    }
}
