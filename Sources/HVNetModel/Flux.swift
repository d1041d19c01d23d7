import Foundation

/// Normalised flux of one transporter (channel or pump), outward positive, in 1/ms.
///
///     u = η (y − y_x)
///     φ = A η [exp((1 − r) u) − exp(−r u)]
///
/// - Parameters:
///   - y: normalised membrane potential v / v_T.
///   - reversal: normalised reversal potential y_x = v_x / v_T.
///   - charge: η, the signed charge moved per transport event (+ outward, − inward).
///   - rectification: r in (0, 1).
///   - amplitude: A = a / (C_m v_T) in 1/ms.
///   - form: the exact exponential form or one of its Taylor approximations.
///
/// Reference: M. A. Herrera-Valdez, "A thermodynamic description for physiological transmembrane
/// transport", F1000Research 7:1468 (2018); docs/model.md §2 of the hvnet docs.
@inlinable
public func transmembraneFlux(
    y: Double, reversal: Double, charge: Double, rectification r: Double,
    amplitude: Double, form: FluxForm = .exponential
) -> Double {
    let u = charge * (y - reversal)
    switch form {
    case .exponential:
        return amplitude * charge * (exp((1 - r) * u) - exp(-r * u))
    case .cubic:
        return amplitude * charge * u * (1 + (1 - 2 * r) * u / 2 + (3 * r * r - 3 * r + 1) * u * u / 6)
    case .linear:
        return amplitude * charge * u
    }
}
