import Foundation
import HDF5Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an hvnet run as an NWB 2.x file (core namespace, without cached specifications).
///
/// Layout:
/// - `/` (NWBFile): `identifier`, `session_description`, `session_start_time`,
///   `timestamps_reference_time` (= session start), `file_create_date`; empty `acquisition`,
///   `analysis`, `stimulus/presentation`, `stimulus/templates`.
/// - `/general/source_script`: the resolved scenario (`file_name` attribute); `/general/notes`
///   and `experiment_description`: the hvnet version; `/general/subject`: a Subject stating
///   that there is no animal (sex "U", age "P0D/", no species).
/// - `/units` (Units): `spike_times` + `spike_times_index`, `obs_intervals` + index ([0, duration]
///   per unit; Neo needs it), `population`; runs with trials
///   have one unit per (trial, cell) and extra `cell` and `trial` columns, spike times then
///   being relative to each trial's start (trials all start at 0 s).
/// - `/processing/hvnet` (ProcessingModule): `connectivity` (DynamicTable with `pre`, `post`,
///   `receptor`, `channels`, and `delay_ms` when the network has transmission delays) and one
///   TimeSeries `cell<K>_<variable>` per trace.
///
/// The file is written under a temporary name in the destination's directory and renamed
/// into place only when complete.
public enum NWBWriter {
    /// The NWB core schema version the files follow.
    public static let nwbVersion = "2.8.0"
    /// The name of the processing module holding model output and connectivity.
    public static let processingModuleName = "hvnet"

