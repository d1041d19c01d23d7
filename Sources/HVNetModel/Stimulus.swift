/// A piecewise-constant input switched on in time windows; every window edge is a breakpoint at
/// which the integrator stops, so inputs are smooth inside every step (docs/model.md §6, item 6).
public struct Stimulus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Receptor activation p (0…1) added to the targeted cells' synaptic activation: it opens
        /// p · N_receptor channels of the cell (the notebook's `p_Ampa(t)`).
        case pulse(receptor: Receptor, activation: Double)
        /// A current step in pA, depolarising positive.
        case currentStep(amplitudePA: Double)
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

    /// The window edges: the times at which this input is discontinuous.
    public var breakpoints: [Double] { windowsMs.flatMap { [$0.lowerBound, $0.upperBound] } }
}
