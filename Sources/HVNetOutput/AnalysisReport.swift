import Numerics
import HVNetAnalysis
import Foundation

/// Where the spike trains of an analysis came from, and how cells and trials were decided: every
/// per-cell output names the cell by its id in the file (`cellIds[k]` is cell k of the analysis).
public struct AnalysisInput: Sendable {
    public var file: String
    /// The format read (csv, nest, brian2, nwb).
    public var format: String
    /// The cell ids, in the order of the analysis' cells.
    public var cellIds: [Int]
    /// What decided the cells: "--cells", "--cell-ids", "summary.json", "nwb units table" or
    /// "distinct ids in the file".
    public var cellsFrom: String
    public var trialCount: Int
    /// What decided the trials: "--trials", "summary.json", "nwb units table" or "the file".
    public var trialsFrom: String
    public var analysedTrial: Int
    /// Notes for the reader, also printed by the command.
    public var warnings: [String]

    public init(file: String, format: String = "csv", cellIds: [Int], cellsFrom: String = "distinct ids in the file", trialCount: Int = 1,
                trialsFrom: String = "the file", analysedTrial: Int = 0, warnings: [String] = []) {
        self.file = file
        self.format = format
        self.cellIds = cellIds
        self.cellsFrom = cellsFrom
        self.trialCount = trialCount
        self.trialsFrom = trialsFrom
        self.analysedTrial = analysedTrial
        self.warnings = warnings
    }
}

/// Writes `hvnet analyze` outputs: analysis.json (NaN as null, every parameter recorded), CSV files
/// for per-cell values, histograms and matrices, and SVG plots.
public enum AnalysisReport {
    /// The notes an analysis itself calls for: spikes at t_stop dropped by the binning (Elephant's
    /// rule, docs/analysis.md), with the number per measure.
    public static func warnings(_ a: SpikeAnalysis) -> [String] {
        var out: [String] = []
        let atStop = a.trains.trains.reduce(0) { $0 + $1.filter { $0 == a.trains.stopMs }.count }
        if atStop > 0 {
            var binned: [String] = []
            if let b = a.binned, b.dropped.reduce(0, +) > 0 { binned.append("PSTH, Pearson, correlograms and χ on counts (\(formatNumber(a.parameters.binMs)) ms bins)") }
            if a.measures.contains(.perCell) { binned.append("windowed Fano factor (\(formatNumber(a.parameters.fanoWindowMs)) ms windows)") }
            out.append("\(atStop) spike(s) at t_stop = \(formatNumber(a.trains.stopMs)) ms count in spike counts, rates and interval statistics, "
                + "but binning drops them as Elephant's BinnedSpikeTrain does\(binned.isEmpty ? "" : ": " + binned.joined(separator: "; "))")
        }
        return out
    }

    public static let matrixFiles: [(Measure, String)] = [
        (.pearson, "pearson"), (.sttc, "sttc"), (.vanRossum, "van_rossum"), (.victorPurpura, "victor_purpura"),
        (.isiDistance, "isi_distance"), (.spikeDistance, "spike_distance"), (.spikeSync, "spike_sync"),
    ]

    static func parametersJSON(_ p: AnalysisParameters, trains: SpikeTrains) -> JSONValue {
        .object([
            ("t_start_ms", .number(trains.startMs)), ("t_stop_ms", .number(trains.stopMs)), ("n_cells", .integer(trains.cellCount)),
            ("bin_ms", .number(p.binMs)), ("binning_tolerance_bins", .number(BinnedCounts.tolerance)),
            ("fano_window_ms", .number(p.fanoWindowMs)), ("lvr_R_ms", .number(p.lvrRefractoryMs)),
            ("kernel", .object([
                ("type", .string("gaussian")), ("sigma_ms", .number(p.kernel.sigmaMs)), ("cutoff_sigmas", .number(p.kernel.cutoff)),
                ("sampling_period_ms", .number(p.kernel.samplingMs)), ("mode", .string(p.kernelMode.rawValue)),
            ])),
            ("cch_window_bins", .integer(p.cchWindowBins)),
            ("sttc_dt_ms", .number(p.sttcDtMs)), ("sttc_window", .string(p.sttcWindow.rawValue)),
            ("van_rossum_tau_ms", .number(p.vanRossumTauMs)), ("victor_purpura_q_per_ms", .number(p.victorPurpuraCostPerMs)),
            ("pyspike", .object([("MRTS", .number(0)), ("max_tau", .null), ("edges_ms", .numbers([trains.startMs, trains.stopMs]))])),
        ])
    }

