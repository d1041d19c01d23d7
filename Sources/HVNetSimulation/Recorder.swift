import Numerics
import HVNetModel
import HVNetSolvers
import HVNetScenario
import Foundation

/// Watches an integration of a network: detects spikes in every cell, samples traces of chosen
/// cells at a fixed interval (streamed to a CSV file and/or kept in memory), keeps a decimated
/// copy for plots and the notebook's Na and K "efficiency" sums.
public final class Recorder: CellwiseStepObserver {
    public let evaluator: NetworkEvaluator
    public let settings: RecordingSettings
    public let interval: Double
    public let duration: Double

    /// The spikes so far: each thread part's in the order it detected them (steps, then cells),
    /// the parts in order; ``takeSortedSpikes()`` sorts them.
    public var spikes: [Spike] { partSpikes.flatMap(\.spikes) }
    /// The spikes of each part of a network split over threads (``observeCells(_:cells:part:)``;
    /// one part otherwise): each part's thread appends to its own.
    private let partSpikes: [SpikeList]
    /// In-memory trace rows (time, then the variables of each traced cell), when requested.
    @exclusivity(unchecked) public private(set) var rows: [[Double]] = []
    /// Decimated (t, v, w, dv/dt) per traced cell for plots.
    public private(set) var plotData: [PlotTrace]
    /// The notebook's calc2DNrnOrbit ratios per traced cell.
    public private(set) var efficiency: [EfficiencySums]
    /// Accepted steps observed so far: the steps a run took before it stopped, when it did.
    public private(set) var observedSteps = 0
    /// The integration's statistics when it stopped with an error (rejected steps and the
    /// evaluations of each kind until then); nil otherwise.
    public private(set) var stoppedStatistics: IntegrationStatistics? = nil

    private let n: Int
    private let thresholdY: [Double]
    /// The thresholds again as raw memory, and per cell the open peak: its value (+∞ when none
    /// is open), its time, and the spike it belongs to: the part whose list holds it and its
    /// index there (−1 when none, or after ``takeSortedSpikes()``). A peak is open while the cell
    /// is above the threshold. Raw memory, not arrays of optionals: the once-per-step test reads
    /// these for every cell above the threshold, without exclusivity or uniqueness checks.
    private let thresholdPointer: UnsafeMutablePointer<Double>
    private let peakValue: UnsafeMutablePointer<Double>
    private let peakTime: UnsafeMutablePointer<Double>
    private let spikeIndexOfCell: UnsafeMutablePointer<Int>
    private let spikePartOfCell: UnsafeMutablePointer<Int>
    private let vT: [Double]
    private let keepRows: Bool
    @exclusivity(unchecked) private var nextSample = 0
    private let sampleCount: Int
    private let scratch: UnsafeMutablePointer<Double>
    /// State components (y, w, then any kinetic synapses).
    private let stateSize: Int
    /// ξ_i(t) in pA at the current sample, when `iNoise` is recorded.
    private let noiseInput: Workspace?

    public let trial: Int
    private let traceSink: TraceSink?