    /// Writes `run` to `path`, replacing any file there.
    public static func write(_ run: NWBRun, to path: String) throws {
        try validate(run)
        let url = URL(fileURLWithPath: path)
        let token = UUID().uuidString.prefix(8).lowercased()
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(token).\(getpid()).tmp").path  // the process id last, as the signal handler's cleanup reads it
        do {
            let file = try HDF5File.create(path: temporary, overwrite: true)
            do {
                try writeContent(run, into: file)
                try file.close()
            } catch {
                try? file.close()
                throw error
            }
            guard rename(temporary, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw NWBExportError.cannotRename(from: temporary, to: url.path, reason: reason)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    static func validate(_ run: NWBRun) throws {
        guard run.duration.isFinite, run.duration >= 0 else { throw NWBExportError.invalidInput("the duration \(run.duration) s is not a finite non-negative number") }
        if let r = run.spikeTimeResolution, !(r.isFinite && r > 0) {
            throw NWBExportError.invalidInput("the spike time resolution \(r) s is not a positive number")
        }
        var ids = Set<Int64>()
        for unit in run.units {
            guard ids.insert(unit.id).inserted else { throw NWBExportError.invalidInput("duplicate unit id \(unit.id)") }
            guard unit.spikeTimes.allSatisfy({ $0 >= 0 && $0 <= run.duration }) else {
                throw NWBExportError.invalidInput("unit \(unit.id) has a spike time outside [0, \(run.duration)] s")
            }
        }
        let hasTrials = run.units.contains { $0.trial != nil }
        if hasTrials, let bad = run.units.first(where: { $0.trial == nil || $0.cell == nil }) {
            throw NWBExportError.invalidInput("unit \(bad.id) lacks a trial or cell while other units have trials")
        }
        if let traces = run.traces {
            var names = Set<String>()
            for series in traces.series {
                guard names.insert(series.seriesName).inserted else {
                    throw NWBExportError.invalidInput("duplicate trace \(series.seriesName)")
                }
                guard series.values.count == traces.timestamps.count else {
                    throw NWBExportError.invalidInput(
                        "trace \(series.seriesName) has \(series.values.count) samples for \(traces.timestamps.count) timestamps")
                }
                guard series.variable.name.range(of: "^[A-Za-z0-9_]+$", options: .regularExpression) != nil else {
                    throw NWBExportError.invalidInput("trace variable name '\(series.variable.name)' is not a plain identifier")
                }
            }
        }
    }

    // MARK: - Typed objects

    static func newObjectID() -> String { UUID().uuidString.lowercased() }

    static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Marks `object` as an instance of `type` in `namespace`, with a fresh object id.
    static func setType(_ object: HDF5Object, _ type: String, namespace: String) throws {
        try object.setAttribute("namespace", .string(namespace))
        try object.setAttribute("neurodata_type", .string(type))
        try object.setAttribute("object_id", .string(newObjectID()))
    }

    /// A DynamicTable column (hdmf-common VectorData).
    @discardableResult
    static func writeColumn(
        _ table: HDF5Group, _ name: String, _ values: HDF5DatasetValues, shape: [Int]? = nil, description: String
    ) throws -> HDF5Dataset {
        let column = try table.createDataset(name, values, shape: shape)
        try column.setAttribute("description", .string(description))
        try setType(column, "VectorData", namespace: "hdmf-common")
        return column
    }

    /// The VectorIndex `<column>_index` of a ragged column: the end of each row's elements.
    static func writeIndex(_ table: HDF5Group, _ column: String, _ ends: [UInt64]) throws {
        let index = try table.createDataset("\(column)_index", .uint64s(ends))
        try index.setAttribute("description", .string("Index for VectorData '\(column)'"))
        try index.setAttribute("target", .objectReference(table.path + "/" + column))
        try setType(index, "VectorIndex", namespace: "hdmf-common")
    }

    /// The `id` column (hdmf-common ElementIdentifiers) of a DynamicTable.
    static func writeIDs(_ table: HDF5Group, _ ids: [Int64]) throws {
        let dataset = try table.createDataset("id", .int64s(ids))
        try setType(dataset, "ElementIdentifiers", namespace: "hdmf-common")
    }

    static func setTableAttributes(_ table: HDF5Group, type: String, namespace: String, description: String, columns: [String]) throws {
        try table.setAttribute("colnames", .strings(columns))
        try table.setAttribute("description", .string(description))
        try setType(table, type, namespace: namespace)
    }

    // MARK: - Content

    static func writeContent(_ run: NWBRun, into file: HDF5File) throws {
        let session = run.session
        try file.setAttribute("namespace", .string("core"))
        try file.setAttribute("neurodata_type", .string("NWBFile"))
        try file.setAttribute("nwb_version", .string(nwbVersion))
        try file.setAttribute("object_id", .string(newObjectID()))

        try file.createDataset("identifier", .strings([session.identifier.uuidString.lowercased()]), shape: [])
        try file.createDataset("session_description", .strings([session.sessionDescription]), shape: [])
        try file.createDataset("session_start_time", .strings([isoDate(session.sessionStartTime)]), shape: [])
        try file.createDataset("timestamps_reference_time", .strings([isoDate(session.sessionStartTime)]), shape: [])
        try file.createDataset("file_create_date", .strings([isoDate(session.fileCreateDate)]))

        for name in ["acquisition", "analysis", "processing", "stimulus", "stimulus/presentation", "stimulus/templates"] {
            try file.createGroup(name)
        }

        let general = try file.createGroup("general")
        let script = try general.createDataset("source_script", .strings([session.scenario]), shape: [])
        try script.setAttribute("file_name", .string(session.scenarioFileName))
        try general.createDataset(
            "notes",
            .strings([
                "Simulated with hvnet \(session.hvnetVersion). The resolved scenario is in /general/source_script; "
                    + "model output and connectivity are in /processing/\(processingModuleName)."
            ]), shape: [])
        try general.createDataset(
            "experiment_description",
            .strings(["Simulation of a small network of noisy model neurons with hvnet \(session.hvnetVersion)."]), shape: [])
        if let institution = session.institution { try general.createDataset("institution", .strings([institution]), shape: []) }
        // A simulation has no animal; the Subject says so (nwbinspector requires one, with a sex
        // and an age): sex unknown, age the open range "at least 0 days", no species.
        let subject = try general.createGroup("subject")
        try setType(subject, "Subject", namespace: "core")
        try subject.createDataset("subject_id", .strings(["hvnet-model"]), shape: [])
        try subject.createDataset(
            "description", .strings(["No animal: a simulated network of model neurons (hvnet)."]), shape: [])
        try subject.createDataset("sex", .strings(["U"]), shape: [])
        let age = try subject.createDataset("age", .strings(["P0D/"]), shape: [])
        try age.setAttribute("reference", .string("birth"))

        try writeUnits(run.units, duration: run.duration, resolution: run.spikeTimeResolution, into: file)

        let module = try file.createGroup("processing/\(processingModuleName)")
        try module.setAttribute("description", .string("hvnet model output: membrane traces of the recorded cells and the network's connectivity"))
        try setType(module, "ProcessingModule", namespace: "core")
        try writeConnectivity(run.connectivity, into: module)
        if let traces = run.traces { try writeTraces(traces, into: module) }
    }

    static func writeUnits(_ units: [NWBUnit], duration: Double, resolution: Double?, into file: HDF5File) throws {
        let table = try file.createGroup("units")
        let hasTrials = units.contains { $0.trial != nil }
        let hasMs = !units.isEmpty && units.allSatisfy { $0.spikeTimesMs?.count == $0.spikeTimes.count }
        var columns = ["spike_times", "obs_intervals", "population"]
        if hasTrials { columns += ["cell", "trial"] }
        if hasMs { columns.append("spike_times_ms") }
        try setTableAttributes(
            table, type: "Units", namespace: "core",
            description: hasTrials
                ? "Simulated cells, one unit per trial and cell; spike times are relative to the start of their trial."
                : "Simulated cells, one unit per cell.",
            columns: columns)
        try writeIDs(table, units.map(\.id))

        var ends: [UInt64] = []
        ends.reserveCapacity(units.count)
        var total: UInt64 = 0
        for unit in units {
            total += UInt64(unit.spikeTimes.count)
            ends.append(total)
        }
        let spikeTimes = try writeColumn(
            table, "spike_times", .doubles(units.flatMap(\.spikeTimes)), description: "the spike times for each unit in seconds")
        if let resolution { try spikeTimes.setAttribute("resolution", .double(resolution)) }
        try writeIndex(table, "spike_times", ends)
        // One observation interval per unit: the whole run (trial).
        try writeColumn(
            table, "obs_intervals", .doubles(units.flatMap { _ in [0, duration] }), shape: [units.count, 2],
            description: "the observation intervals for each unit")
        try writeIndex(table, "obs_intervals", units.indices.map { UInt64($0 + 1) })
        try writeColumn(table, "population", .strings(units.map(\.population)), description: "the population the cell belongs to")
        if hasTrials {
            try writeColumn(table, "cell", .int64s(units.map { $0.cell ?? -1 }), description: "the cell's index in the network")
            try writeColumn(table, "trial", .int64s(units.map { $0.trial ?? -1 }), description: "the trial (0-based) the spikes come from")
        }
        if hasMs {
            try writeColumn(
                table, "spike_times_ms", .doubles(units.flatMap { $0.spikeTimesMs ?? [] }),
                description: "the spike times in ms as the simulation computed them (spike_times = spike_times_ms / 1000)")
            try writeIndex(table, "spike_times_ms", ends)
        }
    }

    static func writeConnectivity(_ rows: [NWBConnection], into module: HDF5Group) throws {
        let hasDelays = !rows.isEmpty && rows.allSatisfy { $0.delayMs != nil }
        let table = try module.createGroup("connectivity")
        try setTableAttributes(
            table, type: "DynamicTable", namespace: "hdmf-common",
            description: "Synaptic connectivity of the simulated network: one row per (pre, post, receptor) connection.",
            columns: ["pre", "post", "receptor", "channels"] + (hasDelays ? ["delay_ms"] : []))
        try writeIDs(table, rows.indices.map { Int64($0) })
        try writeColumn(table, "pre", .int64s(rows.map { Int64($0.pre) }), description: "presynaptic cell index")
        try writeColumn(table, "post", .int64s(rows.map { Int64($0.post) }), description: "postsynaptic cell index")
        try writeColumn(table, "receptor", .strings(rows.map(\.receptor)), description: "receptor type of the synapse")
        try writeColumn(table, "channels", .doubles(rows.map(\.channels)), description: "number of receptor channels (synaptic weight)")
        if hasDelays {
            try writeColumn(table, "delay_ms", .doubles(rows.map { $0.delayMs ?? 0 }), description: "transmission delay in ms")
        }
    }

    static func writeTraces(_ traces: NWBTraces, into module: HDF5Group) throws {
        let trialNote = traces.trial.map { " in trial \($0) (time relative to the trial's start)" } ?? ""
        for trace in traces.series {
            let series = try module.createGroup(trace.seriesName)
            try series.setAttribute("comments", .string("no comments"))
            let what: String
            switch trace.variable {
            case .v: what = "membrane potential"
            case .w: what = "adaptation variable w"
            case .current(let name): what = "current \(name)"
            case .openChannels(let name): what = "open-channel count \(name)"
            }
            try series.setAttribute("description", .string("Simulated \(what) of cell \(trace.cell)\(trialNote)."))
            try setType(series, "TimeSeries", namespace: "core")
            let deflate = trace.values.count > 4096 ? 4 : nil
            let data = try series.createDataset("data", .doubles(trace.values), deflate: deflate)
            try data.setAttribute("conversion", .double(1.0))
            try data.setAttribute("offset", .double(0.0))
            try data.setAttribute("resolution", .double(-1.0))
            try data.setAttribute("unit", .string(trace.variable.unit))
            try data.setAttribute("continuity", .string("continuous"))
            let timestamps = try series.createDataset("timestamps", .doubles(traces.timestamps), deflate: deflate)
            try timestamps.setAttribute("interval", .int32(1))
            try timestamps.setAttribute("unit", .string("seconds"))
        }
    }
}
