/// Correlations of binned counts (Elephant 1.2.1's `correlation_coefficient` and
/// `cross_correlation_histogram`, non-binary counts).
public enum Correlation {
    /// Pearson's r of the binned counts of every pair; NaN for a silent (constant) cell,
    /// the diagonal included. Computed from the sparse counts: O(nᵢ + nⱼ) per pair.
    public static func pearsonMatrix(_ binned: BinnedCounts) -> [[Double]] {
        let cells = binned.counts.count
        let n = Double(binned.binCount)
        let sums = binned.sparse.map { Double($0.reduce(0) { $0 + $1.count }) }
        let squares = binned.sparse.map { Double($0.reduce(0) { $0 + $1.count * $1.count }) }
        var r = [[Double]](repeating: [Double](repeating: .nan, count: cells), count: cells)
        for i in 0..<cells {
            for j in i..<cells {
                let dot = Double(sparseDot(binned.sparse[i], binned.sparse[j]))
                let mi = sums[i] / n, mj = sums[j] / n
                let numerator = dot - n * mi * mj
                let denominator = ((squares[i] - n * mi * mi) * (squares[j] - n * mj * mj)).squareRoot()
                let value = denominator > 0 ? numerator / denominator : .nan
                r[i][j] = value
                r[j][i] = value
            }
        }
        return r
    }

    static func sparseDot(_ a: [(bin: Int, count: Int)], _ b: [(bin: Int, count: Int)]) -> Int {
        var i = 0, j = 0, sum = 0
        while i < a.count && j < b.count {
            if a[i].bin == b[j].bin { sum += a[i].count * b[j].count; i += 1; j += 1 } else if a[i].bin < b[j].bin { i += 1 } else { j += 1 }
        }
        return sum
    }

    /// The cross-correlogram of cells i and j at lags −w … w bins:
    /// C_ij(ℓ) = Σ_k b_i[k] b_j[k + ℓ] (spikes of j ℓ bins after spikes of i).
    public static func crossCorrelogram(_ binned: BinnedCounts, _ i: Int, _ j: Int, window w: Int) -> [Int] {
        var out = [Int](repeating: 0, count: 2 * w + 1)
        let a = binned.sparse[i], b = binned.sparse[j]
        var start = 0
        for x in a {
            while start < b.count && b[start].bin < x.bin - w { start += 1 }
            var k = start
            while k < b.count && b[k].bin <= x.bin + w {
                out[b[k].bin - x.bin + w] += x.count * b[k].count
                k += 1
            }
        }
        return out
    }

    /// Border correction of a correlogram: C(ℓ) · L/(L − |ℓ|), L the number of bins.
    public static func borderCorrected(_ cch: [Int], binCount: Int) -> [Double] {
        let w = (cch.count - 1) / 2
        return cch.enumerated().map { k, c in
            let lag = abs(k - w)
            return Double(c) * Double(binCount) / Double(binCount - lag)
        }
    }
}
