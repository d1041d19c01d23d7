import Foundation
import HDF5Support
import NWBExport
import Testing

/// A fresh empty directory for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nwbexport-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small deterministic run, with the CSV texts hvnet would write for it. Spike and trace
/// values are derived from the CSV numbers exactly as a reader would (ms / 1000, ...).
struct ExampleRun {
    var run: NWBRun
    var spikesCSV: String
    var tracesCSV: String

    init(trials: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let populations = ["E", "E", "E", "I", "I"]
        var units: [NWBUnit] = []
        var spikeLines: [String] = [trials > 1 ? "trial,cell,time_ms" : "cell,time_ms"]
        for trial in 0..<trials {
            for (cell, population) in populations.enumerated() {
                // Cell 4 never fires: an empty unit.
                let count = cell == 4 ? 0 : 3 + cell
                var t = 0.0
                var times: [Double] = []
                for _ in 0..<count {
                    t += 5 + 40 * next()
                    let ms = (t * 1000).rounded() / 1000
                    let text = "\(ms)"
                    spikeLines.append(trials > 1 ? "\(trial),\(cell),\(text)" : "\(cell),\(text)")
                    times.append(Double(text)! / 1000)
                }
                units.append(
                    trials > 1
                        ? NWBUnit(id: Int64(units.count), population: population, spikeTimes: times, cell: Int64(cell), trial: Int64(trial))
                        : NWBUnit(id: Int64(cell), population: population, spikeTimes: times))
            }
        }
        let columns = ["time_ms", "cell0_v_mV", "cell0_w", "cell0_iNaT_pA", "cell3_v_mV", "cell3_w", "cell3_iAmpa_pA"]
        var rows: [[Double]] = []
        for k in 0..<200 {
            let t = Double(k) * 0.025
            rows.append([t, -65 + 30 * next(), next(), -100 * next(), -70 + 40 * next(), next(), 12.5 * next()])
        }
        tracesCSV = columns.joined(separator: ",") + "\n" + rows.map { $0.map { "\($0)" }.joined(separator: ",") + "\n" }.joined()
        // The traces as a reader of the CSV text sees them.
        let parsed = rows.map { $0.map { Double("\($0)")! } }
        let traces = try NWBTraces(hvnetColumns: columns, rows: parsed, trial: trials > 1 ? 0 : nil)
        spikesCSV = spikeLines.joined(separator: "\n") + "\n"
        let session = NWBSession(
            identifier: UUID(), sessionDescription: "hvnet NWB export example (\(trials) trial(s))",
            sessionStartTime: Date(timeIntervalSince1970: 1_700_000_000), hvnetVersion: "0.0.0-test",
            scenario: "name: example\ncells: 5\ntrials: \(trials)\n", scenarioFileName: "scenario.resolved.yaml")
        let connectivity = [
            NWBConnection(pre: 0, post: 3, receptor: "ampa", channels: 120),
            NWBConnection(pre: 3, post: 1, receptor: "gabaA", channels: 40.5),
        ]
        run = NWBRun(
            session: session, duration: 0.3, units: units, traces: traces, connectivity: connectivity, spikeTimeResolution: 1e-6)
    }
}

@Suite struct NWBExportTests {
    @Test(arguments: [1, 3]) func writesAndReadsUnitsBackExactly(trials: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = try ExampleRun(trials: trials)
        let path = dir.appendingPathComponent("run.nwb").path
        try NWBWriter.write(example.run, to: path)
        let units = try NWBUnitsReader.read(path: path)
        #expect(units == example.run.units)
        #expect(units.count == 5 * trials)
        #expect(units.contains { $0.spikeTimes.isEmpty })
    }

