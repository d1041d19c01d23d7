import Foundation
import Testing
@testable import GSLSupport
@testable import HVNetNoise

/// Statistical checks of the sampled paths at fixed seeds. Tolerances are four standard errors of
/// the estimator for an OU process observed over T with correlation time τ:
/// SE(mean) = σ√(2τ/T), SE(variance) and SE(autocovariance) ≤ σ²√(2τ/T) (Bartlett).
@Suite("Ornstein–Uhlenbeck noise paths")
struct OUPathTests {
    static func path(seed: UInt64 = 11, tau: Double = 5, grid: Double = 0.05, blockLength: Int = 512) -> OUPath {
        OUPath(tau: tau, grid: grid, stream: RandomStream(type: .mt19937, seed: seed),
               integralStream: RandomStream(type: .mt19937, seed: SeedDerivation.mix(seed)), blockLength: blockLength)
    }

    /// x on the grid every `every` points, from one long path.
    static func samples(_ path: OUPath, duration: Double, every: Int = 1) -> [Double] {
        let n = Int(duration / path.grid)
        return stride(from: 0, through: n, by: every).map { path.value(interval: $0, fraction: 0).x }
    }

    @Test("Stationary mean 0, SD 1 and autocovariance e^(−lag/τ) at lags across block edges")
    func momentsAndAutocovariance() {
        let tau = 5.0, duration = 40_000.0, grid = 0.05
        let p = Self.path(tau: tau, grid: grid, blockLength: 512)
        let x = Self.samples(p, duration: duration)
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let se = (2 * tau / duration).squareRoot()
        #expect(abs(mean) < 4 * se, "mean \(mean)")
        #expect(abs(variance - 1) < 4 * se, "variance \(variance)")
        // 25.6 ms is exactly one block (512 × 0.05 ms): every pair straddles a block edge.
        for lag in [0.05, 1, 5, 10, 25.6] {
            let k = Int((lag / grid).rounded())
            var sum = 0.0
            for i in 0..<(x.count - k) { sum += (x[i] - mean) * (x[i + k] - mean) }
            let covariance = sum / Double(x.count - k)
            #expect(abs(covariance - exp(-lag / tau)) < 4 * se, "lag \(lag): \(covariance) vs \(exp(-lag / tau))")
        }
    }

    /// Kolmogorov–Smirnov against N(0, 1) on samples 50 ms = 10τ apart (correlation e⁻¹⁰), pooled
    /// from 8 independent sources; critical value at α = 0.001: 1.95/√n.
    @Test("Stationary distribution passes a Kolmogorov–Smirnov test against N(0, 1)")
    func kolmogorovSmirnov() {
        var x: [Double] = []
        for source in 0..<8 {
            let p = Self.path(seed: SeedDerivation.noise(scenarioSeed: 3, trial: 0, source: source), grid: 0.5)
            x += Self.samples(p, duration: 25_000, every: 100)
        }
        x.sort()
        let n = Double(x.count)
        var d = 0.0
        for (i, v) in x.enumerated() {
            let cdf = 0.5 * erfc(-v / 2.0.squareRoot())
            d = max(d, abs(cdf - Double(i) / n), abs(Double(i + 1) / n - cdf))
        }
        #expect(d < 1.95 / n.squareRoot(), "D = \(d), n = \(x.count)")
    }

