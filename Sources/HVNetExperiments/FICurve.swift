import Foundation
import HVNetAnalysis
import HVNetModel
import HVNetOutput
import HVNetScenario
import HVNetSimulation
import Numerics

/// The f–I curve of a population: a sweep over the amplitude of a current step added to every
/// cell of the population for the whole run, with steady-state rates and the onset current of
/// repetitive firing found by bisection. See docs/sweeps.md.
public enum FICurve {
    public struct Options: Sendable {
        /// The population that receives the current (nil: the first).
        public var population: String?
        /// Step amplitudes in pA (depolarising positive).
        public var currentsPA: [Double]
        /// Simulated time in ms (nil: the scenario's).
        public var durationMs: Double?
        /// Spikes before this time (ms) are ignored by the rates (nil: half the duration).
        public var transientMs: Double?
        /// Trials (noise realisations) per current (nil: the scenario's).
        public var trials: Int?
        /// Worker threads (nil: every core); results do not depend on it.
        public var threads: Int?
        /// Width in pA at which the bisection of the onset stops.
        public var onsetTolerancePA = 0.01

        public init(population: String? = nil, currentsPA: [Double], durationMs: Double? = nil, transientMs: Double? = nil,
                    trials: Int? = nil, threads: Int? = nil) {
            self.population = population
            self.currentsPA = currentsPA
            self.durationMs = durationMs
            self.transientMs = transientMs
            self.trials = trials
            self.threads = threads
        }
    }

    /// One row of fi.csv: one current, population and trial. Rates are means over the cells.
    public struct Row: Sendable, Equatable {
        public var currentPA: Double
        public var population: String
        public var trial: Int
        /// Steady-state rate (n − 1)/(t_last − t_first) of the n spikes after the transient; 0 when n < 2.
        public var rateHz: Double
        /// Spikes after the transient over the remaining time.
        public var countRateHz: Double
        /// First spike from t = 0 (ms), mean over the cells that spiked; NaN when none did.
        public var firstSpikeMs: Double
        /// ISI CV after the transient, mean over cells with a finite value; NaN otherwise.
        public var cvISI: Double
    }

    public struct Result: Sendable {
        public var scenario: Scenario
        public var population: String
        public var durationMs: Double
        public var transientMs: Double
        public var rows: [Row]
        /// The onset of repetitive firing (pA): the midpoint of the last bisection bracket; nil
        /// when no current of the list fires repetitively or the lowest one already does.
        public var onsetPA: Double?
        /// The final bracket [highest current found silent, lowest current found firing].
        public var onsetBracketPA: ClosedRange<Double>?
        public var bisectionRuns: Int

        /// Mean steady-state rate over trials per current, in the order of the currents.
        public var meanRates: [(current: Double, mean: Double, sem: Double)] {
            var out: [(Double, Double, Double)] = []
            var seen: [Double] = []
            for r in rows where !seen.contains(r.currentPA) { seen.append(r.currentPA) }
            for c in seen {
                let (m, s) = Sweep.meanAndStandardError(rows.filter { $0.currentPA == c && $0.population == population }.map(\.rateHz))
                out.append((c, m, s))
            }
            return out
        }
    }

    public enum FIError: Error, CustomStringConvertible {
        case badOption(String)
        case runFailed(current: Double, trial: Int, reason: String)

        public var description: String {
            switch self {
            case .badOption(let text): return text
            case .runFailed(let c, let t, let reason): return "the run at \(formatNumber(c)) pA, trial \(t), failed: \(reason)"
            }
        }
    }

