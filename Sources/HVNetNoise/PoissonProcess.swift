import Foundation
import GSLSupport

/// Homogeneous Poisson spike trains, as NEST's `poisson_generator` emits them.
public enum PoissonProcess {
    /// Spike times (ms, increasing) of a Poisson process of rate `rateHz` that is on in the union
    /// of `windowsMs` ([start, stop) each), before `endMs`: the intervals are exponential with mean
    /// 1000 / rate ms, drawn by inversion, Δ = −ln(1 − U) · 1000 / rate with U uniform on [0, 1)
    /// (L. Devroye, *Non-Uniform Random Variate Generation*, Springer 1986, §I.2 and §VI.1).
    /// The process is memoryless, so drawing window by window gives the same law as one process
    /// gated by the windows. A rate of 0 gives no spikes.
    ///
    /// The count is about rate × (time on) / 1000; callers bound it beforehand (ResourceEstimate).
    public static func spikeTimes(rateHz: Double, windowsMs: [ClosedRange<Double>], endMs: Double, stream: RandomStream) -> [Double] {
        guard rateHz > 0, rateHz.isFinite else { return [] }
        let meanIntervalMs = 1000 / rateHz
        var times: [Double] = []
        for window in union(windowsMs) {
            let stop = min(window.upperBound, endMs)
            var t = window.lowerBound
            while true {
                // nextUp: time always advances, even where an interval is below the spacing of doubles.
                t = max(t + -log1p(-stream.uniform()) * meanIntervalMs, t.nextUp)
                guard t < stop else { break }
                times.append(t)
            }
        }
        return times
    }

    /// The windows sorted by start, overlapping or touching ones merged.
    static func union(_ windows: [ClosedRange<Double>]) -> [ClosedRange<Double>] {
        var merged: [ClosedRange<Double>] = []
        for w in windows.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, w.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, w.upperBound)
            } else {
                merged.append(w)
            }
        }
        return merged
    }
}
