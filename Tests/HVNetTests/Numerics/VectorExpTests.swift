import Foundation
import Testing
@testable import Numerics

@Suite("Vectorised exp")
struct VectorExpTests {
    /// Distance in units in the last place between two positive doubles.
    static func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    @Test("Within 2 ulp of the C library's exp on [−50, 50] (beyond the model's range) and at the range ends")
    func accuracy() {
        var generator = SeededGenerator(seed: 1)
        var worst: UInt64 = 0
        var points = (0..<200_000).map { _ in Double.random(in: -50...50, using: &generator) }
        points += [-708, -700, -1, -1e-300, 0, 1e-300, 1, 700, 709]
        for chunk in stride(from: 0, to: points.count - 3, by: 4) {
            let x = SIMD4(points[chunk], points[chunk + 1], points[chunk + 2], points[chunk + 3])
            let y = VectorExp.exp(x)
            for k in 0..<4 { worst = max(worst, Self.ulps(y[k], Foundation.exp(x[k]))) }
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
    }

    @Test("Overflow, underflow and NaN behave like exp")
    func specialValues() {
        let y = VectorExp.exp(SIMD4(800, -800, .nan, .infinity))
        #expect(y[0] == .infinity && y[1] == 0 && y[2].isNaN && y[3] == .infinity)
    }

    @Test("Lanes are independent: permuting the inputs permutes the outputs bit for bit")
    func lanesIndependent() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let x = SIMD4<Double>((0..<4).map { _ in Double.random(in: -720...720, using: &generator) })
            let y = VectorExp.exp(x), z = VectorExp.exp(SIMD4(x[3], x[2], x[1], x[0]))
            for k in 0..<4 { #expect(y[k].bitPattern == z[3 - k].bitPattern, "x = \(x[k])") }
        }
    }

    @Test("Two blocks side by side give the four-lane exp of each block bit for bit")
    func pairEqualsBlocks() {
        var generator = SeededGenerator(seed: 17)
        var points = (0..<40_000).map { _ in Double.random(in: -720...720, using: &generator) }
        points += [-800, -708, 0, 709, 709.79, 800, .nan, .infinity]
        for chunk in stride(from: 0, to: points.count - 7, by: 8) {
            let low = SIMD4(points[chunk], points[chunk + 1], points[chunk + 2], points[chunk + 3])
            let high = SIMD4(points[chunk + 4], points[chunk + 5], points[chunk + 6], points[chunk + 7])
            let pair = VectorExp.exp(SIMD4Pair(low, high))
            let expected = (VectorExp.exp(low), VectorExp.exp(high))
            for k in 0..<4 {
                #expect(pair.low[k].bitPattern == expected.0[k].bitPattern, "x = \(low[k])")
                #expect(pair.high[k].bitPattern == expected.1[k].bitPattern, "x = \(high[k])")
            }
        }
    }

    @Test("Whole powers of two blocks side by side equal the four-lane powers bit for bit")
    func pairPowers() {
        var generator = SeededGenerator(seed: 19)
        for k in 1...63 {
            let low = SIMD4<Double>((0..<4).map { _ in Double.random(in: 0.5...1.5, using: &generator) })
            let high = SIMD4<Double>((0..<4).map { _ in Double.random(in: 0.5...1.5, using: &generator) })
            let pair = integerPower(SIMD4Pair(low, high), k)
            #expect(pair.low == integerPower(low, k) && pair.high == integerPower(high, k), "k = \(k)")
        }
    }

    @Test("Blocks are visited in pairs, then one block when their number is odd")
    func blockPairs() {
        for (lower, upper) in [(0, 0), (0, 4), (4, 12), (8, 28), (52, 100)] {
            var visited: [(Int, Bool)] = []
            forBlockPairs(from: lower, to: upper) { visited.append(($0, $1)) }
            let blocks = (upper - lower) / 4
            #expect(visited.map(\.0) == Array(stride(from: lower, to: lower + blocks / 2 * 8, by: 8)) + (blocks % 2 == 1 ? [upper - 4] : []))
            #expect(visited.filter { !$0.1 }.count == blocks % 2 && visited.last.map { $0.1 || $0.0 == upper - 4 } != false)
        }
    }
}
