/// A validated scenario in physical units (ms, mV, pA): what to simulate and what to record.
/// Built by ``ScenarioLoader`` from a YAML or JSON file; see docs/scenario-format.md.
public struct Scenario: Sendable {
    public var name: String
    public var description: String?
    public var durationMs: Double
    public var seed: UInt64
    public var solver: SolverSettings
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
    public static let methods = ["rk4"]
    public var method: String
    /// Fixed step in ms.
    public var dtMs: Double
}

/// A group of cells sharing parameters.
public struct Population: Sendable, Equatable {
    public var name: String
    public var size: Int
    public var parameters: CellParameters
    public var initial: InitialCondition
}

/// Where each cell of a population starts.
public enum InitialCondition: Sendable, Equatable {
    /// The resting state of the cell without input.
    case rest
    /// Explicit membrane potentials (mV) and KaD activations, one per cell.
    case explicit(potentialMV: [Double], w: [Double])
}

/// The presynaptic activation s = σ(g (v − v_s)/v_T) of one receptor kind.
public struct PresynapticSigmoid: Sendable, Equatable {
    public var gain = 5.0
    public var halfActivationMV = -20.0
}

/// Synaptic contacts of one receptor kind from one population to another.
public struct Connection: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// C[post, pre] with rows the target population's cells and columns the source's; entries
        /// multiply the channels per contact.
        case explicit(matrix: [[Double]])
    }
    public var receptor: Receptor
    public var source: String
    public var target: String
    public var rule: Rule
    public var channelsPerContact: Double
}

/// Variables that can be recorded as traces.
public enum TraceVariable: String, Sendable, CaseIterable, Codable {
    case v, w, iNaT, iKaD, iNaKa, iAmpa, iGabaA

    /// Column suffix with the unit.
    public var column: String {
        switch self {
        case .v: return "v_mV"
        case .w: return "w"
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
    public var variables: [TraceVariable] = TraceVariable.allCases
    /// Trace sampling interval in ms; nil samples at every step of the solver's grid.
    public var intervalMs: Double? = nil
}
