import Foundation
import Testing
@testable import GSLSupport
@testable import HVNetNoise

@Suite("Exact Ornstein–Uhlenbeck transition")
struct OUTransitionTests {
    /// Composing two exact transitions over h/2 must give the transition over h (Chapman–
    /// Kolmogorov): same mean map and the same covariance, which tests the closed form of
    /// Var I⁺ and Cov(x⁺, I⁺) on both sides of the series switch at h/τ = 0.1.
    @Test("Two half steps compose to one full step", arguments: [1e-4, 0.01, 0.15, 0.3, 2.0, 10.0])
    func semigroup(ratio: Double) {
        let tau = 5.0, sigma = 1.7
        let full = OUTransition(h: ratio * tau, tau: tau, sigma: sigma)
        let half = OUTransition(h: ratio * tau / 2, tau: tau, sigma: sigma)
        let (hxx, hxi, hii) = half.covariance
        let m = half.decay, c = half.integralDecay
        let xx = m * m * hxx + hxx
        let xi = m * (hxi + c * hxx) + hxi
        let ii = hii + c * c * hxx + 2 * c * hxi + hii
        let (fxx, fxi, fii) = full.covariance
        #expect(abs(xx - fxx) <= 1e-12 * fxx)
        #expect(abs(xi - fxi) <= 1e-11 * fxi)
        #expect(abs(ii - fii) <= 1e-10 * fii, "Var I: composed \(ii), closed form \(fii)")
        #expect(abs(c * (1 + m) - full.integralDecay) <= 1e-13 * full.integralDecay)
    }

    @Test("Small steps: Var I⁺ ≈ (2/3) σ² h³/τ, Cov ≈ σ² h²/τ")
    func smallStepLimit() {
        let h = 1e-4, tau = 5.0, sigma = 2.0
        let t = OUTransition(h: h, tau: tau, sigma: sigma)
        #expect(abs(t.covariance.ii / (2.0 / 3 * sigma * sigma * h * h * h / tau) - 1) < 1e-4)
        #expect(abs(t.covariance.xi / (sigma * sigma * h * h / tau) - 1) < 1e-4)
    }

    @Test("The series and the direct formula agree where both are accurate")
    func seriesMatchesDirect() {
        for u in [0.05, 0.09, 0.0999] {
            let direct = 2 * u - 3 + 4 * exp(-u) - exp(-2 * u)
            #expect(abs(OUTransition.integralVarianceFactor(u) - direct) <= 1e-10 * direct)
        }
    }

    @Test("GSL's mt19937 gives GSL's own test value (seed 4357, 1000th draw = 1186927261, rng/test.c)")
    func generatorMatchesGSL() {
        let stream = RandomStream(type: .mt19937, seed: 4357)
        var k: UInt = 0
        for _ in 0..<1000 { k = stream.nextInteger() }
        #expect(k == 1_186_927_261)
    }

    @Test("Derived seeds differ across trials, sources and purposes")
    func seedDerivation() {
        let seeds = (0..<4).flatMap { trial in (0..<50).map { SeedDerivation.noise(scenarioSeed: 7, trial: trial, source: $0) } }
        #expect(Set(seeds).count == seeds.count)
        #expect(SeedDerivation.seed(7, SeedDerivation.Purpose.connectivity.rawValue, 0) != SeedDerivation.noise(scenarioSeed: 7, trial: 0, source: 0))
    }
}
