import Foundation

/// The exact joint transition of a centred Ornstein–Uhlenbeck process x with stationary SD σ and
/// correlation time τ, together with its integral I(t) = ∫₀ᵗ x, over a step h (Gillespie 1996,
/// Phys. Rev. E 54:2084). With θ = 1/τ, m = e^{−θh}:
///
///     x⁺ = m x + σ_x Z₁
///     I⁺ = I + x τ (1 − m) + σ_I (κ Z₁ + √(1 − κ²) Z₂)
///     σ_x² = σ² (1 − m²)
///     σ_I² = σ² τ² [2h/τ − (1 − m)(3 − m)]
///     κ σ_x σ_I = σ² τ (1 − m)²
///
/// Z₁, Z₂ independent standard normals. σ_I² is evaluated as σ²τ²(2u − 3 + 4e^{−u} − e^{−2u})
/// with u = h/τ, by its series Σ_{k≥3} (−1)ᵏ (4 − 2ᵏ) uᵏ/k! for u < 0.1 (no cancellation).
public struct OUTransition: Sendable, Equatable {
    public let h: Double
    public let tau: Double
    public let sigma: Double
    /// m = e^{−h/τ}.
    public let decay: Double
    /// τ(1 − m): the weight of x in the mean of I⁺ − I.
    public let integralDecay: Double
    public let sigmaX: Double
    public let sigmaI: Double
    /// κ, the correlation of the x and I increments.
    public let correlation: Double
    /// √(1 − κ²).
    public let complement: Double

    public init(h: Double, tau: Double, sigma: Double = 1) {
        precondition(h > 0 && tau > 0 && sigma >= 0)
        self.h = h
        self.tau = tau
        self.sigma = sigma
        let u = h / tau
        let oneMinusM = -expm1(-u)
        decay = 1 - oneMinusM
        integralDecay = tau * oneMinusM
        sigmaX = sigma * (oneMinusM * (2 - oneMinusM)).squareRoot()  // 1 − m² = (1 − m)(1 + m)
        let varianceI = sigma * sigma * tau * tau * Self.integralVarianceFactor(u)
        sigmaI = varianceI.squareRoot()
        let covariance = sigma * sigma * tau * oneMinusM * oneMinusM
        correlation = sigmaX > 0 && sigmaI > 0 ? min(1, covariance / (sigmaX * sigmaI)) : 0
        complement = (1 - correlation * correlation).squareRoot()
    }

    /// 2u − (1 − e^{−u})(3 − e^{−u}).
    static func integralVarianceFactor(_ u: Double) -> Double {
        if u >= 0.1 { return 2 * u - 3 + 4 * exp(-u) - exp(-2 * u) }
        var sum = 0.0
        var power = u * u * u, factorial = 6.0, twoToK = 8.0
        var sign = -1.0
        for k in 3...24 {
            sum += sign * (4 - twoToK) * power / factorial
            power *= u
            factorial *= Double(k + 1)
            twoToK *= 2
            sign = -sign
        }
        return sum
    }

    /// Whether every coefficient is finite (false for a τ or σ so large or small that τ², σ² or
    /// h/τ overflow).
    public var isFinite: Bool {
        [decay, integralDecay, sigmaX, sigmaI, correlation, complement].allSatisfy(\.isFinite)
    }

    /// Covariance matrix [[Var x⁺, Cov], [Cov, Var I⁺]] of the increment given (x, I).
    public var covariance: (xx: Double, xi: Double, ii: Double) {
        (sigmaX * sigmaX, correlation * sigmaX * sigmaI, sigmaI * sigmaI)
    }

    /// Advances x alone by h with the normal z1 (the x of ``advance(x:integral:z1:z2:)``).
    @inlinable public func advanceX(_ x: Double, z1: Double) -> Double { decay * x + sigmaX * z1 }

    /// Advances (x, I) by h with the normals z1, z2.
    @inlinable public func advance(x: Double, integral: Double, z1: Double, z2: Double) -> (x: Double, integral: Double) {
        (decay * x + sigmaX * z1, integral + integralDecay * x + sigmaI * (correlation * z1 + complement * z2))
    }
}
