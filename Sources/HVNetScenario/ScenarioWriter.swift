import Foundation
import HVNetModel

/// The fully resolved scenario as a scenario file: every key with its value after defaults and
/// command-line overrides, numbers in Swift's shortest round-trip form (`Double.description`), so
/// that loading the text gives the same scenario bit for bit (`hvnet run DIR/scenario.yaml`
/// repeats the run).
public enum ScenarioWriter {
    public static func yaml(_ s: Scenario) -> String {
        var out: [String] = ["# The resolved scenario of this run; hvnet run scenario.yaml repeats it."]
        out.append("name: \(quoted(s.name))")
        if let d = s.description { out.append("description: \(quoted(d))") }
        out.append("duration_ms: \(number(s.durationMs))")
        out.append("seed: \(s.seed)")
        out.append("trials: \(s.trials)")
        var solver = ["method: \(s.solver.method.name)"]
        let o = s.solver.options
        if let dt = o.dtMs { solver.append("dt_ms: \(number(dt))") }
        if let v = o.absoluteTolerance { solver.append("atol: \(number(v))") }
        if let v = o.relativeTolerance { solver.append("rtol: \(number(v))") }
        if let v = o.initialStepMs { solver.append("h0_ms: \(number(v))") }
        if let v = o.maxStepMs { solver.append("hmax_ms: \(number(v))") }
        solver.append("noise_integration: \(s.solver.noiseIntegration.rawValue)")
        out.append("solver: {\(solver.joined(separator: ", "))}")
        var noise = ["generator: \(s.noise.generator.rawValue)"]
        if let g = s.noise.gridMs { noise.append("grid_ms: \(number(g))") }
        out.append("noise: {\(noise.joined(separator: ", "))}")
        out.append("populations:")
        for p in s.populations {
            out.append("  - name: \(quoted(p.name))")
            out.append("    size: \(p.size)")
            out.append("    parameters: \(parameters(p.parameters, distributions: p.distributions))")
            switch p.initial {
            case .rest: out.append("    initial: rest")
            case .jitter(let sd): out.append("    initial: {jitter_mV: \(number(sd))}")
            case .explicit(let v, let w): out.append("    initial: {v_mV: [\(list(v))], w: [\(list(w))]}")
            }
            if let n = p.noise {
                out.append("    noise: {mean_pA: \(number(n.meanPA)), sd_pA: \(number(n.sdPA)), tau_ms: \(number(n.tauMs)), shared: \(number(n.sharedFraction))}")
            } else {
                out.append("    noise: none")
            }
        }
        out.append("synapses:")
        for (name, sigmoid) in [("AMPA", s.ampaSynapse), ("GABAA", s.gabaASynapse)] {
            var keys = ["gain: \(number(sigmoid.gain))", "half_activation_mV: \(number(sigmoid.halfActivationMV))"]
            if let tau = sigmoid.tauMs { keys += ["kinetics: first_order", "tau_ms: \(number(tau))"] } else { keys.append("kinetics: instantaneous") }
            out.append("  \(name): {\(keys.joined(separator: ", "))}")
        }
        if s.connections.isEmpty { out.append("connections: []") } else { out.append("connections:") }
        for c in s.connections {
            var keys = ["receptor: \(c.receptor.rawValue)", "from: \(quoted(c.source))", "to: \(quoted(c.target))"]
            switch c.rule {
            case .explicit(let matrix): keys += ["rule: explicit", "matrix: [\(matrix.map { "[\(list($0))]" }.joined(separator: ", "))]"]
            case .allToAll(let a): keys += ["rule: all_to_all"] + (c.source == c.target ? ["autapses: \(a)"] : [])
            case .oneToOne: keys.append("rule: one_to_one")
            case .ring(let offsets): keys += ["rule: ring", "offsets: [\(offsets.map(String.init).joined(separator: ", "))]"]
            case .bernoulli(let p, let a): keys += ["rule: bernoulli", "p: \(number(p))"] + (c.source == c.target ? ["autapses: \(a)"] : [])
            case .fixedInDegree(let k, let a): keys += ["rule: fixed_indegree", "k: \(k)"] + (c.source == c.target ? ["autapses: \(a)"] : [])
            case .smallWorld(let k, let beta): keys += ["rule: small_world", "k: \(k)", "beta: \(number(beta))"]
            }
            switch c.channelsPerContact {
            case .constant(let v): keys.append("channels_per_contact: \(number(v))")
            case .normal(let m, let sd): keys.append("channels_per_contact: {distribution: normal, mean: \(number(m)), sd: \(number(sd))}")
            case .lognormal(let m, let sd): keys.append("channels_per_contact: {distribution: lognormal, mean: \(number(m)), sd: \(number(sd))}")
            case .uniform(let l, let h): keys.append("channels_per_contact: {distribution: uniform, low: \(number(l)), high: \(number(h))}")
            }
            switch c.delayMs {
            case nil: break
            case .constant(let v): keys.append("delay_ms: \(number(v))")
            case .normal(let m, let sd): keys.append("delay_ms: {distribution: normal, mean: \(number(m)), sd: \(number(sd))}")
            case .lognormal(let m, let sd): keys.append("delay_ms: {distribution: lognormal, mean: \(number(m)), sd: \(number(sd))}")
            case .uniform(let l, let h): keys.append("delay_ms: {distribution: uniform, low: \(number(l)), high: \(number(h))}")
            }
            out.append("  - {\(keys.joined(separator: ", "))}")
        }
        if s.stimuli.isEmpty { out.append("stimuli: []") } else { out.append("stimuli:") }
        for st in s.stimuli {
            var keys: [String]
            switch st.kind {
            case .pulse(let r, let a): keys = ["type: pulse", "receptor: \(r.rawValue)", "activation: \(number(a))"]
            case .currentStep(let a): keys = ["type: current_step", "amplitude_pA: \(number(a))"]
            case .sine(let a, let f, let phase, let offset):
                keys = ["type: sine", "amplitude_pA: \(number(a))", "frequency_Hz: \(number(f))", "phase_deg: \(number(phase))", "offset_pA: \(number(offset))"]
            case .ramp(let from, let to): keys = ["type: ramp", "from_pA: \(number(from))", "to_pA: \(number(to))"]
            case .poisson(let p):
                keys = ["type: poisson", "receptor: \(p.receptor.rawValue)", "rate_Hz: \(number(p.rateHz))",
                        "channels_per_spike: \(number(p.channelsPerSpike))", "tau_ms: \(number(p.tauMs))", "shared: \(p.shared)"]
            }
            keys.append("cells: [\(st.cells.map(String.init).joined(separator: ", "))]")
            let windows = st.windowsMs.map { "[\(number($0.lowerBound)), \(number($0.upperBound))]" }
            if case .ramp = st.kind, let only = windows.first {
                keys.append("window_ms: \(only)")
            } else {
                keys.append("windows_ms: [\(windows.joined(separator: ", "))]")
            }
            out.append("  - {\(keys.joined(separator: ", "))}")
        }
        let r = s.recording
        var rec = ["threshold_mV: \(number(r.thresholdMV))", "cells: [\(r.traceCells.map(String.init).joined(separator: ", "))]",
                   "variables: [\(r.variables.map(\.rawValue).joined(separator: ", "))]"]
        if let i = r.intervalMs { rec.append("interval_ms: \(number(i))") }
        rec += ["format: \(r.format.rawValue)", "trial: \(r.trial)"]
        out.append("recording: {\(rec.joined(separator: ", "))}")
        return out.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String { x.description }
    static func list(_ xs: [Double]) -> String { xs.map(number).joined(separator: ", ") }

    /// A YAML double-quoted string.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7f { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func parameters(_ p: CellParameters, distributions: [CellParameterDistribution] = []) -> String {
        func value(_ name: String, _ x: Double) -> String {
            distributions.first { $0.name == name }?.yaml(number) ?? number(x)
        }
        func t(_ group: String, _ x: TransporterParameters) -> [String] {
            ["units: \(value("\(group).units", x.units))", "amplitude_pA: \(value("\(group).amplitude_pA", x.amplitudePA))",
             "rectification: \(value("\(group).rectification", x.rectification))"]
        }
        let nat = t("NaT", p.nat) + [
            "reversal_mV: \(value("NaT.reversal_mV", p.sodiumReversalMV))", "gain: \(value("NaT.gain", p.natGain))",
            "half_activation_mV: \(value("NaT.half_activation_mV", p.natHalfActivationMV))",
        ]
        let kad = t("KaD", p.kad) + [
            "reversal_mV: \(value("KaD.reversal_mV", p.potassiumReversalMV))", "gain: \(value("KaD.gain", p.kadGain))",
            "half_activation_mV: \(value("KaD.half_activation_mV", p.kadHalfActivationMV))",
            "rate_per_ms: \(value("KaD.rate_per_ms", p.kadRatePerMs))", "bias: \(value("KaD.bias", p.kadBias))",
            "exponent: \(value("KaD.exponent", p.kadExponent))",
        ]
        let naka = t("NaKa", p.naka) + ["atp_potential_mV: \(value("NaKa.atp_potential_mV", p.atpPotentialMV))"]
        let ampa = t("AMPA", p.ampa) + ["reversal_mV: \(value("AMPA.reversal_mV", p.ampaReversalMV))"]
        let gaba = t("GABAA", p.gabaA) + ["reversal_mV: \(value("GABAA.reversal_mV", p.gabaAReversalMV))"]
        return "{capacitance_pF: \(value("capacitance_pF", p.capacitancePF)), thermal_potential_mV: \(number(p.thermalPotentialMV)), flux_form: \(p.fluxForm.rawValue), "
            + "NaT: {\(nat.joined(separator: ", "))}, KaD: {\(kad.joined(separator: ", "))}, NaKa: {\(naka.joined(separator: ", "))}, "
            + "AMPA: {\(ampa.joined(separator: ", "))}, GABAA: {\(gaba.joined(separator: ", "))}}"
    }
}
