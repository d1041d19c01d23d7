import GSLSupport
import Foundation

/// How contacts between two populations are laid out (rows postsynaptic, as C[post, pre]).
public enum ConnectionRule: Sendable, Equatable {
    /// C[post, pre] given in full; entries multiply the channels per contact.
    case explicit(matrix: [[Double]])
    /// Every presynaptic cell contacts every postsynaptic cell.
    case allToAll(autapses: Bool)
    /// Cell i contacts cell i (populations of equal size).
    case oneToOne
    /// Postsynaptic cell i receives from presynaptic cells (i + o) mod n_pre for each offset o.
    case ring(offsets: [Int])
    /// Each (pre, post) pair is connected independently with probability p.
    case bernoulli(p: Double, autapses: Bool)
    /// Each postsynaptic cell receives from exactly k distinct presynaptic cells, drawn uniformly.
    case fixedInDegree(k: Int, autapses: Bool)
    /// Watts–Strogatz small world (Nature 393:440, 1998), directed: the ring lattice in which cell i
    /// receives from i ± 1 … i ± k/2, then each contact's presynaptic cell is redrawn with
    /// probability β uniformly among cells that are neither i nor already inputs of i.
    case smallWorld(k: Int, beta: Double)

    /// The scenario-file names of the rules.
    public static let names = ["explicit", "all_to_all", "one_to_one", "ring", "bernoulli", "fixed_indegree", "small_world"]
}

/// Channels per contact: a constant or drawn per contact.
public enum ContactStrength: Sendable, Equatable {
    case constant(Double)
    /// Normal, truncated at 0 (redrawn until non-negative).
    case normal(mean: Double, sd: Double)
    /// Lognormal with the given mean and SD of the channel count itself.
    case lognormal(mean: Double, sd: Double)
    case uniform(low: Double, high: Double)

    public static let distributions = ["normal", "lognormal", "uniform"]

    /// One draw.
    func draw(_ rng: RandomStream) -> Double {
        switch self {
        case .constant(let c): return c
        case .normal(let mean, let sd):
            if sd == 0 { return max(mean, 0) }
            while true {
                let v = mean + sd * rng.gaussian()
                if v >= 0 { return v }
            }
        case .lognormal(let mean, let sd):
            // mean = e^{μ + s²/2}, var = (e^{s²} − 1) e^{2μ + s²}
            let s2 = log(1 + (sd * sd) / (mean * mean))
            let mu = log(mean) - s2 / 2
            return exp(mu + s2.squareRoot() * rng.gaussian())
        case .uniform(let low, let high):
            return low + (high - low) * rng.uniform()
        }
    }
}
