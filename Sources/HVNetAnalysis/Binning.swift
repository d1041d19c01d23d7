import Numerics
import Foundation

/// Spike counts in bins with Elephant's `BinnedSpikeTrain` rule (docs/analysis.md, "Binning"):
/// n_bins = ⌊(t_stop − t_start)/bin⌋ and a spike's index = ⌊(t − t_start)·(1/bin)⌋, where a
/// quotient within 1e-8 below an integer rounds up (clock round-off such as 100.99999999999994
/// lands in the bin starting at 101); spikes outside [t_start, t_stop] are ignored and indices
/// ≥ n_bins are dropped (a spike exactly at t_stop).
public struct BinnedCounts: Sendable, Equatable {
    public static let tolerance = 1e-8

    public let startMs: Double
    public let binMs: Double
    public let binCount: Int
    /// counts[cell][bin].
    public let counts: [[Int]]
    /// Spikes inside the window whose index was ≥ n_bins, per cell.
    public let dropped: [Int]
    /// Occupied bins of each cell in increasing order with their counts (sparse form).
    public let sparse: [[(bin: Int, count: Int)]]

    /// Elephant's `round_binning_errors` for one quotient.
    @inlinable public static func roundedIndex(_ q: Double) -> Int {
        let fraction = q - q.rounded(.down)
        return clampedInt(1 - tolerance <= fraction ? q + 0.5 : q)
    }

    public init(_ trains: SpikeTrains, binMs: Double) {
        precondition(binMs > 0)
        startMs = trains.startMs
        self.binMs = binMs
        binCount = Self.roundedIndex((trains.stopMs - trains.startMs) / binMs)
        let scale = 1 / binMs
        var counts: [[Int]] = []
        var dropped: [Int] = []
        var sparse: [[(bin: Int, count: Int)]] = []
        for train in trains.trains {
            var row = [Int](repeating: 0, count: binCount)
            var lost = 0
            var occupied: [(bin: Int, count: Int)] = []
            for t in train where t >= trains.startMs && t <= trains.stopMs {
                let k = Self.roundedIndex((t - trains.startMs) * scale)
                if k < binCount {
                    row[k] += 1
                    if let last = occupied.last, last.bin == k { occupied[occupied.count - 1].count += 1 } else { occupied.append((k, 1)) }
                } else {
                    lost += 1
                }
            }
            counts.append(row)
            dropped.append(lost)
            sparse.append(occupied)
        }
        self.counts = counts
        self.dropped = dropped
        self.sparse = sparse
    }

    public static func == (a: BinnedCounts, b: BinnedCounts) -> Bool {
        a.startMs == b.startMs && a.binMs == b.binMs && a.counts == b.counts && a.dropped == b.dropped
    }
}

/// Time histograms (PSTH) and Fano factors of counts.
public enum CountStatistics {
    /// Summed counts per bin over cells, and the rate in Hz per cell: counts/(cells · bin).
    public static func timeHistogram(_ binned: BinnedCounts) -> (counts: [Int], rateHz: [Double]) {
        var total = [Int](repeating: 0, count: binned.binCount)
        for row in binned.counts { for k in row.indices { total[k] += row[k] } }
        let scale = 1000 / (binned.binMs * Double(binned.counts.count))
        return (total, total.map { Double($0) * scale })
    }

    /// PySpike's `psth`: a histogram of the merged spikes on ⌊T/bin⌋ + 1 equally spaced edges
    /// (numpy's `histogram`: the last bin includes its right edge).
    public static func pyspikePSTH(_ trains: SpikeTrains, binMs: Double) -> [Int] {
        let count = clampedInt((trains.stopMs - trains.startMs) / binMs)
        guard count > 0 else { return [] }
        return NumpyHistogram.counts(trains.trains.flatMap { $0 }, first: trains.startMs, last: trains.stopMs, bins: count)
    }

    /// Fano factor var/mean (ddof 0) of a list of counts; NaN when the mean is 0.
    public static func fano(_ counts: [Int]) -> Double {
        guard !counts.isEmpty else { return .nan }
        let n = Double(counts.count)
        let mean = Double(counts.reduce(0, +)) / n
        guard mean > 0 else { return .nan }
        let variance = counts.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return variance / mean
    }
}
