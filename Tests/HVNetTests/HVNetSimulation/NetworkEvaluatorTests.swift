import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetSimulation
@testable import Numerics

@Suite("Network right-hand side")
struct NetworkEvaluatorTests {
    /// A straightforward transcription of docs/model.md §4–5, the reference for the evaluator.
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
        var generator = SeededGenerator(seed: 1)
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

    /// Seven cells with their own densities and a random coupling: the vectorised path runs two
    /// blocks of four, the second with one padding lane, and the sliced product a partial slice.
    @Test("The vectorised path matches the reference for 7 heterogeneous cells over −100…+60 mV")
    func heterogeneousCells() {
        var generator = SeededGenerator(seed: 7)
        let cells = (0..<7).map { k -> NormalizedCell in
            var p = CellParameters()
            p.nat.units = 1400 + 150 * Double(k)
            p.kad.units = 4500 - 200 * Double(k)
            p.ampa.units = Double(k)
            p.gabaA.units = 2 * Double(k)
            return p.normalized()
        }
        func coupling(_ p: Double) -> SynapticCoupling {
            let dense = (0..<7).map { i in (0..<7).map { j in i != j && Double.random(in: 0..<1, using: &generator) < p ? Double.random(in: 1...30, using: &generator) : 0 } }
            return SynapticCoupling(weights: SparseMatrix(dense: dense), halfActivation: -20 / 26.7)
        }
        let model = NetworkModel(cells: cells, ampa: coupling(0.5), gabaA: coupling(0.3), stimuli: [])
        #expect(model.vectorized != nil)
        let evaluator = NetworkEvaluator(model: model)
        evaluator.beginSegment(from: 0, to: 10)
        for _ in 0..<200 {
            // y from −100 to +60 mV (v_T = 26.7 mV), w over (0, 1).
            let state = (0..<7).map { _ in Double.random(in: (-100 / 26.7)...(60 / 26.7), using: &generator) }
                + (0..<7).map { _ in Double.random(in: 1e-4...0.999, using: &generator) }
            var out = [Double](repeating: 0, count: 14)
            evaluator.evaluate(t: 1, state: state, into: &out)
            let expected = Self.referenceDerivative(model, state: state)
            for k in 0..<14 {
                #expect(abs(out[k] - expected[k]) <= 1e-12 * max(abs(expected[k]), 1e-3), "component \(k) at \(state)")
            }
        }
    }

    @Test("The sliced product sums each row in CSR order, with empty rows 0 even next to a NaN")
    func slicedProduct() {
        var generator = SeededGenerator(seed: 3)
        // 11 rows (a partial last slice), rows of 0 to 8 entries, some empty.
        let dense = (0..<11).map { i -> [Double] in
            let length = i % 4 == 1 ? 0 : Int.random(in: 1...8, using: &generator)
            let columns = Set((0..<length).map { _ in Int.random(in: 1..<13, using: &generator) })
            return (0..<13).map { columns.contains($0) ? Double.random(in: -3...3, using: &generator) : 0 }
        }
        let m = SparseMatrix(dense: dense)
        var x = (0..<13).map { _ in Double.random(in: -10...10, using: &generator) }
        x[0] = .nan  // no row has column 0; empty rows must not pick it up
        var y = [Double](repeating: -1, count: 11)
        m.multiplySliced(x, into: &y)
        let csr = Self.csrSums(m, x)
        for i in 0..<11 {
            let sum = csr[i]
            #expect(y[i] == sum, "row \(i)")
        }
        #expect(y[1] == 0 && y[5] == 0 && y[9] == 0)
    }

    /// 37 rows: one tile of 32 rows, a block of four and a partial block of one; 30 % of the
    /// entries of the 19 non-empty columns set (channel counts), so the dense form is chosen.
    @Test("The dense product sums each row in column order, equal to the CSR sum bit for bit")
    func denseProduct() {
        var generator = SeededGenerator(seed: 5)
        let dense = (0..<37).map { _ in
            (0..<23).map { j in j % 6 != 2 && Double.random(in: 0..<1, using: &generator) < 0.3 ? Double(Int.random(in: 1...60, using: &generator)) : 0 }
        }
        let m = SparseMatrix(dense: dense)
        #expect(m.usesDenseProduct)
        var x = (0..<23).map { _ in Double.random(in: 0..<1, using: &generator) }
        x[2] = .nan  // an empty column is left out of the dense form
        var y = [Double](repeating: -1, count: 37)
        m.multiplyDense(x, into: &y)
        let csr = Self.csrSums(m, x)
        for i in 0..<37 {
            let sum = csr[i]
            #expect(y[i] == sum, "row \(i)")
        }
    }

