import Foundation
import Testing
@testable import HVNet

@Suite("Network right-hand side")
struct NetworkEvaluatorTests {
    /// A straightforward transcription of MODEL.md §4–5, the reference for the evaluator.
    static func referenceDerivative(_ model: NetworkModel, state: [Double], pulseAmpa: [Double] = []) -> [Double] {
        let n = model.cellCount
        func open(_ c: SynapticCoupling, _ i: Int) -> Double {
            c.weights.entries.filter { $0.row == i }.reduce(0) { sum, e in
                sum + e.value * logistic(c.gain * (state[e.column] - c.halfActivation))
            }
        }
        var out = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            let cell = model.cells[i], y = state[i], w = state[n + i]
            let pulse = pulseAmpa.isEmpty ? 0 : pulseAmpa[i]
            out[i] = cell.membraneDerivative(y: y, w: w, ampaOpen: open(model.ampa, i) + pulse, gabaAOpen: open(model.gabaA, i), input: 0)
            out[n + i] = cell.gating.potassiumDerivative(y: y, w: w)
        }
        return out
    }

    static func pairModel(rectification: Double = 0.5, exponent: Double = 1) -> NetworkModel {
        var p = CellParameters()
        p.ampa.units = 10
        p.nat.rectification = rectification
        p.kadExponent = exponent
        let cells = [p.normalized(), p.normalized()]
        return NetworkModel(
            cells: cells,
            ampa: SynapticCoupling(weights: SparseMatrix(dense: [[0, 12], [7, 0]]), halfActivation: -20 / 26.7),
            gabaA: SynapticCoupling(weights: SparseMatrix(dense: [[0, 0], [30, 0]]), halfActivation: -20 / 26.7),
            stimuli: [Stimulus(kind: .pulse(receptor: .ampa, activation: 0.5), cells: [1], windowsMs: [1...2])])
    }

    /// Three evaluation paths: vectorised (r = 1/2, half-integer gains, κ = 1), shared exponential
    /// (r = 1/2, κ = 2) and general (r = 0.4).
    @Test("Every evaluation path matches the reference to 1e-12", arguments: [(0.5, 1.0), (0.5, 2.0), (0.4, 1.0)])
    func matchesReference(rectification: Double, exponent: Double) {
        let model = Self.pairModel(rectification: rectification, exponent: exponent)
        #expect(model.usesSharedExponential == (rectification == 0.5))
        #expect((model.vectorized != nil) == (rectification == 0.5 && exponent == 1))
        let evaluator = NetworkEvaluator(model: model)
        evaluator.beginSegment(from: 1, to: 2)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let state = [Double.random(in: -4...2, using: &generator), Double.random(in: -4...2, using: &generator),
                         Double.random(in: 1e-4...0.9, using: &generator), Double.random(in: 1e-4...0.9, using: &generator)]
            var out = [Double](repeating: 0, count: 4)
            evaluator.evaluate(t: 1.5, state: state, into: &out)
            let expected = Self.referenceDerivative(model, state: state, pulseAmpa: [0, 5])
            for k in 0..<4 {
                #expect(abs(out[k] - expected[k]) <= 1e-12 * max(abs(expected[k]), 1e-3), "component \(k) at \(state)")
            }
        }
    }

    @Test("Inputs switch only at segment boundaries")
    func segmentInputs() {
        let model = Self.pairModel()
        let evaluator = NetworkEvaluator(model: model)
        let state = [-2.6, -2.6, 1e-4, 1e-4]
        var inside = [Double](repeating: 0, count: 4), outside = inside
        evaluator.beginSegment(from: 1, to: 2)
        evaluator.evaluate(t: 2, state: state, into: &inside)  // the left limit at 2 ms keeps the pulse
        evaluator.beginSegment(from: 2, to: 5)
        evaluator.evaluate(t: 2, state: state, into: &outside)
        #expect(inside[1] > outside[1])
        #expect(inside[0] == outside[0])
        #expect(model.breakpoints(before: 10) == [1, 2])
        #expect(model.breakpoints(before: 1.5) == [1])
    }

    @Test("CSR product equals the dense product")
    func sparseProduct() {
        let dense: [[Double]] = [[0, 2, 0, 1], [0, 0, 0, 0], [3, 0, 0, 5]]
        let m = SparseMatrix(dense: dense)
        #expect(m.nonzeroCount == 4)
        let x = [1.0, 10, 100, 1000]
        var y = [Double](repeating: -1, count: 3)
        m.multiply(x, into: &y)
        #expect(y == [1020, 0, 5003])
    }
}
