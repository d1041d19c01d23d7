import Foundation

/// Every measure of docs/analysis.md on one set of spike trains (one trial), as plain values.
public struct SpikeAnalysis: Sendable {
    public struct PerCell: Sendable {
        public var count: [Int] = []
        public var rateHz: [Double] = []
        public var cv: [Double] = []
        public var cv2: [Double] = []
        public var lv: [Double] = []
        public var lvr: [Double] = []
        public var fanoWindowed: [Double] = []
        public var fanoWindowCounts: [[Int]] = []
    }

    public struct ChiValue: Sendable, Equatable {
        public var chi: Double
        public var chiSquared: Double
        init(_ chiSquared: Double) {
            self.chiSquared = chiSquared
            chi = chiSquared.squareRoot()
        }
    }

    public var parameters: AnalysisParameters
    public var trains: SpikeTrains
    public var measures: Set<Measure>
    public var perCell = PerCell()
    public var binned: BinnedCounts?
    public var histogram: (counts: [Int], rateHz: [Double])?
    public var kernelTimes: [Double] = []
    public var kernelRates: [[Double]] = []
    public var chiBinned: ChiValue?
    public var chiKernel: ChiValue?
    /// χ over the cells that fired at least once.
    public var chiBinnedActive: ChiValue?
    public var chiKernelActive: ChiValue?
    public var matrices: [Measure: [[Double]]] = [:]
    /// Multivariate PySpike values (average over pairs; SPIKE-sync as the ratio of sums).
    public var population: [Measure: Double] = [:]
    /// Correlograms of the requested pairs: lag −w … w bins.
    public var correlograms: [(i: Int, j: Int, counts: [Int], borderCorrected: [Double])] = []

    /// Runs the selected measures. `pairs` chooses the correlograms written (default: none); pairs
    /// naming a cell beyond the trains are left out.
    public init(_ trains: SpikeTrains, parameters: AnalysisParameters = AnalysisParameters(),
                measures: Set<Measure> = Set(Measure.allCases), correlogramPairs pairs: [(Int, Int)] = []) {
        self.trains = trains
        self.parameters = parameters
        self.measures = measures
        let p = parameters
        let t0 = trains.startMs, t1 = trains.stopMs
        let n = trains.cellCount
        let cells = trains.trains

        if measures.contains(.perCell) {
            let windows = BinnedCounts(trains, binMs: p.fanoWindowMs)
            perCell.count = cells.map(\.count)
            perCell.rateHz = cells.map { PerCellStatistics.rateHz($0, durationMs: trains.durationMs) }
            perCell.cv = cells.map(PerCellStatistics.cv)
            perCell.cv2 = cells.map(PerCellStatistics.cv2)
            perCell.lv = cells.map(PerCellStatistics.lv)
            perCell.lvr = cells.map { PerCellStatistics.lvr($0, refractoryMs: p.lvrRefractoryMs) }
            perCell.fanoWindowCounts = windows.counts
            perCell.fanoWindowed = windows.counts.map(CountStatistics.fano)
        }
        let needsBins = !measures.isDisjoint(with: [.psth, .synchrony, .pearson, .cch])
        if needsBins { binned = BinnedCounts(trains, binMs: p.binMs) }
        if measures.contains(.psth), let binned { histogram = CountStatistics.timeHistogram(binned) }
        if !measures.isDisjoint(with: [.kernelRate, .synchrony]) {
            kernelTimes = KernelRate.sampleTimes(trains, p.kernel)
            kernelRates = KernelRate.rates(trains, p.kernel, mode: p.kernelMode)
        }
        if measures.contains(.synchrony), let binned {
            let active = (0..<n).filter { !cells[$0].isEmpty }
            let counts = binned.counts.map { $0.map(Double.init) }
            chiBinned = ChiValue(Synchrony.golombChiSquared(counts))
            chiKernel = ChiValue(Synchrony.golombChiSquared(kernelRates))
            chiBinnedActive = ChiValue(Synchrony.golombChiSquared(active.map { counts[$0] }))
            chiKernelActive = ChiValue(Synchrony.golombChiSquared(active.map { kernelRates[$0] }))
        }
        if measures.contains(.pearson), let binned { matrices[.pearson] = Correlation.pearsonMatrix(binned) }
        if measures.contains(.cch), let binned {
            let n = binned.sparse.count
            correlograms = pairs.filter { $0.0 >= 0 && $0.0 < n && $0.1 >= 0 && $0.1 < n }.map { i, j in
                let c = Correlation.crossCorrelogram(binned, i, j, window: p.cchWindowBins)
                return (i, j, c, Correlation.borderCorrected(c, binCount: binned.binCount))
            }
        }
        if measures.contains(.sttc) {
            let dt = p.sttcDtMs, window = p.sttcWindow
            matrices[.sttc] = PairwiseMatrix.symmetric(size: n, diagonal: { cells[$0].isEmpty ? .nan : 1 }) { i, j in
                SpikeTimeTiling.coefficient(cells[i], cells[j], start: t0, stop: t1, dtMs: dt, window: window)
            }
        }
        if measures.contains(.vanRossum) {
            let tau = p.vanRossumTauMs
            matrices[.vanRossum] = PairwiseMatrix.symmetric(size: n, diagonal: { _ in 0 }) { i, j in
                SpikeTrainDistances.vanRossum(cells[i], cells[j], tauMs: tau)
            }
        }
        if measures.contains(.victorPurpura) {
            let q = p.victorPurpuraCostPerMs
            matrices[.victorPurpura] = PairwiseMatrix.symmetric(size: n, diagonal: { _ in 0 }) { i, j in
                SpikeTrainDistances.victorPurpura(cells[i], cells[j], costPerMs: q)
            }
        }
        let pairCount = Double(n * (n - 1) / 2)
        if measures.contains(.isiDistance) {
            let m = PairwiseMatrix.symmetric(size: n, diagonal: { _ in 0 }) { i, j in
                PySpikeMeasures.isiDistance(cells[i], cells[j], start: t0, end: t1)
            }
            matrices[.isiDistance] = m
            population[.isiDistance] = Self.upperMean(m, pairCount)
        }
        if measures.contains(.spikeDistance) {
            let m = PairwiseMatrix.symmetric(size: n, diagonal: { _ in 0 }) { i, j in
                PySpikeMeasures.spikeDistance(cells[i], cells[j], start: t0, end: t1)
            }
            matrices[.spikeDistance] = m
            population[.spikeDistance] = Self.upperMean(m, pairCount)
        }
        if measures.contains(.spikeSync) {
            var c = 0.0, mp = 0.0
            var m = [[Double]](repeating: [Double](repeating: 1, count: n), count: n)
            for i in 0..<n {
                for j in (i + 1)..<max(i + 1, n) {
                    let v = PySpikeMeasures.coincidences(cells[i], cells[j], start: t0, end: t1)
                    c += v.coincidences
                    mp += v.multiplicity
                    m[i][j] = v.multiplicity == 0 ? 1 : v.coincidences / v.multiplicity
                    m[j][i] = m[i][j]
                }
            }
            matrices[.spikeSync] = m
            population[.spikeSync] = mp == 0 ? 1 : c / mp
        }
    }

    /// The mean of the upper triangle, summed row by row as PySpike does.
    static func upperMean(_ m: [[Double]], _ pairs: Double) -> Double {
        guard pairs > 0 else { return .nan }
        var sum = 0.0
        for i in m.indices { for j in (i + 1)..<max(i + 1, m.count) { sum += m[i][j] } }
        return sum / pairs
    }
}