    static func matrixJSON(_ m: [[Double]]) -> JSONValue { .array(m.map { .numbers($0) }) }

    /// The JSON document of one analysis (and of the trial statistics when there are trials).
    public static func json(_ a: SpikeAnalysis, trials: TrialAnalysis?, input: AnalysisInput) -> JSONValue {
        let ids = cellIds(a, input)
        var members: [(String, JSONValue)] = [
            ("hvnet_version", .string(HVNetVersion.string)),
            ("input", .object([
                ("file", .string(input.file)), ("format", .string(input.format)),
                ("trials", .integer(trials?.trials.count ?? input.trialCount)), ("trials_from", .string(input.trialsFrom)),
                ("analysed_trial", .integer(input.analysedTrial)),
                ("n_cells", .integer(ids.count)), ("cells_from", .string(input.cellsFrom)),
                ("cell_ids", .array(ids.map { .integer($0) })),
            ])),
            ("params", parametersJSON(a.parameters, trains: a.trains)),
            ("measures", .array(Measure.allCases.filter { a.measures.contains($0) }.map { .string($0.rawValue) })),
            ("warnings", .array((input.warnings + warnings(a)).map { .string($0) })),
        ]
        if a.measures.contains(.perCell) {
            let c = a.perCell
            members.append(("per_cell", .object([
                ("cell_id", .array(ids.map { .integer($0) })),
                ("n_spikes", .array(c.count.map { .integer($0) })), ("mean_rate_hz", .numbers(c.rateHz)),
                ("cv_isi", .numbers(c.cv)), ("cv2", .numbers(c.cv2)), ("lv", .numbers(c.lv)), ("lvr", .numbers(c.lvr)),
                ("fano_factor_windowed", .numbers(c.fanoWindowed)),
            ])))
        }
        if let h = a.histogram {
            members.append(("time_histogram", .object([("t_start_ms", .number(a.trains.startMs)), ("bin_ms", .number(a.parameters.binMs)),
                                                       ("counts", .array(h.counts.map { .integer($0) })), ("rate_hz", .numbers(h.rateHz))])))
        }
        if a.measures.contains(.kernelRate) {
            members.append(("instantaneous_rate", .object([("times_ms", .numbers(a.kernelTimes)), ("rate_hz", matrixJSON(a.kernelRates))])))
        }
        var population: [(String, JSONValue)] = []
        func chi(_ v: SpikeAnalysis.ChiValue?) -> JSONValue {
            v.map { .object([("chi", .number($0.chi)), ("chi_squared", .number($0.chiSquared))]) } ?? .null
        }
        if a.measures.contains(.synchrony) {
            population += [("chi_binned_counts", chi(a.chiBinned)), ("chi_kernel_rate", chi(a.chiKernel)),
                           ("chi_binned_counts_active_cells", chi(a.chiBinnedActive)), ("chi_kernel_rate_active_cells", chi(a.chiKernelActive))]
        }
        for (measure, key) in [(Measure.isiDistance, "isi_distance"), (.spikeDistance, "spike_distance"), (.spikeSync, "spike_sync")] {
            if let v = a.population[measure] { population.append((key, .number(v))) }
        }
        if !population.isEmpty { members.append(("population", .object(population))) }
        var pairwise: [(String, JSONValue)] = []
        for (measure, key) in matrixFiles { if let m = a.matrices[measure] { pairwise.append((key, matrixJSON(m))) } }
        if !a.correlograms.isEmpty {
            let w = a.parameters.cchWindowBins
            pairwise.append(("cch", .object([
                ("lags_bins", .array((-w...w).map { .integer($0) })),
                ("lags_ms", .numbers((-w...w).map { Double($0) * a.parameters.binMs })),
                ("pairs", .array(a.correlograms.map {
                    .object([("i", .integer(ids[$0.i])), ("j", .integer(ids[$0.j])), ("counts", .array($0.counts.map { .integer($0) })),
                             ("border_corrected", .numbers($0.borderCorrected))])
                })),
            ])))
        }
        if !pairwise.isEmpty { members.append(("pairwise", .object(pairwise))) }
        if let t = trials {
            members.append(("trials", .object([
                ("spike_counts_per_trial", .array(t.countsPerTrial.map { .array($0.map { .integer($0) }) })),
                ("fano_factor", .numbers(t.fano)), ("mean_rate_hz", .numbers(t.meanRateHz)),
                ("psth_counts", .array(t.psthCounts.map { .array($0.map { .integer($0) }) })),
                ("psth_rate_hz", matrixJSON(t.psthRateHz)), ("population_rate_hz", .numbers(t.populationRateHz)),
                ("kernel_psth_times_ms", .numbers(t.kernelTimes)), ("kernel_psth_rate_hz", matrixJSON(t.kernelRateHz)),
            ])))
        }
        return .object(members)
    }

