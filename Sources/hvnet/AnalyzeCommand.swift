import ArgumentParser
import Foundation
import HVNet

extension KernelRate.Mode: ExpressibleByArgument {}
extension SpikeTimeTiling.Window: ExpressibleByArgument {}
extension SpikeFile.TimeUnit: ExpressibleByArgument {}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Spike-train statistics of a spike file (hvnet's spikes.csv or another simulator's CSV).",
        discussion: """
            Writes analysis.json (NaN as null, every parameter recorded), per_cell.csv, psth.csv, one CSV per \
            pairwise matrix, cch.csv and SVG plots into --out. Measures: \(Measure.allCases.map(\.rawValue).joined(separator: ", ")). \
            With a trial column, trial statistics (Fano factor across trials, PSTH, kernel PSTH) are added and the \
            single-trial measures are computed for --trial.
            """)

    @Argument(help: "The spike file (CSV with a header).")
    var spikes: String

    @Option(name: .customLong("t-start"), parsing: .unconditional, help: "Start of the window in ms.")
    var tStart: Double

    @Option(name: .customLong("t-stop"), parsing: .unconditional, help: "End of the window in ms (spikes must lie in [t-start, t-stop)).")
    var tStop: Double

    @Option(parsing: .unconditional, help: "Number of cells (silent cells count); default: the highest cell index + 1.")
    var cells: Int?

    @Option(name: .customLong("bin-ms"), parsing: .unconditional, help: "Bin of the PSTH, Pearson and correlograms (ms).")
    var binMs: Double = 1

    @Option(help: "Comma-separated measures to compute (default: all).")
    var measures: String?

    @Option(help: "Correlogram pairs as i-j,k-l (default: the first 10 pairs).")
    var pairs: String?

    @Option(name: .customLong("cell-column"), help: "Name of the cell column.")
    var cellColumn = "cell"
    @Option(name: .customLong("time-column"), help: "Name of the time column.")
    var timeColumn = "time_ms"
    @Option(name: .customLong("trial-column"), help: "Name of the trial column (default: 'trial' when present).")
    var trialColumn: String?
    @Option(name: .customLong("time-unit"), help: "Unit of the time column: ms or s.")
    var timeUnit = SpikeFile.TimeUnit.ms
    @Option(parsing: .unconditional, help: "The trial whose spikes the single-trial measures use.")
    var trial = 0

    @Option(name: .customLong("kernel-sigma-ms"), parsing: .unconditional, help: "σ of the Gaussian kernel rate (ms).")
    var kernelSigmaMs = 5.0
    @Option(name: .customLong("kernel-mode"), help: "exact (default) or elephant (Elephant 1.2.1's binned convolution).")
    var kernelMode = KernelRate.Mode.exact
    @Option(name: .customLong("fano-window-ms"), parsing: .unconditional, help: "Window of the windowed Fano factor (ms).")
    var fanoWindowMs = 100.0
    @Option(name: .customLong("sttc-dt-ms"), parsing: .unconditional, help: "Δt of the STTC (ms).")
    var sttcDtMs = 5.0
    @Option(name: .customLong("sttc-window"), help: "exact (default) or elephant (numpy.isclose tolerance).")
    var sttcWindow = SpikeTimeTiling.Window.exact
    @Option(name: .customLong("tau-ms"), parsing: .unconditional, help: "τ of the van Rossum distance (ms).")
    var tauMs = 10.0
    @Option(name: .customLong("vp-cost"), parsing: .unconditional, help: "Victor–Purpura cost q (1/ms); inf gives the limit q → ∞ (only exact coincidences are free).")
    var vpCost = 0.1
    @Option(name: .customLong("cch-window-bins"), parsing: .unconditional, help: "Correlogram half-width in bins.")
    var cchWindowBins = 50

    @Option(help: "Output directory (default: analysis-<file name>).")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Analyse even when the estimate exceeds the limits.")
    var force = false

    func validate() throws {
        for (name, value) in [("--t-start", tStart), ("--t-stop", tStop)] where !value.isFinite {
            throw ValidationError("\(name): '\(value)' is not allowed; expected a finite time in ms")
        }
        guard tStop > tStart else { throw ValidationError("--t-stop (\(tStop)) must be after --t-start (\(tStart))") }
        for (name, value) in [("--bin-ms", binMs), ("--kernel-sigma-ms", kernelSigmaMs), ("--fano-window-ms", fanoWindowMs),
                              ("--sttc-dt-ms", sttcDtMs), ("--tau-ms", tauMs)] where !(value > 0 && value.isFinite) {
            throw ValidationError("\(name): '\(value)' is not allowed; expected a positive finite number of ms")
        }
        guard vpCost >= 0 else { throw ValidationError("--vp-cost: '\(vpCost)' is not allowed; expected a cost ≥ 0 per ms, or inf") }
        guard cchWindowBins >= 0 else { throw ValidationError("--cch-window-bins: '\(cchWindowBins)' is not allowed; expected a whole number ≥ 0") }
        if let cells, !(1...SpikeFile.maxCells).contains(cells) {
            throw ValidationError("--cells: '\(cells)' is not allowed; expected a number of cells from 1 to \(SpikeFile.maxCells)")
        }
        guard trial >= 0 else { throw ValidationError("--trial: '\(trial)' is not allowed; expected a trial index ≥ 0") }
        _ = try parseMeasures()
    }

    func parseMeasures() throws -> Set<Measure> {
        guard let measures else { return Set(Measure.allCases) }
        return Set(try measures.split(separator: ",").map { name in
            guard let m = Measure(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown measure '\(name)'; valid: \(Measure.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return m
        })
    }

    func parsePairs(cellCount n: Int) throws -> [(Int, Int)] {
        guard let pairs else { return Array((0..<n).flatMap { i in ((i + 1)..<max(i + 1, n)).map { (i, $0) } }.prefix(10)) }
        return try pairs.split(separator: ",").map { text in
            let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let i = parts[0], let j = parts[1], (0..<n).contains(i), (0..<n).contains(j) else {
                throw ValidationError("--pairs: '\(text)' is not i-j with cells from 0 to \(n - 1)")
            }
            return (i, j)
        }
    }

    func run() throws {
        var options = SpikeFile.Options()
        options.cellColumn = cellColumn
        options.timeColumn = timeColumn
        options.trialColumn = trialColumn
        options.timeUnit = timeUnit
        let start = Date()
        let file: SpikeFile
        let trains: [SpikeTrains]
        var p = AnalysisParameters()
        p.binMs = binMs
        p.fanoWindowMs = fanoWindowMs
        p.kernel.sigmaMs = kernelSigmaMs
        p.kernelMode = kernelMode
        p.sttcDtMs = sttcDtMs
        p.sttcWindow = sttcWindow
        p.vanRossumTauMs = tauMs
        p.victorPurpuraCostPerMs = vpCost
        p.cchWindowBins = cchWindowBins
        let selected = try parseMeasures()
        do {
            file = try SpikeFile.read(path: spikes, options: options)
            let cellCount = cells ?? max(file.cellCount, 1)
            let estimate = AnalysisEstimate(
                cells: cellCount, trials: file.trialCount, spikes: file.rows.count, startMs: tStart, stopMs: tStop,
                parameters: p, measures: selected)
            let undefined = estimate.undefined()
            if !undefined.isEmpty { throw RuntimeError(undefined.joined(separator: "\n")) }
            let exceeded = estimate.exceeded()
            if !exceeded.isEmpty && !force {
                throw RuntimeError(
                    (["refused: the analysis would exceed hvnet's limits (give --force to run it anyway):"] + exceeded.map { "  " + $0 })
                        .joined(separator: "\n"))
            }
            trains = try file.trains(startMs: tStart, stopMs: tStop, cellCount: cellCount)
        } catch let error as SpikeFileError {
            throw RuntimeError("\(spikes): \(error)")
        }
        guard trains.indices.contains(trial) else { throw RuntimeError("--trial \(trial): the file has \(trains.count) trial(s)") }
        let chosenPairs = try parsePairs(cellCount: trains[trial].cellCount)
        let analysis = SpikeAnalysis(trains[trial], parameters: p, measures: selected, correlogramPairs: chosenPairs)
        let trialStatistics = file.hasTrials && trains.count > 1 ? TrialAnalysis(trains, parameters: p) : nil
        let directory = out ?? "analysis-\(URL(fileURLWithPath: spikes).deletingPathExtension().lastPathComponent)"
        let written: [String]
        do {
            written = try AnalysisReport.write(analysis, trials: trialStatistics, source: spikes, analysedTrial: trial, to: directory)
        } catch {
            throw RuntimeError("\(error)", status: .runFailed)
        }
        let seconds = Date().timeIntervalSince(start)
        guard !quiet else { return }
        let t = trains[trial]
        print("hvnet analyze: \(t.cellCount) cells, \(t.spikeCount) spikes in [\(formatNumber(tStart)), \(formatNumber(tStop))) ms\(trains.count > 1 ? ", \(trains.count) trials (trial \(trial) analysed)" : ""), \(String(format: "%.3f", seconds)) s")
        if selected.contains(.perCell) {
            let rates = analysis.perCell.rateHz, cvs = analysis.perCell.cv.filter(\.isFinite)
            print(String(format: "  mean rate %.3f Hz, mean ISI CV %.3f (%d cells with ISIs)", rates.reduce(0, +) / Double(rates.count),
                         cvs.isEmpty ? Double.nan : cvs.reduce(0, +) / Double(cvs.count), cvs.count))
        }
        if let chi = analysis.chiKernel { print(String(format: "  Golomb χ (kernel rates) %.4f", chi.chi)) }
        for (m, name) in [(Measure.isiDistance, "ISI-distance"), (.spikeDistance, "SPIKE-distance"), (.spikeSync, "SPIKE-synchronization")] {
            if let v = analysis.population[m] { print(String(format: "  %@ %.4f", name, v)) }
        }
        print("  wrote \(directory)/: \(written.joined(separator: ", "))")
    }
}
