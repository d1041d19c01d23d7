/// exp(x) on SIMD vectors (Swift has no vector math library): Cody–Waite range reduction
/// x = k ln 2 + r, |r| ≤ ln 2 / 2 (ln 2 split in a high part with 32 significant bits and a low
/// part, so that k ln2_hi is exact), k rounded with the 1.5·2⁵² trick, exp(r) by its Taylor
/// polynomial of degree 13 in Horner form (truncation below 5e-18 relative), and 2ᵏ assembled in
/// the exponent bits — straight-line arithmetic and bit operations on vector registers, no calls
/// and no branches. Accurate to 2 ulp for |x| ≤ 708 (checked in the tests against the C
/// library's exp). Beyond the range: +∞ above 709.78, 0 below −708 (no subnormal
/// results), NaN for NaN, so that a diverging run still shows up as a non-finite state.
///
/// The reduction and every Horner step are fused multiply-adds (`addingProduct`, one rounding
/// each): the chain of 13 steps is latency-bound, and a fused step takes the latency of one
/// operation instead of two (1.5 times the throughput here, `Benchmarks/micro/vector-exp.sh`).
/// The values are those of IEEE 754 fusedMultiplyAdd on every machine: a build for a CPU with FMA
/// instructions (`make build` where /proc/cpuinfo lists fma) uses them, any other build calls the
/// C library's `fma`, slower but with the same results bit for bit.
public enum VectorExp {
    /// exp of four values at once, lane by lane.
    @inlinable @inline(__always)
    public static func exp(_ input: SIMD4<Double>) -> SIMD4<Double> {
        let low = SIMD4<Double>(repeating: -708), high = SIMD4<Double>(repeating: 709)
        var x = input.replacing(with: low, where: input .< low)
        x.replace(with: high, where: x .> high)
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)
        let shifted = magic.addingProduct(x, SIMD4<Double>(repeating: 1.4426950408889634))
        let k = shifted - magic
        let r = x.addingProduct(-k, SIMD4<Double>(repeating: 0.693147180369123816490))
            .addingProduct(-k, SIMD4<Double>(repeating: 1.90821492927058770002e-10))
        var p = SIMD4<Double>(repeating: 1.0 / 6227020800.0)
        p = SIMD4<Double>(repeating: 1.0 / 479001600.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 39916800.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 3628800.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 362880.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 40320.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 5040.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 720.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 120.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 24.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0 / 6.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 0.5).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0).addingProduct(p, r)
        p = SIMD4<Double>(repeating: 1.0).addingProduct(p, r)
        let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- magic[0].bitPattern &+ 1023
        var result = p * unsafeBitCast(bits &<< 52, to: SIMD4<Double>.self)
        result.replace(with: 0, where: input .< -708)
        result.replace(with: .infinity, where: input .> 709.782712893384)
        return result
    }
}
