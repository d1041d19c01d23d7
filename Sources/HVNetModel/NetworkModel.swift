import Foundation

/// A network of Herrera-Valdez cells in normalised units: cells, synaptic coupling per receptor and
/// piecewise-constant stimuli. A plain value: integrators evaluate it through a
/// ``NetworkEvaluator``.
///
/// State layout (structure of arrays): `[y_0 … y_{n−1}, w_0 … w_{n−1}]`, followed by the
/// presynaptic activations `s_0 … s_{n−1}` of each receptor with first-order kinetics (AMPA
/// first). External input (the Ornstein–Uhlenbeck noise and its mean) is added by the caller of the
/// right-hand side; the model itself is deterministic.
public struct NetworkModel: Sendable {
    public let cells: [NormalizedCell]
    public let ampa: SynapticCoupling
    public let gabaA: SynapticCoupling
    public let stimuli: [Stimulus]
    /// Per-cell constants of the shared-exponential fast path, or nil when some cell needs the
    /// general flux (r ≠ 1/2, |η| ≠ 1, or an approximate flux form).
    let sharedExponential: [SharedExponentialCell]?
    /// Constants of the vectorised path (two exponentials per cell), when the gains allow it.
    let vectorized: VectorizedCells?
    /// Instantaneous sigmoids as powers of exp(−y/2) (nil for kinetic synapses or other gains).
    let ampaSigmoidPower: (power: Int, constant: Double)?
    let gabaASigmoidPower: (power: Int, constant: Double)?

    public init(cells: [NormalizedCell], ampa: SynapticCoupling, gabaA: SynapticCoupling, stimuli: [Stimulus] = []) {
        precondition(!cells.isEmpty, "a network needs at least one cell")
        precondition(ampa.weights.rowCount == cells.count && ampa.weights.columnCount == cells.count)
        precondition(gabaA.weights.rowCount == cells.count && gabaA.weights.columnCount == cells.count)
        precondition(stimuli.allSatisfy { $0.cells.allSatisfy { (0..<cells.count).contains($0) } })
        self.cells = cells
        self.ampa = ampa
        self.gabaA = gabaA
        self.stimuli = stimuli
        self.sharedExponential =
            cells.allSatisfy(\.admitsSharedExponential) ? cells.map(SharedExponentialCell.init) : nil
        ampaSigmoidPower = ampa.isKinetic ? nil : VectorizedCells.sigmoidPower(ampa)
        gabaASigmoidPower = gabaA.isKinetic ? nil : VectorizedCells.sigmoidPower(gabaA)
        let sigmoidsAllow = [ampa, gabaA].allSatisfy { $0.hasNoUndelayedContacts || $0.isKinetic || VectorizedCells.sigmoidPower($0) != nil }
        self.vectorized = sigmoidsAllow ? VectorizedCells(cells) : nil
    }

    /// An uncoupled network of `cells`, with the notebook's presynaptic sigmoids.
    public static func uncoupled(_ cells: [CellParameters], stimuli: [Stimulus] = []) -> NetworkModel {
        let n = cells.count
        let vT = cells[0].thermalPotentialMV
        return NetworkModel(
            cells: cells.map { $0.normalized() },
            ampa: SynapticCoupling(weights: .zero(rows: n, columns: n), halfActivation: -20 / vT),
            gabaA: SynapticCoupling(weights: .zero(rows: n, columns: n), halfActivation: -20 / vT),
            stimuli: stimuli)
    }

    public var cellCount: Int { cells.count }
    public var stateSize: Int { (2 + (ampa.isKinetic ? 1 : 0) + (gabaA.isKinetic ? 1 : 0)) * cells.count }
    /// Offset of the AMPA activations in the state, when AMPA synapses have kinetics.
    public var ampaStateOffset: Int? { ampa.isKinetic ? 2 * cellCount : nil }
    /// Offset of the GABA-A activations in the state, when GABA-A synapses have kinetics.
    public var gabaAStateOffset: Int? { gabaA.isKinetic ? (ampa.isKinetic ? 3 : 2) * cellCount : nil }
    public var usesSharedExponential: Bool { sharedExponential != nil }

