import GSLSupport
/// One realisation of a unit Ornstein–Uhlenbeck process x (stationary mean 0, SD 1, correlation
/// time τ) and its integral I(t) = ∫₀ᵗ x, as a fixed function of t.
///
/// (x, I) is sampled exactly (``OUTransition``) on the grid t_k = kδ, x₀ from the stationary
/// normal and I₀ = 0, Z₁ from `stream` and Z₂ from `integralStream`. Between grid points I is the cubic Hermite interpolant
/// with I′ = x at both ends, and x(t) is its derivative, so x is exact on the grid and continuous.
/// The grid is generated lazily in blocks of `blockLength` intervals as time advances; only the
/// current and the previous block are kept, so memory does not grow with duration. A query
/// before the previous block replays the stream from its seed: the values are the same however,
/// how often and in whatever order the path is queried. (A single-source ``OUPathSet``.)
public final class OUPath {
    let paths: OUPathSet
    public let tau: Double
    public var grid: Double { paths.grid }
    public var blockLength: Int { paths.blockLength }

    public init(tau: Double, grid: Double, stream: RandomStream, integralStream: RandomStream, blockLength: Int = 512) {
        precondition(tau > 0 && grid > 0 && blockLength > 0)
        self.tau = tau
        paths = OUPathSet(taus: [tau], grid: grid, streams: [stream], integralStreams: [integralStream], blockLength: blockLength)
    }

    /// (x(t), I(t)) for t ≥ 0.
    public func value(at t: Double) -> (x: Double, integral: Double) {
        var x = 0.0, i = 0.0
        paths.values(at: t, x: &x, integral: &i)
        return (x, i)
    }

    /// (x, I) at grid point k + s, s in [0, 1).
    public func value(interval k: Int, fraction s: Double) -> (x: Double, integral: Double) {
        value(at: (Double(k) + s) * grid)
    }

    /// dx/dt at t: the second derivative of the Hermite interpolant of I (piecewise linear in t).
    public func slope(at t: Double) -> Double {
        var v = 0.0
        paths.slopes(at: t, into: &v)
        return v
    }
}
