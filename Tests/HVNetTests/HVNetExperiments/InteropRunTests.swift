import Foundation
import Testing
@testable import HVNetAnalysis
@testable import HVNetOutput
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import NWBExport

@Suite("Runs for other tools: run.nwb, trial counts, figures")
struct InteropRunTests {
    /// silent-trials.yaml (one cell, 3 trials of 100 ms, only trial 0 fires) with run.nwb, in a new
    /// scratch directory that the caller removes (`removeScratch`).
    func silentTrialsRun() throws -> (Simulation.Result, String) {
        var scenario = try ScenarioLoader.load(path: caseFile("silent-trials.yaml"))
        scenario.recording.nwb = true
        let directory = try makeScratchDirectory("hvnet-interop")
        do {
            let result = try Simulation.run(scenario, scenarioPath: caseFile("silent-trials.yaml"), outputDirectory: directory)
            return (result, directory)
        } catch {
            removeScratch(directory)
            throw error
        }
    }

    @Test("A run's summary.json declares its trials and cells, so silent trials reach the analysis of spikes.csv")
    func summaryDeclaresTrials() throws {
        let (result, directory) = try silentTrialsRun()
        defer { removeScratch(directory) }
        let spikes = directory + "/spikes.csv"
        let declared = try #require(RunDirectory.declared(besideSpikeFile: spikes))
        #expect(declared.cells == 1 && declared.trials == 3)
        let file = try SpikeFile.read(path: spikes, options: .init())
        let trains = try file.trains(startMs: 0, stopMs: 100, cellIds: Array(0..<declared.cells), trialCount: declared.trials)
        let counts = TrialAnalysis(trains).countsPerTrial[0]
        #expect(counts == result.trials.map(\.spikes.count))
        #expect(counts.count == 3)
    }

    @Test("run.nwb holds one unit per trial and cell, silent ones too, with spikes.csv's times in s and back in ms bit for bit")
    func nwbRoundTrip() throws {
        let (result, directory) = try silentTrialsRun()
        defer { removeScratch(directory) }
        #expect(result.files.contains("run.nwb"))
        let units = try NWBUnitsReader.read(path: directory + "/run.nwb")
        #expect(units.count == 3)
        #expect(units.map(\.trial) == [0, 1, 2] && units.allSatisfy { $0.cell == 0 && $0.population == "cell" })
        let fromCSV = try SpikeFile.read(path: directory + "/spikes.csv", options: .init())
        let nwb = RunNWB.spikeFile(units: units)
        #expect(nwb.cellIds == [0] && nwb.trialCount == 3)
        let csvTrains = try fromCSV.trains(startMs: 0, stopMs: 100, cellIds: [0], trialCount: 3)
        let nwbTrains = try nwb.file.trains(startMs: 0, stopMs: 100, cellIds: nwb.cellIds, trialCount: nwb.trialCount)
        #expect(csvTrains == nwbTrains)
        for (unit, trains) in zip(units, nwbTrains) {
            #expect(unit.spikeTimes == trains.trains[0].map { $0 / 1000 }, "spike_times are time_ms / 1000")
        }
    }

    @Test("recording.nwb and recording.plot_window_ms are checked with their key paths", arguments: [
        ("nwb: maybe", "recording.nwb"), ("plot_window_ms: 0", "recording.plot_window_ms"), ("plot_window_ms: -5", "recording.plot_window_ms"),
    ])
    func recordingKeys(_ line: String, _ keyPath: String) {
        let text = "duration_ms: 10\nsolver: {method: rk4, dt_ms: 0.1}\npopulations:\n  - {name: a, size: 1}\nrecording: {\(line)}\n"
        do {
            _ = try ScenarioLoader.parse(text)
            Issue.record("accepted recording: {\(line)}")
        } catch {
            #expect("\(error)".contains(keyPath), "\(error)")
        }
    }

    @Test("The figures show the last second of long runs, or recording.plot_window_ms; short runs whole")
    func plotWindow() throws {
        var r = RecordingSettings()
        #expect(r.plotWindow(durationMs: 500) == 0...500)
        #expect(r.plotWindow(durationMs: 10_000) == 9_000...10_000)
        r.plotWindowMs = 250
        #expect(r.plotWindow(durationMs: 10_000) == 9_750...10_000)
        r.plotWindowMs = 1e9
        #expect(r.plotWindow(durationMs: 300) == 0...300)
        let scenario = try ScenarioLoader.parse("duration_ms: 10\nsolver: {method: rk4, dt_ms: 0.1}\npopulations:\n  - {name: a, size: 1}\nrecording: {plot_window_ms: 4, nwb: true}\n")
        #expect(scenario.recording.plotWindowMs == 4 && scenario.recording.nwb)
    }

    @Test("The v-nullcline with the mean input is where dv/dt = 0 under that input")
    func meanInputNullcline() throws {
        let scenario = try shippedScenario("ten-cell-ei.yaml")
        let network = scenario.makeNetwork(connectivity: scenario.drawConnectivity())
        let cell = network.cells[0]
        #expect(RunPlots.meanInputPA(scenario: scenario, cell: 0) == 145)
        let input = 145 / cell.currentScalePA
        var checked = 0
        for v in stride(from: -80.0, through: 20, by: 5) {
            let y = v / cell.thermalPotentialMV
            let w = RunPlots.potentialNullclineW(cell, y: y, input: input)
            guard w.isFinite else { continue }
            let dydt = cell.membraneDerivative(y: y, w: w, ampaOpen: 0, gabaAOpen: 0, input: input)
            // The terms of dy/dt are O(1/ms) here; their cancellation leaves round-off only.
            #expect(abs(dydt) < 1e-9, "dy/dt = \(dydt) at v = \(v) mV")
            #expect(RunPlots.potentialNullclineW(cell, y: y) != w, "the mean input moves the nullcline")
            checked += 1
        }
        #expect(checked > 10)
    }

    @Test("figures.py names every SVG figure of the run and reads only files the run wrote")
    func figuresScript() throws {
        let (result, directory) = try silentTrialsRun()
        defer { removeScratch(directory) }
        let script = try String(contentsOfFile: directory + "/figures.py", encoding: .utf8)
        let svgs = result.files.filter { $0.hasSuffix(".svg") }
        #expect(!svgs.isEmpty)
        for svg in svgs { #expect(script.contains("\"\(svg.dropLast(4))\""), "figures.py lacks \(svg)") }
        #expect(script.contains("TRIALS = 3"))
        #expect(script.contains("TRACE_FILE = None"), "silent-trials.yaml records no traces")
    }
}
