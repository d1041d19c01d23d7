/// exp(x) on SIMD vectors (Swift has no vector math library): Cody–Waite range reduction
/// x = k ln 2 + r, |r| ≤ ln 2 / 2 (ln 2 split in a high part with 32 significant bits and a low
/// part, so that k ln2_hi is exact), k rounded with the 1.5·2⁵² trick, exp(r) by its Taylor
/// polynomial of degree 13 in Horner form (truncation below 5e-18 relative), and 2ᵏ assembled in
/// the exponent bits — straight-line arithmetic and bit operations on vector registers, no calls
/// and no branches. Accurate to 2 ulp for |x| ≤ 708 (checked in the tests against the C
/// library's exp). Beyond the range: +∞ above 709.78, 0 below −708 (no subnormal
/// results), NaN for NaN, so that a diverging run still shows up as a non-finite state.
public enum VectorExp {
    /// exp of four values at once, lane by lane.
    @inlinable @inline(__always)
    public static func exp(_ input: SIMD4<Double>) -> SIMD4<Double> {
        let low = SIMD4<Double>(repeating: -708), high = SIMD4<Double>(repeating: 709)
        var x = input.replacing(with: low, where: input .< low)
        x.replace(with: high, where: x .> high)
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)
        let shifted = x * 1.4426950408889634 + magic
        let k = shifted - magic
        let r = (x - k * 0.693147180369123816490) - k * 1.90821492927058770002e-10
        var p = SIMD4<Double>(repeating: 1.0 / 6227020800.0)
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
        let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- magic[0].bitPattern &+ 1023
        var result = p * unsafeBitCast(bits &<< 52, to: SIMD4<Double>.self)
        result.replace(with: 0, where: input .< -708)
        result.replace(with: .infinity, where: input .> 709.782712893384)
        return result
    }
}
