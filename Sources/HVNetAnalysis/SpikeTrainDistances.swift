import Foundation

/// van Rossum and Victor–Purpura distances (Elephant 1.2.1 conventions).
public enum SpikeTrainDistances {
    /// Σ_{a∈A, b∈B} e^{−|a−b|/τ} by a merged sweep with running exponential sums, O(n_A + n_B).
    static func summedKernel(_ a: [Double], _ b: [Double], tau: Double) -> Double {
        // Σ_{b ≤ a} e^{−(a−b)/τ} for each a, plus Σ_{a < b} e^{−(b−a)/τ} for each b.
        func oneSided(_ x: [Double], _ y: [Double], inclusive: Bool) -> Double {
            var total = 0.0, running = 0.0, lastTime = -Double.infinity
            var j = 0
            for t in x {
                while j < y.count && (inclusive ? y[j] <= t : y[j] < t) {
                    running = running * (lastTime.isFinite ? exp(-(y[j] - lastTime) / tau) : 0) + 1
                    lastTime = y[j]
                    j += 1
                }
                if lastTime.isFinite { total += running * exp(-(t - lastTime) / tau) }
            }
            return total
        }
        return oneSided(a, b, inclusive: true) + oneSided(b, a, inclusive: false)
    }

    /// Squared van Rossum distance with Elephant's normalisation (an empty train and one spike
    /// are at distance 1): D² = K_AA + K_BB − 2 K_AB with K the summed kernel e^{−|Δ|/τ}.
    /// Negative round-off is clipped to 0.
    public static func vanRossumSquared(_ a: [Double], _ b: [Double], tauMs: Double) -> Double {
        max(0, summedKernel(a, a, tau: tauMs) + summedKernel(b, b, tau: tauMs) - 2 * summedKernel(a, b, tau: tauMs))
    }

    public static func vanRossum(_ a: [Double], _ b: [Double], tauMs: Double) -> Double {
        vanRossumSquared(a, b, tauMs: tauMs).squareRoot()
    }

    /// Victor–Purpura distance (Victor & Purpura 1996) with cost q per ms for moving a spike and
    /// 1 for adding or deleting one: the edit-distance recursion
    /// G[i][j] = min(G[i−1][j] + 1, G[i][j−1] + 1, G[i−1][j−1] + q|a_i − b_j|), O(n_A n_B) time and
    /// two rows of memory (a move costing 2 or more never beats deleting and inserting).
    public static func victorPurpura(_ a: [Double], _ b: [Double], costPerMs q: Double) -> Double {
        if a.isEmpty || b.isEmpty { return Double(max(a.count, b.count)) }
        let m = b.count
        var previous = (0...m).map(Double.init)
        var current = previous
        for i in 1...a.count {
            current[0] = Double(i)
            let x = a[i - 1]
            for j in 1...m {
                var best = min(previous[j] + 1, current[j - 1] + 1)
                let d = abs(x - b[j - 1])
                // A coincidence (d = 0) is free for every q, also q = ∞ (where q·0 would be NaN).
                let move = d == 0 ? 0 : q * d
                if move < 2 { best = min(best, previous[j - 1] + move) }
                current[j] = best
            }
            swap(&previous, &current)
        }
        return previous[m]
    }
}
