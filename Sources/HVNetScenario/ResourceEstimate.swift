import Foundation
import Numerics

/// What a run of a scenario will cost, estimated from the scenario alone before anything is
/// allocated or written: steps, work, trace output, contacts, noise and memory. Every quantity is
/// a Double, so that estimating never overflows; `hvnet validate` prints it, and `run`, `compare`
/// and sweeps refuse a scenario above ``Limits`` unless forced. See docs/scenario-format.md.
public struct ResourceEstimate: Sendable, Equatable {
    /// Documented limits; a run above any of them is refused unless forced.
    public struct Limits: Sendable, Equatable {
        /// Integration steps of one trial (fixed step: duration / dt; adaptive: duration / hmax, or
        /// duration / the shortest drawn delay, a lower bound).
        public var stepsPerTrial = 1e9
        /// Cell-steps over all trials (cells × steps × trials), the work of the run.
        public var cellSteps = 1e11
        /// Trials of one run.
        public var trials = 100_000.0
        /// Bytes of the trace file.
        public var traceBytes = 1e9
        /// Synaptic contacts drawn.
        public var contacts = 1e8
        /// (pre, post) pairs a connection rule examines while drawing.
        public var pairsExamined = 1e10
        /// Noise values drawn over all trials (grid points × sources × trials).
        public var noiseValues = 1e10
        /// Estimated peak memory in bytes.
        public var memoryBytes = 4e9
        /// Poisson input spikes of one trial (each is a breakpoint: a stepper restart and 16 bytes).
        public var inputSpikesPerTrial = 1e7

        public init() {}
    }

    public var cells: Double
    public var trials: Double
    public var stepsPerTrial: Double
    /// Whether ``stepsPerTrial`` is a lower bound (adaptive methods take at least duration / hmax steps).
    public var stepsAreLowerBound: Bool
    public var cellSteps: Double { cells * stepsPerTrial * trials }
    public var traceSamples: Double
    public var traceColumns: Double
    public var traceBytes: Double
    public var contacts: Double
    public var pairsExamined: Double
    public var noiseSources: Double
    public var noiseValues: Double
    /// Noise block memory of one trial (four buffers of sources × block length doubles).
    public var noiseBytesPerTrial: Double
    public var memoryBytes: Double
    /// Expected Poisson input spikes of one trial: Σ rate × (time on before the end) × trains, a
    /// train per target cell or one when shared.
    public var inputSpikesPerTrial: Double
    /// The connection (index) whose shortest drawn delay caps an adaptive step, for the message.
    var stepLimitingConnection: Int?
    /// The stimulus (index) with the most expected input spikes, for the message.
    var largestInputStimulus: Int?

    /// Bytes per cell held during a run (parameters, normalised cells, state, solver stages, recorder).
    static let bytesPerCell = 2_000.0
    /// Bytes per drawn contact (sorted dictionary entries, CSR, the connectivity file).
    static let bytesPerContact = 120.0

