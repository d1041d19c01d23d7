import ArgumentParser
import Foundation
import HVNet

extension KernelRate.Mode: ExpressibleByArgument {}
extension SpikeTimeTiling.Window: ExpressibleByArgument {}
extension SpikeFile.TimeUnit: ExpressibleByArgument {}
extension SpikeFile.Format: ExpressibleByArgument {}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Spike-train statistics of a spike file (hvnet's spikes.csv or run.nwb, NEST, Brian2 or any CSV/TSV).",
        discussion: """
            Writes analysis.json (NaN as null, every parameter recorded), per_cell.csv, psth.csv, one CSV per \
            pairwise matrix, cch.csv, SVG plots and figures.py into --out. Measures: \(Measure.allCases.map(\.rawValue).joined(separator: ", ")). \
            The format is detected from the content (NWB/HDF5; NEST 3 ASCII with a sender column; Brian2 with i and t \
            in seconds; any CSV or TSV with named columns); --format forces one. Cell ids are labels: the cells are \
            the declared ids (--cells, --cell-ids, a run's summary.json, an NWB units table) or else the distinct ids \
            of the file in increasing order, and every per-cell output names the id. With trials (a trial column, \
            --trials, or a run's summary.json), trial statistics are added and the single-trial measures are computed \
            for --trial. Spikes may lie at t-start and at t-stop (Neo's convention).
            Exit codes: 0 success; 1 bad input (spike file, option values); 130 interrupted by SIGINT, 143 by SIGTERM.
            """)

    @Argument(help: "The spike file: CSV/TSV with a header, NEST ASCII (.dat), Brian2 export, or NWB (.nwb).")
    var spikes: String

    @Option(name: .customLong("t-start"), parsing: .unconditional, help: "Start of the window in ms.")
    var tStart: Double

    @Option(name: .customLong("t-stop"), parsing: .unconditional, help: "End of the window in ms (spikes must lie in [t-start, t-stop]).")
    var tStop: Double

    @Option(help: "The file format: auto (detected from the content), csv, nest, brian2 or nwb.")
    var format = SpikeFile.Format.auto

    @Option(parsing: .unconditional, help: "Declares cells 0 … N-1 (silent cells count in rates and means); default: the run's summary.json, else the ids in the file.")
    var cells: Int?

    @Option(name: .customLong("cell-ids"), help: "Declares the cell ids, e.g. 0..9 or 1,2,5..8 (NEST senders are 1-based).")
    var cellIds: String?

    @Option(parsing: .unconditional, help: "Declares K trials (trials without spikes count); default: the run's summary.json, else the highest trial index + 1.")
    var trials: Int?

    @Option(name: .customLong("bin-ms"), parsing: .unconditional, help: "Bin of the PSTH, Pearson and correlograms (ms).")
    var binMs: Double = 1

    @Option(help: "Comma-separated measures to compute (default: all).")
    var measures: String?

    @Option(help: "Correlogram pairs as i-j,k-l (default: the first 10 pairs).")
    var pairs: String?

    @Option(name: .customLong("cell-column"), help: "Name of the cell column (default: cell; NEST: sender; Brian2: i).")
    var cellColumn: String?
    @Option(name: .customLong("time-column"), help: "Name of the time column (default: time_ms; Brian2: t).")
    var timeColumn: String?
    @Option(name: .customLong("trial-column"), help: "Name of the trial column (default: 'trial' when present).")
    var trialColumn: String?
    @Option(name: .customLong("time-unit"), help: "Unit of the time column: ms or s (default: ms; Brian2: s).")
    var timeUnit: SpikeFile.TimeUnit?
    @Option(parsing: .unconditional, help: "The trial whose spikes the single-trial measures use.")
    var trial = 0

    @Option(name: .customLong("kernel-sigma-ms"), parsing: .unconditional, help: "σ of the Gaussian kernel rate (ms).")
    var kernelSigmaMs = 5.0
    @Option(name: .customLong("kernel-sampling-ms"), parsing: .unconditional, help: "Sampling period of the kernel rate (ms); default: --bin-ms (1 ms).")
    var kernelSamplingMs: Double?
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
        guard trial >= 0 else { throw ValidationError("--trial: '\(trial)' is not allowed; expected a trial index ≥ 0") }
        if let cells, !(1...CellIds.limit).contains(cells) {
            throw ValidationError("--cells: '\(cells)' is not allowed; expected a number of cells from 1 to \(CellIds.limit)")
        }
        if cells != nil && cellIds != nil { throw ValidationError("give --cells or --cell-ids, not both") }
        if let trials, !(1...100_000).contains(trials) { throw ValidationError("--trials must be 1 … 100000") }
        if let k = kernelSamplingMs {
            guard k > 0, k.isFinite else { throw ValidationError("--kernel-sampling-ms must be a positive number of ms") }
            guard (tStop - tStart) / k <= 1e7 else {
                throw ValidationError("--kernel-sampling-ms \(k) gives more than 10^7 samples in [--t-start, --t-stop]; use a longer period")
            }
        }
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

    /// Correlogram pairs as indices of the analysis' cells; --pairs names cell ids.
    func parsePairs(ids: [Int]) throws -> [(Int, Int)] {
        let n = ids.count
        guard let pairs else { return Array((0..<n).flatMap { i in ((i + 1)..<max(i + 1, n)).map { (i, $0) } }.prefix(10)) }
        var index: [Int: Int] = [:]
        for (k, id) in ids.enumerated() { index[id] = k }
        return try pairs.split(separator: ",").map { text in
            let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let a = parts[0], let b = parts[1], let i = index[a], let j = index[b] else {
                throw ValidationError("--pairs: '\(text)' is not i-j with cell ids from \(CellIds.describe(ids))")
            }
            return (i, j)
        }
    }

    /// Reads the spike file in its format and decides the cells and trials.
    func read() throws -> (AnalysisInput, [SpikeTrains]) {
        var chosen = format
        if let refusal = FileKind(path: spikes).refusal { throw SpikeFileError.unreadable(path: spikes, reason: refusal) }
        if chosen == .auto {
            guard let handle = FileHandle(forReadingAtPath: spikes) else {
                throw SpikeFileError.unreadable(path: spikes, reason: FileManager.default.fileExists(atPath: spikes) ? "not readable" : "no such file")
            }
            let head = (try? handle.read(upToCount: 4096)) ?? Data()
            try? handle.close()
            chosen = SpikeFile.detect(head)
        }
        var warnings: [String] = []
        let file: SpikeFile
        var fileIds: [Int]? = nil, fileTrials: Int? = nil
        var cellsFrom = "distinct ids in the file", trialsFrom = "the file"
        if chosen == .nwb {
            let units: [NWBUnit]
            do { units = try NWBUnitsReader.read(path: spikes) } catch let error as NWBReadError { throw RuntimeError("\(error)") }
            let nwb = RunNWB.spikeFile(units: units)
            (file, fileIds, fileTrials) = (nwb.file, nwb.cellIds, nwb.trialCount)
            (cellsFrom, trialsFrom) = ("nwb units table", "nwb units table")
        } else {
            var options = SpikeFile.Options()
            options.format = chosen
            options.cellColumn = cellColumn
            options.timeColumn = timeColumn
            options.trialColumn = trialColumn
            options.timeUnit = timeUnit
            file = try SpikeFile.read(path: spikes, options: options)
            if chosen == .csv, let run = RunDirectory.declared(besideSpikeFile: spikes) {
                (fileIds, fileTrials) = (Array(0..<run.cells), run.trials)
                (cellsFrom, trialsFrom) = ("summary.json", "summary.json")
            }
        }
        var ids: [Int]
        if let cells {
            ids = try CellIds.first(cells)
            cellsFrom = "--cells"
        } else if let cellIds {
            ids = try CellIds.parse(cellIds)
            cellsFrom = "--cell-ids"
        } else if let fileIds, !fileIds.isEmpty {
            ids = fileIds
        } else {
            ids = file.cellIds
            if ids.isEmpty {
                ids = [0]
                warnings.append("the file has no spikes and declares no cells: analysed as one silent cell 0 (declare the cells with --cells or --cell-ids)")
            } else {
                warnings.append("cells are the \(ids.count) distinct \(file.cellColumn) ids in the file (\(CellIds.describe(ids))), in increasing order; "
                    + "a cell that never fired is not among them and does not lower the mean rate: declare every cell with --cells N or --cell-ids A..B")
            }
        }
        var trialCount = file.trialCount
        if let trials {
            trialCount = trials
            trialsFrom = "--trials"
        } else if let fileTrials {
            trialCount = max(fileTrials, 1)
        }
        let trains = try file.trains(startMs: tStart, stopMs: tStop, cellIds: ids, trialCount: trialCount)
        let input = AnalysisInput(
            file: spikes, format: file.format.rawValue, cellIds: ids, cellsFrom: cellsFrom, trialCount: trialCount, trialsFrom: trialsFrom,
            analysedTrial: trial, warnings: warnings)
        return (input, trains)
    }

    func run() throws {
        let start = Date()
        let directory = out ?? "analysis-\(RunDirectory.sanitisedName(URL(fileURLWithPath: spikes).deletingPathExtension().lastPathComponent))"
        // Outputs are written only at the end, each atomically: a signal leaves nothing partial.
        SignalCleanup.install(command: "analyze", outputsAreOneSet: true)
        SignalCleanup.setOutputDirectory(directory)
        let input: AnalysisInput
        let trains: [SpikeTrains]
        do { (input, trains) = try read() } catch let error as SpikeFileError { throw RuntimeError("\(spikes): \(error)") }
        guard trains.indices.contains(trial) else { throw RuntimeError("--trial \(trial): the file has \(trains.count) trial(s)") }
        var p = AnalysisParameters()
        p.binMs = binMs
        p.fanoWindowMs = fanoWindowMs
        p.kernel.sigmaMs = kernelSigmaMs
        p.kernel.samplingMs = kernelSamplingMs ?? binMs
        p.kernelMode = kernelMode
        p.sttcDtMs = sttcDtMs
        p.sttcWindow = sttcWindow
        p.vanRossumTauMs = tauMs
        p.victorPurpuraCostPerMs = vpCost
        p.cchWindowBins = cchWindowBins
        let selected = try parseMeasures()
        let spikeCount = trains.reduce(0) { $0 + $1.trains.reduce(0) { $0 + $1.count } }
        let estimate = AnalysisEstimate(
            cells: input.cellIds.count, trials: input.trialCount, spikes: spikeCount, startMs: tStart, stopMs: tStop,
            parameters: p, measures: selected)
        let undefined = estimate.undefined()
        if !undefined.isEmpty { throw RuntimeError(undefined.joined(separator: "\n")) }
        let exceeded = estimate.exceeded()
        if !exceeded.isEmpty && !force {
            throw RuntimeError(
                (["refused: the analysis would exceed hvnet's limits (give --force to run it anyway):"] + exceeded.map { "  " + $0 })
                    .joined(separator: "\n"))
        }
        let chosenPairs = try parsePairs(ids: input.cellIds)
        let analysis = SpikeAnalysis(trains[trial], parameters: p, measures: selected, correlogramPairs: chosenPairs)
        let trialStatistics = trains.count > 1 ? TrialAnalysis(trains, parameters: p) : nil
        do {
            try RunDirectory.prepareOutput(directory, marker: "analysis.json") { name in
                [".csv", ".svg", ".json", ".py"].contains { name.hasSuffix($0) }
            }
        } catch { throw RuntimeError("--out: \(error)") }
        let written: [String]
        do {
            written = try AnalysisReport.write(analysis, trials: trialStatistics, input: input, to: directory)
        } catch {
            throw RuntimeError("\(error)", status: .runFailed)
        }
        let seconds = Date().timeIntervalSince(start)
        guard !quiet else { return }
        let t = trains[trial]
        print("hvnet analyze: \(input.format) file, \(t.cellCount) cells (ids \(CellIds.describe(input.cellIds)), from \(input.cellsFrom)), \(t.spikeCount) spikes in [\(formatNumber(tStart)), \(formatNumber(tStop))] ms\(trains.count > 1 ? ", \(trains.count) trials from \(input.trialsFrom) (trial \(trial) analysed)" : ""), \(String(format: "%.3f", seconds)) s")
        for note in input.warnings + AnalysisReport.warnings(analysis) { print("  note: \(note)") }
        if let t = trialStatistics {
            let counts = (0..<t.trials.count).map { k in t.countsPerTrial.reduce(0) { $0 + $1[k] } }
            let meanRate = t.meanRateHz.reduce(0, +) / Double(max(1, t.meanRateHz.count))
            print("  across \(t.trials.count) trials: spikes per trial \(counts), mean rate \(String(format: "%.3f", meanRate)) Hz")
        }
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
