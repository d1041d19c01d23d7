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

    /// True when the input varies inside a window (sines and ramps).
    @inlinable public var isTimeVarying: Bool {
        switch kind {
        case .pulse, .currentStep: return false
        case .sine, .ramp: return true
        }
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
        case .pulse: return 0
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
        case .pulse, .currentStep: return 0
        case .sine(let a, let f, let phase, _):
            let omega = 2 * Double.pi * f / 1000
            return a * omega * cos(omega * t + phase * Double.pi / 180)
        case .ramp(let from, let to):
            let length = window.upperBound - window.lowerBound
            return length > 0 ? (to - from) / length : 0
        }
    }

    /// The window edges: the times at which this input is discontinuous.
    public var breakpoints: [Double] { windowsMs.flatMap { [$0.lowerBound, $0.upperBound] } }
}
