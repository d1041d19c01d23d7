import Foundation

/// One transporter kind in normalised units.
public struct NormalizedTransporter: Sendable, Equatable {
    /// N, transporters per cell.
    public var units: Double
    /// A = a / (C_m v_T), in 1/ms.
    public var amplitude: Double
    /// η, signed charge per event.
    public var charge: Double
    /// r, rectification.
    public var rectification: Double
    /// y_x = v_x / v_T.
    public var reversal: Double

    /// φ_x(y), the normalised flux of one transporter (see ``transmembraneFlux``).
    @inlinable public func flux(_ y: Double, form: FluxForm) -> Double {
        transmembraneFlux(
            y: y, reversal: reversal, charge: charge, rectification: rectification,
            amplitude: amplitude, form: form)
    }
}

/// Membrane currents of one cell in pA, outward positive.
public struct MembraneCurrents: Sendable, Equatable {
    public var nat: Double
    public var kad: Double
    public var naka: Double
    public var ampa: Double
    public var gabaA: Double

    /// i_NaT + i_KaD + i_NaKa, the intrinsic membrane current (as the notebook's iTot).
    public var intrinsic: Double { nat + kad + naka }
}

/// One cell in normalised units; evaluates the membrane equation of docs/model.md §4.
public struct NormalizedCell: Sendable, Equatable {
    public var nat: NormalizedTransporter
    public var kad: NormalizedTransporter
    public var naka: NormalizedTransporter
    public var ampa: NormalizedTransporter
    public var gabaA: NormalizedTransporter
    public var gating: Gating
    public var fluxForm: FluxForm
    /// v_T in mV.
    public var thermalPotentialMV: Double
    /// C_m v_T in pA·ms.
    public var currentScalePA: Double

    /// dy/dt in 1/ms:
    ///
    ///     dy/dt = − N_NaT m∞(y)(1 − w) φ_NaT − N_KaD w φ_KaD − N_NaKa φ_NaKa
    ///             − g_Ampa φ_Ampa − g_GabaA φ_GabaA + ξ
    ///
    /// - Parameters:
    ///   - ampaOpen: g_Ampa, open AMPA channels (N_Ampa p_Ampa, or Σ_j W_ij s_j in a network).
    ///   - gabaAOpen: g_GabaA, open GABA-A channels.
    ///   - input: ξ, external input in 1/ms, depolarising positive.
    @inlinable
    public func membraneDerivative(y: Double, w: Double, ampaOpen: Double, gabaAOpen: Double, input: Double)
        -> Double
    {
        let m = gating.sodiumActivation(y)
        return -nat.units * m * (1 - w) * nat.flux(y, form: fluxForm)
            - kad.units * w * kad.flux(y, form: fluxForm)
            - naka.units * naka.flux(y, form: fluxForm)
            - ampaOpen * ampa.flux(y, form: fluxForm)
            - gabaAOpen * gabaA.flux(y, form: fluxForm)
            + input
    }

    /// The membrane currents in pA at (y, w), outward positive.
    public func currents(y: Double, w: Double, ampaOpen: Double, gabaAOpen: Double) -> MembraneCurrents {
        let m = gating.sodiumActivation(y)
        return MembraneCurrents(
            nat: currentScalePA * nat.units * m * (1 - w) * nat.flux(y, form: fluxForm),
            kad: currentScalePA * kad.units * w * kad.flux(y, form: fluxForm),
            naka: currentScalePA * naka.units * naka.flux(y, form: fluxForm),
            ampa: currentScalePA * ampaOpen * ampa.flux(y, form: fluxForm),
            gabaA: currentScalePA * gabaAOpen * gabaA.flux(y, form: fluxForm))
    }

    /// True when every flux has r = 1/2 and |η| = 1 in exponential form, so that all fluxes of
    /// the cell follow from one exp(y/2): φ_x = 2 A_x sinh((y − y_x)/2).
    public var admitsSharedExponential: Bool {
        fluxForm == .exponential
            && [nat, kad, naka, ampa, gabaA].allSatisfy { $0.rectification == 0.5 && abs($0.charge) == 1 }
    }
}
