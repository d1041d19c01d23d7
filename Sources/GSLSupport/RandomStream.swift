internal import CGSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// A stream of random numbers from one GSL generator type. Not thread-safe: one per source and trial.
///
/// `mt19937` runs in Swift and gives GSL's numbers bit for bit (GSL 2.7, unchanged in 2.8:
/// `rng/mt.c`, `gsl_rng.h`, `randist/gausszig.c`): Matsumoto and Nishimura's MT19937 (ACM TOMACS
/// 8(1), 1998) with GSL's seeding
/// (`mt_set`, the 2002 initialisation; seed 0 means 4357; only the low 32 bits of the seed are
/// used), the 624 words regenerated at once, uniforms word / 2³², `gsl_rng_uniform_int`'s
/// rejection by `scale = (2³² − 1) / n`, and GSL's ziggurat for normal variates
/// (`gsl_ran_gaussian_ziggurat`: Marsaglia and Tsang, J. Stat. Softw. 5(8), 2000, with 128 steps
/// and an exponential wedge for the tail, J. Voss 2005), drawing one 32-bit word k per try (step
/// k & 0x7f, sign from k & 0x80, j = k >> 8 against the step's bound). The rare
/// wedge and tail branches call the C library's `log` and `exp`, as GSL does, so that they round the
/// same. The other types call GSL.
public final class RandomStream {
    public let type: GeneratorType
    public let seed: UInt64
    /// GSL's generator: the types other than mt19937 (and mt19937 when built with `useGSL`, for tests).
    private let rng: UnsafeMutablePointer<gsl_rng>?
    /// Whether the Swift MT19937 below is the generator.
    @usableFromInline let native: Bool
    /// MT19937's 624 state words (GSL's `mt_state_t.mt`), then the same 624 words tempered, since
    /// the state does not change between regenerations (unused for GSL types).
    @usableFromInline let words: UnsafeMutablePointer<UInt32>
    /// The next tempered word to hand out (GSL's `mti`); 624 means regenerate first.
    @exclusivity(unchecked) @usableFromInline var position: Int
    /// The ziggurat's 2²⁴ x_i / x_{i+1} acceptance bounds and 2⁻²⁴ x_i widths (GSL's `ktab`, `wtab`).
    @usableFromInline let steps: UnsafePointer<ZigguratStep>
    /// How often the ziggurat took the tail branch (i = 127) and rejected a wedge or tail point,
    /// counted on the rare paths only (for tests that show those paths ran).
    @exclusivity(unchecked) var tailTries = 0
    @exclusivity(unchecked) var rejections = 0

    /// A stream of `type` seeded with `seed` (GSL's `gsl_rng_set` with `seed` as an unsigned long).
    public convenience init(type: GeneratorType, seed: UInt64) {
        self.init(type: type, seed: seed, useGSL: false)
    }

    /// - Parameter useGSL: draw through GSL's C functions even for mt19937 (tests compare the two).
    init(type: GeneratorType, seed: UInt64, useGSL: Bool) {
        GSLRuntime.ensureInitialized()
        self.type = type
        self.seed = seed
        native = type == .mt19937 && !useGSL
        steps = ZigguratStep.table
        words = .allocate(capacity: 2 * MT19937.n)
        words.initialize(repeating: 0, count: 2 * MT19937.n)
        position = MT19937.n
        if native {
            rng = nil
        } else {
            // gsl_rng_alloc returns NULL only when malloc of a few kB fails; then, as Swift does
            // when it cannot allocate, the process stops.
            guard let rng = gsl_rng_alloc(type.gslType) else { fatalError("gsl_rng_alloc failed: out of memory") }
            self.rng = rng
        }
        reset()
    }

    deinit {
        if let rng { gsl_rng_free(rng) }
        words.deallocate()
    }

    /// Restarts the stream from its seed.
    public func reset() {
        if let rng {
            gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
        } else {
            MT19937.seed(words, seed)
            position = MT19937.n
        }
    }

