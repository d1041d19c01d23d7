/// The cubic Hermite interpolant over one step of length h, in s = (t − t0)/h ∈ [0, 1]:
///
///     p(s) = a s³ + b s² + c s + d
///     d = y0,  c = h f0,  b = 3(y1 − y0) − h(2 f0 + f1),  a = 2(y0 − y1) + h(f0 + f1)
///
/// It matches the values and derivatives at both ends; its error is O(h⁴).
public struct CubicHermite: Sendable {
    public let a: Double, b: Double, c: Double, d: Double, h: Double

    @inlinable public init(h: Double, y0: Double, f0: Double, y1: Double, f1: Double) {
        self.h = h
        d = y0
        c = h * f0
        b = 3 * (y1 - y0) - h * (2 * f0 + f1)
        a = 2 * (y0 - y1) + h * (f0 + f1)
    }

    @inlinable public func value(at s: Double) -> Double { ((a * s + b) * s + c) * s + d }

    /// dp/dt (not d/ds) at s.
    @inlinable public func derivative(at s: Double) -> Double { ((3 * a * s + 2 * b) * s + c) / h }

    /// d²p/dt² at s.
    @inlinable public func secondDerivative(at s: Double) -> Double { (6 * a * s + 2 * b) / (h * h) }

    /// The first s in [0, 1] where p crosses `level` upwards, given p(0) < level ≤ p(1);
    /// bisection to full precision on the first bracketing subinterval.
    public func upwardCrossing(of level: Double) -> Double {
        // Bracket the first crossing: p may wiggle, so look at the extrema first.
        var lo = 0.0, hi = 1.0
        let (c1, c2) = criticalPair()
        if c1.isFinite && value(at: c1) >= level { hi = min(hi, c1) }
        if c2.isFinite && value(at: c2) >= level { hi = min(hi, c2) }
        // Each halving moves lo or hi by a mask rather than a branch: which side the crossing is
        // on is a coin toss for the branch predictor, and a misprediction costs more than the
        // halving (about 54 of them per spike).
        for _ in 0..<100 where hi - lo > 1e-16 {
            let mid = 0.5 * (lo + hi)
            let below = UInt64(0) &- UInt64(value(at: mid) < level ? 1 : 0)
            let bits = mid.bitPattern
            lo = Double(bitPattern: (bits & below) | (lo.bitPattern & ~below))
            hi = Double(bitPattern: (hi.bitPattern & below) | (bits & ~below))
        }
        return 0.5 * (lo + hi)
    }

    /// The points of [0, 1] where dp/ds = 0.
    public func criticalPoints() -> [Double] {
        let (a, b) = criticalPair()
        return [a, b].filter(\.isFinite).sorted()
    }

    /// Up to two points of (0, 1) where dp/ds = 0, NaN where there is none (no allocation).
    @inlinable public func criticalPair() -> (Double, Double) {
        let qa = 3 * a, qb = 2 * b, qc = c
        func inside(_ s: Double) -> Double { s > 0 && s < 1 ? s : .nan }
        if abs(qa) < 1e-300 { return (qb != 0 ? inside(-qc / qb) : .nan, .nan) }
        let disc = qb * qb - 4 * qa * qc
        guard disc >= 0 else { return (.nan, .nan) }
        let r = disc.squareRoot()
        let q = -0.5 * (qb + (qb >= 0 ? r : -r))
        if q == 0 { return (.nan, .nan) }
        return (inside(q / qa), inside(qc / q))
    }

    /// The maximum of p on [0, 1] as (s, value).
    public func maximum() -> (s: Double, value: Double) {
        var best = (s: 0.0, value: value(at: 0))
        func consider(_ s: Double) {
            guard s.isFinite else { return }
            let v = value(at: s)
            if v > best.value { best = (s, v) }
        }
        let (c1, c2) = criticalPair()
        consider(c1)
        consider(c2)
        consider(1)
        return best
    }
}