    /// Parses `--currents`: a comma-separated list of distinct currents (`150,160,170`) or
    /// `FROM:TO:STEP` (inclusive, STEP > 0, at most ``maximumCurrents`` values), in pA.
    /// - Throws: ``FIError/badOption(_:)`` saying which part is wrong and what is allowed.
    public static func parseCurrents(_ text: String) throws -> [Double] {
        let usage = "give a list such as 150,160,170 or FROM:TO:STEP such as 150:300:10 (pA)"
        func bad(_ what: String) -> FIError { .badOption("--currents '\(text)': \(what); \(usage)") }
        func number(_ part: Substring, _ name: String) throws -> Double {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite else {
                throw bad(trimmed.isEmpty ? "\(name) is missing" : "\(name) '\(trimmed)' is not a finite number")
            }
            return value
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw bad("no currents") }
        if text.contains(":") {
            let texts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard texts.count == 3 else { throw bad("FROM:TO:STEP needs three numbers, got \(texts.count)") }
            let a = try number(texts[0], "FROM"), b = try number(texts[1], "TO"), step = try number(texts[2], "STEP")
            guard step > 0 else { throw bad("STEP must be positive, got \(formatNumber(step))") }
            guard b >= a else { throw bad("TO (\(formatNumber(b))) is below FROM (\(formatNumber(a)))") }
            guard (b - a) / step < Double(maximumCurrents) else {
                throw bad("this gives more than \(maximumCurrents) currents; use a larger STEP")
            }
            let n = Int(((b - a) / step + 1e-9).rounded(.down)) + 1
            // Decimal steps, so that 150:151:0.1 gives 150.3, not 150.29999999999998.
            let da = Decimal(string: texts[0].trimmingCharacters(in: .whitespaces))
            let ds = Decimal(string: texts[2].trimmingCharacters(in: .whitespaces))
            guard let da, let ds else { return (0..<n).map { a + Double($0) * step } }
            return (0..<n).map { k in Double(NSDecimalNumber(decimal: da + ds * Decimal(k)).stringValue) ?? a + Double(k) * step }
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= maximumCurrents else { throw bad("more than \(maximumCurrents) currents") }
        var values: [Double] = [], seen = Set<Double>()
        for (k, part) in parts.enumerated() {
            let value = try number(part, "value \(k + 1)")
            if !seen.insert(value).inserted { throw bad("\(formatNumber(value)) pA is listed twice; list each current once") }
            values.append(value)
        }
        return values
    }

    /// The most currents `--currents` may give.
    public static let maximumCurrents = 100_000

    /// The scenario with a current step of `currentPA` on every cell of population `p` for the whole run.
    static func withCurrent(_ scenario: Scenario, population p: Int, currentPA: Double) -> Scenario {
        var s = scenario
        let first = s.populationOffsets[p]
        s.stimuli.append(Stimulus(
            kind: .currentStep(amplitudePA: currentPA), cells: Array(first..<(first + s.populations[p].size)),
            windowsMs: [0...s.durationMs]))
        return s
    }

    /// Spike times per cell of one trial at one current.
    static func simulate(_ scenario: Scenario, trial: Int) throws -> [[Double]] {
        let network = scenario.makeNetwork()
        let (evaluator, recorder) = try Simulation.prepare(scenario, network: network, trial: trial, traces: nil, keepRows: false)
        _ = try Simulation.integrate(scenario, evaluator, from: try scenario.initialState(trial: trial, network: network), observer: recorder)
        recorder.finish()
        var trains = [[Double]](repeating: [], count: scenario.cellCount)
        for spike in recorder.takeSortedSpikes() { trains[spike.cell].append(spike.timeMs) }
        return trains
    }

    /// Computes the curve and the onset. Throws ``FIError`` for bad options or a failed run, and
    /// ``ScenarioError`` when the scenario cannot be built.
    public static func compute(_ base: Scenario, options: Options) throws -> Result {
        var scenario = base
        if let d = options.durationMs {
            guard d > 0, d.isFinite else { throw FIError.badOption("--duration must be a positive number of ms") }
            scenario.durationMs = d
        }
        if let t = options.trials {
            guard t >= 1 else { throw FIError.badOption("--trials must be at least 1") }
            scenario.trials = t
        }
        scenario.recording.traceCells = []
        let transient = options.transientMs ?? scenario.durationMs / 2
        guard transient >= 0, transient < scenario.durationMs else {
            throw FIError.badOption("--transient must be from 0 to below the duration (\(formatNumber(scenario.durationMs)) ms)")
        }
        guard !options.currentsPA.isEmpty else { throw FIError.badOption("--currents: give at least one current") }
        let names = scenario.populations.map(\.name)
        let p: Int
        if let name = options.population {
            guard let i = names.firstIndex(of: name) else {
                throw FIError.badOption("--population '\(name)': the scenario has \(names.joined(separator: ", "))")
            }
            p = i
        } else { p = 0 }
        let currents = options.currentsPA
        let trials = scenario.trials
        let fixed = scenario

        // Every (current, trial) over the pool; each returns the rows of every population.
        @Sendable func rows(current: Double, trial: Int) throws -> [Row] {
            let s = withCurrent(fixed, population: p, currentPA: current)
            let trains: [[Double]]
            do { trains = try simulate(s, trial: trial) } catch {
                throw FIError.runFailed(current: current, trial: trial, reason: "\(error)")
            }
            let offsets = s.populationOffsets
            return s.populations.enumerated().map { q, population in
                let range = offsets[q]..<(offsets[q] + population.size)
                return row(trains: range.map { trains[$0] }, current: current, population: population.name, trial: trial,
                           transient: transient, duration: s.durationMs)
            }
        }
        let threads = TrialPool.threads(requested: options.threads, count: currents.count * trials)
        let all = try TrialPool.map(count: currents.count * trials, threads: threads) { k in
            try rows(current: currents[k / trials], trial: k % trials)
        }.flatMap { $0 }

        // Bisection of the onset between the highest silent current below the lowest firing one.
        func fires(_ current: Double) throws -> Bool {
            let perTrial = try TrialPool.map(count: trials, threads: TrialPool.threads(requested: options.threads, count: trials)) {
                try rows(current: current, trial: $0)[p].rateHz
            }
            return perTrial.reduce(0, +) / Double(trials) > 0
        }
        let sorted = Array(Set(currents)).sorted()
        let meanRate: (Double) -> Double = { c in
            let r = all.filter { $0.currentPA == c && $0.population == names[p] }.map(\.rateHz)
            return r.reduce(0, +) / Double(max(r.count, 1))
        }
        var onset: Double? = nil
        var bracket: ClosedRange<Double>? = nil
        var runs = 0
        if let i = sorted.firstIndex(where: { meanRate($0) > 0 }), i > 0 {
            var lo = sorted[i - 1], hi = sorted[i]
            while hi - lo > options.onsetTolerancePA {
                let mid = (lo + hi) / 2
                runs += 1
                if try fires(mid) { hi = mid } else { lo = mid }
            }
            onset = (lo + hi) / 2
            bracket = lo...hi
        }
        return Result(
            scenario: scenario, population: names[p], durationMs: scenario.durationMs, transientMs: transient, rows: all,
            onsetPA: onset, onsetBracketPA: bracket, bisectionRuns: runs)
    }

    /// One row from the cells' spike trains.
    static func row(trains: [[Double]], current: Double, population: String, trial: Int, transient: Double, duration: Double) -> Row {
        var rates: [Double] = [], counts: [Double] = [], firsts: [Double] = [], cvs: [Double] = []
        for train in trains {
            let late = train.filter { $0 > transient }
            if late.count >= 2, let a = late.first, let b = late.last { rates.append(Double(late.count - 1) / (b - a) * 1000) } else { rates.append(0) }
            counts.append(Double(late.count) / (duration - transient) * 1000)
            if let f = train.first { firsts.append(f) }
            let cv = PerCellStatistics.cv(late)
            if cv.isFinite { cvs.append(cv) }
        }
        func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
        return Row(currentPA: current, population: population, trial: trial, rateHz: mean(rates), countRateHz: mean(counts),
                   firstSpikeMs: mean(firsts), cvISI: mean(cvs))
    }

    /// Writes fi.csv, fi.json and fi.svg into `directory`; returns the file names.
    public static func write(_ r: Result, scenarioPath: String?, to directory: String) throws -> [String] {
        try RunDirectory.makeDirectories(directory)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        try OutputFile.write(to: path("fi.csv")) { out in
            out.write("current_pA,population,trial,rate_hz,count_rate_hz,first_spike_ms,cv_isi\n")
            for row in r.rows {
                out.write([formatNumber(row.currentPA), SweepPlan.csvField(row.population), String(row.trial), formatNumber(row.rateHz),
                           formatNumber(row.countRateHz), formatNumber(row.firstSpikeMs), formatNumber(row.cvISI)].joined(separator: ",") + "\n")
            }
        }
        let curve = r.meanRates
        let json = JSONValue.object([
            ("hvnet_version", .string(HVNetVersion.string)),
            ("scenario", .object([("name", .string(r.scenario.name)), ("file", scenarioPath.map { .string($0) } ?? .null),
                                  ("hash_fnv1a64", .string(r.scenario.sourceHash)), ("seed", .integer(Int(r.scenario.seed)))])),
            ("population", .string(r.population)),
            ("duration_ms", .number(r.durationMs)),
            ("transient_ms", .number(r.transientMs)),
            ("trials", .integer(r.scenario.trials)),
            ("rate_definition", .string("(n - 1)/(t_last - t_first) over the spikes after transient_ms, 0 when n < 2; mean over the population's cells")),
            ("currents_pA", .numbers(curve.map(\.current))),
            ("rate_hz_mean", .numbers(curve.map(\.mean))),
            ("rate_hz_sem", .numbers(curve.map(\.sem))),
            ("onset", .object([
                ("current_pA", r.onsetPA.map { .number($0) } ?? .null),
                ("bracket_pA", r.onsetBracketPA.map { .numbers([$0.lowerBound, $0.upperBound]) } ?? .null),
                ("criterion", .string("mean rate_hz over trials > 0 (at least two spikes after the transient)")),
                ("method", .string("bisection between the highest silent and the lowest firing current of the list")),
                ("bisection_runs", .integer(r.bisectionRuns)),
            ])),
        ])
        try OutputFile.write(json.rendered() + "\n", to: path("fi.json"))
        var plot = SVGPlot(title: "f–I curve of \(r.population) (\(r.scenario.name))", xLabel: "current (pA)", yLabel: "steady-state rate (Hz)")
        var series = SVGPlot.Series(label: r.population, x: curve.map(\.current), y: curve.map(\.mean), width: 3.5, markers: true)
        if r.scenario.trials > 1 && r.scenario.noiseModel != nil { series.errorBars = curve.map { $0.sem.isFinite ? $0.sem : 0 } }
        plot.series.append(series)
        try OutputFile.write(plot.render(), to: path("fi.svg"))
        return ["fi.csv", "fi.json", "fi.svg"]
    }
}
