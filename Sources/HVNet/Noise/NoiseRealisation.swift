/// One trial's noise: a path per source and, per cell, the fluctuating input
/// η_i(t) = a_i x_private(t) + b_i x_shared(t) and its integral Ī_i(t) = a_i I_private + b_i I_shared
/// (normalised, 1/ms and dimensionless). A fixed function of t; values are cached for the last
/// time asked, since a Runge–Kutta step asks each stage time twice.
public final class NoiseRealisation {
    public let model: NoiseModel
    public let trial: Int
    private let paths: [OUPath]
    /// Position of each source id in `paths`.
    private let slot: [Int: Int]
    private let privateSlot: [Int]
    private let sharedSlot: [Int]
    private var sourceX: [Double]
    private var sourceI: [Double]
    private var cachedTime = Double.nan

    public init(model: NoiseModel, scenarioSeed: UInt64, trial: Int, blockLength: Int = 512) {
        self.model = model
        self.trial = trial
        paths = model.sources.map {
            OUPath(
                tau: $0.tauMs, grid: model.gridMs,
                stream: RandomStream(
                    type: model.generator, seed: SeedDerivation.noise(scenarioSeed: scenarioSeed, trial: trial, source: $0.id)),
                blockLength: blockLength)
        }
        var slot: [Int: Int] = [:]
        for (k, s) in model.sources.enumerated() { slot[s.id] = k }
        self.slot = slot
        privateSlot = model.cells.map { $0.privateSource.flatMap { slot[$0] } ?? -1 }
        sharedSlot = model.cells.map { $0.sharedSource.flatMap { slot[$0] } ?? -1 }
        sourceX = Array(repeating: 0, count: paths.count)
        sourceI = sourceX
    }

    public var cellCount: Int { model.cells.count }

    private func update(_ t: Double) {
        if t == cachedTime { return }
        for k in paths.indices { (sourceX[k], sourceI[k]) = paths[k].value(at: t) }
        cachedTime = t
    }

    /// Writes η_i(t) into `fluctuation` and, when `integral` is given, Ī_i(t) into it.
    public func evaluate(at t: Double, fluctuation: UnsafeMutablePointer<Double>, integral: UnsafeMutablePointer<Double>?) {
        update(t)
        for i in 0..<model.cells.count {
            let cell = model.cells[i]
            var eta = 0.0, big = 0.0
            let p = privateSlot[i], s = sharedSlot[i]
            if p >= 0 { eta += cell.privateWeight * sourceX[p]; big += cell.privateWeight * sourceI[p] }
            if s >= 0 { eta += cell.sharedWeight * sourceX[s]; big += cell.sharedWeight * sourceI[s] }
            fluctuation[i] = eta
            integral?[i] = big
        }
    }

    /// dη_i/dt at t (for the time derivative of the right-hand side in plain integration).
    public func fluctuationSlope(at t: Double, into slope: UnsafeMutablePointer<Double>) {
        let slopes = paths.map { $0.slope(at: t) }
        for i in 0..<model.cells.count {
            let cell = model.cells[i]
            var v = 0.0
            if privateSlot[i] >= 0 { v += cell.privateWeight * slopes[privateSlot[i]] }
            if sharedSlot[i] >= 0 { v += cell.sharedWeight * slopes[sharedSlot[i]] }
            slope[i] = v
        }
    }

    /// (x, I) of source `id` at t, for tests and diagnostics.
    public func source(_ id: Int, at t: Double) -> (x: Double, integral: Double)? {
        slot[id].map { paths[$0].value(at: t) }
    }
}
