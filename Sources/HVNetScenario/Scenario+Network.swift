import GSLSupport
import Numerics
import HVNetModel
import HVNetNoise
import Foundation

/// One synaptic contact of the drawn connectivity, in global cell indices.
public struct SynapticContact: Sendable, Equatable {
    public var pre: Int
    public var post: Int
    public var receptor: Receptor
    /// Channels opened at full presynaptic activation.
    public var channels: Double
    /// Transmission delay in ms (0: none).
    public var delayMs: Double = 0
}

/// From a validated scenario to the normalised network, its connectivity, noise and initial state.
extension Scenario {
    /// Per-cell physical parameters, population by population.
    /// A population with distributions (``Population/distributions``) draws them per cell, cell by
    /// cell and key by key (sorted), from the stream (scenario seed, cell parameters, population
    /// index); without them every cell has the population's parameters.
    public var cellParameters: [CellParameters] {
        populations.enumerated().flatMap { index, p -> [CellParameters] in
            guard !p.distributions.isEmpty else { return Array(repeating: p.parameters, count: p.size) }
            let rng = RandomStream(
                type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.cellParameters.rawValue, UInt64(index)))
            return (0..<p.size).map { _ in
                var cell = p.parameters
                for d in p.distributions { cell.set(d.name, d.draw(rng)) }
                return cell
            }
        }
    }

    /// The drawn values of every cell, when some population has distributions: the keys (sorted,
    /// over all populations) and one row per cell (NaN for a key its population does not draw).
    public var drawnCellParameters: (keys: [String], rows: [(population: String, values: [Double])])? {
        let keys = Array(Set(populations.flatMap { $0.distributions.map(\.name) })).sorted()
        guard !keys.isEmpty else { return nil }
        let cells = cellParameters
        var rows: [(population: String, values: [Double])] = []
        var k = 0
        for p in populations {
            let drawn = Set(p.distributions.map(\.name))
            for _ in 0..<p.size {
                let cell = cells[k]
                rows.append((p.name, keys.map { key in
                    drawn.contains(key) ? CellParameters.numericKey(key).map { cell[keyPath: $0.keyPath] } ?? .nan : .nan
                }))
                k += 1
            }
        }
        return (keys, rows)
    }

    /// The time grids of a run, all decided here from the solver's step: the noise grid, the
    /// trace interval and the noise block length (see ``TimeGrid``).
    public var timeGrid: TimeGrid {
        let noiseGrid: Double
        if let grid = noise.gridMs {
            noiseGrid = grid
        } else if !populations.contains(where: { $0.noise != nil }) && solver.method.family == .dyadic {
            noiseGrid = pow(2, -24)
        } else {
            noiseGrid = solver.dtMs.map { $0 / 2 } ?? 1.0 / 1024
        }
        return TimeGrid(
            stepMs: solver.dtMs, largestStepMs: min(solver.options.largestStep, durationMs), noiseGridMs: noiseGrid,
            traceIntervalMs: recording.intervalMs ?? solver.dtMs ?? 0.05)
    }

    /// δ of the noise paths (``TimeGrid/noiseGridMs``).
    public var noiseGridMs: Double { timeGrid.noiseGridMs }

    /// The trace sampling interval (``TimeGrid/traceIntervalMs``).
    public var traceIntervalMs: Double { timeGrid.traceIntervalMs }

    /// The contacts of every connection rule, drawn from the scenario seed (each rule from its own
    /// stream), summed per (receptor, post, pre, delay) and sorted that way. Delays (`delay_ms`)
    /// are drawn per contact from their own stream per rule (seed, delays, rule index), so that
    /// they change neither the contacts nor their channels.
    public func drawConnectivity() -> [SynapticContact] {
        let offsets = populationOffsets
        func index(of name: String) -> Int { populations.firstIndex { $0.name == name }! }
        guard hasDelays else { return drawUndelayedConnectivity() }
        var total: [Receptor: [Int: [Int: [Double: Double]]]] = [.ampa: [:], .gabaA: [:]]
        for (k, c) in connections.enumerated() {
            let from = index(of: c.source), to = index(of: c.target)
            let rng = RandomStream(type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.connectivity.rawValue, UInt64(k)))
            let delayStream = c.delayMs.map { _ in
                RandomStream(type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.delays.rawValue, UInt64(k)))
            }
            let contacts = Topology.contacts(
                c.rule, preCount: populations[from].size, postCount: populations[to].size, samePopulation: from == to, rng: rng)
            for contact in contacts {
                let channels = contact.multiplicity * c.channelsPerContact.draw(rng)
                let delay = delayStream.flatMap { stream in c.delayMs.map { $0.draw(stream) } } ?? 0
                total[c.receptor]![offsets[to] + contact.post, default: [:]][offsets[from] + contact.pre, default: [:]][delay, default: 0] += channels
            }
        }
        var out: [SynapticContact] = []
        for receptor in Receptor.allCases {
            for (post, row) in total[receptor]!.sorted(by: { $0.key < $1.key }) {
                for (pre, byDelay) in row.sorted(by: { $0.key < $1.key }) {
                    for (delay, channels) in byDelay.sorted(by: { $0.key < $1.key }) where channels != 0 {
                        out.append(SynapticContact(pre: pre, post: post, receptor: receptor, channels: channels, delayMs: delay))
                    }
                }
            }
        }
        return out
    }

    /// ``drawConnectivity()`` without delays: summed per (receptor, post, pre).
    private func drawUndelayedConnectivity() -> [SynapticContact] {
        let offsets = populationOffsets
        func index(of name: String) -> Int { populations.firstIndex { $0.name == name }! }
        var total: [Receptor: [Int: [Int: Double]]] = [.ampa: [:], .gabaA: [:]]
        for (k, c) in connections.enumerated() {
            let from = index(of: c.source), to = index(of: c.target)
            let rng = RandomStream(type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.connectivity.rawValue, UInt64(k)))
            let contacts = Topology.contacts(
                c.rule, preCount: populations[from].size, postCount: populations[to].size, samePopulation: from == to, rng: rng)
            for contact in contacts {
                let channels = contact.multiplicity * c.channelsPerContact.draw(rng)
                total[c.receptor]![offsets[to] + contact.post, default: [:]][offsets[from] + contact.pre, default: 0] += channels
            }
        }
        var out: [SynapticContact] = []
        for receptor in Receptor.allCases {
            for (post, row) in total[receptor]!.sorted(by: { $0.key < $1.key }) {
                for (pre, channels) in row.sorted(by: { $0.key < $1.key }) where channels != 0 {
                    out.append(SynapticContact(pre: pre, post: post, receptor: receptor, channels: channels))
                }
            }
        }
        return out
    }

    /// True when some connection sets `delay_ms` (connectivity.csv then has a `delay_ms` column).
    public var hasDelays: Bool { connections.contains { $0.delayMs != nil } }

    /// The shortest positive transmission delay of the network that ``drawConnectivity()`` will
    /// build, and the connection (index into ``connections``) that draws it; nil without positive
    /// delays. Adaptive methods cap their step at this delay, so it decides the step count.
    ///
    /// Drawn delays (`delay_ms` distributions) are drawn here exactly as the network draws them
    /// (the rule's contacts from (seed, connectivity, k), one delay per contact from (seed, delays,
    /// k)), for connections whose rule examines at most `pairLimit` (pre, post) pairs; above it a
    /// uniform distribution counts with its `low` (when positive) and other distributions are left
    /// out (the resource estimate refuses such networks unless forced).
    public func shortestDrawnDelay(pairLimit: Double = 1e8) -> (connection: Int, delayMs: Double)? {
        var best: (connection: Int, delayMs: Double)?
        func offer(_ k: Int, _ d: Double) {
            if d > 0, d < (best?.delayMs ?? .infinity) { best = (k, d) }
        }
        for (k, c) in connections.enumerated() {
            guard let delay = c.delayMs, c.channelsPerContact != .constant(0) else { continue }
            if case .constant(let d) = delay { offer(k, d); continue }
            guard let from = populations.firstIndex(where: { $0.name == c.source }),
                  let to = populations.firstIndex(where: { $0.name == c.target }) else { continue }
            let pre = Double(populations[from].size), post = Double(populations[to].size)
            let pairs: Double
            switch c.rule {
            case .explicit(let matrix): pairs = Double(matrix.count) * Double(matrix.first?.count ?? 0)
            case .ring(let offsets): pairs = post * Double(offsets.count)
            case .oneToOne: pairs = min(pre, post)
            default: pairs = pre * post
            }
            guard pairs <= pairLimit else {
                if case .uniform(let low, _) = delay { offer(k, low) }
                continue
            }
            let rng = RandomStream(type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.connectivity.rawValue, UInt64(k)))
            let count = Topology.contactCount(
                c.rule, preCount: populations[from].size, postCount: populations[to].size, samePopulation: from == to, rng: rng)
            let stream = RandomStream(type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.delays.rawValue, UInt64(k)))
            for _ in 0..<count { offer(k, delay.draw(stream)) }
        }
        return best
    }

    /// The noise layout, or nil when no population has noise.
    public var noiseModel: NoiseModel? {
        guard populations.contains(where: { $0.noise != nil }) else { return nil }
        return NoiseModel(
            populationSizes: populations.map(\.size), parameters: populations.map(\.noise),
            currentScalePA: cellParameters.map(\.currentScalePA), generator: noise.generator, gridMs: noiseGridMs)
    }

    /// The normalised network: cells, CSR coupling per receptor (rows postsynaptic), stimuli. The
    /// noise is apart, in ``noiseModel``.
    public func makeNetwork(connectivity: [SynapticContact]? = nil) -> NetworkModel {
        let n = cellCount
        let vT = populations[0].parameters.thermalPotentialMV
        let contacts = connectivity ?? drawConnectivity()
        func coupling(_ r: Receptor, _ s: PresynapticSigmoid) -> SynapticCoupling {
            let own = contacts.filter { $0.receptor == r }
            let delayed = own.filter { $0.delayMs > 0 }
            return SynapticCoupling(
                weights: SparseMatrix(
                    rowCount: n, columnCount: n,
                    entries: own.filter { !($0.delayMs > 0) }.map { ($0.post, $0.pre, $0.channels) }),
                gain: s.gain, halfActivation: s.halfActivationMV / vT,
                kinetics: s.tauMs.map { .firstOrder(tauMs: $0) } ?? .instantaneous,
                delayed: delayed.isEmpty ? nil : DelayedContacts(entries: delayed.map { ($0.post, $0.pre, $0.channels, $0.delayMs) }))
        }
        return NetworkModel(
            cells: cellParameters.map { $0.normalized() },
            ampa: coupling(.ampa, ampaSynapse), gabaA: coupling(.gabaA, gabaASynapse), stimuli: stimuli)
    }

    /// The initial state of `trial` in normalised units: `[y…, w…]`, then the steady synaptic
    /// activations of kinetic synapses. Jitter is drawn from (seed, initial conditions, trial).
    public func initialState(trial: Int = 0, network: NetworkModel? = nil) throws -> [Double] {
        var y: [Double] = [], w: [Double] = []
        let cells = populations.contains { !$0.distributions.isEmpty } ? cellParameters : []
        var first = 0
        let jitter = RandomStream(
            type: .mt19937, seed: SeedDerivation.seed(seed, SeedDerivation.Purpose.initialConditions.rawValue, UInt64(trial)))
        for (index, p) in populations.enumerated() {
            let vT = p.parameters.thermalPotentialMV
            defer { first += p.size }
            /// The resting state, or an error that names the population and what to change.
            func resting(_ cell: NormalizedCell, cell k: Int? = nil) throws -> FixedPoint {
                do { return try cell.restingState() } catch {
                    let which = k.map { "cell \($0 - first) of population \(printable(p.name)) (cell \($0) of the network)" }
                        ?? "population \(printable(p.name))"
                    let start: String
                    if case .jitter = p.initial { start = "jitter around rest" } else { start = "rest" }
                    throw ScenarioError.invalidValue(
                        path: "populations[\(index)].initial", value: start,
                        expected: "an explicit initial state {v_mV: …, w: …}: \(which) has no stable resting state between −150 and +100 mV without input (a stable fixed point of dv/dt = 0 on the w-nullcline), so '\(start)' is undefined; or change populations[\(index)].parameters (or the top-level parameters) so that the cell has one (docs/model.md §3–4)",
                        line: nil)
                }
            }
            switch p.initial {
            case .rest where !p.distributions.isEmpty:
                for k in first..<(first + p.size) {
                    let rest = try resting(cells[k].normalized(), cell: k)
                    y.append(rest.potentialMV / vT)
                    w.append(rest.w)
                }
            case .jitter(let sd) where !p.distributions.isEmpty:
                for k in first..<(first + p.size) {
                    let cell = cells[k].normalized()
                    let rest = try resting(cell, cell: k)
                    let v = (rest.potentialMV + sd * jitter.gaussian()) / vT
                    y.append(v)
                    w.append(cell.gating.potassiumSteadyState(v))
                }
            case .rest:
                let rest = try resting(p.parameters.normalized())
                y += Array(repeating: rest.potentialMV / vT, count: p.size)
                w += Array(repeating: rest.w, count: p.size)
            case .explicit(let v, let w0):
                y += v.map { $0 / vT }
                w += w0
            case .jitter(let sd):
                let cell = p.parameters.normalized()
                let rest = try resting(cell)
                for _ in 0..<p.size {
                    let v = (rest.potentialMV + sd * jitter.gaussian()) / vT
                    y.append(v)
                    w.append(cell.gating.potassiumSteadyState(v))
                }
            }
        }
        return (network ?? makeNetwork(connectivity: [])).fullState(potentialsAndGating: y + w)
    }
}