    public init(evaluator: NetworkEvaluator, settings: RecordingSettings, dt: Double, duration: Double,
                traces: TraceSink?, keepRows: Bool = false, trial: Int = 0) throws {
        self.trial = trial
        traceSink = traces
        self.evaluator = evaluator
        self.settings = settings
        self.duration = duration
        interval = settings.intervalMs ?? dt
        let model = evaluator.model
        n = model.cellCount
        vT = model.cells.map(\.thermalPotentialMV)
        thresholdY = vT.map { settings.thresholdMV / $0 }
        self.keepRows = keepRows
        do {
            sampleCount = try checkedCount(duration / interval + 1e-9, rounding: .down, "trace samples (duration / interval)") + 1
        } catch {
            throw IntegrationError.invalidOptions("\(error)")
        }
        thresholdPointer = .allocate(capacity: max(n, 1))
        thresholdPointer.initialize(from: thresholdY, count: n)
        peakValue = .allocate(capacity: max(n, 1))
        peakValue.initialize(repeating: .infinity, count: max(n, 1))
        peakTime = .allocate(capacity: max(n, 1))
        peakTime.initialize(repeating: 0, count: max(n, 1))
        spikeIndexOfCell = .allocate(capacity: max(n, 1))
        spikeIndexOfCell.initialize(repeating: -1, count: max(n, 1))
        spikePartOfCell = .allocate(capacity: max(n, 1))
        spikePartOfCell.initialize(repeating: 0, count: max(n, 1))
        partSpikes = (0..<max(evaluator.cellThreads, 1)).map { _ in SpikeList() }
        let window = settings.plotWindow(durationMs: duration)
        plotData = settings.traceCells.prefix(10).map { PlotTrace(cell: $0, fromMs: window.lowerBound) }
        efficiency = settings.traceCells.map { EfficiencySums(cell: $0) }
        // The interpolated state (every component: the synaptic channels read kinetic synapses'
        // states after y and w), then dy/dt of traced cells.
        stateSize = model.stateSize
        scratch = .allocate(capacity: stateSize + n)
        scratch.initialize(repeating: 0, count: stateSize + n)
        noiseInput = settings.variables.contains(.iNoise) ? Workspace(count: n) : nil
        if let traceSink, !settings.traceCells.isEmpty {
            try traceSink.begin(columns: Self.columns(settings), rows: sampleCount)
        }
    }

    deinit {
        scratch.deallocate()
        thresholdPointer.deallocate()
        peakValue.deallocate()
        peakTime.deallocate()
        spikeIndexOfCell.deallocate()
        spikePartOfCell.deallocate()
    }

    /// Trace column names: time_ms, then cellK_VARIABLE for each traced cell.
    public static func columns(_ settings: RecordingSettings) -> [String] {
        ["time_ms"] + settings.traceCells.flatMap { cell in settings.variables.map { "cell\(cell)_\($0.column)" } }
    }

    public func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {
        for i in 0..<n where state[i] >= thresholdY[i] {
            peakValue[i] = state[i]
            peakTime[i] = time
        }
        if nextSample == 0 {
            try sample(time: 0, state: state, derivative: derivative)
            nextSample = 1
        }
    }

    public func integrationStopped(with statistics: IntegrationStatistics) {
        stoppedStatistics = statistics
    }

    public func observe(_ step: AcceptedStep) throws {
        observeStep(step)
        observeCells(step, cells: 0..<n, part: 0)
        guard !settings.traceCells.isEmpty else { return }
        let tolerance = 1e-9 * interval
        while nextSample < sampleCount {
            let t = Double(nextSample) * interval
            guard t <= step.t1 + tolerance else { break }
            let s = min(max((t - step.t0) / step.h, 0), 1)
            for k in 0..<stateSize {
                scratch[k] = CubicHermite(h: step.h, y0: step.y0[k], f0: step.f0[k], y1: step.y1[k], f1: step.f1[k]).value(at: s)
            }
            let derivative = scratch + stateSize
            for i in settings.traceCells {
                derivative[i] = CubicHermite(h: step.h, y0: step.y0[i], f0: step.f0[i], y1: step.y1[i], f1: step.f1[i]).derivative(at: s)
            }
            try sample(time: t, state: scratch, derivative: derivative)
            nextSample += 1
        }
    }

    /// Hands the spikes over in (trial, time, cell) order, in an array of their exact size (the
    /// recording one may have up to twice the room); the recorder keeps none.
    public func takeSortedSpikes() -> [Spike] {
        var taken = [Spike]()
        taken.reserveCapacity(partSpikes.reduce(0) { $0 + $1.spikes.count })
        for list in partSpikes {
            taken.append(contentsOf: list.spikes)
            list.spikes = []
        }
        spikeIndexOfCell.update(repeating: -1, count: n)
        taken.sort { ($0.trial, $0.timeMs, $0.cell) < ($1.trial, $1.timeMs, $1.cell) }
        return taken
    }

    /// Whether observation splits by cells: without traces, which read across cells.
    public var splitsByCells: Bool { settings.traceCells.isEmpty }

    public func observeStep(_ step: AcceptedStep) {
        observedSteps += 1
    }

