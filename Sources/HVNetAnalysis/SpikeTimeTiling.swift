/// The spike time tiling coefficient (Cutts & Eglen, J. Neurosci. 34:14288, 2014):
/// STTC = ½[(P_A − T_B)/(1 − P_A T_B) + (P_B − T_A)/(1 − P_B T_A)], T_A the fraction of the
/// window within ±Δt of a spike of A, P_A the fraction of A's spikes within ±Δt of a spike of B.
/// NaN when either train is empty. O(n_A + n_B).
public enum SpikeTimeTiling {
    public enum Window: String, Sendable, CaseIterable {
        /// |t_A − t_B| ≤ Δt exactly (hvnet's default).
        case exact
        /// Elephant 1.2.1: numpy.isclose, |t_A − t_B| ≤ Δt + 10⁻⁵·|t_B| (in the file's time
        /// unit), a window that widens with absolute time.
        case elephant
    }

    public static func coefficient(_ a: [Double], _ b: [Double], start t0: Double, stop t1: Double, dtMs: Double, window: Window = .exact) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .nan }
        let ta = tiledFraction(a, t0, t1, dtMs), tb = tiledFraction(b, t0, t1, dtMs)
        let pa = proportion(a, within: b, dtMs, window), pb = proportion(b, within: a, dtMs, window)
        if pa * tb == 1 && pb * ta == 1 { return 1 }
        if pa * tb == 1 { return 0.5 + 0.5 * (pb - ta) / (1 - pb * ta) }
        if pb * ta == 1 { return 0.5 + 0.5 * (pa - tb) / (1 - pa * tb) }
        return 0.5 * (pa - tb) / (1 - pa * tb) + 0.5 * (pb - ta) / (1 - pb * ta)
    }

    /// T: the fraction of [t0, t1] covered by ±Δt around the spikes, clipped at the edges
    /// (Elephant's `run_T`).
    static func tiledFraction(_ s: [Double], _ t0: Double, _ t1: Double, _ dt: Double) -> Double {
        var overlap = 0.0, separate = 0.0
        for (x, y) in zip(s, s.dropFirst()) {
            let d = y - x
            if d <= 2 * dt { overlap += d } else { separate += 2 * dt }
        }
        if s[0] - t0 < dt { overlap += s[0] - t0 } else { separate += dt }
        if t1 - s[s.count - 1] < dt { overlap += t1 - s[s.count - 1] } else { separate += dt }
        return (overlap + separate) / (t1 - t0)
    }

    /// P: the fraction of spikes of `a` within the window of some spike of `b` (both sorted);
    /// only the two neighbours in `b` need checking.
    static func proportion(_ a: [Double], within b: [Double], _ dt: Double, _ window: Window) -> Double {
        var hits = 0
        var k = 0
        for x in a {
            while k < b.count && b[k] < x { k += 1 }
            func close(_ y: Double) -> Bool {
                switch window {
                case .exact: return abs(x - y) <= dt
                case .elephant: return abs(x - y) <= dt + 1e-5 * abs(y)
                }
            }
            if (k < b.count && close(b[k])) || (k > 0 && close(b[k - 1])) { hits += 1 }
        }
        return Double(hits) / Double(a.count)
    }
}
