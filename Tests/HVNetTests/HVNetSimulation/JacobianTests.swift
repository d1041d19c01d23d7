import Foundation
import Testing
@testable import HVNetNoise
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

@Suite("Analytic Jacobian")
struct JacobianTests {
    /// A coupled noisy pair with AMPA kinetics and instantaneous GABA-A.
    static func evaluator(_ mode: NoiseIntegration, kinetic: Bool) throws -> (NetworkEvaluator, Scenario) {
        var s = try shippedScenario("pair-e-to-i.yaml")
        if kinetic { s.ampaSynapse.tauMs = 2 }
        s.noise.gridMs = 0.01
        let network = s.makeNetwork()
        let noiseModel = s.noiseModel!
        let noise = NoiseRealisation(model: noiseModel, scenarioSeed: 3, trial: 0)
        return (NetworkEvaluator(model: network, noiseModel: noiseModel, noise: noise, noiseIntegration: mode), s)
    }

    @Test("∂f/∂y and ∂f/∂t match central differences", arguments: [(NoiseIntegration.plain, false), (.shifted, false), (.plain, true), (.shifted, true)])
    func finiteDifferences(_ mode: NoiseIntegration, _ kinetic: Bool) throws {
        let (e, _) = try Self.evaluator(mode, kinetic: kinetic)
        let dim = e.dimension
        e.beginSegment(from: 0, to: 100)
        e.beginStep(at: 10)
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<20 {
            var state = (0..<dim).map { k -> Double in
                k < 2 ? Double.random(in: -3...1, using: &generator) : Double.random(in: 0.01...0.5, using: &generator)
            }
            let t = 10.0 + 0.003  // inside a grid interval of the noise (δ = 0.01 ms)
            var dfdy = [Double](repeating: 0, count: dim * dim), dfdt = [Double](repeating: 0, count: dim)
            #expect(e.jacobian(t: t, state: state, dfdy: &dfdy, dfdt: &dfdt))
            var plus = [Double](repeating: 0, count: dim), minus = plus
            for col in 0..<dim {
                let h = 1e-6 * max(1, abs(state[col]))
                let saved = state[col]
                state[col] = saved + h
                e.evaluate(t: t, state: state, into: &plus)
                state[col] = saved - h
                e.evaluate(t: t, state: state, into: &minus)
                state[col] = saved
                for row in 0..<dim {
                    let fd = (plus[row] - minus[row]) / (2 * h)
                    #expect(abs(dfdy[row * dim + col] - fd) <= 1e-6 * max(1, abs(fd)), "∂f\(row)/∂y\(col): \(dfdy[row * dim + col]) vs \(fd)")
                }
            }
            let ht = 1e-6
            e.evaluate(t: t + ht, state: state, into: &plus)
            e.evaluate(t: t - ht, state: state, into: &minus)
            for row in 0..<dim {
                let fd = (plus[row] - minus[row]) / (2 * ht)
                #expect(abs(dfdt[row] - fd) <= 1e-5 * max(1, abs(fd)), "∂f\(row)/∂t: \(dfdt[row]) vs \(fd)")
            }
        }
    }
}
