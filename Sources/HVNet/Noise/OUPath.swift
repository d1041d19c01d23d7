/// One realisation of a unit Ornstein–Uhlenbeck process x (stationary mean 0, SD 1, correlation
/// time τ) and its integral I(t) = ∫₀ᵗ x, as a fixed function of t.
///
/// (x, I) is sampled exactly (``OUTransition``) on the grid t_k = kδ, x₀ from the stationary
/// normal and I₀ = 0, from one GSL stream. Between grid points I is the cubic Hermite interpolant
/// with I′ = x at both ends, and x(t) is its derivative, so x is exact on the grid and continuous.
/// The grid is generated lazily in blocks of `blockLength` intervals as time advances; only the
/// current and the previous block are kept, so memory does not grow with duration. A query
/// before the previous block replays the stream from its seed: the values are the same however,
/// how often and in whatever order the path is queried.
public final class OUPath {
    public let tau: Double
    /// δ, the grid spacing in ms.
    public let grid: Double
    public let blockLength: Int
    private let transition: OUTransition
    private let stream: RandomStream

    /// Values of the current block: grid points blockLength·b … blockLength·(b + 1).
    private var x: [Double]
    private var integral: [Double]
    private var block = -1
    /// The previous block, kept for steps that straddle a block edge or are rejected.
    private var previousX: [Double]
    private var previousIntegral: [Double]
    /// The number of blocks generated since the last reset of the stream.
    private var generated = 0

    public init(tau: Double, grid: Double, stream: RandomStream, blockLength: Int = 512) {
        precondition(tau > 0 && grid > 0 && blockLength > 0)
        self.tau = tau
        self.grid = grid
        self.blockLength = blockLength
        self.stream = stream
        transition = OUTransition(h: grid, tau: tau)
        x = Array(repeating: 0, count: blockLength + 1)
        integral = x
        previousX = x
        previousIntegral = x
    }

    /// (x(t), I(t)) for t ≥ 0.
    @inlinable public func value(at t: Double) -> (x: Double, integral: Double) {
        let (k, s) = gridPosition(t)
        return value(interval: k, fraction: s)
    }

    /// The grid interval holding t and the fraction of it, snapping to grid points within 1e-9 δ.
    @inlinable public func gridPosition(_ t: Double) -> (Int, Double) {
        precondition(t >= -1e-9 * grid, "the noise path starts at t = 0")
        let q = max(t, 0) / grid
        var k = q.rounded(.down)
        var s = q - k
        if s > 1 - 1e-9 { k += 1; s = 0 } else if s < 1e-9 { s = 0 }
        return (Int(k), s)
    }

    /// (x, I) at grid point k + s, s in [0, 1).
    public func value(interval k: Int, fraction s: Double) -> (x: Double, integral: Double) {
        let b = k / blockLength
        let i = k - b * blockLength
        let (xs, ins) = arrays(forBlock: b)
        if s == 0 { return (xs[i], ins[i]) }
        let hermite = CubicHermite(h: grid, y0: ins[i], f0: xs[i], y1: ins[i + 1], f1: xs[i + 1])
        return (hermite.derivative(at: s), hermite.value(at: s))
    }

    /// dx/dt at t: the second derivative of the Hermite interpolant of I (piecewise linear in t,
    /// discontinuous at grid points, where the value of the interval starting there is used).
    public func slope(at t: Double) -> Double {
        let (k, s) = gridPosition(t)
        let b = k / blockLength
        let i = k - b * blockLength
        let (xs, ins) = arrays(forBlock: b)
        return CubicHermite(h: grid, y0: ins[i], f0: xs[i], y1: ins[i + 1], f1: xs[i + 1]).secondDerivative(at: s)
    }

    private func arrays(forBlock b: Int) -> ([Double], [Double]) {
        if b == block { return (x, integral) }
        if b == block - 1 { return (previousX, previousIntegral) }
        if b < block - 1 || block < 0 {
            // Replay from the seed up to block b.
            stream.reset()
            block = -1
            generated = 0
        }
        while block < b { generateNextBlock() }
        return (x, integral)
    }

    private func generateNextBlock() {
        swap(&x, &previousX)
        swap(&integral, &previousIntegral)
        if block < 0 {
            x[0] = stream.gaussian()
            integral[0] = 0
        } else {
            x[0] = previousX[blockLength]
            integral[0] = previousIntegral[blockLength]
        }
        for i in 0..<blockLength {
            let z1 = stream.gaussian(), z2 = stream.gaussian()
            (x[i + 1], integral[i + 1]) = transition.advance(x: x[i], integral: integral[i], z1: z1, z2: z2)
        }
        block += 1
        generated += 1
    }
}