    /// The next tempered MT19937 word (GSL's `mt_get`).
    @inlinable @inline(__always)
    func nextWord() -> UInt32 {
        if position >= 624 { regenerate() }
        let k = words[624 &+ position]
        position &+= 1
        return k
    }

    @usableFromInline func regenerate() {
        MT19937.regenerate(words, tempered: words + MT19937.n)
        position = 0
    }

    /// +x when bit 7 of the ziggurat's word is set, −x otherwise (GSL's `sign * sigma * x` with
    /// sigma = 1: the same number, a sign flip being exact), without a branch.
    @inlinable @inline(__always)
    static func signed(_ x: Double, word k: UInt32) -> Double {
        Double(bitPattern: x.bitPattern ^ (UInt64(~k & 0x80) &<< 56))
    }

    /// The generator's next raw integer, in GSL's range of the type (0 ..< 2³² for mt19937).
    public func nextInteger() -> UInt {
        if native { return UInt(nextWord()) }
        return gsl_rng_get(gslRNG)
    }

    /// Uniform on [0, 1) (`gsl_rng_uniform`).
    public func uniform() -> Double {
        if native { return Double(nextWord()) / 4294967296.0 }
        return gsl_rng_uniform(gslRNG)
    }

    /// A uniform integer in 0 ..< n (`gsl_rng_uniform_int`); 0 when n is 0, negative or beyond the
    /// generator's range (GSL's error value, with GSL's error handler off).
    public func integer(below n: Int) -> Int {
        guard n > 0 else { return 0 }
        if native {
            guard n <= 0xffff_ffff else { return 0 }
            let scale = UInt32(0xffff_ffff) / UInt32(n)
            while true {
                let k = nextWord() / scale
                if k < UInt32(n) { return Int(k) }
            }
        }
        return Int(gsl_rng_uniform_int(gslRNG, UInt(n)))
    }

    /// A standard normal variate (GSL's ziggurat, `gsl_ran_gaussian_ziggurat(r, 1)`).
    @inlinable
    public func gaussian() -> Double {
        guard native else { return gslGaussian() }
        let k = nextWord()
        let i = Int(k & 0x7f), j = (k >> 8) & 0xff_ffff
        let step = steps[i]
        if j < step.bound { return Self.signed(Double(j) * step.width, word: k) }
        return gaussianAfterRejection(word: k)
    }

    /// `count` standard normal variates into `out` (which holds at least `count` doubles; nothing is
    /// written when `count` ≤ 0): the same numbers as `count` calls of ``gaussian()``, without a
    /// call per variate.
    public func gaussians(into out: UnsafeMutablePointer<Double>, count: Int) {
        guard native else {
            for n in 0..<max(0, count) { out[n] = gsl_ran_gaussian_ziggurat(gslRNG, 1) }
            return
        }
        let steps = self.steps, tempered = self.words + MT19937.n
        var n = 0
        while n < count {
            // The words left in the state, then regenerate (as `nextWord` does).
            if position >= MT19937.n { regenerate() }
            var p = position
            let end = min(count, n + MT19937.n - p)
            var rare = false
            while n < end {
                let k = tempered[p]
                p &+= 1
                let i = Int(k & 0x7f), j = (k >> 8) & 0xff_ffff
                let step = steps[i]
                if j < step.bound {
                    out[n] = Self.signed(Double(j) * step.width, word: k)
                    n &+= 1
                } else {
                    // The rare paths draw further words through `position`.
                    position = p
                    out[n] = gaussianAfterRejection(word: k)
                    n += 1
                    rare = true
                    break
                }
            }
            if !rare { position = p }
        }
    }

