import GSLSupport
/// Ornstein–Uhlenbeck input of one population, in physical units (docs/model.md §5):
/// ξ_i = μ + σ (√(1 − c) x_i + √c x_common), x unit OU processes with correlation time τ, so that
/// ξ_i has stationary mean μ, SD σ, and two cells of the population correlate with c at lag 0.
public struct OUNoiseParameters: Sendable, Equatable {
    public var meanPA: Double
    public var sdPA: Double
    public var tauMs: Double
    /// c in [0, 1], the shared fraction of the variance.
    public var sharedFraction: Double

    public init(meanPA: Double, sdPA: Double, tauMs: Double, sharedFraction: Double = 0) {
        self.meanPA = meanPA
        self.sdPA = sdPA
        self.tauMs = tauMs
        self.sharedFraction = sharedFraction
    }
}

/// How the noise of a network is laid out: per cell the normalised mean and the weights of its
/// private and shared sources. A plain value; ``NoiseRealisation`` makes one trial's paths.
///
/// Sources are numbered: cell i's private source is i; population p's shared source is
/// cellCount + p. A source's two streams are seeded by ``SeedDerivation/noise(scenarioSeed:trial:source:)``
/// and ``SeedDerivation/noiseIntegral(scenarioSeed:trial:source:)``, so adding trials or changing
/// the thread count never changes a path.
public struct NoiseModel: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        /// μ / (C_m v_T), 1/ms.
        public var mean: Double
        /// σ √(1 − c) / (C_m v_T), weight of the private source.
        public var privateWeight: Double
        /// σ √c / (C_m v_T), weight of the shared source.
        public var sharedWeight: Double
        public var privateSource: Int?
        public var sharedSource: Int?
    }

    public struct Source: Sendable, Equatable {
        public var id: Int
        public var tauMs: Double
    }

    public var cells: [Cell]
    public var sources: [Source]
    public var generator: GeneratorType
    /// δ, the grid of the noise paths in ms.
    public var gridMs: Double

    /// Builds the layout for populations of the given sizes; `parameters[p]` nil means no noise.
    public init(populationSizes: [Int], parameters: [OUNoiseParameters?], currentScalePA: [Double],
                generator: GeneratorType, gridMs: Double) {
        let cellCount = populationSizes.reduce(0, +)
        var cells: [Cell] = []
        var sources: [Source] = []
        var sharedSources: [Source] = []
        var index = 0
        for (p, size) in populationSizes.enumerated() {
            for _ in 0..<size {
                let scale = currentScalePA[index]
                if let noise = parameters[p] {
                    let c = noise.sharedFraction
                    let hasPrivate = c < 1 && noise.sdPA > 0
                    let hasShared = c > 0 && noise.sdPA > 0
                    cells.append(Cell(
                        mean: noise.meanPA / scale,
                        privateWeight: hasPrivate ? noise.sdPA * (1 - c).squareRoot() / scale : 0,
                        sharedWeight: hasShared ? noise.sdPA * c.squareRoot() / scale : 0,
                        privateSource: hasPrivate ? index : nil,
                        sharedSource: hasShared ? cellCount + p : nil))
                    if hasPrivate { sources.append(Source(id: index, tauMs: noise.tauMs)) }
                    if hasShared && !sharedSources.contains(where: { $0.id == cellCount + p }) {
                        sharedSources.append(Source(id: cellCount + p, tauMs: noise.tauMs))
                    }
                } else {
                    cells.append(Cell(mean: 0, privateWeight: 0, sharedWeight: 0, privateSource: nil, sharedSource: nil))
                }
                index += 1
            }
        }
        self.cells = cells
        self.sources = sources + sharedSources
        self.generator = generator
        self.gridMs = gridMs
    }

    /// True when some cell has a fluctuating input.
    public var isStochastic: Bool { !sources.isEmpty }
}
