import Foundation
/// An input switched on in time windows; every window edge is a breakpoint at which the
/// integrator stops, so inputs are smooth inside every step (docs/model.md §6, item 6). Pulses and
/// current steps are constant inside a window; sines and ramps vary smoothly inside it and are
/// evaluated at every stage time (``isTimeVarying``).
public struct Stimulus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Receptor activation p (0…1) added to the targeted cells' synaptic activation: it opens
        /// p · N_receptor channels of the cell (the notebook's `p_Ampa(t)`).
        case pulse(receptor: Receptor, activation: Double)
        /// A current step in pA, depolarising positive.
        case currentStep(amplitudePA: Double)
        /// A sinusoidal current in pA, depolarising positive:
        /// I(t) = A sin(2π f t / 1000 + φ π / 180) + offset, t in ms, f in Hz, φ in degrees
        /// (t is the simulation time, not the time since the window opened).
        case sine(amplitudePA: Double, frequencyHz: Double, phaseDeg: Double, offsetPA: Double)
        /// A linear current in pA from `fromPA` at the window's start to `toPA` at its stop:
        /// I(t) = from + (to − from)(t − a)/(b − a) on [a, b).
        case ramp(fromPA: Double, toPA: Double)
        /// Poisson spike-train input on `receptor` (NEST's `poisson_generator` into an
        /// exponentially decaying conductance): input spikes at rate `rateHz` inside the windows,
        /// each opening `channelsPerSpike` channels that close with time constant `tauMs`, so the
        /// cell's open-channel count gains g(t) = Σ_k c·exp(−(t − t_k)/τ) over spikes t_k ≤ t.
        /// `shared`: every target cell receives the same train; otherwise each its own. The trains
        /// are drawn per trial (``PoissonConductances``); every input spike is a breakpoint.
        case poisson(PoissonStimulus)
    }

    public var kind: Kind
    /// Targeted cells (global indices).
    public var cells: [Int]
    /// Windows [start, stop) in ms.
    public var windowsMs: [ClosedRange<Double>]

    public init(kind: Kind, cells: [Int], windowsMs: [ClosedRange<Double>]) {
        self.kind = kind
        self.cells = cells
        self.windowsMs = windowsMs
    }

    /// True when the stimulus is on throughout the open interval whose midpoint is `t`.
    @inlinable public func isActive(atMidpoint t: Double) -> Bool {
        windowsMs.contains { $0.lowerBound <= t && t < $0.upperBound }
    }

    /// True when the input current varies inside a window (sines and ramps). Poisson input varies
    /// too, but as open channels (``PoissonConductances``), not as a current.
    @inlinable public var isTimeVarying: Bool {
        switch kind {
        case .pulse, .currentStep, .poisson: return false
        case .sine, .ramp: return true
        }
    }

    /// The Poisson input's parameters, or nil for other stimuli.
    @inlinable public var poisson: PoissonStimulus? {
        if case .poisson(let p) = kind { return p }
        return nil
    }

    /// The injected current (pA, depolarising positive) at time `t` (ms): 0 outside the windows
    /// [start, stop) and for pulses.
    @inlinable public func currentPA(at t: Double) -> Double {
        guard let window = windowsMs.first(where: { $0.lowerBound <= t && t < $0.upperBound }) else { return 0 }
        return currentPA(at: t, in: window)
    }

    /// The current (pA) at `t` inside `window`, whatever the window's bounds.
    @inlinable public func currentPA(at t: Double, in window: ClosedRange<Double>) -> Double {
        switch kind {
        case .pulse, .poisson: return 0
        case .currentStep(let a): return a
        case .sine(let a, let f, let phase, let offset):
            return a * sin(2 * Double.pi * f * t / 1000 + phase * Double.pi / 180) + offset
        case .ramp(let from, let to):
            let length = window.upperBound - window.lowerBound
            return length > 0 ? from + (to - from) * (t - window.lowerBound) / length : from
        }
    }

    /// dI/dt (pA/ms) at `t` inside `window` (0 for pulses and steps).
    @inlinable public func currentSlopePAPerMs(at t: Double, in window: ClosedRange<Double>) -> Double {
        switch kind {
        case .pulse, .currentStep, .poisson: return 0
        case .sine(let a, let f, let phase, _):
            let omega = 2 * Double.pi * f / 1000
            return a * omega * cos(omega * t + phase * Double.pi / 180)
        case .ramp(let from, let to):
            let length = window.upperBound - window.lowerBound
            return length > 0 ? (to - from) / length : 0
        }
    }

    /// The window edges: the times at which this input is discontinuous. Poisson input is
    /// continuous at its window edges (the channels keep closing after a window ends); its
    /// discontinuities are its input spikes, drawn per trial (``PoissonConductances/breakpoints``).
    public var breakpoints: [Double] {
        if case .poisson = kind { return [] }
        return windowsMs.flatMap { [$0.lowerBound, $0.upperBound] }
    }
}

/// The parameters of a Poisson spike-train input (``Stimulus/Kind/poisson(_:)``).
public struct PoissonStimulus: Sendable, Equatable {
    /// The receptor whose open channels the input spikes add to.
    public var receptor: Receptor
    /// Input spikes per second (Hz, ≥ 0) while a window is on.
    public var rateHz: Double
    /// Channels c opened by one input spike (> 0).
    public var channelsPerSpike: Double
    /// The time constant τ (ms, > 0) with which an input spike's channels close.
    public var tauMs: Double
    /// True: every target cell receives the same train; false: each cell its own.
    public var shared: Bool

    public init(receptor: Receptor, rateHz: Double, channelsPerSpike: Double, tauMs: Double, shared: Bool = false) {
        self.receptor = receptor
        self.rateHz = rateHz
        self.channelsPerSpike = channelsPerSpike
        self.tauMs = tauMs
        self.shared = shared
    }
}
