import Testing
@testable import GSLSupport

/// The Swift MT19937 and ziggurat against GSL's own C functions (the same stream type built with
/// `useGSL: true`), bit for bit. Seeds: 0 (GSL's default 4357), 1, 4357, the largest and the
/// smallest seed beyond 32 bits (GSL keeps the low 32 bits), and a full 64-bit seed.
@Suite("Random streams: Swift MT19937 and ziggurat equal GSL's")
struct RandomStreamTests {
    static let seeds: [UInt64] = [0, 1, 4357, (1 << 32) - 1, 1 << 32, 0x9e37_79b9_7f4a_7c15]
    static let draws = 10_000

    static func pair(_ seed: UInt64) -> (swift: RandomStream, gsl: RandomStream) {
        (RandomStream(type: .mt19937, seed: seed), RandomStream(type: .mt19937, seed: seed, useGSL: true))
    }

    @Test("The streams under test run in Swift and the references in GSL")
    func pathsDiffer() {
        let (swift, gsl) = Self.pair(1)
        #expect(swift.native)
        #expect(!gsl.native)
        #expect(!RandomStream(type: .taus2, seed: 1).native)
    }

    @Test("Raw integers equal gsl_rng_get", arguments: seeds)
    func integers(seed: UInt64) {
        let (swift, gsl) = Self.pair(seed)
        var mismatches = 0
        for _ in 0..<Self.draws where swift.nextInteger() != gsl.nextInteger() { mismatches += 1 }
        #expect(mismatches == 0)
    }

    /// GSL's own check value (GSL 2.7, `rng/test.c`: `rng_test (gsl_rng_mt19937, 4357, 1000,
    /// 1186927261)`): the 1000th output at seed 4357.
    @Test("The 1000th integer at seed 4357 is GSL's test value 1186927261")
    func publishedValue() {
        let stream = RandomStream(type: .mt19937, seed: 4357)
        var k: UInt = 0
        for _ in 0..<1000 { k = stream.nextInteger() }
        #expect(k == 1_186_927_261)
    }

    @Test("Uniforms equal gsl_rng_uniform", arguments: seeds)
    func uniforms(seed: UInt64) {
        let (swift, gsl) = Self.pair(seed)
        var mismatches = 0
        for _ in 0..<Self.draws where swift.uniform().bitPattern != gsl.uniform().bitPattern { mismatches += 1 }
        #expect(mismatches == 0)
    }

    @Test("Gaussians equal gsl_ran_gaussian_ziggurat", arguments: seeds)
    func gaussians(seed: UInt64) {
        let (swift, gsl) = Self.pair(seed)
        var mismatches = 0
        for _ in 0..<Self.draws where swift.gaussian().bitPattern != gsl.gaussian().bitPattern { mismatches += 1 }
        #expect(mismatches == 0)
        // Both consumed the same number of words.
        #expect(swift.nextInteger() == gsl.nextInteger())
    }

    @Test("integer(below:) equals gsl_rng_uniform_int", arguments: seeds)
    func integersBelow(seed: UInt64) {
        let (swift, gsl) = Self.pair(seed)
        // Small, odd, and large bounds: the large ones reject up to half the words.
        let bounds = [1, 2, 3, 7, 10, 1000, 65_537, 1 << 31, (1 << 31) + 1, 3_000_000_000, 0xffff_ffff]
        var mismatches = 0
        for n in 0..<Self.draws {
            let bound = bounds[n % bounds.count]
            if swift.integer(below: bound) != gsl.integer(below: bound) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(swift.nextInteger() == gsl.nextInteger())
    }

    @Test("integer(below:) outside 1...2³²−1 gives 0 and draws nothing, as GSL with its error handler off")
    func integerBelowOutOfRange() {
        let (swift, gsl) = Self.pair(7)
        for n in [0, -5, 1 << 32, Int.max] { #expect(swift.integer(below: n) == 0) }
        for n in [0, 1 << 32, Int.max] { #expect(gsl.integer(below: n) == 0) }
        #expect(swift.nextInteger() == gsl.nextInteger())
    }

    /// The tail (i = 127) is entered with probability (1/128)(1 − 15472926/2²⁴) ≈ 6·10⁻⁴ per try,
    /// so 200 000 variates expect about 120 tail tries (129 at this seed); a wedge or tail point
    /// is rejected about once in 80 variates (2463 times at this seed). At least 20 of each is far
    /// below either mean (Poisson, more than 8 SD).
    @Test("The tail and the wedge rejections run and equal GSL's")
    func rareBranches() {
        let (swift, gsl) = Self.pair(12345)
        var mismatches = 0
        for _ in 0..<200_000 where swift.gaussian().bitPattern != gsl.gaussian().bitPattern { mismatches += 1 }
        #expect(mismatches == 0)
        #expect(swift.tailTries >= 20, "tail tries: \(swift.tailTries)")
        #expect(swift.rejections >= 20, "rejections: \(swift.rejections)")
        #expect(swift.nextInteger() == gsl.nextInteger())
    }

    @Test("gaussians(into:count:) equals repeated gaussian(), across regenerations and rare paths", arguments: [GeneratorType.mt19937, .taus2])
    func block(type: GeneratorType) {
        let one = RandomStream(type: type, seed: 99), block = RandomStream(type: type, seed: 99)
        // Chunks that end before, at and after the 624-word regeneration, and a long one.
        let counts = [0, 1, 622, 1, 624, 625, 3, 50_000]
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 50_000)
        defer { buffer.deallocate() }
        var mismatches = 0
        for count in counts {
            block.gaussians(into: buffer, count: count)
            for n in 0..<count where one.gaussian().bitPattern != buffer[n].bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
        if type == .mt19937 { #expect(block.tailTries > 0 && block.rejections > 0) }
        #expect(one.nextInteger() == block.nextInteger())
    }

    @Test("reset() replays the stream", arguments: [GeneratorType.mt19937, .taus2])
    func reset(type: GeneratorType) {
        let stream = RandomStream(type: type, seed: 2024)
        let first = (0..<1000).map { _ in stream.gaussian() } + (0..<1000).map { _ in stream.uniform() }
        stream.reset()
        let again = (0..<1000).map { _ in stream.gaussian() } + (0..<1000).map { _ in stream.uniform() }
        #expect(first.map(\.bitPattern) == again.map(\.bitPattern))
    }
}
