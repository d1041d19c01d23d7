/// A real number that cannot be used as a count or an index: not finite, or outside the range
/// hvnet allows for counts (±2⁵³, where every integer is still exact in a Double).
public struct CountConversionError: Error, Equatable, CustomStringConvertible {
    /// What the number counts or indexes, in words ("steps of 1e300 ms at dt = 0.015625 ms").
    public var quantity: String
    public var value: Double

    public init(quantity: String, value: Double) {
        self.quantity = quantity
        self.value = value
    }

    public var description: String {
        let shown = value.isNaN ? "not a number" : value.isInfinite ? (value > 0 ? "infinite" : "−infinite") : "\(value)"
        return "the number of \(quantity) is \(shown): it must be a finite whole number below 2^53"
    }
}

/// The largest count hvnet converts from a Double: 2⁵³, below which every integer is exact.
public let largestCheckedCount = 9_007_199_254_740_992.0

/// The one conversion from Double to Int for counts and indices that derive from input: throws
/// ``CountConversionError`` naming `quantity` instead of trapping on NaN, ±∞ or values beyond
/// ±2⁵³. `rounding` is applied first (toward zero by default, as `Int(_:)` does).
@inlinable
public func checkedCount(
    _ value: Double, rounding rule: FloatingPointRoundingRule = .towardZero, _ quantity: @autoclosure () -> String
) throws(CountConversionError) -> Int {
    let rounded = value.rounded(rule)
    guard rounded.isFinite, abs(rounded) <= largestCheckedCount else {
        throw CountConversionError(quantity: quantity(), value: value)
    }
    return Int(rounded)
}

/// A Double → Int conversion that clamps instead of trapping, for values that only place marks
/// (pixel positions, colour channels, progress bars): NaN gives 0.
@inlinable
public func clampedInt(_ value: Double, rounding rule: FloatingPointRoundingRule = .towardZero) -> Int {
    guard !value.isNaN else { return 0 }
    let r = value.rounded(rule)
    if r >= largestCheckedCount { return Int(largestCheckedCount) }
    if r <= -largestCheckedCount { return -Int(largestCheckedCount) }
    return Int(r)
}