    @Test func writesTheNWBFileLayout() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = try ExampleRun(trials: 1)
        let path = dir.appendingPathComponent("run.nwb").path
        try NWBWriter.write(example.run, to: path)
        let file = try HDF5File.open(path: path)
        #expect(try file.readStringAttribute("nwb_version") == NWBWriter.nwbVersion)
        #expect(try file.readStringAttribute("neurodata_type") == "NWBFile")
        #expect(try file.openDataset("identifier").readStrings() == [example.run.session.identifier.uuidString.lowercased()])
        #expect(try file.openDataset("general/source_script").readStrings() == [example.run.session.scenario])
        let units = try file.openGroup("units")
        #expect(try units.readStringArrayAttribute("colnames") == ["spike_times", "obs_intervals", "population"])
        let v = try file.openDataset("processing/hvnet/cell3_v/data")
        #expect(try v.readStringAttribute("unit") == "volts")
        #expect(try v.readDoubles() == example.run.traces!.series[3].values)
        #expect(try file.openDataset("processing/hvnet/connectivity/channels").readDoubles() == [120, 40.5])
        #expect(try file.openDataset("processing/hvnet/connectivity/receptor").readStrings() == ["ampa", "gabaA"])
        try file.close()
    }

    @Test("Connections with delays get a delay_ms column; without delays the table has none")
    func connectivityDelays() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var example = try ExampleRun(trials: 1)
        let path = dir.appendingPathComponent("run.nwb").path
        try NWBWriter.write(example.run, to: path)
        var file = try HDF5File.open(path: path)
        #expect(try file.openGroup("processing/hvnet/connectivity").readStringArrayAttribute("colnames") == ["pre", "post", "receptor", "channels"])
        try file.close()
        example.run.connectivity = [
            NWBConnection(pre: 0, post: 3, receptor: "ampa", channels: 120, delayMs: 1.5),
            NWBConnection(pre: 3, post: 1, receptor: "gabaA", channels: 40.5, delayMs: 0),
        ]
        let delayed = dir.appendingPathComponent("delayed.nwb").path
        try NWBWriter.write(example.run, to: delayed)
        file = try HDF5File.open(path: delayed)
        #expect(try file.openGroup("processing/hvnet/connectivity").readStringArrayAttribute("colnames") == ["pre", "post", "receptor", "channels", "delay_ms"])
        #expect(try file.openDataset("processing/hvnet/connectivity/delay_ms").readDoubles() == [1.5, 0])
        try file.close()
    }

    @Test func writesUnderATemporaryNameAndRenames() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("run.nwb").path
        // An older file at the destination stays intact until the new one is complete.
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        var bad = try ExampleRun(trials: 1).run
        bad.traces!.series[0].values.removeLast()
        #expect(throws: NWBExportError.self) { try NWBWriter.write(bad, to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")

        try NWBWriter.write(try ExampleRun(trials: 1).run, to: path)
        #expect(try NWBUnitsReader.read(path: path).count == 5)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "run.nwb" }
        #expect(leftovers.isEmpty)
    }

    @Test func removesTheTemporaryFileWhenTheRenameFails() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A non-empty directory where the file should go: the rename fails after a complete write.
        let path = dir.appendingPathComponent("run.nwb")
        try FileManager.default.createDirectory(at: path.appendingPathComponent("occupied"), withIntermediateDirectories: true)
        #expect(throws: NWBExportError.self) { try NWBWriter.write(try ExampleRun(trials: 1).run, to: path.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run.nwb"])
    }

    @Test func typedErrorsForFilesThatAreNotNWB() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.nwb").path
        #expect(throws: NWBReadError.fileNotFound(path: missing)) { try NWBUnitsReader.read(path: missing) }

        let text = dir.appendingPathComponent("text.nwb").path
        try Data("cell,time_ms\n0,1.5\n".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: NWBReadError.notHDF5(path: text)) { try NWBUnitsReader.read(path: text) }

        let plain = dir.appendingPathComponent("plain.h5").path
        let file = try HDF5File.create(path: plain)
        try file.createGroup("units")
        try file.close()
        #expect(throws: NWBReadError.notNWB(path: plain, reason: "no nwb_version attribute")) { try NWBUnitsReader.read(path: plain) }

        var run = try ExampleRun(trials: 1).run
        run.units = []
        let noUnits = dir.appendingPathComponent("nounits.nwb").path
        try NWBWriter.write(run, to: noUnits)
        let writer = try HDF5File.open(path: noUnits)
        #expect(try writer.exists("units"))
        try writer.close()
        #expect(try NWBUnitsReader.read(path: noUnits).isEmpty)

        let nwbWithoutUnits = dir.appendingPathComponent("bare.nwb").path
        let bare = try HDF5File.create(path: nwbWithoutUnits)
        try bare.setAttribute("nwb_version", .string("2.8.0"))
        try bare.setAttribute("neurodata_type", .string("NWBFile"))
        try bare.close()
        #expect(throws: NWBReadError.noUnitsTable(path: nwbWithoutUnits)) { try NWBUnitsReader.read(path: nwbWithoutUnits) }
    }

    @Test func hdf5ErrorsNameTheOperationAndPath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.h5").path
        let file = try HDF5File.create(path: path)
        try file.createGroup("g")
        #expect(throws: HDF5Error(.createGroup, "/g")) { try file.createGroup("g") }
        #expect(throws: HDF5Error(.openDataset, "/nope")) { try file.openDataset("nope") }
        #expect(throws: HDF5Error.self) { try file.createDataset("d", .doubles([1, 2, 3]), shape: [2, 2]) }
        #expect(try file.exists("g/x/y") == false)
        try file.close()
        #expect(throws: HDF5Error(.createFile, path)) { try HDF5File.create(path: path) }
        #expect(throws: HDF5Error(.openFile, dir.path + "/missing.h5")) { try HDF5File.open(path: dir.path + "/missing.h5") }
    }

    @Test func datasetsRoundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("b.h5").path
        let file = try HDF5File.create(path: path)
        try file.createDataset("m", .doubles([1, 2, 3, 4, 5, 6]), shape: [2, 3])
        try file.createDataset("i", .int32s([-1, 7]))
        try file.createDataset("s", .strings(["α", "", "long string"]))
        try file.createDataset("big", .doubles((0..<10_000).map(Double.init)), deflate: 4)
        try file.setAttribute("x", .double(2.5))
        try file.setAttribute("x", .double(3.5))
        try file.close()
        let read = try HDF5File.open(path: path)
        #expect(try read.openDataset("m").shape() == [2, 3])
        #expect(try read.openDataset("m").readDoubles() == [1, 2, 3, 4, 5, 6])
        #expect(try read.openDataset("i").readInt64s() == [-1, 7])
        #expect(try read.openDataset("s").readStrings() == ["α", "", "long string"])
        #expect(try read.openDataset("big").readDoubles() == (0..<10_000).map(Double.init))
        #expect(try read.readDoubleAttribute("x") == 3.5)
        #expect(throws: HDF5Error.self) { try read.openDataset("s").readDoubles() }
    }

    /// With NWB_EXAMPLE_DIR set, writes x.nwb, spikes.csv and traces.csv (and x-trials.nwb,
    /// spikes-trials.csv, traces-trials.csv) there for scripts/nwb-readback.py.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NWB_EXAMPLE_DIR"] != nil))
    func writesExampleForPythonReadback() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["NWB_EXAMPLE_DIR"]!)
        for (trials, suffix) in [(1, ""), (3, "-trials")] {
            let example = try ExampleRun(trials: trials)
            try NWBWriter.write(example.run, to: dir.appendingPathComponent("x\(suffix).nwb").path)
            try example.spikesCSV.write(to: dir.appendingPathComponent("spikes\(suffix).csv"), atomically: true, encoding: .utf8)
            try example.tracesCSV.write(to: dir.appendingPathComponent("traces\(suffix).csv"), atomically: true, encoding: .utf8)
        }
    }
}
