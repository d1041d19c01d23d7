import Foundation
import Testing
@testable import Numerics

@Suite("Hermite history (delayed values)")
struct HermiteHistoryTests {
    /// Appends (t, sin t, cos t) at the given times.
    static func history(times: [Double], span: Double, capacity: Int = 4) -> HermiteHistory {
        let h = HermiteHistory(dimension: 1, span: span, initialCapacity: capacity)
        for t in times {
            var y = sin(t), f = cos(t)
            h.append(time: t, state: &y, derivative: &f)
        }
        return h
    }

    /// The cubic Hermite interpolant's error on a step h is at most max|y⁗| h⁴/384 (the standard
    /// bound for two-point Hermite interpolation); for sin, max|y⁗| = 1.
    @Test("Reproduces sin between steps to the Hermite bound h⁴/384, and converges at order 4", arguments: [0.2, 0.1, 0.05])
    func accuracy(_ step: Double) {
        let times = (0...Int((6 / step).rounded())).map { Double($0) * step }
        let history = Self.history(times: times, span: 10)
        var hint = 0, worst = 0.0
        for k in 0..<2000 {
            let t = 6 * Double(k) / 2000
            worst = max(worst, abs(history.value(0, at: t, hint: &hint) - sin(t)))
        }
        let bound = pow(step, 4) / 384
        #expect(worst <= bound * (1 + 1e-6), "worst \(worst), bound \(bound)")
        // The bound is nearly reached: the error is of order h⁴, not a lucky zero.
        #expect(worst >= bound / 4, "worst \(worst), bound \(bound)")
    }

    @Test("Before the first entry the past is the first value; uneven steps and any hint give the same values")
    func constantPastAndHints() {
        var generator = SeededGenerator(seed: 3)
        var times = [0.0]
        while times.last! < 5 { times.append(times.last! + Double.random(in: 0.001...0.2, using: &generator)) }
        let history = Self.history(times: times, span: 100)
        var hint = 0
        #expect(history.value(0, at: -1, hint: &hint) == sin(0))
        let probes = (0..<500).map { _ in Double.random(in: 0...times.last!, using: &generator) }
        for t in probes {
            var fresh = 0, far = 1_000_000
            let a = history.value(0, at: t, hint: &fresh), b = history.value(0, at: t, hint: &far)
            #expect(a == b)
            #expect(abs(a - sin(t)) < pow(0.2, 4) / 384 * 1.0001)
        }
    }

    @Test("Growing and dropping keeps every time within the span interpolable")
    func ringBuffer() {
        let step = 0.01, span = 0.5
        let history = HermiteHistory(dimension: 1, span: span, initialCapacity: 4)
        var hint = 0
        for k in 0...2000 {
            let t = Double(k) * step
            var y = sin(t), f = cos(t)
            history.append(time: t, state: &y, derivative: &f)
            let back = max(0, t - span)
            #expect(abs(history.value(0, at: back, hint: &hint) - sin(back)) < 1e-10)
        }
        // Old entries were dropped: the buffer holds about span/step entries, not 2001.
        #expect(history.count <= Int(span / step) + 2)
    }

    @Test("A breakpoint's two entries (left and right derivative) are both used, and never as a zero-length step")
    func breakpointEntries() {
        // y = |t − 1| smoothed into two lines: slope −1 before 1, +1 after.
        let history = HermiteHistory(dimension: 1, span: 10)
        func add(_ t: Double, _ y: Double, _ f: Double) {
            var y = y, f = f
            history.append(time: t, state: &y, derivative: &f)
        }
        add(0, 1, -1)
        add(1, 0, -1)
        add(1, 0, 1)
        add(2, 1, 1)
        var hint = 0
        for t in stride(from: 0.0, through: 2.0, by: 0.125) {
            #expect(abs(history.value(0, at: t, hint: &hint) - abs(t - 1)) < 1e-14, "t = \(t)")
        }
    }
}
