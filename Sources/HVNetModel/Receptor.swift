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
///
/// Contacts with a transmission delay d > 0 are kept apart (``delayed``) and add
/// W_k s_j(t − d_k) (docs/model.md §5, "Transmission delays").
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
    /// Contacts with a positive transmission delay (nil when there are none); ``weights`` holds
    /// the contacts without delay.
    public var delayed: DelayedContacts?

    public init(weights: SparseMatrix, gain: Double = 5, halfActivation: Double, kinetics: Kinetics = .instantaneous,
                delayed: DelayedContacts? = nil) {
        self.weights = weights
        self.gain = gain
        self.halfActivation = halfActivation
        self.kinetics = kinetics
        self.delayed = delayed.flatMap { $0.count == 0 ? nil : $0 }
    }

    /// σ(g_s (y − y_s)), the steady-state activation at normalised potential y.
    @inlinable public func steadyActivation(_ y: Double) -> Double { logistic(gain * (y - halfActivation)) }

    public var isKinetic: Bool { if case .firstOrder = kinetics { return true } else { return false } }

    /// No contacts at all (neither instantaneous nor delayed).
    public var isEmpty: Bool { weights.nonzeroCount == 0 && delayed == nil }
    /// No contacts without delay.
    public var hasNoUndelayedContacts: Bool { weights.nonzeroCount == 0 }
}

/// Synaptic contacts with a transmission delay: contact k adds `weight[k]` · s_pre(t − `delayMs[k]`)
/// to the open channels of cell `post[k]`. Sorted by (post, pre, delay); weights in channels,
/// delays in ms (> 0).
public struct DelayedContacts: Sendable, Equatable {
    public let post: [Int]
    public let pre: [Int]
    public let weight: [Double]
    public let delayMs: [Double]

    /// Contacts from (post, pre, channels, delay) entries; entries with zero channels are dropped.
    public init(entries: [(post: Int, pre: Int, channels: Double, delayMs: Double)]) {
        let kept = entries.filter { $0.channels != 0 }.sorted { ($0.post, $0.pre, $0.delayMs) < ($1.post, $1.pre, $1.delayMs) }
        post = kept.map(\.post)
        pre = kept.map(\.pre)
        weight = kept.map(\.channels)
        delayMs = kept.map(\.delayMs)
    }

    public var count: Int { weight.count }
}