    /// The rest of GSL's ziggurat loop once the word `k` fell outside its rectangle: the wedge
    /// (i < 127) or the tail (i = 127, an exponential wedge beyond R), then new tries until one is
    /// accepted.
    @usableFromInline @inline(never)
    func gaussianAfterRejection(word: UInt32) -> Double {
        let r = ZigguratStep.r
        var k = word
        while true {
            let sign: Double = k & 0x80 != 0 ? 1 : -1
            let i = Int(k & 0x7f), j = (k >> 8) & 0xff_ffff
            var x = Double(j) * steps[i].width
            if j < steps[i].bound { return sign * x }
            let y: Double
            if i < 127 {
                let y0 = ZigguratStep.heights[i], y1 = ZigguratStep.heights[i + 1]
                let u1 = uniform()
                y = y1 + (y0 - y1) * u1
            } else {
                tailTries += 1
                let u1 = 1.0 - uniform()
                let u2 = uniform()
                x = r - log(u1) / r
                y = exp(-r * (x - 0.5 * r)) * u2
            }
            if y < exp(-0.5 * x * x) { return sign * x }
            rejections += 1
            k = nextWord()
        }
    }

    @usableFromInline func gslGaussian() -> Double { gsl_ran_gaussian_ziggurat(gslRNG, 1) }

    private var gslRNG: UnsafeMutablePointer<gsl_rng> {
        // Set whenever `native` is false (init).
        rng.unsafelyUnwrapped
    }
}

/// MT19937 as GSL seeds and regenerates it (`rng/mt.c`, GSL 2.7).
enum MT19937 {
    static let n = 624
    static let m = 397

