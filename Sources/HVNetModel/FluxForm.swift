/// Which form of the transmembrane flux the model evaluates (the notebook's "degree" option).
///
/// With u = η (y − y_x) and rectification r:
/// - `exponential`: φ = A η [exp((1 − r) u) − exp(−r u)], the thermodynamic flux;
/// - `cubic`: A η u [1 + (1 − 2r) u/2 + (3r² − 3r + 1) u²/6], its third-order Taylor expansion at u = 0;
/// - `linear`: A η u, the conductance model (g = a η² / v_T per unit).
public enum FluxForm: String, Sendable, Codable, CaseIterable {
    case exponential = "exp"
    case cubic
    case linear
}
