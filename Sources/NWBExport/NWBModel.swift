import Foundation

/// File-level metadata of an exported run.
public struct NWBSession: Sendable, Equatable {
    /// The file's unique identifier (written to `/identifier`).
    public var identifier: UUID
    public var sessionDescription: String
    /// When the simulated session starts; also the reference time of every timestamp.
    public var sessionStartTime: Date
    /// When the file is written (`/file_create_date`).
    public var fileCreateDate: Date
    /// The hvnet version that produced the run.
    public var hvnetVersion: String
    /// The resolved scenario (written to `/general/source_script`).
    public var scenario: String
    /// The name the scenario text is recorded under (the `file_name` of `source_script`).
    public var scenarioFileName: String
    /// `/general/institution` (omitted when nil). There are deliberately no `experimenter` or
    /// `keywords` (string arrays): Neo 0.14's NWBIO cannot read files that have them.
    public var institution: String?

    public init(
        identifier: UUID = UUID(), sessionDescription: String, sessionStartTime: Date, fileCreateDate: Date = Date(),
        hvnetVersion: String, scenario: String, scenarioFileName: String = "scenario.yaml",
        institution: String? = nil
    ) {
        self.institution = institution
        self.identifier = identifier
        self.sessionDescription = sessionDescription
        self.sessionStartTime = sessionStartTime
        self.fileCreateDate = fileCreateDate
        self.hvnetVersion = hvnetVersion
        self.scenario = scenario
        self.scenarioFileName = scenarioFileName
    }
}

/// One row of the Units table: the spikes of one cell (in one trial, for runs with trials).
public struct NWBUnit: Sendable, Equatable {
    /// The unit id (the row's `id`). For a single-trial run, the cell index.
    public var id: Int64
    /// The name of the cell's population.
    public var population: String
    /// Spike times in seconds, relative to the session start (for trials: to the trial start).
    public var spikeTimes: [Double]
    /// The cell index; written as a `cell` column when the run has trials.
    public var cell: Int64?
    /// The trial index; when any unit has one, the table gets `cell` and `trial` columns.
    public var trial: Int64?

    /// The spike times in ms as the simulator computed them (`spikeTimes` = these / 1000), or nil.
    /// When every unit has them, the table gets a `spike_times_ms` column, so that a reader in ms
    /// gets the times back bit for bit (seconds × 1000 can differ from them by one ulp).
    public var spikeTimesMs: [Double]?

    public init(id: Int64, population: String, spikeTimes: [Double], cell: Int64? = nil, trial: Int64? = nil, spikeTimesMs: [Double]? = nil) {
        self.spikeTimesMs = spikeTimesMs
        self.id = id
        self.population = population
        self.spikeTimes = spikeTimes
        self.cell = cell
        self.trial = trial
    }
}

/// What a trace records, which fixes its NWB name suffix and SI unit.
public enum NWBTraceVariable: Sendable, Equatable, Hashable {
    /// Membrane potential, in volts.
    case v
    /// The dimensionless adaptation/gating variable w.
    case w
    /// A current (for example "iNaT"), in amperes.
    case current(String)
    /// A count of open channels (hvnet's `pAmpa`, `pGabaA`), dimensionless.
    case openChannels(String)

    /// The suffix of the TimeSeries name `cell<K>_<suffix>`.
    public var name: String {
        switch self {
        case .v: return "v"
        case .w: return "w"
        case .current(let name), .openChannels(let name): return name
        }
    }

    /// The NWB `unit` attribute of the data.
    public var unit: String {
        switch self {
        case .v: return "volts"
        case .w, .openChannels: return "dimensionless"
        case .current: return "amperes"
        }
    }
}

/// One recorded variable of one cell: a TimeSeries `cell<K>_<variable>`.
public struct NWBTrace: Sendable, Equatable {
    public var cell: Int
    public var variable: NWBTraceVariable
    /// Samples in SI units (volts, amperes, or dimensionless), one per timestamp.
    public var values: [Double]

    public init(cell: Int, variable: NWBTraceVariable, values: [Double]) {
        self.cell = cell
        self.variable = variable
        self.values = values
    }

    public var seriesName: String { "cell\(cell)_\(variable.name)" }
}

