import GSLSupport
/// One trial's noise: a path per source and, per cell, the fluctuating input
/// η_i(t) = a_i x_private(t) + b_i x_shared(t) and its integral Ī_i(t) = a_i I_private + b_i I_shared
/// (normalised, 1/ms and dimensionless). A fixed function of t; values are cached for the last
/// time asked, since a Runge–Kutta step asks each stage time twice.
///
/// A realisation may serve a contiguous range of cells only (``cells``): it then generates only the
/// sources those cells use and writes only their entries. Each source's path depends on its own
/// seeds alone, so the range's values equal those of the whole network's realisation bit for bit;
/// one such realisation per thread lets the threads of one network draw their noise apart.
public final class NoiseRealisation {
    public let model: NoiseModel
    public let trial: Int
    /// The cells whose input this realisation writes.
    public let cells: Range<Int>
    private let paths: OUPathSet
    /// Position of each source id in `paths`.
    private let slot: [Int: Int]
    private let privateSlot: [Int]
    private let sharedSlot: [Int]
    private let sourceX: UnsafeMutablePointer<Double>
    private let sourceI: UnsafeMutablePointer<Double>
    private let privatePointer: UnsafeMutablePointer<Int>
    private let sharedPointer: UnsafeMutablePointer<Int>
    private let privateWeight: UnsafeMutablePointer<Double>
    private let sharedWeight: UnsafeMutablePointer<Double>
    /// Whether every cell has a private source and none a shared one (the usual layout): then
    /// ``combine(_:into:)`` needs no tests per cell.
    private let privateOnly: Bool
    @exclusivity(unchecked) private var cachedTime = Double.nan
    /// The time and the buffer of the last fluctuation written by ``evaluate(at:fluctuation:integral:)``.
    @exclusivity(unchecked) private var combinedTime = Double.nan
    @exclusivity(unchecked) private var combinedInto: UnsafeMutablePointer<Double>? = nil
    /// Whether `sourceI` holds the integrals at `cachedTime`.
    @exclusivity(unchecked) private var cachedIntegrals = false

    /// - Parameter cells: the cells to serve (nil: all); a range outside the model is clamped to it.
    public init(model: NoiseModel, scenarioSeed: UInt64, trial: Int, blockLength: Int = 512, cells: Range<Int>? = nil) {
        self.model = model
        self.trial = trial
        cellCount = model.cells.count
        let range = (cells ?? 0..<model.cells.count).clamped(to: 0..<model.cells.count)
        self.cells = range
        // The sources the range uses, in the model's order.
        let used = Set(model.cells[range].flatMap { [$0.privateSource, $0.sharedSource].compactMap { $0 } })
        let sources = cells == nil ? model.sources : model.sources.filter { used.contains($0.id) }
        paths = OUPathSet(
            taus: sources.map(\.tauMs), grid: model.gridMs,
            streams: sources.map {
                RandomStream(type: model.generator, seed: SeedDerivation.noise(scenarioSeed: scenarioSeed, trial: trial, source: $0.id))
            },
            integralStreams: sources.map {
                RandomStream(type: model.generator, seed: SeedDerivation.noiseIntegral(scenarioSeed: scenarioSeed, trial: trial, source: $0.id))
            },
            blockLength: blockLength)
        var slot: [Int: Int] = [:]
        for (k, s) in sources.enumerated() { slot[s.id] = k }
        self.slot = slot
        privateSlot = model.cells.map { $0.privateSource.flatMap { slot[$0] } ?? -1 }
        sharedSlot = model.cells.map { $0.sharedSource.flatMap { slot[$0] } ?? -1 }
        sourceX = .allocate(capacity: max(1, sources.count))
        sourceI = .allocate(capacity: max(1, sources.count))
        sourceX.initialize(repeating: 0, count: max(1, sources.count))
        sourceI.initialize(repeating: 0, count: max(1, sources.count))
        privatePointer = .allocate(capacity: privateSlot.count)
        privatePointer.initialize(from: privateSlot, count: privateSlot.count)
        sharedPointer = .allocate(capacity: sharedSlot.count)
        sharedPointer.initialize(from: sharedSlot, count: sharedSlot.count)
        privateWeight = .allocate(capacity: model.cells.count)
        privateWeight.initialize(from: model.cells.map(\.privateWeight), count: model.cells.count)
        sharedWeight = .allocate(capacity: model.cells.count)
        sharedWeight.initialize(from: model.cells.map(\.sharedWeight), count: model.cells.count)
        privateOnly = privateSlot.allSatisfy { $0 >= 0 } && sharedSlot.allSatisfy { $0 < 0 }
    }

