/// Parameters of every measure, with the defaults of docs/analysis.md; all are recorded in outputs.
public struct AnalysisParameters: Sendable, Equatable {
    /// PSTH, Pearson and correlogram bins (ms).
    public var binMs = 1.0
    /// Windows of the windowed Fano factor (ms).
    public var fanoWindowMs = 100.0
    /// LvR refractoriness constant R (ms).
    public var lvrRefractoryMs = 5.0
    public var kernel = KernelRateParameters()
    public var kernelMode = KernelRate.Mode.exact
    /// Correlogram half-width in bins.
    public var cchWindowBins = 50
    /// STTC Δt (ms) and window convention.
    public var sttcDtMs = 5.0
    public var sttcWindow = SpikeTimeTiling.Window.exact
    /// van Rossum τ (ms).
    public var vanRossumTauMs = 10.0
    /// Victor–Purpura cost q (1/ms).
    public var victorPurpuraCostPerMs = 0.1

    public init() {}
}

/// The measures `hvnet analyze --measures` can select.
public enum Measure: String, Sendable, CaseIterable {
    case perCell = "per_cell"
    case psth
    case kernelRate = "kernel_rate"
    case synchrony
    case pearson
    case cch
    case sttc
    case vanRossum = "van_rossum"
    case victorPurpura = "victor_purpura"
    case isiDistance = "isi_distance"
    case spikeDistance = "spike_distance"
    case spikeSync = "spike_sync"

    /// Pairwise (N × N) measures.
    public var isPairwise: Bool {
        [.pearson, .sttc, .vanRossum, .victorPurpura, .isiDistance, .spikeDistance, .spikeSync].contains(self)
    }
}
