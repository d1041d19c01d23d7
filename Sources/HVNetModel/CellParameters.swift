import Foundation

/// Numbers of one kind of transporter (channel type or pump) in a cell, in physical units.
public struct TransporterParameters: Sendable, Equatable {
    /// N, transporters of this kind per cell (for AMPA and GABA-A: channels opened by a pulse of
    /// activation 1).
    public var units: Double
    /// a, current amplitude of one transporter in pA.
    public var amplitudePA: Double
    /// η, signed charge moved per transport event (+ outward, − inward). Fixed by the physics.
    public var charge: Double
    /// r in (0, 1), rectification of the flux.
    public var rectification: Double

    public init(units: Double, amplitudePA: Double, charge: Double, rectification: Double = 0.5) {
        self.units = units
        self.amplitudePA = amplitudePA
        self.charge = charge
        self.rectification = rectification
    }
}

/// One Herrera-Valdez cell in physical units (mV, pA, pF, ms), with the notebook's defaults
/// (docs/model.md §4).
public struct CellParameters: Sendable, Equatable {
    /// C_m, membrane capacitance in pF.
    public var capacitancePF = 20.0
    /// v_T = kT/q, the thermal (Boltzmann) potential in mV.
    public var thermalPotentialMV = 26.7

    /// Transient sodium channels (NaT).
    public var nat = TransporterParameters(units: 1400, amplitudePA: 1.2, charge: -1)
    /// Delayed-rectifier potassium channels (KaD).
    public var kad = TransporterParameters(units: 4500, amplitudePA: 1.0, charge: +1)
    /// Na/K ATPase.
    public var naka = TransporterParameters(units: 200, amplitudePA: 1.0, charge: +1)
    /// AMPA receptor channels.
    public var ampa = TransporterParameters(units: 0, amplitudePA: 1.0, charge: -1)
    /// GABA-A receptor channels.
    public var gabaA = TransporterParameters(units: 0, amplitudePA: 1.0, charge: +1)

    /// v_Na, sodium reversal potential in mV.
    public var sodiumReversalMV = 60.0
    /// v_K, potassium reversal potential in mV.
    public var potassiumReversalMV = -90.0
    /// v_ATP, the potential equivalent of ATP hydrolysis in mV; sets the pump reversal.
    public var atpPotentialMV = -430.0
    /// v_Ampa, AMPA reversal potential in mV.
    public var ampaReversalMV = 0.0
    /// v_GabaA, GABA-A reversal potential in mV.
    public var gabaAReversalMV = -70.0

    /// g_m, gain of NaT activation.
    public var natGain = 5.0
    /// v_m, half-activation potential of NaT in mV.
    public var natHalfActivationMV = -17.0
    /// g_w, gain of KaD activation.
    public var kadGain = 3.5
    /// v_w, half-activation potential of KaD in mV.
    public var kadHalfActivationMV = 0.0
    /// r_w, basal rate of KaD activation in 1/ms.
    public var kadRatePerMs = 2.0
    /// b_w, bias of KaD activation.
    public var kadBias = 0.3
    /// κ, exponent of the w^κ factor in dw/dt.
    public var kadExponent = 1.0

    /// Which form of the flux to evaluate.
    public var fluxForm = FluxForm.exponential

    public init() {}

    /// Na/K ATPase reversal: v_NaKa = 3 v_Na − 2 v_K + v_ATP (−70 mV with the defaults).
    public var pumpReversalMV: Double { 3 * sodiumReversalMV - 2 * potassiumReversalMV + atpPotentialMV }

    /// C_m v_T in pA·ms: a normalised current of 1/ms is this many pA.
    public var currentScalePA: Double { capacitancePF * thermalPotentialMV }

    /// The same cell in normalised units: y = v / v_T, A = a / (C_m v_T).
    public func normalized() -> NormalizedCell {
        let vT = thermalPotentialMV
        let scale = currentScalePA
        func transporter(_ p: TransporterParameters, reversalMV: Double) -> NormalizedTransporter {
            NormalizedTransporter(
                units: p.units, amplitude: p.amplitudePA / scale, charge: p.charge,
                rectification: p.rectification, reversal: reversalMV / vT)
        }
        return NormalizedCell(
            nat: transporter(nat, reversalMV: sodiumReversalMV),
            kad: transporter(kad, reversalMV: potassiumReversalMV),
            naka: transporter(naka, reversalMV: pumpReversalMV),
            ampa: transporter(ampa, reversalMV: ampaReversalMV),
            gabaA: transporter(gabaA, reversalMV: gabaAReversalMV),
            gating: Gating(
                sodiumGain: natGain, sodiumHalfActivation: natHalfActivationMV / vT,
                potassiumGain: kadGain, potassiumHalfActivation: kadHalfActivationMV / vT,
                potassiumRatePerMs: kadRatePerMs, potassiumBias: kadBias,
                potassiumExponent: kadExponent),
            fluxForm: fluxForm, thermalPotentialMV: vT, currentScalePA: scale)
    }
}
