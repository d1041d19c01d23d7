import GSLSupport
import Numerics
import HVNetModel
import HVNetNoise
import HVNetSolvers
/// A validated scenario in physical units (ms, mV, pA): what to simulate and what to record.
/// Built by ``ScenarioLoader`` from a YAML or JSON file; see docs/scenario-format.md.
public struct Scenario: Sendable {
    public var name: String
    public var description: String?
    public var durationMs: Double
    public var seed: UInt64
    /// Independent realisations of the noise (and of seeded initial jitter).
    public var trials: Int
    public var solver: SolverSettings
    public var noise: NoiseSettings
    public var populations: [Population]
    public var ampaSynapse: PresynapticSigmoid
    public var gabaASynapse: PresynapticSigmoid
    public var connections: [Connection]
    public var stimuli: [Stimulus]
    public var recording: RecordingSettings
    /// FNV-1a 64-bit hash of the file's bytes, in hex: identifies the scenario a run came from.
    public var sourceHash: String

    public var cellCount: Int { populations.reduce(0) { $0 + $1.size } }

    /// Global index of the first cell of each population.
    public var populationOffsets: [Int] {
        var offsets: [Int] = []
        var next = 0
        for p in populations { offsets.append(next); next += p.size }
        return offsets
    }
}

/// The integration method and its options.
public struct SolverSettings: Sendable, Equatable {
    public var method: SolverMethod
    public var options: SolverOptions
    /// How noise enters the integration: shifted (default) or plain.
    public var noiseIntegration: NoiseIntegration = .shifted

    public init(method: SolverMethod, options: SolverOptions, noiseIntegration: NoiseIntegration = .shifted) {
        self.method = method
        self.options = options
        self.noiseIntegration = noiseIntegration
    }

    /// The fixed step (ms) of fixed-step methods.
    public var dtMs: Double? { options.dtMs }

    /// A short description: "rk4 dt = 0.01 ms" or "rkf45 rtol = 1e-06, atol = 1e-08".
    public var summary: String {
        if let dt = options.dtMs { return "\(method.name) dt = \(formatNumber(dt)) ms" }
        return "\(method.name) rtol = \(formatNumber(options.rtol)), atol = \(formatNumber(options.atol))"
    }
}

/// Scenario-wide noise settings: the generator and the grid of the noise paths.
public struct NoiseSettings: Sendable, Equatable {
    public var generator: GeneratorType = .mt19937
    /// δ in ms; nil means half the RK4 step, so that every stage time is a grid point.
    public var gridMs: Double? = nil
}

/// A group of cells sharing parameters.
public struct Population: Sendable, Equatable {
    public var name: String
    public var size: Int
    public var parameters: CellParameters
    public var initial: InitialCondition
    /// Ornstein–Uhlenbeck input to every cell of the population, or nil for none.
    public var noise: OUNoiseParameters?
    /// Cell parameters drawn per cell (sorted by key); `parameters` holds their means.
    public var distributions: [CellParameterDistribution] = []
}

/// Where each cell of a population starts.
public enum InitialCondition: Sendable, Equatable {
    /// The resting state of the cell without input.
    case rest
    /// Explicit membrane potentials (mV) and KaD activations, one per cell.
    case explicit(potentialMV: [Double], w: [Double])
    /// The resting state plus a normal jitter of the potential with this SD (mV), w = w∞(v);
    /// drawn per cell and trial from the scenario seed.
    case jitter(sdMV: Double)
}

/// The presynaptic activation s = σ(g (v − v_s)/v_T) of one receptor kind.
public struct PresynapticSigmoid: Sendable, Equatable {
    public var gain = 5.0
    public var halfActivationMV = -20.0
    /// Instantaneous (default) or first-order kinetics with this time constant in ms.
    public var tauMs: Double? = nil
}

/// Synaptic contacts of one receptor kind from one population to another.
public struct Connection: Sendable, Equatable {
    public var receptor: Receptor
    public var source: String
    public var target: String
    public var rule: ConnectionRule
    public var channelsPerContact: ContactStrength
    /// Transmission delay (ms, ≥ 0) per contact, a constant or a distribution drawn per contact;
    /// nil: no delay.
    public var delayMs: ContactStrength? = nil
}

/// Variables that can be recorded as traces.
public enum TraceVariable: String, Sendable, CaseIterable, Codable {
    case v, w, iNaT, iKaD, iNaKa, iAmpa, iGabaA
    /// The OU input ξ(t) = μ + fluctuation in pA, depolarising positive (0 without noise).
    case iNoise
    /// The stimulus current in pA, depolarising positive (current steps, sines, ramps).
    case iStim
    /// Open AMPA and GABA-A channels (a count): synaptic plus pulses.
    case pAmpa, pGabaA

    /// What is recorded when `recording.variables` is not given: the state and the membrane
    /// currents (the inputs and channel counts are recorded only when asked for).
    public static let defaults: [TraceVariable] = [.v, .w, .iNaT, .iKaD, .iNaKa, .iAmpa, .iGabaA]

    /// Column suffix with the unit.
    public var column: String {
        switch self {
        case .v: return "v_mV"
        case .w, .pAmpa, .pGabaA: return rawValue
        default: return "\(rawValue)_pA"
        }
    }
}

/// What a run records besides spikes (always recorded).
public struct RecordingSettings: Sendable, Equatable {
    /// Spikes are upward crossings of this potential (mV).
    public var thresholdMV = -20.0
    /// Cells whose traces are written (global indices).
    public var traceCells: [Int] = []
    public var variables: [TraceVariable] = TraceVariable.defaults
    /// Trace sampling interval in ms; nil samples at every step of the solver's grid.
    public var intervalMs: Double? = nil
    /// File format of the traces.
    public var format: TraceFormat = .csv
    /// The trial whose traces are written.
    public var trial = 0
    /// Also write run.nwb (NWB 2.8: units, traces, connectivity, the scenario).
    public var nwb = false
    /// The time window (ms, ending at the end of the run) that the voltage, phase-plane and
    /// (dv/dt, v) figures show; nil: the whole run up to 1 s, else its last second. The trace
    /// files always hold the whole run.
    public var plotWindowMs: Double? = nil

    /// The window the trace figures show: [start, duration] ms.
    public func plotWindow(durationMs: Double) -> ClosedRange<Double> {
        let width = min(plotWindowMs ?? 1000, durationMs)
        return (durationMs - width)...durationMs
    }
}

/// Trace file formats.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// traces.csv with a header row.
    case csv
    /// traces.npy (NumPy format 1.0, little-endian float64, rows × columns) and
    /// traces.columns.txt with the column names.
    case npy
}
