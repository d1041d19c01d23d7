/// The two synaptic receptor kinds of the model.
public enum Receptor: String, Sendable, CaseIterable, Codable {
    case ampa = "AMPA"
    case gabaA = "GABAA"
}

/// Synaptic coupling through one receptor kind (MODEL.md §5).
///
///     s_j = σ(g_s (y_j − y_s))                    presynaptic activation of cell j
///     g_i = Σ_j W[i, j] s_j                       open channels in postsynaptic cell i
///
/// W = N·C holds channels per contact, rows postsynaptic (C[post, pre]).
public struct SynapticCoupling: Sendable, Equatable {
    /// W[post, pre] in channels.
    public var weights: SparseMatrix
    /// g_s, gain of the presynaptic sigmoid.
    public var gain: Double
    /// y_s = v_s / v_T, normalised half-activation of the presynaptic sigmoid.
    public var halfActivation: Double

    public init(weights: SparseMatrix, gain: Double = 5, halfActivation: Double) {
        self.weights = weights
        self.gain = gain
        self.halfActivation = halfActivation
    }

    public var isEmpty: Bool { weights.nonzeroCount == 0 }
}