    /// Sorted, distinct positive transmission delays (ms) of both receptors; empty without delays.
    public var delays: [Double] {
        Array(Set((ampa.delayed?.delayMs ?? []) + (gabaA.delayed?.delayMs ?? []))).sorted()
    }

    /// True when some contact has a positive transmission delay.
    public var hasDelays: Bool { ampa.delayed != nil || gabaA.delayed != nil }

    /// How many distinct delays propagate breakpoints (``breakpoints(before:)``).
    public static let propagatedDelayLimit = 32

    /// Sorted, distinct times in the open interval (0, `duration`) at which an input jumps.
    ///
    /// With transmission delays, a jump at b (every stimulus breakpoint, and t = 0, where the
    /// constant past meets the solution) reaches the postsynaptic cells at b + d: those times are
    /// breakpoints too, for up to ``propagatedDelayLimit`` distinct delays d (all of them when
    /// there are that few; otherwise that many spread evenly over the sorted distinct delays, the
    /// shortest and longest included). One generation only: b + d, not b + 2d.
    public func breakpoints(before duration: Double) -> [Double] {
        let jumps = Set(stimuli.flatMap(\.breakpoints))
        guard hasDelays else { return Array(jumps.filter { $0 > 0 && $0 < duration }).sorted() }
        let all = delays
        let limit = Self.propagatedDelayLimit
        let used = all.count <= limit ? all : (0..<limit).map { all[($0 * (all.count - 1)) / (limit - 1)] }
        var times = jumps.filter { $0 > 0 && $0 < duration }
        for b in jumps.union([0]) where b >= 0 && b < duration {
            for d in used where b + d < duration { times.insert(b + d) }
        }
        return Array(times.filter { $0 > 0 && $0 < duration }).sorted()
    }

    /// Describes state component `index` for error messages ("cell 3, v").
    public func describeStateComponent(_ index: Int) -> String {
        let n = cellCount
        let variable: String
        switch index / n {
        case 0: variable = "v"
        case 1: variable = "w"
        default: variable = index / n == ampaStateOffset.map({ $0 / n }) ? "s_AMPA" : "s_GABAA"
        }
        return "cell \(index % n) (\(variable))"
    }

    /// Completes `[y…, w…]` with the steady-state synaptic activations at those potentials.
    public func fullState(potentialsAndGating yw: [Double]) -> [Double] {
        precondition(yw.count == 2 * cellCount)
        var state = yw
        let y = yw[0..<cellCount]
        if ampa.isKinetic { state += y.map(ampa.steadyActivation) }
        if gabaA.isKinetic { state += y.map(gabaA.steadyActivation) }
        return state
    }
}

/// Constants for the shared-exponential evaluation of one cell at r = 1/2, |η| = 1:
/// N_x φ_x(y) = N_x A_x [e^{y/2} e^{−y_x/2} − e^{y_x/2} e^{−y/2}] = P_x e − Q_x / e with e = exp(y/2).
struct SharedExponentialCell: Sendable {
    var natP, natQ, kadP, kadQ, nakaP, nakaQ, ampaP, ampaQ, gabaP, gabaQ: Double
    var sodiumGain, sodiumHalf, potassiumGain, potassiumHalf, rate, bias, exponent: Double

    init(_ cell: NormalizedCell) {
        func pq(_ t: NormalizedTransporter, units: Double) -> (Double, Double) {
            (units * t.amplitude * exp(-t.reversal / 2), units * t.amplitude * exp(t.reversal / 2))
        }
        (natP, natQ) = pq(cell.nat, units: cell.nat.units)
        (kadP, kadQ) = pq(cell.kad, units: cell.kad.units)
        (nakaP, nakaQ) = pq(cell.naka, units: cell.naka.units)
        (ampaP, ampaQ) = pq(cell.ampa, units: 1)
        (gabaP, gabaQ) = pq(cell.gabaA, units: 1)
        sodiumGain = cell.gating.sodiumGain
        sodiumHalf = cell.gating.sodiumHalfActivation
        potassiumGain = cell.gating.potassiumGain
        potassiumHalf = cell.gating.potassiumHalfActivation
        rate = cell.gating.potassiumRatePerMs
        bias = cell.gating.potassiumBias
        exponent = cell.gating.potassiumExponent
    }
}
