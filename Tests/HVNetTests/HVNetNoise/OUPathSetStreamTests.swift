import Testing
@testable import GSLSupport
@testable import HVNetNoise

/// The block generation of ``OUPathSet`` (all of a block's variates of a stream at once) against
/// the exact OU recursion fed one variate at a time by GSL's own C generator: the path must be the
/// same bit for bit, x alone and with the integral (the shifted and interpolating modes).
@Suite("OU paths drawn in blocks equal the recursion on GSL's variates")
struct OUPathSetStreamTests {
    static let taus = [3.0, 7.0]
    static let grid = 0.1
    static let blockLength = 64
    /// Three and a half blocks, so that blocks follow one another and the query ends inside one.
    static let points = 224

    static func seeds(_ j: Int) -> (UInt64, UInt64) {
        (SeedDerivation.noise(scenarioSeed: 5, trial: 0, source: j), SeedDerivation.noiseIntegral(scenarioSeed: 5, trial: 0, source: j))
    }

    static func pathSet() -> OUPathSet {
        OUPathSet(
            taus: taus, grid: grid,
            streams: taus.indices.map { RandomStream(type: .mt19937, seed: seeds($0).0) },
            integralStreams: taus.indices.map { RandomStream(type: .mt19937, seed: seeds($0).1) },
            blockLength: blockLength)
    }

    @Test("x alone equals x₀, x_{k+1} = e^(−δ/τ) x_k + σ_x Z₁ on GSL's variates")
    func xAlone() {
        let set = Self.pathSet()
        var got = [Double](repeating: 0, count: Self.taus.count)
        var mismatches = 0
        for (j, tau) in Self.taus.enumerated() {
            let stream = RandomStream(type: .mt19937, seed: Self.seeds(j).0, useGSL: true)
            let transition = OUTransition(h: Self.grid, tau: tau)
            var x = stream.gaussian()
            for k in 0...Self.points {
                set.values(at: Double(k) * Self.grid, x: &got, integral: nil)
                if got[j].bitPattern != x.bitPattern { mismatches += 1 }
                x = transition.advanceX(x, z1: stream.gaussian())
            }
        }
        #expect(!set.computesIntegrals)
        #expect(mismatches == 0)
    }

    @Test("(x, I) equals the exact transition on GSL's Z₁ and Z₂")
    func withIntegral() {
        let set = Self.pathSet()
        var gotX = [Double](repeating: 0, count: Self.taus.count), gotI = gotX
        var mismatches = 0
        for (j, tau) in Self.taus.enumerated() {
            let stream = RandomStream(type: .mt19937, seed: Self.seeds(j).0, useGSL: true)
            let integralStream = RandomStream(type: .mt19937, seed: Self.seeds(j).1, useGSL: true)
            let transition = OUTransition(h: Self.grid, tau: tau)
            var x = stream.gaussian(), integral = 0.0
            for k in 0...Self.points {
                set.values(at: Double(k) * Self.grid, x: &gotX, integral: &gotI)
                if gotX[j].bitPattern != x.bitPattern || gotI[j].bitPattern != integral.bitPattern { mismatches += 1 }
                (x, integral) = transition.advance(x: x, integral: integral, z1: stream.gaussian(), z2: integralStream.gaussian())
            }
        }
        #expect(set.computesIntegrals)
        #expect(mismatches == 0)
    }
}
