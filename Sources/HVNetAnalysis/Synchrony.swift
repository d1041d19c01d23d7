/// Golomb's synchrony measure (Golomb & Rinzel 1993; Golomb 2007, Scholarpedia 2:1347):
/// χ² = Var_t(mean_i x_i(t)) / mean_i Var_t(x_i(t)), variances over time with ddof 0, for
/// signals x_i sampled on a common grid (binned counts or kernel rates). χ² is 1 for identical
/// signals and about 1/N for independent ones. NaN when every signal is constant, or constant to
/// rounding (mean variance below (64 ε · max|x|)², as with a kernel σ much longer than the
/// recording). Var(mean) ≤ mean Var holds exactly (Cauchy–Schwarz); the result is capped at 1 so that
/// rounding cannot push it above.
public enum Synchrony {
    public static func golombChiSquared(_ signals: [[Double]]) -> Double {
        guard let length = signals.first?.count, length > 0 else { return .nan }
        func variance(_ x: [Double]) -> Double {
            let mean = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
        }
        var population = [Double](repeating: 0, count: length)
        for s in signals { for k in 0..<length { population[k] += s[k] } }
        let n = Double(signals.count)
        for k in 0..<length { population[k] /= n }
        let meanVariance = signals.reduce(0) { $0 + variance($1) } / n
        let largest = signals.reduce(0.0) { max($0, $1.reduce(0.0) { max($0, abs($1)) }) }
        let roundingLevel = 64 * Double.ulpOfOne * largest
        guard meanVariance > roundingLevel * roundingLevel, meanVariance.isFinite else { return .nan }
        return min(1, variance(population) / meanVariance)
    }
}
