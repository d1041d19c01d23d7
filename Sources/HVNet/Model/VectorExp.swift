/// exp(x) for four doubles at once, for the right-hand side's hot loop (Swift has no vector math
/// library). Cody–Waite range reduction x = k ln 2 + r, |r| ≤ ln 2 / 2 (ln 2 split in a high part
/// with 32 significant bits and a low part, so that k ln2_hi is exact), exp(r) by its Taylor
/// polynomial of degree 13 in Horner form (truncation below 5e-18 relative), and 2ᵏ assembled in
/// the exponent bits. Accurate to 2 ulp for |x| ≤ 700 (checked in the tests against the C
/// library's exp); no handling of overflow, NaN or subnormal results, which the model never
/// produces in its working range.
public enum VectorExp {
    @usableFromInline static let log2e = 1.4426950408889634
    @usableFromInline static let ln2Hi = 0.693147180369123816490
    @usableFromInline static let ln2Lo = 1.90821492927058770002e-10

    @inlinable @inline(__always)
    public static func exp(_ input: SIMD4<Double>) -> SIMD4<Double> {
        var x = input
        x.replace(with: 0, where: input .!= input)
        x.replace(with: -708, where: x .< -708)
        x.replace(with: 709, where: x .> 709)
        // Round x·log2(e) to an integer with the 1.5·2⁵² trick: the sum's low bits hold k.
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)
        let shifted = x * log2e + magic
        let k = shifted - magic
        let r = (x - k * ln2Hi) - k * ln2Lo
        // Horner: 1 + r(1 + r(1/2 + r(1/6 + … + r/13!)))
        var p = SIMD4<Double>(repeating: 1.0 / 6227020800.0)  // 1/13!
        p = p * r + 1.0 / 479001600.0   // 1/12!
        p = p * r + 1.0 / 39916800.0    // 1/11!
        p = p * r + 1.0 / 3628800.0     // 1/10!
        p = p * r + 1.0 / 362880.0      // 1/9!
        p = p * r + 1.0 / 40320.0       // 1/8!
        p = p * r + 1.0 / 5040.0        // 1/7!
        p = p * r + 1.0 / 720.0         // 1/6!
        p = p * r + 1.0 / 120.0         // 1/5!
        p = p * r + 1.0 / 24.0          // 1/4!
        p = p * r + 1.0 / 6.0           // 1/3!
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let integer = unsafeBitCast(shifted, to: SIMD4<Int64>.self) &- unsafeBitCast(magic, to: SIMD4<Int64>.self)
        let bits = (integer &+ 1023) &<< 52
        let scale = unsafeBitCast(bits, to: SIMD4<Double>.self)
        var result = p * scale
        result.replace(with: .infinity, where: input .> 709.782712893384)
        result.replace(with: 0, where: input .< -708)
        result.replace(with: .nan, where: input .!= input)
        return result
    }

    /// The same algorithm for one value.
    @inlinable @inline(__always)
    public static func exp(_ x: Double) -> Double { exp(SIMD4<Double>(repeating: x))[0] }
}
