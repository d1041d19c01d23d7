import Foundation

/// The open channels that one trial's Poisson inputs (``Stimulus/Kind/poisson(_:)``) add to their
/// target cells, for given input spike trains.
///
/// Each input spike at t_k of a stimulus with c channels per spike and time constant τ adds
/// c·exp(−(t − t_k)/τ) open channels for t ≥ t_k (an exponentially decaying conductance, as NEST's
/// `poisson_generator` into an `exp` synapse), so a cell's Poisson channels of one stimulus are
///
///     g(t) = Σ_{t_k ≤ t} c·exp(−(t − t_k)/τ).
///
/// Every input spike is a breakpoint (``breakpoints(before:)``); inside a segment, which holds
/// none, g(t) = g(start)·exp(−(t − start)/τ) exactly, so g is evaluated at each stage time
/// without an extra state variable. ``beginSegment(from:to:)`` takes in the spikes before the
/// segment (in time order: the amplitudes are carried from segment to segment, so a segment costs
/// one multiplication per train, plus one exponential per spike taken in); ``add(at:ampa:gabaA:)``
/// costs one exponential per stimulus and one multiply-add per target cell and allocates nothing.
/// One instance serves one integration.
public final class PoissonConductances {
    /// One Poisson stimulus of the model.
    private struct Source {
        var receptor: Receptor
        var channelsPerSpike: Double
        var tauMs: Double
        /// Index of the stimulus in the model's stimuli.
        var stimulus: Int
        /// Range of this source's entries in `targetCell`/`targetTrain`.
        var targets: Range<Int>
        /// Range of this source's trains in `trains`.
        var trainRange: Range<Int>
    }

    private let sources: [Source]
    /// Input spike times (ms, increasing), one train per cell, or one per stimulus when shared.
    private let trains: [[Double]]
    /// The stimulus (index into `sources`) of each train, and the target cell (nil when shared).
    private let trainSource: [Int]
    private let trainCell: [Int?]
    /// Target cells and the train each receives, source by source.
    private let targetCell: [Int]
    private let targetTrain: [Int]
    /// g of each train at `reference` (open channels), and the next spike not yet taken in.
    @exclusivity(unchecked) private var amplitude: [Double]
    @exclusivity(unchecked) private var cursor: [Int]
    @exclusivity(unchecked) private var reference = 0.0
    /// Per cell, the trains that reach it (CSR over cells): for the recorder.
    private let cellStart: [Int]
    private let cellTrains: [Int]

    /// - Parameters:
    ///   - model: the network; its Poisson stimuli are taken in order.
    ///   - train: the spike times (ms, increasing, in [0, duration)) of stimulus `stimulus` (its index
    ///     in `model.stimuli`) for target cell `cell`, or of the stimulus' one shared train when
    ///     `cell` is nil (asked only when the stimulus is shared).
    public init(model: NetworkModel, train: (_ stimulus: Int, _ cell: Int?) -> [Double]) {
        var sources: [Source] = [], trains: [[Double]] = [], trainSource: [Int] = [], trainCell: [Int?] = []
        var targetCell: [Int] = [], targetTrain: [Int] = []
        for (index, stimulus) in model.stimuli.enumerated() {
            guard let p = stimulus.poisson else { continue }
            let firstTarget = targetCell.count, firstTrain = trains.count
            if p.shared {
                trains.append(train(index, nil))
                trainSource.append(sources.count)
                trainCell.append(nil)
                for cell in stimulus.cells {
                    targetCell.append(cell)
                    targetTrain.append(firstTrain)
                }
            } else {
                for cell in stimulus.cells {
                    targetCell.append(cell)
                    targetTrain.append(trains.count)
                    trains.append(train(index, cell))
                    trainSource.append(sources.count)
                    trainCell.append(cell)
                }
            }
            sources.append(Source(
                receptor: p.receptor, channelsPerSpike: p.channelsPerSpike, tauMs: p.tauMs, stimulus: index,
                targets: firstTarget..<targetCell.count, trainRange: firstTrain..<trains.count))
        }
        self.sources = sources
        self.trains = trains
        self.trainSource = trainSource
        self.trainCell = trainCell
        self.targetCell = targetCell
        self.targetTrain = targetTrain
        amplitude = Array(repeating: 0, count: trains.count)
        cursor = Array(repeating: 0, count: trains.count)
        var perCell = Array(repeating: [Int](), count: model.cellCount)
        for (k, cell) in targetCell.enumerated() { perCell[cell].append(targetTrain[k]) }
        cellStart = perCell.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        cellTrains = perCell.flatMap { $0 }
    }

