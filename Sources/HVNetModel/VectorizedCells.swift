import Numerics
import Foundation

/// Per-cell constants of the vectorised right-hand side, padded to a multiple of 4 cells.
///
/// With r = 1/2 and |η| = 1 every flux follows from e = exp(y/2) (see ``SharedExponentialCell``).
/// When twice each sigmoid gain is a whole number (the defaults: g_m = 5, g_w = 3.5, g_s = 5),
/// the sigmoids follow from the same e as well:
///
///     σ(g (y − y_h)) = 1 / (1 + exp(g y_h) · e^{−2g}),    e^{−2g} by repeated squaring,
///
/// so a cell needs two exponentials per evaluation: e and exp(b g_w y) for the KaD rate
/// R_w = r_w exp(b x_w)(1 + exp(−x_w)), both by ``VectorExp`` on blocks of four cells.
struct VectorizedCells: Sendable {
    let count: Int
    let padded: Int
    /// 2 g_m, 2 g_w (whole numbers) and b g_w, shared by all cells.
    let sodiumPower: Int
    let potassiumPower: Int
    let biasGain: Double
    /// Per cell (padded): flux constants, sigmoid constants and rate factors.
    let natP, natQ, kadP, kadQ, nakaP, nakaQ, ampaP, ampaQ, gabaP, gabaQ: [Double]
    /// exp(g_m y_m), exp(g_w y_w), r_w exp(−b g_w y_w).
    let sodiumConstant, potassiumConstant, rateConstant: [Double]

    /// Constants for `cells`, or nil when a gain is not a half-integer or differs between cells.
    init?(_ cells: [NormalizedCell]) {
        guard cells.allSatisfy(\.admitsSharedExponential), cells.allSatisfy({ $0.gating.potassiumExponent == 1 }) else { return nil }
        let g = cells[0].gating
        func halfInteger(_ x: Double) -> Int? { (2 * x).rounded() == 2 * x && 2 * x >= 1 && 2 * x <= 63 ? Int(2 * x) : nil }
        guard let pm = halfInteger(g.sodiumGain), let pw = halfInteger(g.potassiumGain),
            cells.allSatisfy({ $0.gating.sodiumGain == g.sodiumGain && $0.gating.potassiumGain == g.potassiumGain && $0.gating.potassiumBias == g.potassiumBias })
        else { return nil }
        let paddedCount = (cells.count + 3) / 4 * 4
        count = cells.count
        padded = paddedCount
        sodiumPower = pm
        potassiumPower = pw
        biasGain = g.potassiumBias * g.potassiumGain
        let shared = cells.map(SharedExponentialCell.init)
        func column(_ f: (SharedExponentialCell, NormalizedCell) -> Double) -> [Double] {
            zip(shared, cells).map(f) + Array(repeating: 0, count: paddedCount - cells.count)
        }
        natP = column { s, _ in s.natP }; natQ = column { s, _ in s.natQ }
        kadP = column { s, _ in s.kadP }; kadQ = column { s, _ in s.kadQ }
        nakaP = column { s, _ in s.nakaP }; nakaQ = column { s, _ in s.nakaQ }
        ampaP = column { s, _ in s.ampaP }; ampaQ = column { s, _ in s.ampaQ }
        gabaP = column { s, _ in s.gabaP }; gabaQ = column { s, _ in s.gabaQ }
        sodiumConstant = column { _, c in exp(c.gating.sodiumGain * c.gating.sodiumHalfActivation) }
        potassiumConstant = column { _, c in exp(c.gating.potassiumGain * c.gating.potassiumHalfActivation) }
        rateConstant = column { _, c in c.gating.potassiumRatePerMs * exp(-c.gating.potassiumBias * c.gating.potassiumGain * c.gating.potassiumHalfActivation) }
    }

    /// The presynaptic sigmoid σ(g_s (y − y_s)) as exp(g_s y_s) · e^{−2 g_s}, when 2 g_s is whole.
    static func sigmoidPower(_ coupling: SynapticCoupling) -> (power: Int, constant: Double)? {
        let k = 2 * coupling.gain
        guard k.rounded() == k, k >= 1, k <= 63 else { return nil }
        return (Int(k), exp(coupling.gain * coupling.halfActivation))
    }
}

/// The scalars of ``VectorizedCells`` that the evaluation's loops use: a plain value, copied
/// without touching the arrays' reference counts (the per-cell constants are read from the
/// right-hand side's own workspace).
struct VectorShape: Sendable {
    let padded: Int
    let sodiumPower: Int
    let potassiumPower: Int
    let biasGain: Double

    init(_ cells: VectorizedCells) {
        padded = cells.padded
        sodiumPower = cells.sodiumPower
        potassiumPower = cells.potassiumPower
        biasGain = cells.biasGain
    }
}
