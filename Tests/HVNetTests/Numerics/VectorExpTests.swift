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
}