    /// True when the model has no Poisson stimulus.
    public var isEmpty: Bool { sources.isEmpty }

    /// The input spike trains: the stimulus (index in the model's stimuli), the target cell (nil
    /// for a shared train) and the spike times in ms.
    public var spikeTrains: [(stimulus: Int, cell: Int?, timesMs: [Double])] {
        trains.indices.map { (sources[trainSource[$0]].stimulus, trainCell[$0], trains[$0]) }
    }

    /// Every input spike time in the open interval (0, `duration`), sorted and distinct (shared
    /// trains once). Sorting N spikes costs O(N log N) and 8N bytes.
    public func breakpoints(before duration: Double) -> [Double] {
        var all: [Double] = []
        all.reserveCapacity(trains.reduce(0) { $0 + $1.count })
        for train in trains { for t in train where t > 0 && t < duration { all.append(t) } }
        all.sort()
        var distinct: [Double] = []
        distinct.reserveCapacity(all.count)
        for t in all where distinct.last != t { distinct.append(t) }
        return distinct
    }

    /// Takes in the spikes before the open interval (`start`, `end`), which holds none, and moves
    /// the reference time to `start`. Segments come in time order; a segment that starts before
    /// the previous one (a new integration) starts over from t = 0.
    public func beginSegment(from start: Double, to end: Double) {
        let mid = 0.5 * (start + end)
        if start < reference {
            for k in amplitude.indices {
                amplitude[k] = 0
                cursor[k] = 0
            }
            reference = 0
        }
        for source in sources {
            let decay = exp(-(start - reference) / source.tauMs)
            let c = source.channelsPerSpike, tau = source.tauMs
            for k in source.trainRange {
                var g = amplitude[k] * decay
                var next = cursor[k]
                let train = trains[k]
                while next < train.count && train[next] < mid {
                    // A spike within rounding after `start` (a step snapped to the grid) counts at start.
                    g += c * exp(min(0, train[next] - start) / tau)
                    next += 1
                }
                amplitude[k] = g
                cursor[k] = next
            }
        }
        reference = start
    }

    /// Adds the open channels at time `t` (inside the current segment) to `ampa` and `gabaA`
    /// (n values each).
    public func add(at t: Double, ampa: UnsafeMutablePointer<Double>, gabaA: UnsafeMutablePointer<Double>) {
        for source in sources {
            let factor = exp(-(t - reference) / source.tauMs)
            let out = source.receptor == .ampa ? ampa : gabaA
            for k in source.targets { out[targetCell[k]] += amplitude[targetTrain[k]] * factor }
        }
    }

    /// Adds dg/dt = −g(t)/τ (open channels per ms) at time `t` to `ampa` and `gabaA` (n values each).
    public func addSlope(at t: Double, ampa: UnsafeMutablePointer<Double>, gabaA: UnsafeMutablePointer<Double>) {
        for source in sources {
            let factor = -exp(-(t - reference) / source.tauMs) / source.tauMs
            let out = source.receptor == .ampa ? ampa : gabaA
            for k in source.targets { out[targetCell[k]] += amplitude[targetTrain[k]] * factor }
        }
    }

    /// The open AMPA and GABA-A channels of cell `i` at time `t` (inside the current segment).
    public func channels(at t: Double, cell i: Int) -> (ampa: Double, gabaA: Double) {
        var ampa = 0.0, gabaA = 0.0
        for k in cellStart[i]..<cellStart[i + 1] {
            let train = cellTrains[k]
            let source = sources[trainSource[train]]
            let g = amplitude[train] * exp(-(t - reference) / source.tauMs)
            if source.receptor == .ampa { ampa += g } else { gabaA += g }
        }
        return (ampa, gabaA)
    }
}