    /// I(t) from a stationary start: E I = 0, Var I(t) = 2τ²(t/τ − 1 + e^{−t/τ}); over 2000
    /// independent sources SE(mean) = √(Var/n), SE(variance) = Var √(2/n).
    @Test("The integral I(t) has mean 0 and variance 2τ²(t/τ − 1 + e^(−t/τ))")
    func integralMoments() {
        let tau = 5.0, t = 50.0, n = 2000
        let values = (0..<n).map { source -> Double in
            Self.path(seed: SeedDerivation.noise(scenarioSeed: 5, trial: 0, source: source), tau: tau, grid: 0.5).value(at: t).integral
        }
        let expected = 2 * tau * tau * (t / tau - 1 + exp(-t / tau))
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 4 * (expected / Double(n)).squareRoot(), "mean \(mean)")
        #expect(abs(variance - expected) < 4 * expected * (2 / Double(n)).squareRoot(), "variance \(variance) vs \(expected)")
    }

    @Test("Shared fraction c gives lag-0 correlation c between two cells")
    func sharedCorrelation() {
        let c = 0.5, tau = 5.0, duration = 100_000.0
        let model = NoiseModel(
            populationSizes: [2], parameters: [OUNoiseParameters(meanPA: 0, sdPA: 534, tauMs: tau, sharedFraction: c)],
            currentScalePA: [534, 534], generator: .mt19937, gridMs: 0.1)
        let noise = NoiseRealisation(model: model, scenarioSeed: 21, trial: 0)
        var a: [Double] = [], b: [Double] = []
        var eta = [0.0, 0.0]
        for k in 0...Int(duration / 0.5) {
            noise.evaluate(at: Double(k) * 0.5, fluctuation: &eta, integral: nil)
            a.append(eta[0])
            b.append(eta[1])
        }
        func correlation(_ u: [Double], _ v: [Double]) -> Double {
            let mu = u.reduce(0, +) / Double(u.count), mv = v.reduce(0, +) / Double(v.count)
            var suv = 0.0, suu = 0.0, svv = 0.0
            for (p, q) in zip(u, v) { suv += (p - mu) * (q - mv); suu += (p - mu) * (p - mu); svv += (q - mv) * (q - mv) }
            return suv / (suu * svv).squareRoot()
        }
        let r = correlation(a, b)
        #expect(abs(r - c) < 4 * (2 * tau / duration).squareRoot(), "correlation \(r)")
        let sd = (a.reduce(0) { $0 + $1 * $1 } / Double(a.count)).squareRoot()
        #expect(abs(sd - 1) < 4 * (2 * tau / duration).squareRoot(), "SD of η in 1/ms: \(sd) (σ = 534 pA = 1/ms)")
    }

    @Test("The path is a pure function of t: shuffled queries and other step sizes give identical values")
    func pureFunctionOfTime() {
        let times = (0..<3000).map { Double($0) * 0.0137 }
        let forward = Self.path(blockLength: 64)
        let inOrder = times.map { forward.value(at: $0) }
        var generator = SeededGenerator(seed: 1)
        let shuffled = times.indices.shuffled(using: &generator)
        let other = Self.path(blockLength: 64)
        var values = [(x: Double, integral: Double)](repeating: (0, 0), count: times.count)
        for i in shuffled { values[i] = other.value(at: times[i]) }
        for i in times.indices {
            #expect(values[i].x == inOrder[i].x && values[i].integral == inOrder[i].integral, "t = \(times[i])")
        }
        // A caller stepping by 0.01 ms and one stepping by 0.25 ms agree exactly where they meet.
        let fine = Self.path(blockLength: 64), coarse = Self.path(blockLength: 64)
        var fineValues: [Int: (Double, Double)] = [:]
        for k in 0...4000 { let v = fine.value(at: Double(k) * 0.01); if k % 25 == 0 { fineValues[k / 25] = v } }
        for j in 0...160 {
            let v = coarse.value(at: Double(j) * 0.25)
            #expect(v.x == fineValues[j]!.0 && v.integral == fineValues[j]!.1)
        }
    }

    @Test("x does not depend on whether I is computed; I switches on at the first query that needs it")
    func lazyIntegrals() {
        let grid = 0.05
        let eager = Self.path(grid: grid, blockLength: 64), lazy = Self.path(grid: grid, blockLength: 64)
        var seen: [Double] = []
        for k in 0...1000 {  // grid points only, x only: no integrals drawn
            var x = 0.0
            lazy.paths.values(at: Double(k) * grid, x: &x, integral: nil)
            seen.append(x)
        }
        #expect(!lazy.paths.computesIntegrals)
        let late = lazy.value(at: 40.0137)  // between grid points: switches I on and replays
        #expect(lazy.paths.computesIntegrals)
        let expected = eager.value(at: 40.0137)
        #expect(late.x == expected.x && late.integral == expected.integral)
        for k in stride(from: 0, through: 1000, by: 7) {
            let v = eager.value(interval: k, fraction: 0), w = lazy.value(interval: k, fraction: 0)
            #expect(v.x == seen[k] && w.x == seen[k] && v.integral == w.integral, "k = \(k)")
        }
    }

    @Test("Between grid points x is the derivative of the Hermite interpolant of I, continuous at grid points")
    func interpolation() {
        let p = Self.path(grid: 0.1)
        let k = 37
        let left = p.value(interval: k, fraction: 0), right = p.value(interval: k + 1, fraction: 0)
        let justBefore = p.value(interval: k, fraction: 1 - 1e-7)
        #expect(abs(justBefore.x - right.x) < 1e-5)
        #expect(abs(justBefore.integral - right.integral) < 1e-8)
        let mid = p.value(interval: k, fraction: 0.5)
        #expect(abs(mid.integral - (0.5 * (left.integral + right.integral) + 0.1 / 8 * (left.x - right.x))) < 1e-12)
    }
}
