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
        /// The seed of a sweep point with independent noise.
        case sweepPoint = 5
        /// Cell parameters drawn per cell (heterogeneous populations), one stream per population.
        case cellParameters = 6
        /// Transmission delays drawn per contact, one stream per connection rule (apart from the
        /// connectivity stream, so that a delay changes no contact and no channel count).
        case delays = 7
        /// Poisson input spike trains, one stream per stimulus and target cell (or shared train).
        case poissonInput = 8
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

    /// The seed of the input spike train of Poisson stimulus `stimulus` (its index in the
    /// scenario's stimuli) for target cell `cell` in trial `trial`; `cell` nil: the stimulus'
    /// shared train.
    public static func poissonInput(scenarioSeed: UInt64, trial: Int, stimulus: Int, cell: Int?) -> UInt64 {
        if let cell {
            return seed(scenarioSeed, Purpose.poissonInput.rawValue, UInt64(trial), UInt64(stimulus), UInt64(cell))
        }
        return seed(scenarioSeed, Purpose.poissonInput.rawValue, UInt64(trial), UInt64(stimulus))
    }
}
