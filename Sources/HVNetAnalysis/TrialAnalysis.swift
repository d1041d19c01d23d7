/// Measures across trials (docs/analysis.md, "Across trials"): spike counts per trial, the Fano factor
/// of those counts (ddof 0; NaN for a cell silent in every trial), mean rates, the PSTH summed
/// over trials and its kernel-smoothed version (the mean over trials of the kernel rate).
public struct TrialAnalysis: Sendable {
    public var trials: [SpikeTrains]
    public var parameters: AnalysisParameters
    /// counts[cell][trial].
    public var countsPerTrial: [[Int]]
    public var fano: [Double]
    public var meanRateHz: [Double]
    /// PSTH counts [cell][bin], summed over trials (Elephant binning).
    public var psthCounts: [[Int]]
    /// counts / (trials · bin) in Hz, per cell.
    public var psthRateHz: [[Double]]
    /// Σ_cells counts / (trials · cells · bin) in Hz.
    public var populationRateHz: [Double]
    public var kernelTimes: [Double]
    /// Mean over trials of each cell's kernel rate, Hz.
    public var kernelRateHz: [[Double]]

    public init(_ trials: [SpikeTrains], parameters: AnalysisParameters = AnalysisParameters()) {
        precondition(!trials.isEmpty)
        self.trials = trials
        self.parameters = parameters
        let cells = trials[0].cellCount
        let k = Double(trials.count)
        countsPerTrial = (0..<cells).map { c in trials.map { $0.trains[c].count } }
        fano = countsPerTrial.map(CountStatistics.fano)
        meanRateHz = (0..<cells).map { c in
            trials.reduce(0) { $0 + PerCellStatistics.rateHz($1.trains[c], durationMs: $1.durationMs) } / k
        }
        let binned = trials.map { BinnedCounts($0, binMs: parameters.binMs) }
        let bins = binned[0].binCount
        let counts = (0..<cells).map { c in
            (0..<bins).map { b in binned.reduce(0) { $0 + $1.counts[c][b] } }
        }
        psthCounts = counts
        let scale = 1000 / (parameters.binMs * k)
        psthRateHz = counts.map { $0.map { Double($0) * scale } }
        populationRateHz = (0..<bins).map { b in
            Double(counts.reduce(0) { $0 + $1[b] }) * scale / Double(cells)
        }
        let times = KernelRate.sampleTimes(trials[0], parameters.kernel)
        kernelTimes = times
        let perTrial = trials.map { KernelRate.rates($0, parameters.kernel, mode: parameters.kernelMode) }
        kernelRateHz = (0..<cells).map { c in
            (0..<times.count).map { t in perTrial.reduce(0) { $0 + $1[c][t] } / k }
        }
    }
}
