import Foundation
import GSLSupport
import HVNetModel

/// The values a cell parameter may take, for its key-path check and for truncating draws.
public enum ParameterRange: Sendable, Equatable {
    case any, positive, nonNegative
    /// (0, 1)
    case openUnit
    /// [0, 1]
    case closedUnit

    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        switch self {
        case .any: return true
        case .positive: return x > 0
        case .nonNegative: return x >= 0
        case .openUnit: return x > 0 && x < 1
        case .closedUnit: return x >= 0 && x <= 1
        }
    }

    /// Whether every value is positive or zero, so that a lognormal fits.
    var admitsLognormal: Bool { self != .any }
}

/// A distribution of one cell parameter over the cells of a population
/// (`populations[i].parameters.KaD.units: {distribution: normal, mean: 4500, sd: 300}`), drawn
/// per cell from the scenario seed (``SeedDerivation/Purpose/cellParameters``).
///
/// Draws outside the parameter's range (``ParameterRange``: a capacitance must stay positive, a
/// rectification inside (0, 1)) are redrawn: the distribution is truncated to the range. After
/// 1000 rejected draws in a row the cell gets the mean (a distribution almost entirely outside
/// the range; the loader refuses a mean outside it).
public struct CellParameterDistribution: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case normal(mean: Double, sd: Double)
        /// Lognormal with the given mean and SD of the parameter itself.
        case lognormal(mean: Double, sd: Double)
        case uniform(low: Double, high: Double)
    }

    /// The key below `parameters`, as written in the scenario: `capacitance_pF`, `KaD.units`.
    public var name: String
    public var kind: Kind
    public var range: ParameterRange

    public static let distributions = ["normal", "lognormal", "uniform"]

    /// The distribution's mean.
    public var mean: Double {
        switch kind {
        case .normal(let m, _), .lognormal(let m, _): return m
        case .uniform(let low, let high): return (low + high) / 2
        }
    }

    /// One draw, truncated to the range.
    func draw(_ rng: RandomStream) -> Double {
        for _ in 0..<1000 {
            let v: Double
            switch kind {
            case .normal(let mean, let sd): v = mean + sd * rng.gaussian()
            case .lognormal(let mean, let sd):
                // mean = e^{μ + s²/2}, var = (e^{s²} − 1) e^{2μ + s²}
                let s2 = log(1 + (sd * sd) / (mean * mean))
                v = exp(log(mean) - s2 / 2 + s2.squareRoot() * rng.gaussian())
            case .uniform(let low, let high): v = low + (high - low) * rng.uniform()
            }
            if range.contains(v) { return v }
        }
        return mean
    }

    /// The scenario text of the distribution (the resolved scenario file).
    func yaml(_ number: (Double) -> String) -> String {
        switch kind {
        case .normal(let m, let sd): return "{distribution: normal, mean: \(number(m)), sd: \(number(sd))}"
        case .lognormal(let m, let sd): return "{distribution: lognormal, mean: \(number(m)), sd: \(number(sd))}"
        case .uniform(let l, let h): return "{distribution: uniform, low: \(number(l)), high: \(number(h))}"
        }
    }
}

extension CellParameters {
    /// The numeric parameters under their scenario keys (`capacitance_pF`, `NaT.units`, …), with
    /// their ranges and the loader's description of what is allowed.
    static func numericKey(_ name: String) -> (keyPath: WritableKeyPath<CellParameters, Double>, range: ParameterRange, expected: String)? {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 1 {
            switch name {
            case "capacitance_pF": return (\.capacitancePF, .positive, "a positive capacitance in pF")
            case "thermal_potential_mV": return (\.thermalPotentialMV, .positive, "a positive potential in mV")
            default: return nil
            }
        }
        let transporter: WritableKeyPath<CellParameters, TransporterParameters>
        switch parts[0] {
        case "NaT": transporter = \.nat
        case "KaD": transporter = \.kad
        case "NaKa": transporter = \.naka
        case "AMPA": transporter = \.ampa
        case "GABAA": transporter = \.gabaA
        default: return nil
        }
        switch parts[1] {
        case "units": return (transporter.appending(path: \.units), .nonNegative, "a non-negative number of units per cell")
        case "amplitude_pA": return (transporter.appending(path: \.amplitudePA), .nonNegative, "a non-negative amplitude in pA")
        case "rectification": return (transporter.appending(path: \.rectification), .openUnit, "a rectification strictly between 0 and 1")
        default: break
        }
        switch (parts[0], parts[1]) {
        case ("NaT", "reversal_mV"): return (\.sodiumReversalMV, .any, "a potential in mV")
        case ("NaT", "gain"): return (\.natGain, .positive, "a positive gain")
        case ("NaT", "half_activation_mV"): return (\.natHalfActivationMV, .any, "a potential in mV")
        case ("KaD", "reversal_mV"): return (\.potassiumReversalMV, .any, "a potential in mV")
        case ("KaD", "gain"): return (\.kadGain, .positive, "a positive gain")
        case ("KaD", "half_activation_mV"): return (\.kadHalfActivationMV, .any, "a potential in mV")
        case ("KaD", "rate_per_ms"): return (\.kadRatePerMs, .positive, "a positive rate in 1/ms")
        case ("KaD", "bias"): return (\.kadBias, .closedUnit, "a bias between 0 and 1")
        case ("KaD", "exponent"): return (\.kadExponent, .nonNegative, "an exponent ≥ 0 (κ = 0 makes the cell silent)")
        case ("NaKa", "atp_potential_mV"): return (\.atpPotentialMV, .any, "a potential in mV")
        case ("AMPA", "reversal_mV"): return (\.ampaReversalMV, .any, "a potential in mV")
        case ("GABAA", "reversal_mV"): return (\.gabaAReversalMV, .any, "a potential in mV")
        default: return nil
        }
    }

    /// Sets the parameter with scenario key `name` (one of ``numericKey(_:)``'s).
    mutating func set(_ name: String, _ value: Double) {
        if let key = Self.numericKey(name) { self[keyPath: key.keyPath] = value }
    }
}
