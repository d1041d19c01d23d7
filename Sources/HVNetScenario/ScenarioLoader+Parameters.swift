import HVNetModel
/// Cell parameter overrides: `parameters:` at the top level (all populations) and per population.
extension ScenarioLoader {
    static let parameterKeys = ["capacitance_pF", "thermal_potential_mV", "flux_form", "NaT", "KaD", "NaKa", "AMPA", "GABAA"]

    static func applyParameters(_ node: ScenarioNode, to p: inout CellParameters) throws {
        let m = try node.mapping(allowed: parameterKeys)
        if let n = m["capacitance_pF"] { p.capacitancePF = try n.number(where: { $0 > 0 }, "a positive capacitance in pF") }
        if let n = m["thermal_potential_mV"] { p.thermalPotentialMV = try n.number(where: { $0 > 0 }, "a positive potential in mV") }
        if let n = m["flux_form"] {
            p.fluxForm = FluxForm(rawValue: try n.string(oneOf: FluxForm.allCases.map(\.rawValue)))!
        }
        if let n = m["NaT"] {
            let t = try n.mapping(allowed: ["units", "amplitude_pA", "reversal_mV", "rectification", "gain", "half_activation_mV"])
            try applyTransporter(t, to: &p.nat)
            if let v = t["reversal_mV"] { p.sodiumReversalMV = try v.number("a potential in mV") }
            if let v = t["gain"] { p.natGain = try v.number(where: { $0 > 0 }, "a positive gain") }
            if let v = t["half_activation_mV"] { p.natHalfActivationMV = try v.number("a potential in mV") }
        }
        if let n = m["KaD"] {
            let t = try n.mapping(allowed: [
                "units", "amplitude_pA", "reversal_mV", "rectification", "gain", "half_activation_mV", "rate_per_ms", "bias", "exponent",
            ])
            try applyTransporter(t, to: &p.kad)
            if let v = t["reversal_mV"] { p.potassiumReversalMV = try v.number("a potential in mV") }
            if let v = t["gain"] { p.kadGain = try v.number(where: { $0 > 0 }, "a positive gain") }
            if let v = t["half_activation_mV"] { p.kadHalfActivationMV = try v.number("a potential in mV") }
            if let v = t["rate_per_ms"] { p.kadRatePerMs = try v.number(where: { $0 > 0 }, "a positive rate in 1/ms") }
            if let v = t["bias"] { p.kadBias = try v.number(where: { $0 >= 0 && $0 <= 1 }, "a bias between 0 and 1") }
            if let v = t["exponent"] { p.kadExponent = try v.number(where: { $0 >= 0 }, "an exponent ≥ 0 (κ = 0 makes the cell silent)") }
        }
        if let n = m["NaKa"] {
            let t = try n.mapping(allowed: ["units", "amplitude_pA", "atp_potential_mV", "rectification"])
            try applyTransporter(t, to: &p.naka)
            if let v = t["atp_potential_mV"] { p.atpPotentialMV = try v.number("a potential in mV") }
        }
        if let n = m["AMPA"] {
            let t = try n.mapping(allowed: ["units", "amplitude_pA", "reversal_mV", "rectification"])
            try applyTransporter(t, to: &p.ampa)
            if let v = t["reversal_mV"] { p.ampaReversalMV = try v.number("a potential in mV") }
        }
        if let n = m["GABAA"] {
            let t = try n.mapping(allowed: ["units", "amplitude_pA", "reversal_mV", "rectification"])
            try applyTransporter(t, to: &p.gabaA)
            if let v = t["reversal_mV"] { p.gabaAReversalMV = try v.number("a potential in mV") }
        }
    }

    private static func applyTransporter(_ m: ScenarioMapping, to t: inout TransporterParameters) throws {
        if let v = m["units"] { t.units = try v.number(where: { $0 >= 0 }, "a non-negative number of units per cell") }
        if let v = m["amplitude_pA"] { t.amplitudePA = try v.number(where: { $0 >= 0 }, "a non-negative amplitude in pA") }
        if let v = m["rectification"] { t.rectification = try v.number(where: { $0 > 0 && $0 < 1 }, "a rectification strictly between 0 and 1") }
    }
}
