/// Two blocks of four doubles, `low` and `high`, handled side by side: every operation is the
/// SIMD4 operation on each half, emitted one after the other, so that a loop over blocks can run
/// two independent dependency chains per iteration (the out-of-order core overlaps them; a chain
/// such as ``VectorExp``'s is latency-bound on one block) and each lane gets exactly the
/// arithmetic of the four-lane code, bit for bit. (`SIMD8<Double>` was tried for this: the
/// compiler emitted two-lane operations for it.)
@usableFromInline
package struct SIMD4Pair {
    @usableFromInline package var low: SIMD4<Double>
    @usableFromInline package var high: SIMD4<Double>

    @inlinable @inline(__always)
    package init(_ low: SIMD4<Double>, _ high: SIMD4<Double>) {
        self.low = low
        self.high = high
    }

    @inlinable @inline(__always)
    package init(repeating value: Double) {
        low = SIMD4(repeating: value)
        high = low
    }

    /// The blocks at `p` and `p + 4` (any alignment) when `pair`; otherwise the one block at `p`
    /// in both halves, so that a last single block runs the code of a pair without reading past it.
    @inlinable @inline(__always)
    package init(_ p: UnsafePointer<Double>, pair: Bool) {
        low = load4(p)
        high = pair ? load4(p + 4) : low
    }

    /// Stores both blocks at `p` and `p + 4` when `pair`, otherwise `low` at `p`.
    @inlinable @inline(__always)
    package func store(_ p: UnsafeMutablePointer<Double>, pair: Bool) {
        store4(low, p)
        if pair { store4(high, p + 4) }
    }

    @inlinable @inline(__always)
    package static func + (a: Self, b: Self) -> Self { Self(a.low + b.low, a.high + b.high) }
    @inlinable @inline(__always)
    package static func - (a: Self, b: Self) -> Self { Self(a.low - b.low, a.high - b.high) }
    @inlinable @inline(__always)
    package static func * (a: Self, b: Self) -> Self { Self(a.low * b.low, a.high * b.high) }
    @inlinable @inline(__always)
    package static func / (a: Self, b: Self) -> Self { Self(a.low / b.low, a.high / b.high) }
    @inlinable @inline(__always)
    package static func + (a: Double, b: Self) -> Self { Self(a + b.low, a + b.high) }
    @inlinable @inline(__always)
    package static func - (a: Double, b: Self) -> Self { Self(a - b.low, a - b.high) }
    @inlinable @inline(__always)
    package static func * (a: Double, b: Self) -> Self { Self(a * b.low, a * b.high) }
    @inlinable @inline(__always)
    package static func / (a: Double, b: Self) -> Self { Self(a / b.low, a / b.high) }
    @inlinable @inline(__always)
    package static func + (a: Self, b: Double) -> Self { Self(a.low + b, a.high + b) }
    @inlinable @inline(__always)
    package static func - (a: Self, b: Double) -> Self { Self(a.low - b, a.high - b) }
    @inlinable @inline(__always)
    package static func * (a: Self, b: Double) -> Self { Self(a.low * b, a.high * b) }
    /// self + a·b lane by lane with one rounding (fused multiply-add).
    @inlinable @inline(__always)
    package func addingProduct(_ a: Self, _ b: Self) -> Self {
        Self(low.addingProduct(a.low, b.low), high.addingProduct(a.high, b.high))
    }
    @inlinable @inline(__always)
    package static prefix func - (a: Self) -> Self { Self(-a.low, -a.high) }
    @inlinable @inline(__always)
    package static func += (a: inout Self, b: Self) { a = a + b }
}

/// x^k lane by lane for a whole 1 ≤ k ≤ 63: the four-lane ``integerPower(_:_:)`` on each half,
/// side by side.
@inlinable @inline(__always)
package func integerPower(_ x: SIMD4Pair, _ k: Int) -> SIMD4Pair {
    SIMD4Pair(integerPower(x.low, k), integerPower(x.high, k))
}

/// Runs `body(b, true)` for each pair of blocks of four, b = lower, lower + 8, …, then
/// `body(b, false)` for the last block when the number of blocks, (upper − lower) / 4, is odd
/// (`upper − lower` is a multiple of 4).
@inlinable @inline(__always)
package func forBlockPairs(from lower: Int, to upper: Int, _ body: (_ block: Int, _ pair: Bool) -> Void) {
    var b = lower
    while b + 8 <= upper {
        body(b, true)
        b += 8
    }
    if b < upper { body(b, false) }
}

extension VectorExp {
    /// exp of two blocks of four values side by side: the four-lane ``exp(_:)`` on each half
    /// (the same operations, so the same values bit for bit), its two dependency chains
    /// interleaved statement by statement.
    @inlinable @inline(always)
    package static func exp(_ input: SIMD4Pair) -> SIMD4Pair {
        let low = SIMD4<Double>(repeating: -708), high = SIMD4<Double>(repeating: 709)
        let in0 = input.low, in1 = input.high
        var x0 = in0.replacing(with: low, where: in0 .< low)
        var x1 = in1.replacing(with: low, where: in1 .< low)
        x0.replace(with: high, where: x0 .> high)
        x1.replace(with: high, where: x1 .> high)
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)
        let shifted0 = magic.addingProduct(x0, SIMD4<Double>(repeating: 1.4426950408889634))
        let shifted1 = magic.addingProduct(x1, SIMD4<Double>(repeating: 1.4426950408889634))
        let k0 = shifted0 - magic
        let k1 = shifted1 - magic
        let r0 = x0.addingProduct(-k0, SIMD4<Double>(repeating: 0.693147180369123816490))
            .addingProduct(-k0, SIMD4<Double>(repeating: 1.90821492927058770002e-10))
        let r1 = x1.addingProduct(-k1, SIMD4<Double>(repeating: 0.693147180369123816490))
            .addingProduct(-k1, SIMD4<Double>(repeating: 1.90821492927058770002e-10))
        var p0 = SIMD4<Double>(repeating: 1.0 / 6227020800.0), p1 = p0
        p0 = SIMD4<Double>(repeating: 1.0 / 479001600.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 479001600.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 39916800.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 39916800.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 3628800.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 3628800.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 362880.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 362880.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 40320.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 40320.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 5040.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 5040.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 720.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 720.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 120.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 120.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 24.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 24.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0 / 6.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0 / 6.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 0.5).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 0.5).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0).addingProduct(p1, r1)
        p0 = SIMD4<Double>(repeating: 1.0).addingProduct(p0, r0)
        p1 = SIMD4<Double>(repeating: 1.0).addingProduct(p1, r1)
        let bits0 = unsafeBitCast(shifted0, to: SIMD4<UInt64>.self) &- magic[0].bitPattern &+ 1023
        let bits1 = unsafeBitCast(shifted1, to: SIMD4<UInt64>.self) &- magic[0].bitPattern &+ 1023
        var result0 = p0 * unsafeBitCast(bits0 &<< 52, to: SIMD4<Double>.self)
        var result1 = p1 * unsafeBitCast(bits1 &<< 52, to: SIMD4<Double>.self)
        result0.replace(with: 0, where: in0 .< -708)
        result1.replace(with: 0, where: in1 .< -708)
        result0.replace(with: .infinity, where: in0 .> 709.782712893384)
        result1.replace(with: .infinity, where: in1 .> 709.782712893384)
        return SIMD4Pair(result0, result1)
    }
}