    @Test("A NaN in a used column reaches only the rows that hold it, also where the dense form is chosen")
    func denseProductWithNaN() {
        var generator = SeededGenerator(seed: 7)
        // Unequal channel counts per column: the plain dense form (not the masked one).
        let dense = (0..<37).map { _ in
            (0..<23).map { _ in Double.random(in: 0..<1, using: &generator) < 0.3 ? Double(Int.random(in: 1...60, using: &generator)) : 0 }
        }
        let m = SparseMatrix(dense: dense)
        #expect(m.usesDenseProduct && !m.usesMaskedProduct)
        var x = (0..<23).map { _ in Double.random(in: 0..<1, using: &generator) }
        x[4] = .nan
        var y = [Double](repeating: -1, count: 37)
        m.multiply(x, into: &y)
        let csr = Self.csrSums(m, x)
        for i in 0..<37 {
            let sum = csr[i]
            #expect(y[i].bitPattern == sum.bitPattern || (y[i].isNaN && sum.isNaN), "row \(i)")
            #expect(y[i].isNaN == (dense[i][4] != 0), "row \(i)")
        }
    }

    @Test("The dense form is kept only where at least a tenth of the non-empty columns' entries are set")
    func denseChoice() {
        let sparse = (0..<40).map { i in (0..<40).map { j in j == (i * 7) % 40 ? 1.0 : 0 } }
        #expect(!SparseMatrix(dense: sparse).usesDenseProduct)
        let full = (0..<40).map { i in (0..<40).map { j in (i + j) % 5 == 0 ? 1.0 : 0 } }
        #expect(SparseMatrix(dense: full).usesDenseProduct)
    }

    /// The CSR product A x, each row summed in column order: the reference every product form must
    /// equal bit for bit.
    static func csrSums(_ m: SparseMatrix, _ x: [Double]) -> [Double] {
        (0..<m.rowCount).map { i in
            var sum = 0.0
            for k in m.rowStart[i]..<m.rowStart[i + 1] { sum += m.values[k] * x[m.columnIndex[k]] }
            return sum
        }
    }

    /// A dense enough 0/1 pattern with one value per column (`rows` × `columns`): every fifth
    /// column and every seventh row empty, the rest set with probability 0.4.
    static func uniformColumns(rows: Int, columns: Int, using generator: inout SeededGenerator) -> [[Double]] {
        let value = (0..<columns).map { _ in Double(Int.random(in: 1...60, using: &generator)) * 0.37 }
        return (0..<rows).map { i in
            (0..<columns).map { j in
                i % 7 != 3 && j % 5 != 1 && Double.random(in: 0..<1, using: &generator) < 0.4 ? value[j] : 0
            }
        }
    }

