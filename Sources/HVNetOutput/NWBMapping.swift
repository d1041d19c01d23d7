import Foundation
import HVNetAnalysis
import HVNetScenario
import HVNetSimulation
import NWBExport
import Numerics

/// Maps hvnet's runs into NWB files (``NWBExport``) and NWB Units tables back into spike files
/// (docs/nwb-export.md).
public enum RunNWB {
    /// The NWB content of a run: one unit per cell (per trial and cell with trials; silent cells
    /// included, so that a reader sees every cell and trial), spike times in s = time_ms / 1000,
    /// each unit's population, the traces of the recorded trial in SI units, the drawn
    /// connectivity, the scenario text and hvnet's version.
    ///
    /// - Parameters:
    ///   - traces: the trace columns (`time_ms`, `cell<K>_<variable>`) and rows of the recorded
    ///     trial, or nil without traces.
    ///   - scenarioText: the scenario as run (the file's text).
    public static func run(
        scenario: Scenario, trials: [Simulation.Trial], connectivity: [NWBConnection], traces: (columns: [String], rows: [[Double]])?,
        scenarioText: String, scenarioFileName: String, startDate: Date
    ) throws -> NWBRun {
        let withTrials = scenario.trials > 1
        let populationOfCell = scenario.populations.flatMap { Array(repeating: $0.name, count: $0.size) }
        var units: [NWBUnit] = []
        units.reserveCapacity(trials.count * scenario.cellCount)
        for trial in trials {
            var times = [[Double]](repeating: [], count: scenario.cellCount)
            for spike in trial.spikes where times.indices.contains(spike.cell) { times[spike.cell].append(spike.timeMs) }
            for cell in 0..<scenario.cellCount {
                let ms = times[cell].sorted()
                units.append(NWBUnit(
                    id: Int64(withTrials ? trial.index * scenario.cellCount + cell : cell), population: populationOfCell[cell],
                    spikeTimes: ms.map { $0 / 1000 }, cell: withTrials ? Int64(cell) : nil, trial: withTrials ? Int64(trial.index) : nil,
                    spikeTimesMs: ms))
            }
        }
        let nwbTraces = try traces.map {
            try NWBTraces(hvnetColumns: $0.columns, rows: $0.rows, trial: withTrials ? scenario.recording.trial : nil)
        }
        let session = NWBSession(
            sessionDescription: "hvnet simulation of scenario '\(scenario.name)': \(scenario.cellCount) cell(s), "
                + "\(formatNumber(scenario.durationMs)) ms, \(scenario.trials) trial(s), seed \(scenario.seed), \(scenario.solver.summary)",
            sessionStartTime: startDate, hvnetVersion: HVNetVersion.string, scenario: scenarioText, scenarioFileName: scenarioFileName)
        return NWBRun(session: session, duration: scenario.durationMs / 1000, units: units, traces: nwbTraces, connectivity: connectivity)
    }

    /// A spike file from an NWB Units table: the `cell` column (else the unit id) is the cell
    /// id, the `trial` column the trial; times in ms are the `spike_times_ms` column where the
    /// file has it (hvnet's export: spikes.csv's times bit for bit), else spike_times × 1000.
    /// Every unit is a declared cell, silent or not; the trials are 0 … the highest trial index.
    public static func spikeFile(units: [NWBUnit]) -> (file: SpikeFile, cellIds: [Int], trialCount: Int) {
        var rows: [SpikeFile.Row] = []
        var ids = Set<Int>()
        var trials = 1
        for (k, unit) in units.enumerated() {
            let cell = Int(truncatingIfNeeded: unit.cell ?? unit.id)
            let trial = Int(truncatingIfNeeded: unit.trial ?? 0)
            ids.insert(cell)
            // A trial index outside 0 … limit is refused by SpikeFile.trains, naming the unit.
            trials = max(trials, min(max(trial, 0), SpikeFile.trainLimit) + 1)
            let ms = unit.spikeTimesMs ?? unit.spikeTimes.map { $0 * 1000 }
            for t in ms { rows.append(SpikeFile.Row(line: k + 1, trial: trial, cell: cell, timeMs: t)) }
        }
        let file = SpikeFile(
            rows: rows, hasTrials: units.contains { $0.trial != nil }, format: .nwb, cellColumn: "cell", timeColumn: "spike_times",
            timeUnit: .s)
        return (file, ids.sorted(), trials)
    }
}

/// A trace sink that passes rows on to another sink and keeps a copy of them in memory (for the
/// NWB file, which libhdf5 writes at the end of the run).
public final class CopyingTraceSink: TraceSink {
    private let inner: TraceSink?
    public private(set) var columns: [String] = []
    public private(set) var rows: [[Double]] = []

    public init(passingTo inner: TraceSink?) { self.inner = inner }

    public func begin(columns: [String], rows: Int) throws {
        self.columns = columns
        self.rows.reserveCapacity(min(rows, 1 << 22))
        try inner?.begin(columns: columns, rows: rows)
    }

    public func write(_ row: [Double]) throws {
        rows.append(row)
        try inner?.write(row)
    }

    public func commit() throws -> [String] { try inner?.commit() ?? [] }
}
