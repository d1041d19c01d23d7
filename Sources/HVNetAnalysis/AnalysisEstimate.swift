import Foundation

/// What `hvnet analyze` will compute, estimated before any train is built: bins, kernel samples,
/// pairwise matrices and their work. Every quantity is a Double, so that estimating never
/// overflows. See docs/analysis.md for the limits.
public struct AnalysisEstimate: Sendable, Equatable {
    /// Documented limits; above any of them `analyze` refuses unless forced.
    public struct Limits: Sendable, Equatable {
        /// Bins of the binned counts (cells × window / bin).
        public var bins = 1e9
        /// Samples of the kernel rates (cells × window / Δ) and of one sampled kernel.
        public var kernelSamples = 1e9
        /// Spike trains held (cells × trials).
        public var trains = 1e8
        /// Entries of one pairwise matrix (cells²).
        public var pairwiseEntries = 1e8
        /// Work of the pairwise measures (about (spikes)² / 2 spike pairs per measure).
        public var pairwiseWork = 1e11
        public init() {}
    }

    public var cells: Double
    public var trials: Double
    public var spikes: Double
    public var windowMs: Double
    public var bins: Double
    /// Windows of the windowed Fano factor (cells × window / Fano window).
    public var fanoWindows: Double
    public var kernelSamples: Double
    public var kernelLength: Double
    public var pairwiseEntries: Double
    public var pairwiseWork: Double
    public var correlogramLagBins: Double
    public var recordingBins: Double
    public var measures: Set<Measure>
    public var parameters: AnalysisParameters

    public init(cells: Int, trials: Int, spikes: Int, startMs: Double, stopMs: Double, parameters p: AnalysisParameters, measures: Set<Measure>) {
        self.cells = Double(cells)
        self.trials = Double(trials)
        self.spikes = Double(spikes)
        self.measures = measures
        parameters = p
        windowMs = stopMs - startMs
        recordingBins = (windowMs / p.binMs).rounded(.down)
        bins = self.cells * recordingBins
        fanoWindows = self.cells * (windowMs / p.fanoWindowMs).rounded(.down)
        kernelSamples = self.cells * (windowMs / p.kernel.samplingMs).rounded(.down)
        kernelLength = 2 * (p.kernel.cutoff * p.kernel.sigmaMs / p.kernel.samplingMs).rounded(.up) + 1
        let pairwise = measures.filter(\.isPairwise).count
        pairwiseEntries = pairwise == 0 ? 0 : self.cells * self.cells
        pairwiseWork = Double(pairwise) * (self.cells * self.cells / 2 + self.spikes * self.spikes / 2)
        correlogramLagBins = Double(p.cchWindowBins)
    }

    /// One line per exceeded limit, naming the option to change.
    public func exceeded(_ limits: Limits = Limits()) -> [String] {
        var lines: [String] = []
        func check(_ value: Double, _ limit: Double, _ what: String, _ options: String) {
            if !(value <= limit) { lines.append("\(what): \(Self.short(value)) exceeds the limit \(Self.short(limit)) (\(options))") }
        }
        check(bins, limits.bins, "bins (cells × window / bin)", "--bin-ms, --t-start, --t-stop, --cells")
        check(fanoWindows, limits.bins, "Fano-factor windows (cells × window / Fano window)", "--fano-window-ms, --t-start, --t-stop, --cells")
        check(cells * trials, limits.trains, "spike trains (cells × trials)", "--cells, the trial column")
        if measures.contains(.kernelRate) || measures.contains(.synchrony) {
            check(kernelSamples, limits.kernelSamples, "kernel-rate samples (cells × window / 1 ms)", "--t-start, --t-stop, --cells")
            check(kernelLength, limits.kernelSamples, "samples of the kernel (2⌈5σ/1 ms⌉ + 1)", "--kernel-sigma-ms")
        }
        check(pairwiseEntries, limits.pairwiseEntries, "pairwise matrix entries (cells²)", "--cells, --measures")
        check(pairwiseWork, limits.pairwiseWork, "pairwise work", "--measures, --t-start, --t-stop")
        return lines
    }

    /// Errors that no `--force` overrides: parameters under which a measure is undefined.
    public func undefined() -> [String] {
        var lines: [String] = []
        if recordingBins < 1 { lines.append("--bin-ms \(parameters.binMs): longer than the window (\(windowMs) ms); no bin fits") }
        if measures.contains(.cch) && correlogramLagBins >= recordingBins {
            lines.append(
                "--cch-window-bins \(parameters.cchWindowBins): lags must be shorter than the recording, at most \(Self.short(max(0, recordingBins - 1))) bins of \(parameters.binMs) ms in [t-start, t-stop) (a correlogram at a lag of the whole recording or more is undefined)")
        }
        if (measures.contains(.kernelRate) || measures.contains(.synchrony)) && parameters.kernel.sigmaMs < parameters.kernel.samplingMs / 2 {
            lines.append(
                "--kernel-sigma-ms \(parameters.kernel.sigmaMs): a kernel narrower than half the sampling interval (\(parameters.kernel.samplingMs) ms) cannot be sampled; use at least \(parameters.kernel.samplingMs / 2) ms")
        }
        return lines
    }

    static func short(_ x: Double) -> String {
        if x.isNaN { return "undefined" }
        if x.isInfinite { return "infinite" }
        if x == x.rounded() && abs(x) < 1e7 { return String(Int(x)) }
        return String(format: "%.3g", x)
    }
}