/// The traces of a run, sampled at shared timestamps.
public struct NWBTraces: Sendable, Equatable {
    /// Sample times in seconds.
    public var timestamps: [Double]
    /// The trial the traces were recorded in, if the run has trials.
    public var trial: Int?
    public var series: [NWBTrace]

    public init(timestamps: [Double], trial: Int? = nil, series: [NWBTrace]) {
        self.timestamps = timestamps
        self.trial = trial
        self.series = series
    }
}

/// One synapse of the connectivity table.
public struct NWBConnection: Sendable, Equatable {
    public var pre: Int
    public var post: Int
    /// The receptor name (for example "ampa").
    public var receptor: String
    public var channels: Double
    /// The transmission delay in ms (nil: the network has no delays; then the table has no
    /// `delay_ms` column).
    public var delayMs: Double?

    public init(pre: Int, post: Int, receptor: String, channels: Double, delayMs: Double? = nil) {
        self.pre = pre
        self.post = post
        self.receptor = receptor
        self.channels = channels
        self.delayMs = delayMs
    }
}

/// Everything written to one NWB file.
public struct NWBRun: Sendable, Equatable {
    public var session: NWBSession
    public var units: [NWBUnit]
    public var traces: NWBTraces?
    public var connectivity: [NWBConnection]
    /// The simulated duration (of each trial) in seconds: every unit's observation interval is
    /// [0, duration] (`obs_intervals`, which Neo needs), and spike times must lie in it.
    public var duration: Double
    /// The precision of the spike times in seconds (the Units `resolution`), if known.
    public var spikeTimeResolution: Double?

    public init(
        session: NWBSession, duration: Double, units: [NWBUnit], traces: NWBTraces? = nil, connectivity: [NWBConnection] = [],
        spikeTimeResolution: Double? = nil
    ) {
        self.duration = duration
        self.spikeTimeResolution = spikeTimeResolution
        self.session = session
        self.units = units
        self.traces = traces
        self.connectivity = connectivity
    }
}

/// Errors of the NWB export that are not libhdf5 failures (those are ``HDF5Support/HDF5Error``).
public enum NWBExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The run cannot be written as given (the reason says why).
    case invalidInput(String)
    /// The completed temporary file could not be renamed into place.
    case cannotRename(from: String, to: String, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let reason): return "NWB export: \(reason)"
        case .cannotRename(let from, let to, let reason): return "NWB export: cannot rename \(from) to \(to): \(reason)"
        }
    }
}

extension NWBTraces {
    /// Traces from hvnet's trace columns (`time_ms`, then `cell<K>_v_mV`, `cell<K>_w`,
    /// `cell<K>_<current>_pA`) and rows, converted to SI: seconds = ms / 1000,
    /// volts = mV / 1000, amperes = pA / 1e12 (each a single IEEE division, so a reader can
    /// reproduce the values exactly from the CSV).
    public init(hvnetColumns columns: [String], rows: [[Double]], trial: Int? = nil) throws {
        guard columns.first == "time_ms" else { throw NWBExportError.invalidInput("the first trace column is not time_ms") }
        guard rows.allSatisfy({ $0.count == columns.count }) else {
            throw NWBExportError.invalidInput("a trace row does not have \(columns.count) values")
        }
        var series: [NWBTrace] = []
        for (k, column) in columns.enumerated().dropFirst() {
            let parts = column.split(separator: "_", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].hasPrefix("cell"), let cell = Int(parts[0].dropFirst(4)) else {
                throw NWBExportError.invalidInput("trace column '\(column)' is not cell<K>_<variable>")
            }
            let variable: NWBTraceVariable
            let divisor: Double
            switch parts[1] {
            case "v_mV": (variable, divisor) = (.v, 1e3)
            case "w": (variable, divisor) = (.w, 1)
            case "pAmpa", "pGabaA": (variable, divisor) = (.openChannels(parts[1]), 1)
            case let name where name.hasSuffix("_pA"): (variable, divisor) = (.current(String(name.dropLast(3))), 1e12)
            default: throw NWBExportError.invalidInput("trace column '\(column)' has no known unit (_mV, _pA, w, pAmpa or pGabaA)")
            }
            series.append(NWBTrace(cell: cell, variable: variable, values: rows.map { divisor == 1 ? $0[k] : $0[k] / divisor }))
        }
        self.init(timestamps: rows.map { $0[0] / 1e3 }, trial: trial, series: series)
    }
}