    /// Spike detection for `cells`, spikes into part `part`'s list.
    public func observeCells(_ step: AcceptedStep, cells: Range<Int>, part: Int) {
        // The cells detect(cell:_:part:) acts on: above the threshold at the step's end, or with
        // an open peak (+∞ in `peakValue` when none is open). A peak is open exactly while the cell
        // was above the threshold at the end of the last step (``detect(cell:_:part:)`` closes it
        // at the first step that ends below), so a cell above the threshold at the step's start
        // is one of them. Four cells at a time, then the rest one by one.
        let y1 = step.y1
        let theta = thresholdPointer, peak = peakValue
        let open = SIMD4<Double>(repeating: .infinity)
        var i = cells.lowerBound
        while i + 4 <= cells.upperBound {
            let act = (load4(y1 + i) .>= load4(theta + i)) .| (load4(peak + i) .< open)
            if any(act) {
                for lane in 0..<4 where act[lane] { detect(cell: i + lane, step, part: part) }
            }
            i += 4
        }
        while i < cells.upperBound {
            if y1[i] >= theta[i] || peak[i] < .infinity { detect(cell: i, step, part: part) }
            i += 1
        }
    }

    /// Closes peaks still open at the end of the run.
    public func finish() {
        for i in 0..<n { closePeak(cell: i) }
    }

    /// A spike is an upward crossing of the threshold, located by the step
    /// (``AcceptedStep/upwardCrossing(component:level:)``: cubic Hermite for fixed-step methods,
    /// root finding on the re-integrated solution for adaptive ones); its peak is the largest v
    /// until v falls below the threshold again (``AcceptedStep/maximum(component:)``). The loop
    /// hands over only steps whose end state and derivative are finite.
    private func detect(cell i: Int, _ step: AcceptedStep, part: Int) {
        let y0 = step.y0[i], y1 = step.y1[i], theta = thresholdPointer[i]
        if y0 < theta && y1 >= theta {
            closePeak(cell: i)
            let time = step.upwardCrossing(component: i, level: theta)
            let list = partSpikes[part]
            list.spikes.append(Spike(trial: trial, cell: i, timeMs: time, peakMV: .nan, peakTimeMs: .nan))
            spikeIndexOfCell[i] = list.spikes.count - 1
            spikePartOfCell[i] = part
            peakValue[i] = y0
            peakTime[i] = step.t0
        }
        let peak = peakValue[i]
        guard peak < .infinity else { return }
        // On [0, 1] the interpolant is at most max(y0, y1) + (4/27) h (|f0| + |f1|) (the Hermite
        // basis functions of the slopes stay within ±4/27): no search when that cannot beat the peak.
        if max(y0, y1) + 4.0 / 27.0 * step.h * (abs(step.f0[i]) + abs(step.f1[i])) + 1e-9 * (1 + abs(peak)) > peak {
            let m = step.maximum(component: i)
            if m.value > peak {
                peakValue[i] = m.value
                peakTime[i] = m.time
            }
        }
        // The peak is that of the excursion above the threshold: it closes when the cell ends a
        // step below it.
        if y1 < theta { closePeak(cell: i) }
    }

    private func closePeak(cell i: Int) {
        let value = peakValue[i]
        guard value < .infinity else { return }
        peakValue[i] = .infinity
        let k = spikeIndexOfCell[i]
        if k >= 0 {
            let list = partSpikes[spikePartOfCell[i]]
            list.spikes[k].peakMV = value * vT[i]
            list.spikes[k].peakTimeMs = peakTime[i]
            spikeIndexOfCell[i] = -1
        }
    }

