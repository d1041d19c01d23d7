/// Small SIMD helpers shared by the vectorised right-hand side and the sparse product.

/// x^k lane by lane for a whole 1 ≤ k ≤ 63: the product of the binary powers x, x², x⁴, …
/// selected by k's bits (k is the same for every call of a run, so the selections predict well).
@inlinable @inline(__always)
public func integerPower(_ x: SIMD4<Double>, _ k: Int) -> SIMD4<Double> {
    let one = SIMD4<Double>(repeating: 1)
    let x2 = x * x, x4 = x2 * x2, x8 = x4 * x4, x16 = x8 * x8, x32 = x16 * x16
    var r = k & 1 != 0 ? x : one
    r *= k & 2 != 0 ? x2 : one
    r *= k & 4 != 0 ? x4 : one
    r *= k & 8 != 0 ? x8 : one
    r *= k & 16 != 0 ? x16 : one
    r *= k & 32 != 0 ? x32 : one
    return r
}

/// Four doubles from `p` (any alignment).
@inlinable @inline(__always)
package func load4(_ p: UnsafeRawPointer) -> SIMD4<Double> {
    p.loadUnaligned(as: SIMD4<Double>.self)
}

/// Stores four doubles at `p` (any alignment).
@inlinable @inline(__always)
package func store4(_ v: SIMD4<Double>, _ p: UnsafeMutableRawPointer) {
    p.storeBytes(of: v, as: SIMD4<Double>.self)
}
