import Numerics
import GSLSupport
/// Several unit Ornstein–Uhlenbeck paths on one grid δ, each with its own random streams (GSL's
/// generators, ``RandomStream``) and correlation time, stored together so that one query serves
/// every source (see ``OUPath`` for the sampling, the interpolation and the replay that make each
/// path a pure function of t).
/// Storage: the current and the previous block of every source in flat buffers, so that queries
/// allocate nothing and retain nothing.
///
/// Each source has two streams: Z₁ (and the stationary x₀) from `streams`, Z₂ from
/// `integralStreams`. x uses Z₁ only, so the path x is the same whether or not I is computed, and
/// I is computed only once something needs it: an integral, a value between grid points or a
/// slope. Until then (a fixed-step run in plain mode whose stages fall on the grid) half the
/// variates are never drawn; the first such query switches the integrals on and replays every
/// stream from its seed, so the values never depend on the order of the queries. A block's variates
/// are drawn from each stream at once (``RandomStream/gaussians(into:count:)``), in the order of
/// the grid points, so the values are those of one draw per grid point.
public final class OUPathSet {
    public let grid: Double
    public let blockLength: Int
    public let count: Int
    /// Whether I is being generated (it switches on at the first query that needs it).
    @exclusivity(unchecked) public private(set) var computesIntegrals = false
    private let transitions: [OUTransition]
    private let streams: [RandomStream]
    private let integralStreams: [RandomStream]
    /// x and I, [source][blockLength + 1], for the current and the previous block.
    @exclusivity(unchecked) private var x: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var integral: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var previousX: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var previousIntegral: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var block = -1
    /// One block's Z₁ and Z₂ of one source, drawn at once from its two streams.
    private let z1: UnsafeMutablePointer<Double>
    private let z2: UnsafeMutablePointer<Double>

    public init(taus: [Double], grid: Double, streams: [RandomStream], integralStreams: [RandomStream], blockLength: Int = 512) {
        precondition(taus.count == streams.count && taus.count == integralStreams.count && grid > 0 && blockLength > 0)
        self.grid = grid
        self.blockLength = blockLength
        count = taus.count
        transitions = taus.map { OUTransition(h: grid, tau: $0) }
        self.streams = streams
        self.integralStreams = integralStreams
        let size = max(1, taus.count * (blockLength + 1))
        func buffer() -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: size)
            p.initialize(repeating: 0, count: size)
            return p
        }
        x = buffer()
        integral = buffer()
        previousX = buffer()
        previousIntegral = buffer()
        z1 = .allocate(capacity: blockLength)
        z1.initialize(repeating: 0, count: blockLength)
        z2 = .allocate(capacity: blockLength)
        z2.initialize(repeating: 0, count: blockLength)
    }

    deinit {
        for p in [x, integral, previousX, previousIntegral, z1, z2] { p.deallocate() }
    }

    /// The grid interval holding t and the fraction of it, snapping to grid points within 1e-9 δ.
    @inline(__always)
    public func gridPosition(_ t: Double) -> (Int, Double) {
        precondition(t >= -1e-9 * grid, "the noise path starts at t = 0")
        let q = max(t, 0) / grid
        var k = q.rounded(.down)
        var s = q - k
        if s > 1 - 1e-9 { k += 1; s = 0 } else if s < 1e-9 { s = 0 }
        return (clampedInt(k), s)  // k ≤ duration / δ, checked to fit by Scenario.check()
    }

    /// Writes x_j(t) and, when given, I_j(t) for every source j.
    package func values(at t: Double, x out: UnsafeMutablePointer<Double>, integral outIntegral: UnsafeMutablePointer<Double>?) {
        let (k, s) = gridPosition(t)
        if s != 0 || outIntegral != nil { requireIntegrals() }
        let b = k / blockLength
        let i = k - b * blockLength
        let (xs, ins) = arrays(forBlock: b)
        let stride = blockLength + 1
        if s == 0 {
            for j in 0..<count { out[j] = xs[j * stride + i] }
            if let outIntegral {
                for j in 0..<count { outIntegral[j] = ins[j * stride + i] }
            }
            return
        }
        for j in 0..<count {
            let base = j * stride + i
            let h = CubicHermite(h: grid, y0: ins[base], f0: xs[base], y1: ins[base + 1], f1: xs[base + 1])
            out[j] = h.derivative(at: s)
            outIntegral?[j] = h.value(at: s)
        }
    }

    /// dx_j/dt at t: the second derivative of the Hermite interpolant of I.
    package func slopes(at t: Double, into out: UnsafeMutablePointer<Double>) {
        requireIntegrals()
        let (k, s) = gridPosition(t)
        let b = k / blockLength
        let i = k - b * blockLength
        let (xs, ins) = arrays(forBlock: b)
        let stride = blockLength + 1
        for j in 0..<count {
            let base = j * stride + i
            out[j] = CubicHermite(h: grid, y0: ins[base], f0: xs[base], y1: ins[base + 1], f1: xs[base + 1]).secondDerivative(at: s)
        }
    }

    /// Switches the integrals on, replaying the streams from their seeds at the next query.
    private func requireIntegrals() {
        guard !computesIntegrals else { return }
        computesIntegrals = true
        block = -1
    }

    private func arrays(forBlock b: Int) -> (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) {
        if b == block { return (x, integral) }
        if b == block - 1 { return (previousX, previousIntegral) }
        if b < block - 1 || block < 0 {
            // Replay every stream from its seed up to block b.
            for stream in streams { stream.reset() }
            for stream in integralStreams { stream.reset() }
            block = -1
        }
        while block < b { generateNextBlock() }
        return (x, integral)
    }

    private func generateNextBlock() {
        swap(&x, &previousX)
        swap(&integral, &previousIntegral)
        let stride = blockLength + 1
        for j in 0..<count {
            let xs = x + j * stride, ins = integral + j * stride
            let stream = streams[j], transition = transitions[j]
            if block < 0 {
                xs[0] = stream.gaussian()
                ins[0] = 0
            } else {
                xs[0] = previousX[j * stride + blockLength]
                ins[0] = previousIntegral[j * stride + blockLength]
            }
            // Each stream gives its variates in the order of the grid points (x₀ first), so the
            // path is the same as when they are drawn one per grid point.
            stream.gaussians(into: z1, count: blockLength)
            if computesIntegrals {
                integralStreams[j].gaussians(into: z2, count: blockLength)
                for i in 0..<blockLength {
                    (xs[i + 1], ins[i + 1]) = transition.advance(x: xs[i], integral: ins[i], z1: z1[i], z2: z2[i])
                }
            } else {
                for i in 0..<blockLength { xs[i + 1] = transition.advanceX(xs[i], z1: z1[i]) }
            }
        }
        block += 1
    }
}
