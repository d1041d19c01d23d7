import Numerics
import Foundation

/// Instantaneous rate by a Gaussian kernel (docs/analysis.md): σ, cut off at `cutoff`·σ, sampled every
/// `samplingMs` from t_start up to and including t_stop.
public struct KernelRateParameters: Sendable, Equatable {
    public var sigmaMs = 5.0
    public var cutoff = 5.0
    public var samplingMs = 1.0
    public init() {}
}

public enum KernelRate {
    public enum Mode: String, Sendable, CaseIterable {
        /// Σ_spikes K(t − t_s) evaluated at every sample time exactly: the spike times are not
        /// moved and the kernel is the Gaussian density truncated at ±cutoff·σ.
        case exact
        /// Elephant 1.2.1's `instantaneous_rate` (center_kernel, no trim, no border correction):
        /// spikes snapped to the left edge of their sampling bin (numpy histogram on
        /// ⌊T/Δ⌋ bins, the last one closed, so a spike at t_stop falls in it), convolved with
        /// the Gaussian sampled at 2⌈cutoff·σ/Δ⌉ + 1 points spread evenly over ±cutoff·σ (which
        /// does not integrate to one when cutoff·σ/Δ is not an integer), negative values
        /// clipped. The first ⌊T/Δ⌋ samples are Elephant's; the sample at t_stop, which
        /// Elephant leaves out, is the same convolution one step further.
        case elephant
    }

    /// The number of samples of the grid t_start + kΔ in [t_start, t_stop]: ⌊T/Δ⌋ + 1, with
    /// Elephant's binning tolerance (a quotient within 1e-8 below an integer counts as that
    /// integer, so T = 0.3, Δ = 0.1 gives 4 samples). Elephant 1.2.1's `instantaneous_rate` gives
    /// ⌊T/Δ⌋ samples: it leaves out the one at t_stop.
    public static func sampleCount(startMs: Double, stopMs: Double, samplingMs: Double) -> Int {
        BinnedCounts.roundedIndex((stopMs - startMs) / samplingMs) + 1
    }

    /// Sample times t_start + kΔ, k = 0 … ⌊T/Δ⌋: every point of the grid in [t_start, t_stop].
    public static func sampleTimes(_ trains: SpikeTrains, _ p: KernelRateParameters) -> [Double] {
        let n = sampleCount(startMs: trains.startMs, stopMs: trains.stopMs, samplingMs: p.samplingMs)
        return (0..<n).map { trains.startMs + Double($0) * p.samplingMs }
    }

    /// The rate in Hz of each train at the sample times.
    public static func rates(_ trains: SpikeTrains, _ p: KernelRateParameters, mode: Mode) -> [[Double]] {
        trains.trains.map { rate(of: $0, window: (trains.startMs, trains.stopMs), p, mode: mode) }
    }

    static func gaussian(_ x: Double, sigma: Double) -> Double {
        exp(-0.5 * (x / sigma) * (x / sigma)) / (sigma * (2 * Double.pi).squareRoot())
    }

    /// The exact rate at the sample times t₀ + kΔ for k in `samples`, into `out[k − samples.lowerBound]`
    /// (added to what is there). Each sample sums the spikes in train order, so a rate computed in
    /// pieces equals the rate computed whole, bit for bit.
    static func exactRate(of train: [Double], start t0: Double, _ p: KernelRateParameters, samples: Range<Int>,
                          into out: inout [Double]) {
        let reach = p.cutoff * p.sigmaMs
        for s in train {
            let first = max(samples.lowerBound, clampedInt((s - reach - t0) / p.samplingMs, rounding: .up))
            let last = min(samples.upperBound - 1, clampedInt((s + reach - t0) / p.samplingMs, rounding: .down))
            guard first <= last else { continue }
            for k in first...last {
                let d = t0 + Double(k) * p.samplingMs - s
                if abs(d) <= reach { out[k - samples.lowerBound] += 1000 * gaussian(d, sigma: p.sigmaMs) }
            }
        }
    }

    public static func rate(of train: [Double], window: (Double, Double), _ p: KernelRateParameters, mode: Mode) -> [Double] {
        let (t0, t1) = window
        let samples = sampleCount(startMs: t0, stopMs: t1, samplingMs: p.samplingMs)
        let n = samples - 1
        var out = [Double](repeating: 0, count: samples)
        switch mode {
        case .exact:
            exactRate(of: train, start: t0, p, samples: 0..<samples, into: &out)
        case .elephant where n > 0:
            // numpy.histogram with n bins on [t0, t0 + nΔ].
            let histogram = NumpyHistogram.counts(train, first: t0, last: t0 + Double(n) * p.samplingMs, bins: n).map(Double.init)
            let sigma = p.sigmaMs / p.samplingMs  // in sampling periods
            let cutoffSigma = p.cutoff * sigma
            let half = clampedInt(p.cutoff * sigma, rounding: .up)
            let length = 2 * half + 1
            let kernel = (0..<length).map { j -> Double in
                let t = -cutoffSigma + Double(j) * (2 * cutoffSigma) / Double(length - 1)
                return gaussian(t, sigma: sigma) * 1000 / p.samplingMs
            }
            for k in 0..<n where histogram[k] != 0 {
                for j in 0..<length {
                    let i = k + j - half
                    if i >= 0 && i < samples { out[i] += histogram[k] * kernel[j] }
                }
            }
            for i in out.indices where out[i] < 0 { out[i] = 0 }
        case .elephant:
            break  // a window shorter than one sampling period: no bin, a zero rate
        }
        return out
    }
}
