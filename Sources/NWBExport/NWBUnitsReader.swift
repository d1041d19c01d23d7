import Foundation
import HDF5Support

/// Why an NWB file's Units table could not be read.
public enum NWBReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There is no file at the path.
    case fileNotFound(path: String)
    /// The file exists but libhdf5 cannot open it as HDF5.
    case notHDF5(path: String)
    /// The file is HDF5 but not NWB (the root is not an NWBFile with an nwb_version).
    case notNWB(path: String, reason: String)
    /// The file is NWB but has no `/units` table.
    case noUnitsTable(path: String)
    /// `/units` does not have the expected layout.
    case malformedUnitsTable(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "\(path): no such file"
        case .notHDF5(let path): return "\(path): not an HDF5 (NWB) file"
        case .notNWB(let path, let reason): return "\(path): not an NWB file (\(reason))"
        case .noUnitsTable(let path): return "\(path): the NWB file has no units table (/units)"
        case .malformedUnitsTable(let path, let reason): return "\(path): malformed units table: \(reason)"
        }
    }
}

/// Reads the Units table of an NWB 2.x file (hvnet's or another writer's).
public enum NWBUnitsReader {
    /// The units of the file at `path`, in table order: id, spike times (seconds), and the
    /// `population`, `cell`, `trial` and `spike_times_ms` columns where present (population ""
    /// otherwise).
    public static func read(path: String) throws -> [NWBUnit] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw NWBReadError.fileNotFound(path: path)
        }
        let file: HDF5File
        do { file = try HDF5File.open(path: path) } catch { throw NWBReadError.notHDF5(path: path) }
        defer { try? file.close() }

        do {
            guard try file.hasAttribute("nwb_version") else { throw NWBReadError.notNWB(path: path, reason: "no nwb_version attribute") }
            let type = try file.hasAttribute("neurodata_type") ? try file.readStringAttribute("neurodata_type") : ""
            guard type == "NWBFile" else { throw NWBReadError.notNWB(path: path, reason: "the root's neurodata_type is '\(type)'") }
        } catch let error as HDF5Error {
            throw NWBReadError.notNWB(path: path, reason: error.description)
        }
        guard (try? file.exists("units")) == true else { throw NWBReadError.noUnitsTable(path: path) }

        func malformed(_ reason: String) -> NWBReadError { .malformedUnitsTable(path: path, reason: reason) }
        do {
            let table = try file.openGroup("units")
            guard try table.exists("id") else { throw malformed("no id column") }
            let ids = try table.openDataset("id").readInt64s()
            var spikeTimes: [Double] = []
            var ends: [Int64] = Array(repeating: 0, count: ids.count)
            if try table.exists("spike_times") {
                spikeTimes = try table.openDataset("spike_times").readDoubles()
                guard try table.exists("spike_times_index") else { throw malformed("spike_times without spike_times_index") }
                ends = try table.openDataset("spike_times_index").readInt64s()
            }
            guard ends.count == ids.count else { throw malformed("\(ends.count) spike_times_index entries for \(ids.count) units") }
            var start: Int64 = 0
            for end in ends {
                guard end >= start, end <= Int64(spikeTimes.count) else {
                    throw malformed("spike_times_index is not increasing within spike_times (\(spikeTimes.count) values)")
                }
                start = end
            }

            func stringColumn(_ name: String) throws -> [String]? {
                guard try table.exists(name) else { return nil }
                let values = try table.openDataset(name).readStrings()
                guard values.count == ids.count else { throw malformed("\(name) has \(values.count) rows for \(ids.count) units") }
                return values
            }
            func intColumn(_ name: String) throws -> [Int64]? {
                guard try table.exists(name) else { return nil }
                let values = try table.openDataset(name).readInt64s()
                guard values.count == ids.count else { throw malformed("\(name) has \(values.count) rows for \(ids.count) units") }
                return values
            }
            var spikeTimesMs: [Double]? = nil
            if try table.exists("spike_times_ms"), try table.exists("spike_times_ms_index") {
                let values = try table.openDataset("spike_times_ms").readDoubles()
                let msEnds = try table.openDataset("spike_times_ms_index").readInt64s()
                // Used only when it has the layout of spike_times.
                if values.count == spikeTimes.count && msEnds == ends { spikeTimesMs = values }
            }
            let population = try stringColumn("population")
            let cell = try intColumn("cell")
            let trial = try intColumn("trial")

            var units: [NWBUnit] = []
            units.reserveCapacity(ids.count)
            start = 0
            for (k, id) in ids.enumerated() {
                let end = ends[k]
                units.append(
                    NWBUnit(
                        id: id, population: population?[k] ?? "", spikeTimes: Array(spikeTimes[Int(start)..<Int(end)]),
                        cell: cell?[k], trial: trial?[k], spikeTimesMs: spikeTimesMs.map { Array($0[Int(start)..<Int(end)]) }))
                start = end
            }
            return units
        } catch let error as HDF5Error {
            throw malformed(error.description)
        }
    }
}
