internal import CGSL

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
    public func gaussian() -> Double { gsl_ran_gaussian_ziggurat(rng, 1) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform integer in 0 ..< n.
    public func integer(below n: Int) -> Int { Int(gsl_rng_uniform_int(rng, UInt(n))) }

}
