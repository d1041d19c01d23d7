import Foundation

/// The logistic function σ(x) = eˣ / (1 + eˣ), computed as ½(1 + tanh(x/2)) so that it never
/// overflows (the notebook's `expSigmoid` overflows for x > 709).
@inlinable
public func logistic(_ x: Double) -> Double {
    0.5 * (1 + tanh(0.5 * x))
}

/// Voltage-dependent gating of the cell (docs/model.md §3), on the normalised potential y = v / v_T.
///
///     m∞(y)  = σ(g_m (y − y_m))
///     x_w    = g_w (y − y_w),   w∞(y) = σ(x_w)
///     R_w(y) = r_w [exp(b_w x_w) + exp((b_w − 1) x_w)]
///     dw/dt  = w^κ R_w(y) (w∞(y) − w)
public struct Gating: Sendable, Equatable {
    /// g_m, gain of NaT activation.
    public var sodiumGain: Double
    /// y_m, normalised half-activation potential of NaT.
    public var sodiumHalfActivation: Double
    /// g_w, gain of KaD activation.
    public var potassiumGain: Double
    /// y_w, normalised half-activation potential of KaD.
    public var potassiumHalfActivation: Double
    /// r_w, basal rate of KaD activation in 1/ms.
    public var potassiumRatePerMs: Double
    /// b_w, bias of KaD activation.
    public var potassiumBias: Double
    /// κ, exponent of the w^κ factor.
    public var potassiumExponent: Double

    @inlinable public func sodiumActivation(_ y: Double) -> Double {
        logistic(sodiumGain * (y - sodiumHalfActivation))
    }

    @inlinable public func potassiumSteadyState(_ y: Double) -> Double {
        logistic(potassiumGain * (y - potassiumHalfActivation))
    }

    @inlinable public func potassiumRate(_ y: Double) -> Double {
        let x = potassiumGain * (y - potassiumHalfActivation)
        return potassiumRatePerMs * (exp(potassiumBias * x) + exp((potassiumBias - 1) * x))
    }

    /// dw/dt at (y, w), in 1/ms.
    @inlinable public func potassiumDerivative(y: Double, w: Double) -> Double {
        let factor = potassiumExponent == 1 ? w : pow(w, potassiumExponent)
        return factor * potassiumRate(y) * (potassiumSteadyState(y) - w)
    }
}
