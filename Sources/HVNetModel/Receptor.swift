import Numerics
/// The two synaptic receptor kinds of the model.
public enum Receptor: String, Sendable, CaseIterable, Codable {
    case ampa = "AMPA"
    case gabaA = "GABAA"
}

/// Synaptic coupling through one receptor kind (docs/model.md §5).
///
///     s_j = σ(g_s (y_j − y_s))                    presynaptic activation of cell j
///     g_i = Σ_j W[i, j] s_j                       open channels in postsynaptic cell i
///
/// W = N·C holds channels per contact, rows postsynaptic (C[post, pre]).
///
/// With first-order kinetics s_j is a state variable instead:
/// ds_j/dt = (σ(g_s (y_j − y_s)) − s_j)/τ_s.
public struct SynapticCoupling: Sendable, Equatable {
    /// How the presynaptic activation follows the presynaptic potential.
    public enum Kinetics: Sendable, Equatable {
        /// s_j = σ(g_s (y_j − y_s)) at every instant (the notebook's synapse).
        case instantaneous
        /// ds_j/dt = (σ(g_s (y_j − y_s)) − s_j)/τ_s with τ_s in ms.
        case firstOrder(tauMs: Double)
    }

    /// W[post, pre] in channels.
    public var weights: SparseMatrix
    /// g_s, gain of the presynaptic sigmoid.
    public var gain: Double
    /// y_s = v_s / v_T, normalised half-activation of the presynaptic sigmoid.
    public var halfActivation: Double

    public var kinetics: Kinetics

    public init(weights: SparseMatrix, gain: Double = 5, halfActivation: Double, kinetics: Kinetics = .instantaneous) {
        self.weights = weights
        self.gain = gain
        self.halfActivation = halfActivation
        self.kinetics = kinetics
    }

    /// σ(g_s (y − y_s)), the steady-state activation at normalised potential y.
    @inlinable public func steadyActivation(_ y: Double) -> Double { logistic(gain * (y - halfActivation)) }

    public var isKinetic: Bool { if case .firstOrder = kinetics { return true } else { return false } }

    public var isEmpty: Bool { weights.nonzeroCount == 0 }
}