    deinit {
        sourceX.deallocate()
        sourceI.deallocate()
        privatePointer.deallocate()
        sharedPointer.deallocate()
        privateWeight.deallocate()
        sharedWeight.deallocate()
    }

    public let cellCount: Int

    /// Fetches the sources' x (and I when `integrals`) at t, unless already there.
    private func update(_ t: Double, integrals: Bool) {
        if t == cachedTime && (cachedIntegrals || !integrals) { return }
        paths.values(at: t, x: sourceX, integral: integrals ? sourceI : nil)
        cachedTime = t
        cachedIntegrals = integrals
    }

    /// Writes η_i(t) into `fluctuation` and, when `integral` is given, Ī_i(t) into it, for i in
    /// ``cells`` (the arrays are indexed by cell; other entries are left alone).
    ///
    /// - Parameter reusing: when true, a call for the same time and buffer as the last call,
    ///   without `integral`, writes nothing: the values are still there (RK4 evaluates twice at
    ///   t + h/2 and at t + h). Only for a buffer that lives as long as the realisation and that
    ///   nothing else writes in this realisation's cells.
    package func evaluate(at t: Double, fluctuation: UnsafeMutablePointer<Double>, integral: UnsafeMutablePointer<Double>?,
                          reusing: Bool = false) {
        if reusing, integral == nil, t == combinedTime, fluctuation == combinedInto { return }
        update(t, integrals: integral != nil)
        combine(sourceX, into: fluctuation)
        if let integral { combine(sourceI, into: integral) }
        combinedTime = t
        combinedInto = fluctuation
    }

    /// out_i = a_i v_private + b_i v_shared for per-source values v.
    private func combine(_ values: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        if privateOnly {
            // 0 + a v as below (so that a product −0 becomes +0 there too).
            for i in cells { out[i] = 0 + privateWeight[i] * values[privatePointer[i]] }
            return
        }
        for i in cells {
            var sum = 0.0
            let p = privatePointer[i], s = sharedPointer[i]
            if p >= 0 { sum += privateWeight[i] * values[p] }
            if s >= 0 { sum += sharedWeight[i] * values[s] }
            out[i] = sum
        }
    }

    /// dη_i/dt at t (for the time derivative of the right-hand side in plain integration), i in ``cells``.
    package func fluctuationSlope(at t: Double, into slope: UnsafeMutablePointer<Double>) {
        var slopes = [Double](repeating: 0, count: max(1, paths.count))
        paths.slopes(at: t, into: &slopes)
        for i in cells {
            let cell = model.cells[i]
            var v = 0.0
            if privateSlot[i] >= 0 { v += cell.privateWeight * slopes[privateSlot[i]] }
            if sharedSlot[i] >= 0 { v += cell.sharedWeight * slopes[sharedSlot[i]] }
            slope[i] = v
        }
    }

    /// (x, I) of source `id` at t, for tests and diagnostics.
    public func source(_ id: Int, at t: Double) -> (x: Double, integral: Double)? {
        guard let k = slot[id] else { return nil }
        update(t, integrals: true)
        return (sourceX[k], sourceI[k])
    }
}