    /// The ids of the analysis' cells (0 … n−1 when the input gives none).
    static func cellIds(_ a: SpikeAnalysis, _ input: AnalysisInput) -> [Int] {
        input.cellIds.count == a.trains.cellCount ? input.cellIds : Array(0..<a.trains.cellCount)
    }

    static func matrixCSV(_ m: [[Double]], ids: [Int]) -> String {
        var s = "cell," + ids.map { "\($0)" }.joined(separator: ",") + "\n"
        for (i, row) in m.enumerated() { s += "\(ids[i])," + row.map { $0.isFinite ? formatNumber($0) : "nan" }.joined(separator: ",") + "\n" }
        return s
    }

    /// Writes every output into `directory`; returns the file names.
    public static func write(_ a: SpikeAnalysis, trials: TrialAnalysis?, input: AnalysisInput, to directory: String) throws -> [String] {
        let ids = cellIds(a, input)
        try RunDirectory.makeDirectories(directory)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        var files: [(String, String)] = []
        files.append(("analysis.json", json(a, trials: trials, input: input).rendered() + "\n"))
        if a.measures.contains(.perCell) {
            var s = "cell,n_spikes,mean_rate_hz,cv_isi,cv2,lv,lvr,fano_factor_windowed\n"
            let c = a.perCell
            func f(_ x: Double) -> String { x.isFinite ? formatNumber(x) : "nan" }
            for i in c.count.indices {
                s += "\(ids[i]),\(c.count[i]),\(f(c.rateHz[i])),\(f(c.cv[i])),\(f(c.cv2[i])),\(f(c.lv[i])),\(f(c.lvr[i])),\(f(c.fanoWindowed[i]))\n"
            }
            files.append(("per_cell.csv", s))
        }
        if let h = a.histogram {
            files.append(("psth.csv", "time_ms,count,rate_hz\n" + h.counts.indices.map {
                "\(formatNumber(a.trains.startMs + Double($0) * a.parameters.binMs)),\(h.counts[$0]),\(formatNumber(h.rateHz[$0]))\n"
            }.joined()))
        }
        for (measure, name) in matrixFiles { if let m = a.matrices[measure] { files.append(("\(name).csv", matrixCSV(m, ids: ids))) } }
        if !a.correlograms.isEmpty {
            let w = a.parameters.cchWindowBins
            var s = "i,j,lag_bins,lag_ms,count,border_corrected\n"
            for c in a.correlograms {
                for k in 0...(2 * w) {
                    s += "\(ids[c.i]),\(ids[c.j]),\(k - w),\(formatNumber(Double(k - w) * a.parameters.binMs)),\(c.counts[k]),\(formatNumber(c.borderCorrected[k]))\n"
                }
            }
            files.append(("cch.csv", s))
        }
        var spikes = "cell,time_ms\n"
        for (k, train) in a.trains.trains.enumerated() { for t in train { spikes += "\(ids[k]),\(formatNumber(t))\n" } }
        files.append(("spike_trains.csv", spikes))
        let figures = AnalysisPlots.figures(a)
        files += figures
        files.append(("figures.py", FiguresScript.analysis(a, input: input, figures: figures.map(\.0))))
        for (name, text) in files { try OutputFile.write(text, to: path(name)) }
        return files.map(\.0)
    }
}
