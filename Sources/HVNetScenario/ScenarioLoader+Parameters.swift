import Foundation
import Numerics
import HVNetModel
/// Cell parameter overrides: `parameters:` at the top level (all populations) and per population.
extension ScenarioLoader {
    static let parameterKeys = ["capacitance_pF", "thermal_potential_mV", "flux_form", "NaT", "KaD", "NaKa", "AMPA", "GABAA"]

    static let groupKeys: [String: [String]] = [
        "NaT": ["units", "amplitude_pA", "reversal_mV", "rectification", "gain", "half_activation_mV"],
        "KaD": ["units", "amplitude_pA", "reversal_mV", "rectification", "gain", "half_activation_mV", "rate_per_ms", "bias", "exponent"],
        "NaKa": ["units", "amplitude_pA", "atp_potential_mV", "rectification"],
        "AMPA": ["units", "amplitude_pA", "reversal_mV", "rectification"],
        "GABAA": ["units", "amplitude_pA", "reversal_mV", "rectification"],
    ]

    /// Applies a `parameters` block on top of `p`. A numeric key may be a number or, except
    /// `thermal_potential_mV`, a distribution over the cells (``CellParameterDistribution``): `p`
    /// then holds its mean and `distributions` the distribution (replacing one given earlier for
    /// the same key; a number given later removes it).
    static func applyParameters(_ node: ScenarioNode, to p: inout CellParameters, distributions: inout [CellParameterDistribution]) throws {
        let m = try node.mapping(allowed: parameterKeys)
        func apply(_ n: ScenarioNode, _ name: String) throws {
            guard let key = CellParameters.numericKey(name) else { return }
            distributions.removeAll { $0.name == name }
            if n.node.scalar != nil || name == "thermal_potential_mV" {
                let expected = name == "thermal_potential_mV" ? key.expected + " (equal in every cell: no distribution)" : key.expected
                p[keyPath: key.keyPath] = try n.number(where: key.range.contains, expected)
            } else {
                let d = try parseParameterDistribution(n, name: name, range: key.range, expected: key.expected)
                p[keyPath: key.keyPath] = d.mean
                distributions.append(d)
            }
        }
        for name in ["capacitance_pF", "thermal_potential_mV"] { if let n = m[name] { try apply(n, name) } }
        if let n = m["flux_form"] {
            p.fluxForm = FluxForm(rawValue: try n.string(oneOf: FluxForm.allCases.map(\.rawValue)))!
        }
        for group in ["NaT", "KaD", "NaKa", "AMPA", "GABAA"] {
            guard let n = m[group], let keys = groupKeys[group] else { continue }
            let t = try n.mapping(allowed: keys)
            for key in keys { if let v = t[key] { try apply(v, "\(group).\(key)") } }
        }
        distributions.sort { $0.name < $1.name }
    }

    /// `{distribution: normal, mean, sd}`, `{distribution: lognormal, mean, sd}` or
    /// `{distribution: uniform, low, high}`, written as for `channels_per_contact`.
    static func parseParameterDistribution(_ node: ScenarioNode, name: String, range: ParameterRange, expected: String) throws -> CellParameterDistribution {
        guard node.node.mapping != nil else { throw node.invalid("\(expected), or a distribution {distribution: normal|lognormal|uniform, ...}") }
        let names = CellParameterDistribution.distributions
        let (kind, m) = try distributionMapping(node, kinds: range.admitsLognormal ? names : ["normal", "uniform"], truncatedAtZero: false)
        func value(_ key: String, _ what: String, _ check: (Double) -> Bool) throws -> Double {
            try m.required(key, what).number(where: check, what)
        }
        switch kind {
        case "uniform":
            let low = try value("low", expected, range.contains)
            let high = try value("high", "\(expected), ≥ low (\(formatNumber(low)))", { range.contains($0) && $0 >= low })
            return CellParameterDistribution(name: name, kind: .uniform(low: low, high: high), range: range)
        case "lognormal":
            let mean = try value("mean", "a positive mean (\(expected))", { range.contains($0) && $0 > 0 })
            let sd = try value("sd", "a non-negative SD whose lognormal parameters are finite", {
                $0 >= 0 && log(1 + ($0 * $0) / (mean * mean)).isFinite && (mean * mean).isNormal
            })
            return CellParameterDistribution(name: name, kind: .lognormal(mean: mean, sd: sd), range: range)
        default:
            let mean = try value("mean", "a mean that is \(expected)", range.contains)
            let sd = try value("sd", "a non-negative SD", { $0 >= 0 })
            return CellParameterDistribution(name: name, kind: .normal(mean: mean, sd: sd), range: range)
        }
    }
}
