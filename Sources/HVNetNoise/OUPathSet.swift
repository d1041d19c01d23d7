import Numerics
import GSLSupport
/// Several unit Ornstein–Uhlenbeck paths on one grid δ, each with its own random streams (GSL's
/// generators, ``RandomStream``) and correlation time, stored together so that one query serves
/// every source (see ``OUPath`` for the sampling, the interpolation and the replay that make each
/// path a pure function of t).
/// Storage: the current and the previous block of every source in flat buffers, so that queries
/// allocate nothing and retain nothing, grid point by grid point (the values of every source at
/// one grid point are adjacent: a query reads one contiguous run, and a thread that owns a range
/// of sources touches only its own cache lines). Blocks are generated for eight sources at a
/// time (a cache line of each grid point), so that a line is filled while it is still cached.
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
    /// x and I, [grid point 0...blockLength][source], for the current and the previous block.
    @exclusivity(unchecked) private var x: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var integral: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var previousX: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var previousIntegral: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var block = -1
    /// One block's Z₁ and Z₂ of up to ``generationGroup`` sources ([source in group][point]), drawn at once from their streams.
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
        z1 = .allocate(capacity: Self.generationGroup * blockLength)
        z1.initialize(repeating: 0, count: Self.generationGroup * blockLength)
        z2 = .allocate(capacity: Self.generationGroup * blockLength)
        z2.initialize(repeating: 0, count: Self.generationGroup * blockLength)
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
        let row = i * count
        if s == 0 {
            for j in 0..<count { out[j] = xs[row + j] }
            if let outIntegral {
                for j in 0..<count { outIntegral[j] = ins[row + j] }
            }
            return
        }
        for j in 0..<count {
            let base = row + j, next = base + count
            let h = CubicHermite(h: grid, y0: ins[base], f0: xs[base], y1: ins[next], f1: xs[next])
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
        for j in 0..<count {
            let base = i * count + j, next = base + count
            out[j] = CubicHermite(h: grid, y0: ins[base], f0: xs[base], y1: ins[next], f1: xs[next]).secondDerivative(at: s)
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

    /// Sources generated together: their variates are drawn first, then their paths advanced one
    /// source after the other, so that the block's cache lines they share stay cached meanwhile.
    static let generationGroup = 8

    private func generateNextBlock() {
        swap(&x, &previousX)
        swap(&integral, &previousIntegral)
        let length = blockLength, count = count
        let last = length * count
        var first = 0
        while first < count {
            let members = min(Self.generationGroup, count - first)
            for m in 0..<members {
                let j = first + m
                let stream = streams[j]
                if block < 0 {
                    x[j] = stream.gaussian()
                    integral[j] = 0
                } else {
                    x[j] = previousX[last + j]
                    integral[j] = previousIntegral[last + j]
                }
                // Each stream gives its variates in the order of the grid points (x₀ first), so the
                // path is the same as when they are drawn one per grid point.
                stream.gaussians(into: z1 + m * length, count: length)
                if computesIntegrals { integralStreams[j].gaussians(into: z2 + m * length, count: length) }
            }
            // Without integrals, four sources at a time: each recursion is a sequential chain
            // (a multiply and an add per point), so four side by side in one SIMD register keep
            // the core busy; each lane does its source's arithmetic, and the four values of a
            // grid point are adjacent in the block.
            var next = 0
            if !computesIntegrals {
                while next + 4 <= members {
                    let j = first + next
                    let t0 = transitions[j], t1 = transitions[j + 1], t2 = transitions[j + 2], t3 = transitions[j + 3]
                    let decay = SIMD4(t0.decay, t1.decay, t2.decay, t3.decay)
                    let sigma = SIMD4(t0.sigmaX, t1.sigmaX, t2.sigmaX, t3.sigmaX)
                    let z = z1 + next * length
                    var xv = SIMD4(x[j], x[j + 1], x[j + 2], x[j + 3])
                    var px = x + count + j
                    for i in 0..<length {
                        let zv = SIMD4(z[i], z[length + i], z[2 * length + i], z[3 * length + i])
                        xv = decay * xv + sigma * zv
                        store4(xv, px)
                        px += count
                    }
                    next += 4
                }
            }
            // The rest one source at a time, written down its column.
            for m in next..<members {
                let j = first + m, transition = transitions[j]
                let zx = z1 + m * length, zi = z2 + m * length
                var xv = x[j], iv = integral[j]
                var px = x + count + j, pi = integral + count + j
                if computesIntegrals {
                    for i in 0..<length {
                        (xv, iv) = transition.advance(x: xv, integral: iv, z1: zx[i], z2: zi[i])
                        px.pointee = xv
                        pi.pointee = iv
                        px += count
                        pi += count
                    }
                } else {
                    for i in 0..<length {
                        xv = transition.advanceX(xv, z1: zx[i])
                        px.pointee = xv
                        px += count
                    }
                }
            }
            first += members
        }
        block += 1
    }
}
