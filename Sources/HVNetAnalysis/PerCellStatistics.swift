import Foundation

/// Per-cell measures of a spike train (docs/analysis.md, "Per cell").
public enum PerCellStatistics {
    /// Mean rate in Hz: count / window.
    public static func rateHz(_ train: [Double], durationMs: Double) -> Double { Double(train.count) / durationMs * 1000 }

    /// Inter-spike intervals in ms.
    public static func intervals(_ train: [Double]) -> [Double] { zip(train.dropFirst(), train).map { $0 - $1 } }

    /// Coefficient of variation of the ISIs, SD with ddof 0 over the mean: NaN without ISIs, 0
    /// with one.
    public static func cv(_ train: [Double]) -> Double {
        let isi = intervals(train)
        guard !isi.isEmpty else { return .nan }
        let mean = isi.reduce(0, +) / Double(isi.count)
        let variance = isi.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(isi.count)
        return variance.squareRoot() / mean
    }

    /// CV2 (Holt et al. 1996): the mean over consecutive ISI pairs of 2|I₂ − I₁|/(I₂ + I₁). NaN
    /// below two ISIs.
    public static func cv2(_ train: [Double]) -> Double {
        let isi = intervals(train)
        guard isi.count >= 2 else { return .nan }
        let terms = zip(isi, isi.dropFirst()).map { 2 * abs($1 - $0) / ($1 + $0) }
        return terms.reduce(0, +) / Double(terms.count)
    }

    /// LV (Shinomoto et al. 2003): 3/(n − 1) Σ ((I₁ − I₂)/(I₁ + I₂))². NaN below two ISIs.
    public static func lv(_ train: [Double]) -> Double {
        let isi = intervals(train)
        guard isi.count >= 2 else { return .nan }
        let sum = zip(isi, isi.dropFirst()).reduce(0) { acc, p in acc + pow((p.0 - p.1) / (p.0 + p.1), 2) }
        return 3 * sum / Double(isi.count - 1)
    }

    /// LvR (Shinomoto et al. 2009) with refractoriness constant R in ms:
    /// 3/(n − 1) Σ (1 − 4 I₁I₂/(I₁ + I₂)²)(1 + 4R/(I₁ + I₂)). NaN below two ISIs.
    public static func lvr(_ train: [Double], refractoryMs r: Double = 5) -> Double {
        let isi = intervals(train)
        guard isi.count >= 2 else { return .nan }
        let sum = zip(isi, isi.dropFirst()).reduce(0) { acc, p in
            let s = p.0 + p.1
            return acc + (1 - 4 * p.0 * p.1 / (s * s)) * (1 + 4 * r / s)
        }
        return 3 * sum / Double(isi.count - 1)
    }
}