    /// `mt_set`: seed 0 means 4357; mt[0] = s mod 2³², mt[i] = 1812433253 (mt[i−1] ⊕ (mt[i−1] ≫ 30)) + i.
    static func seed(_ mt: UnsafeMutablePointer<UInt32>, _ seed: UInt64) {
        let s = seed == 0 ? 4357 : seed
        mt[0] = UInt32(truncatingIfNeeded: s)
        for i in 1..<n {
            let previous = mt[i - 1]
            mt[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
    }

    /// The N words at once (`mt_get` when mti ≥ N), and their tempering (`mt_get`'s
    /// y ^= y >> 11; y ^= (y << 7) & 0x9d2c5680; y ^= (y << 15) & 0xefc60000; y ^= y >> 18) into `tempered`.
    static func regenerate(_ mt: UnsafeMutablePointer<UInt32>, tempered: UnsafeMutablePointer<UInt32>) {
        @inline(__always) func twist(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> UInt32 {
            let y = (a & 0x8000_0000) | (b & 0x7fff_ffff)
            return c ^ (y >> 1) ^ (y & 1 != 0 ? 0x9908_b0df : 0)
        }
        for kk in 0..<(n - m) { mt[kk] = twist(mt[kk], mt[kk + 1], mt[kk + m]) }
        for kk in (n - m)..<(n - 1) { mt[kk] = twist(mt[kk], mt[kk + 1], mt[kk + m - n]) }
        mt[n - 1] = twist(mt[n - 1], mt[0], mt[m - 1])
        for kk in 0..<n {
            var k = mt[kk]
            k ^= k >> 11
            k ^= (k << 7) & 0x9d2c_5680
            k ^= (k << 15) & 0xefc6_0000
            k ^= k >> 18
            tempered[kk] = k
        }
    }
}

/// One step of GSL's ziggurat (`randist/gausszig.c`, GSL 2.7): accept j < `bound` (2²⁴ x_i / x_{i+1},
/// `ktab`) with x = j · `width` (2⁻²⁴ x_i, `wtab`).
@usableFromInline
struct ZigguratStep {
    @usableFromInline let width: Double
    @usableFromInline let bound: UInt32

    /// PARAM_R, the position of the right-most step.
    static let r = 3.44428647676

    /// The 128 steps, allocated once for the process and never written after (so safe to share).
    nonisolated(unsafe) static let table: UnsafePointer<ZigguratStep> = {
        let p = UnsafeMutablePointer<ZigguratStep>.allocate(capacity: 128)
        for i in 0..<128 { (p + i).initialize(to: ZigguratStep(width: widths[i], bound: bounds[i])) }
        return UnsafePointer(p)
    }()

    /// GSL's `ktab`.
    static let bounds: [UInt32] = [
        0, 12590644, 14272653, 14988939, 15384584, 15635009, 15807561, 15933577,
        16029594, 16105155, 16166147, 16216399, 16258508, 16294295, 16325078, 16351831,
        16375291, 16396026, 16414479, 16431002, 16445880, 16459343, 16471578, 16482744,
        16492970, 16502368, 16511031, 16519039, 16526459, 16533352, 16539769, 16545755,
        16551348, 16556584, 16561493, 16566101, 16570433, 16574511, 16578353, 16581977,
        16585398, 16588629, 16591685, 16594575, 16597311, 16599901, 16602354, 16604679,
        16606881, 16608968, 16610945, 16612818, 16614592, 16616272, 16617861, 16619363,
        16620782, 16622121, 16623383, 16624570, 16625685, 16626730, 16627708, 16628619,
        16629465, 16630248, 16630969, 16631628, 16632228, 16632768, 16633248, 16633671,
        16634034, 16634340, 16634586, 16634774, 16634903, 16634972, 16634980, 16634926,
        16634810, 16634628, 16634381, 16634066, 16633680, 16633222, 16632688, 16632075,
        16631380, 16630598, 16629726, 16628757, 16627686, 16626507, 16625212, 16623794,
        16622243, 16620548, 16618698, 16616679, 16614476, 16612071, 16609444, 16606571,
        16603425, 16599973, 16596178, 16591995, 16587369, 16582237, 16576520, 16570120,
        16562917, 16554758, 16545450, 16534739, 16522287, 16507638, 16490152, 16468907,
        16442518, 16408804, 16364095, 16301683, 16207738, 16047994, 15704248, 15472926,
    ]

    /// GSL's `wtab`.
    static let widths: [Double] = [
        1.62318314817e-08, 2.16291505214e-08, 2.54246305087e-08, 2.84579525938e-08,
        3.10340022482e-08, 3.33011726243e-08, 3.53439060345e-08, 3.72152672658e-08,
        3.8950989572e-08, 4.05763964764e-08, 4.21101548915e-08, 4.35664624904e-08,
        4.49563968336e-08, 4.62887864029e-08, 4.75707945735e-08, 4.88083237257e-08,
        5.00063025384e-08, 5.11688950428e-08, 5.22996558616e-08, 5.34016475624e-08,
        5.44775307871e-08, 5.55296344581e-08, 5.65600111659e-08, 5.75704813695e-08,
        5.85626690412e-08, 5.95380306862e-08, 6.04978791776e-08, 6.14434034901e-08,
        6.23756851626e-08, 6.32957121259e-08, 6.42043903937e-08, 6.51025540077e-08,
        6.59909735447e-08, 6.68703634341e-08, 6.77413882848e-08, 6.8604668381e-08,
        6.94607844804e-08, 7.03102820203e-08, 7.11536748229e-08, 7.1991448372e-08,
        7.2824062723e-08, 7.36519550992e-08, 7.44755422158e-08, 7.52952223703e-08,
        7.61113773308e-08, 7.69243740467e-08, 7.77345662086e-08, 7.85422956743e-08,
        7.93478937793e-08, 8.01516825471e-08, 8.09539758128e-08, 8.17550802699e-08,
        8.25552964535e-08, 8.33549196661e-08, 8.41542408569e-08, 8.49535474601e-08,
        8.57531242006e-08, 8.65532538723e-08, 8.73542180955e-08, 8.8156298059e-08,
        8.89597752521e-08, 8.97649321908e-08, 9.05720531451e-08, 9.138142487e-08,
        9.21933373471e-08, 9.30080845407e-08, 9.38259651738e-08, 9.46472835298e-08,
        9.54723502847e-08, 9.63014833769e-08, 9.71350089201e-08, 9.79732621669e-08,
        9.88165885297e-08, 9.96653446693e-08, 1.00519899658e-07, 1.0138063623e-07,
        1.02247952126e-07, 1.03122261554e-07, 1.04003996769e-07, 1.04893609795e-07,
        1.05791574313e-07, 1.06698387725e-07, 1.07614573423e-07, 1.08540683296e-07,
        1.09477300508e-07, 1.1042504257e-07, 1.11384564771e-07, 1.12356564007e-07,
        1.13341783071e-07, 1.14341015475e-07, 1.15355110887e-07, 1.16384981291e-07,
        1.17431607977e-07, 1.18496049514e-07, 1.19579450872e-07, 1.20683053909e-07,
        1.21808209468e-07, 1.2295639141e-07, 1.24129212952e-07, 1.25328445797e-07,
        1.26556042658e-07, 1.27814163916e-07, 1.29105209375e-07, 1.30431856341e-07,
        1.31797105598e-07, 1.3320433736e-07, 1.34657379914e-07, 1.36160594606e-07,
        1.37718982103e-07, 1.39338316679e-07, 1.41025317971e-07, 1.42787873535e-07,
        1.44635331499e-07, 1.4657889173e-07, 1.48632138436e-07, 1.50811780719e-07,
        1.53138707402e-07, 1.55639532047e-07, 1.58348931426e-07, 1.61313325908e-07,
        1.64596952856e-07, 1.68292495203e-07, 1.72541128694e-07, 1.77574279496e-07,
        1.83813550477e-07, 1.92166040885e-07, 2.05295471952e-07, 2.22600839893e-07,
    ]

    /// GSL's `ytab`: the heights of the levels.
    static let heights: [Double] = [
        1, 0.963598623011, 0.936280813353, 0.913041104253,
        0.892278506696, 0.873239356919, 0.855496407634, 0.838778928349,
        0.822902083699, 0.807732738234, 0.793171045519, 0.779139726505,
        0.765577436082, 0.752434456248, 0.739669787677, 0.727249120285,
        0.715143377413, 0.703327646455, 0.691780377035, 0.68048276891,
        0.669418297233, 0.65857233912, 0.647931876189, 0.637485254896,
        0.62722199145, 0.617132611532, 0.607208517467, 0.597441877296,
        0.587825531465, 0.578352913803, 0.569017984198, 0.559815170911,
        0.550739320877, 0.541785656682, 0.532949739145, 0.524227434628,
        0.515614886373, 0.507108489253, 0.498704867478, 0.490400854812,
        0.482193476986, 0.47407993601, 0.466057596125, 0.458123971214,
        0.450276713467, 0.442513603171, 0.434832539473, 0.427231532022,
        0.419708693379, 0.41226223212, 0.404890446548, 0.397591718955,
        0.390364510382, 0.383207355816, 0.376118859788, 0.369097692334,
        0.362142585282, 0.355252328834, 0.348425768415, 0.341661801776,
        0.334959376311, 0.328317486588, 0.321735172063, 0.31521151497,
        0.308745638367, 0.302336704338, 0.29598391232, 0.289686497571,
        0.283443729739, 0.27725491156, 0.271119377649, 0.265036493387,
        0.259005653912, 0.253026283183, 0.247097833139, 0.241219782932,
        0.235391638239, 0.229612930649, 0.223883217122, 0.218202079518,
        0.212569124201, 0.206983981709, 0.201446306496, 0.195955776745,
        0.190512094256, 0.185114984406, 0.179764196185, 0.174459502324,
        0.169200699492, 0.1639876086, 0.158820075195, 0.153697969964,
        0.148621189348, 0.143589656295, 0.138603321143, 0.133662162669,
        0.128766189309, 0.123915440582, 0.119109988745, 0.114349940703,
        0.10963544023, 0.104966670533, 0.100343857232, 0.0957672718266,
        0.0912372357329, 0.0867541250127, 0.082318375932, 0.0779304915295,
        0.0735910494266, 0.0693007111742, 0.065060233529, 0.0608704821745,
        0.056732448584, 0.05264727098, 0.0486162607163, 0.0446409359769,
        0.0407230655415, 0.0368647267386, 0.0330683839378, 0.0293369977411,
        0.0256741818288, 0.0220844372634, 0.0185735200577, 0.0151490552854,
        0.0118216532614, 0.00860719483079, 0.00553245272614, 0.00265435214565,
    ]
}
