import CGSL

/// The GSL generator types hvnet offers, by their GSL names.
public enum GeneratorType: String, Sendable, CaseIterable, Codable {
    case mt19937, taus2, ranlxd2, ranlxs2, gfsr4

    var gslType: UnsafePointer<gsl_rng_type> {
        switch self {
        case .mt19937: return hv_rng_mt19937()
        case .taus2: return hv_rng_taus2()
        case .ranlxd2: return hv_rng_ranlxd2()
        case .ranlxs2: return hv_rng_ranlxs2()
        case .gfsr4: return hv_rng_gfsr4()
        }
    }
}

/// A stream of random numbers from one GSL generator. Not thread-safe: one per source and trial.
public final class RandomStream {
    public let type: GeneratorType
    public let seed: UInt64
    private let rng: UnsafeMutablePointer<gsl_rng>

    public init(type: GeneratorType, seed: UInt64) {
        GSLRuntime.ensureInitialized()
        self.type = type
        self.seed = seed
        guard let rng = gsl_rng_alloc(type.gslType) else { fatalError("gsl_rng_alloc failed: out of memory") }
        self.rng = rng
        gsl_rng_set(rng, UInt(seed))
    }

    deinit { gsl_rng_free(rng) }

    /// Restarts the stream from its seed.
    public func reset() { gsl_rng_set(rng, UInt(seed)) }

    /// The generator's next raw integer (for checks against GSL's own test values).
    public func nextInteger() -> UInt { gsl_rng_get(rng) }

    /// A standard normal variate (GSL's ziggurat method).
    @inlinable public func gaussian() -> Double { gsl_ran_gaussian_ziggurat(rngPointer, 1) }

    /// Uniform on [0, 1).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(rngPointer) }

    /// A uniform integer in 0 ..< n.
    public func integer(below n: Int) -> Int { Int(gsl_rng_uniform_int(rng, UInt(n))) }

    @usableFromInline var rngPointer: UnsafeMutablePointer<gsl_rng> { rng }
}

/// Seed derivation: SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) applied along a path of
/// integers, so that every (scenario seed, trial, purpose, index) gets its own well-mixed 64-bit
/// seed: s₀ = mix(seed), sₖ = mix(sₖ₋₁ ⊕ partₖ). GSL generators take it as `unsigned long`;
/// mt19937 and taus2 use its low 32 bits.
public enum SeedDerivation {
    /// Purposes of derived streams, so that they never coincide.
    public enum Purpose: UInt64, Sendable {
        case noise = 1
        case connectivity = 2
        case initialConditions = 3
        case noiseIntegral = 4
    }

    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func seed(_ scenarioSeed: UInt64, _ parts: UInt64...) -> UInt64 {
        parts.reduce(mix(scenarioSeed)) { mix($0 ^ $1) }
    }

    /// The seed of noise source `source` in trial `trial`: its x₀ and Z₁ stream.
    public static func noise(scenarioSeed: UInt64, trial: Int, source: Int) -> UInt64 {
        seed(scenarioSeed, Purpose.noise.rawValue, UInt64(trial), UInt64(source))
    }

    /// The seed of the Z₂ stream of noise source `source` in trial `trial` (the integral's own part).
    public static func noiseIntegral(scenarioSeed: UInt64, trial: Int, source: Int) -> UInt64 {
        seed(scenarioSeed, Purpose.noiseIntegral.rawValue, UInt64(trial), UInt64(source))
    }
}