    public init(_ s: Scenario) {
        cells = Double(s.cellCount)
        trials = Double(s.trials)
        let options = s.solver.options
        // Adaptive methods also cap their step at the shortest transmission delay (as drawn).
        let shortest = options.dtMs == nil ? s.shortestDrawnDelay() : nil
        let delayCap = shortest?.delayMs ?? .infinity
        stepsPerTrial = max(1, (s.durationMs / min(options.largestStep, delayCap, s.durationMs)).rounded(.up))
        stepLimitingConnection = delayCap < min(options.largestStep, s.durationMs) ? shortest?.connection : nil
        stepsAreLowerBound = options.dtMs == nil
        let tracedCells = Double(s.recording.traceCells.count)
        traceColumns = tracedCells == 0 ? 0 : 1 + tracedCells * Double(s.recording.variables.count)
        traceSamples = tracedCells == 0 ? 0 : (s.durationMs / s.traceIntervalMs).rounded(.down) + 1
        // CSV: about 16 characters per number (shortest round-trip digits and a separator); NPY: 8 bytes.
        traceBytes = traceSamples * traceColumns * (s.recording.format == .csv ? 16 : 8)
        var contacts = 0.0, pairs = 0.0
        let sizes = Dictionary(s.populations.map { ($0.name, Double($0.size)) }, uniquingKeysWith: { a, _ in a })
        for c in s.connections {
            let pre = sizes[c.source] ?? 0, post = sizes[c.target] ?? 0
            switch c.rule {
            case .explicit(let matrix):
                contacts += Double(matrix.reduce(0) { $0 + $1.filter { $0 != 0 }.count })
                pairs += pre * post
            case .allToAll: contacts += pre * post; pairs += pre * post
            case .oneToOne: contacts += min(pre, post); pairs += min(pre, post)
            case .ring(let offsets): contacts += post * Double(offsets.count); pairs += post * Double(offsets.count)
            case .bernoulli(let p, _): contacts += p * pre * post; pairs += pre * post
            case .fixedInDegree(let k, _): contacts += Double(k) * post; pairs += pre * post
            case .smallWorld(let k, let beta):
                contacts += Double(k) * post
                pairs += Double(k) * post * (beta > 0 ? pre : 1)
            }
        }
        self.contacts = contacts
        pairsExamined = pairs
        var sources = 0.0
        for p in s.populations {
            guard let noise = p.noise, noise.sdPA > 0 else { continue }
            sources += Double(p.size) * (noise.sharedFraction < 1 ? 1 : 0) + (noise.sharedFraction > 0 ? 1 : 0)
        }
        noiseSources = sources
        let grid = s.noiseGridMs
        noiseValues = sources == 0 ? 0 : 2 * (s.durationMs / grid).rounded(.up) * sources * trials
        // The block length the run will use (TimeGrid caps it; a longer step replays the paths).
        let block = Double(s.timeGrid.noiseBlockLength)
        noiseBytesPerTrial = sources == 0 ? 0 : 4 * sources * (block + 1) * 8
        var spikes = 0.0, largest: (index: Int, spikes: Double)? = nil
        for (k, stimulus) in s.stimuli.enumerated() {
            guard let p = stimulus.poisson else { continue }
            // Time on before the end of the run; overlapping windows count once.
            var on = 0.0, covered = 0.0
            for w in stimulus.windowsMs.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                let start = max(w.lowerBound, covered), stop = min(w.upperBound, s.durationMs)
                if stop > start { on += stop - start }
                covered = max(covered, stop)
            }
            let trains = p.shared ? 1 : Double(stimulus.cells.count)
            let expected = p.rateHz * on / 1000 * trains
            spikes += expected
            if expected > (largest?.spikes ?? 0) { largest = (k, expected) }
        }
        inputSpikesPerTrial = spikes
        largestInputStimulus = largest?.index
        // Every input spike is a breakpoint: at least one more step.
        stepsPerTrial += spikes
        let concurrent = min(trials, Double(Processors.available))
        memoryBytes = cells * Self.bytesPerCell * max(1, concurrent) + contacts * Self.bytesPerContact
            + noiseBytesPerTrial * concurrent + trials * 1_000 + inputSpikesPerTrial * 24 * concurrent
    }

    /// One line per limit that the estimate exceeds, naming the key path to change.
    public func exceeded(_ limits: Limits = Limits()) -> [String] {
        var lines: [String] = []
        func check(_ value: Double, _ limit: Double, _ what: String, _ path: String) {
            if !(value <= limit) { lines.append("\(what): \(Self.short(value)) exceeds the limit \(Self.short(limit)) (\(path))") }
        }
        check(stepsPerTrial, limits.stepsPerTrial, "steps per trial",
              stepLimitingConnection.map { "duration_ms, or connections[\($0)].delay_ms: its shortest drawn delay caps the step" }
                  ?? "duration_ms, solver.dt_ms or solver.hmax_ms")
        check(cellSteps, limits.cellSteps, "cell-steps over all trials", "populations[].size, trials, duration_ms, solver")
        check(trials, limits.trials, "trials", "trials")
        check(traceBytes, limits.traceBytes, "trace file bytes", "recording.interval_ms, recording.cells, recording.variables")
        check(contacts, limits.contacts, "synaptic contacts", "connections")
        check(pairsExamined, limits.pairsExamined, "cell pairs examined while drawing contacts", "connections, populations[].size")
        check(noiseValues, limits.noiseValues, "noise values drawn", "noise.grid_ms, duration_ms, trials")
        check(memoryBytes, limits.memoryBytes, "memory bytes", "populations[].size, connections, noise.grid_ms")
        check(inputSpikesPerTrial, limits.inputSpikesPerTrial, "Poisson input spikes per trial",
              largestInputStimulus.map { "stimuli[\($0)].rate_Hz, its cells or windows_ms, duration_ms" } ?? "stimuli")
        return lines
    }

    /// Throws ``ResourceError`` when any limit is exceeded.
    public func enforce(_ limits: Limits = Limits()) throws {
        let lines = exceeded(limits)
        if !lines.isEmpty { throw ResourceError(exceeded: lines, estimate: summary) }
    }

    /// A few lines for people.
    public var summary: String {
        var lines = [
            "estimate: \(Self.short(cells)) cell(s) × \(Self.short(trials)) trial(s), \(stepsAreLowerBound ? "at least " : "")\(Self.short(stepsPerTrial)) steps per trial (\(Self.short(cellSteps)) cell-steps)",
            "  traces \(Self.bytes(traceBytes)) (\(Self.short(traceSamples)) samples × \(Self.short(traceColumns)) columns), \(Self.short(contacts)) contact(s), \(Self.short(noiseValues)) noise values, memory about \(Self.bytes(memoryBytes))",
        ]
        if noiseSources > 0 { lines[1] += " (noise blocks \(Self.bytes(noiseBytesPerTrial)) per trial)" }
        if inputSpikesPerTrial > 0 { lines.append("  about \(Self.short(inputSpikesPerTrial.rounded())) Poisson input spikes (breakpoints) per trial") }
        return lines.joined(separator: "\n")
    }

    static func short(_ x: Double) -> String {
        if x.isNaN { return "undefined" }
        if x.isInfinite { return "infinite" }
        if x == x.rounded() && abs(x) < 1e7 { return String(Int(x)) }
        return String(format: "%.3g", x)
    }

    static func bytes(_ x: Double) -> String {
        guard x.isFinite else { return "\(short(x)) bytes" }
        for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where x >= size {
            return String(format: "%.3g %@", x / size, unit)
        }
        return "\(Int(x)) bytes"
    }
}

/// A run refused because its estimated cost exceeds the documented limits (`--force` runs it anyway).
public struct ResourceError: Error, Equatable, CustomStringConvertible {
    public var exceeded: [String]
    public var estimate: String

    public var description: String {
        (["refused: the run would exceed hvnet's limits (give --force to run it anyway):"] + exceeded.map { "  " + $0 } + [estimate])
            .joined(separator: "\n")
    }
}