    /// Sizes around the 32-row tiles (36 rows: nine blocks in one pass), the blocks of four and the
    /// 128-column chunks (140, 300 and 129 columns); none a multiple of 4 but 100 × 80 (W100's AMPA
    /// shape), 36 × 140, 48 × 300 and 196 × 7; x in [0, 1) with zeros, and a NaN and an infinity in
    /// empty columns. On a CPU with AVX-512 both the four-row code and the AVX-512 kernel: 125, 230
    /// and 196 rows cover its passes of 96 and 32 rows and their last, partial block, 100 and 36
    /// rows the passes that take a last block of four along.
    @Test("The masked product equals the CSR sum bit for bit", arguments: [(1, 1), (5, 3), (37, 23), (67, 9), (100, 80), (101, 19), (36, 140), (48, 300), (70, 129), (125, 40), (230, 129), (196, 7)])
    func maskedProduct(shape: (rows: Int, columns: Int)) {
        var generator = SeededGenerator(seed: UInt64(11 + shape.rows * 131 + shape.columns))
        let dense = Self.uniformColumns(rows: shape.rows, columns: shape.columns, using: &generator)
        let m = SparseMatrix(dense: dense)
        #expect(m.usesMaskedProduct == (m.nonzeroCount > 0))
        guard m.usesMaskedProduct else { return }
        var x = (0..<shape.columns).map { j in j % 3 == 0 ? 0 : Double.random(in: 0..<1, using: &generator) }
        if shape.columns > 6 {
            x[1] = .nan  // empty columns are left out of the dense form
            x[6] = .infinity
        }
        let csr = Self.csrSums(m, x)
        // The four-row code, and the AVX-512 kernel where this CPU has it.
        for wide in [false] + (SparseMatrix.hasAVX512 ? [true] : []) {
            var y = [Double](repeating: -1, count: shape.rows)
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeMutableBufferPointer { ys in m.multiplyMasked(xs.baseAddress!, into: ys.baseAddress!, wide: wide) }
            }
            for i in 0..<shape.rows {
                let sum = csr[i]
                #expect(y[i].bitPattern == sum.bitPattern, "row \(i), wide \(wide)")
            }
        }
    }

    @Test("The masked product over a run of consecutive columns equals the CSR sum bit for bit", arguments: [(100, 80), (37, 150)])
    func maskedConsecutiveColumns(shape: (rows: Int, columns: Int)) {
        var generator = SeededGenerator(seed: UInt64(5 + shape.rows + shape.columns))
        // Columns 3 ..< columns − 4 hold entries (row 0 holds them all), the others none.
        let used = 3..<(shape.columns - 4)
        let value = (0..<shape.columns).map { _ in Double(Int.random(in: 1...60, using: &generator)) * 0.37 }
        let dense = (0..<shape.rows).map { i in
            (0..<shape.columns).map { j in
                used.contains(j) && (i == 0 || Double.random(in: 0..<1, using: &generator) < 0.3) ? value[j] : 0
            }
        }
        let m = SparseMatrix(dense: dense)
        #expect(m.usesMaskedProduct)
        let x = (0..<shape.columns).map { _ in Double.random(in: 0..<1, using: &generator) }
        var y = [Double](repeating: -1, count: shape.rows)
        m.multiply(x, into: &y)
        let csr = Self.csrSums(m, x)
        for i in 0..<shape.rows {
            let sum = csr[i]
            #expect(y[i].bitPattern == sum.bitPattern, "row \(i)")
        }
    }

    @Test("The masked form is chosen only when every non-empty column's entries are equal")
    func maskedChoice() {
        var generator = SeededGenerator(seed: 9)
        var dense = Self.uniformColumns(rows: 37, columns: 23, using: &generator)
        #expect(SparseMatrix(dense: dense).usesMaskedProduct)
        // One entry of column 2 differs from the others: the dense form with values.
        let row = dense.indices.first { dense[$0][2] != 0 }!
        dense[row][2] += 1
        let m = SparseMatrix(dense: dense)
        #expect(m.usesDenseProduct && !m.usesMaskedProduct)
        // Too sparse for any dense form.
        let sparse = (0..<40).map { i in (0..<40).map { j in j == (i * 7) % 40 ? 1.0 : 0 } }
        #expect(!SparseMatrix(dense: sparse).usesMaskedProduct)
    }

    @Test("Rows of a masked matrix (a thread's part) give the same sums bit for bit")
    func maskedRows() {
        var generator = SeededGenerator(seed: 13)
        let m = SparseMatrix(dense: Self.uniformColumns(rows: 100, columns: 80, using: &generator))
        let x = (0..<80).map { _ in Double.random(in: 0..<1, using: &generator) }
        var whole = [Double](repeating: -1, count: 100)
        m.multiply(x, into: &whole)
        for range in [0..<52, 52..<100, 4..<9] {
            let part = m.rows(range)
            #expect(part.usesMaskedProduct)
            var y = [Double](repeating: -1, count: range.count)
            part.multiply(x, into: &y)
            #expect(y.map(\.bitPattern) == whole[range].map(\.bitPattern), "rows \(range)")
        }
    }
}