    /// One trace sample; `derivative` holds dy/dt of the traced cells.
    private func sample(time t: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {
        var row = [t]
        if let noiseInput { evaluator.noiseInputPA(at: t, into: noiseInput.base) }
        for (k, cell) in settings.traceCells.enumerated() {
            let model = evaluator.model.cells[cell]
            let y = state[cell], w = state[n + cell]
            let open = evaluator.openChannels(at: t, state: state, cell: cell)
            let currents = model.currents(y: y, w: w, ampaOpen: open.ampa, gabaAOpen: open.gabaA)
            let v = y * vT[cell], dvdt = derivative[cell] * vT[cell]
            for variable in settings.variables {
                switch variable {
                case .v: row.append(v)
                case .w: row.append(w)
                case .iNaT: row.append(currents.nat)
                case .iKaD: row.append(currents.kad)
                case .iNaKa: row.append(currents.naka)
                case .iAmpa: row.append(currents.ampa)
                case .iGabaA: row.append(currents.gabaA)
                case .iNoise: row.append(noiseInput?.base[cell] ?? 0)
                case .iStim: row.append(evaluator.stimulusCurrentPA(at: t, cell: cell))
                case .pAmpa: row.append(open.ampa)
                case .pGabaA: row.append(open.gabaA)
                }
            }
            efficiency[k].add(currents, dvdt: dvdt)
            if k < plotData.count { plotData[k].append(t: t, v: v, w: w, dvdt: dvdt) }
        }
        try traceSink?.write(row)
        if keepRows { rows.append(row) }
    }
}

/// One thread part's spikes (a class, so that each part's thread appends to its own without
/// touching the others').
private final class SpikeList {
    @exclusivity(unchecked) var spikes: [Spike] = []
}

/// The notebook's calc2DNrnOrbit "efficiency" ratios, summed over trace samples:
/// Na efficiency = Σ_{dv/dt>0} i_NaT / Σ_{dv/dt>0} i_tot and
/// K efficiency = Σ_{dv/dt<0} i_KaD / Σ_{dv/dt<0} i_tot, with i_tot = i_NaT + i_KaD + i_NaKa.
/// The sign of dv/dt is that of the right-hand side (the notebook uses a backward difference).
/// The ratios describe the currents of an action potential: for a cell that did not spike in the
/// recorded trial (``fired`` false) both are undefined (NaN; null in summary.json), since near rest
/// the total current crosses zero and the ratio is arbitrary (it reached −1.6e13).
public struct EfficiencySums: Sendable {
    public let cell: Int
    var risingNaT = 0.0, risingTotal = 0.0, fallingKaD = 0.0, fallingTotal = 0.0
    /// Whether the cell spiked in the recorded trial; set when the trial's spikes are known.
    public var fired = true

    mutating func add(_ c: MembraneCurrents, dvdt: Double) {
        if dvdt > 0 {
            risingNaT += c.nat
            risingTotal += c.intrinsic
        } else if dvdt < 0 {
            fallingKaD += c.kad
            fallingTotal += c.intrinsic
        }
    }

    public var sodium: Double { fired && risingTotal != 0 ? risingNaT / risingTotal : .nan }
    public var potassium: Double { fired && fallingTotal != 0 ? fallingKaD / fallingTotal : .nan }
}

/// A trace for plotting, decimated to at most `limit` points by doubling its stride.
public struct PlotTrace: Sendable {
    public let cell: Int
    public private(set) var t: [Double] = []
    public private(set) var v: [Double] = []
    public private(set) var w: [Double] = []
    public private(set) var dvdt: [Double] = []
    private var stride = 1
    private var counter = 0
    static let limit = 8_192

    /// The first time kept (ms): the start of the figures' window (``RecordingSettings/plotWindow(durationMs:)``).
    public let startMs: Double

    init(cell: Int, fromMs startMs: Double = 0) {
        self.cell = cell
        self.startMs = startMs
    }

    mutating func append(t: Double, v: Double, w: Double, dvdt: Double) {
        guard t >= startMs else { return }
        defer { counter += 1 }
        guard counter % stride == 0 else { return }
        self.t.append(t)
        self.v.append(v)
        self.w.append(w)
        self.dvdt.append(dvdt)
        if self.t.count >= Self.limit {
            func halve(_ a: [Double]) -> [Double] { Swift.stride(from: 0, to: a.count, by: 2).map { a[$0] } }
            self.t = halve(self.t)
            self.v = halve(self.v)
            self.w = halve(self.w)
            self.dvdt = halve(self.dvdt)
            stride *= 2
        }
    }
}
