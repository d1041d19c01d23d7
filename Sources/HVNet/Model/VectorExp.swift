/// exp(x) written so that the compiler vectorises loops over it (Swift has no vector math
/// library): Cody–Waite range reduction x = k ln 2 + r, |r| ≤ ln 2 / 2 (ln 2 split in a high part
/// with 32 significant bits and a low part, so that k ln2_hi is exact), k rounded with the
/// 1.5·2⁵² trick, exp(r) by its Taylor polynomial of degree 13 in Horner form (truncation below
/// 5e-18 relative), and 2ᵏ assembled in the exponent bits — straight-line arithmetic and bit
/// operations, no calls and no branches. Accurate to 2 ulp for |x| ≤ 708 (checked in the tests
/// against the C library's exp). Beyond the range: +∞ above 709.78, 0 below −708 (no subnormal
/// results), NaN for NaN, so that a diverging run still shows up as a non-finite state.
public enum VectorExp {
    @inlinable @inline(__always)
    public static func exp(_ input: Double) -> Double {
        var x = input < -708 ? -708 : input
        x = x > 709 ? 709 : x
        let magic = 6755399441055744.0
        let shifted = x * 1.4426950408889634 + magic
        let k = shifted - magic
        let r = (x - k * 0.693147180369123816490) - k * 1.90821492927058770002e-10
        var p = 1.0 / 6227020800.0  // 1/13!
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let exponent = (shifted.bitPattern &- magic.bitPattern &+ 1023) &<< 52
        let result = p * Double(bitPattern: exponent)
        return input > 709.782712893384 ? .infinity : (input < -708 ? 0 : result)
    }

    /// Four values at once (lane by lane).
    @inlinable
    public static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        SIMD4(exp(x[0]), exp(x[1]), exp(x[2]), exp(x[3]))
    }
}
