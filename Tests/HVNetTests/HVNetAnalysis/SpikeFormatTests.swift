import Foundation
import Testing
@testable import HVNetAnalysis
@testable import HVNetOutput

/// The spike files of Tests/HVNetTests/Resources/cases: inputs that hvnet 0.1.0 analysed wrongly.

@Suite("Spike files: Neo's window, other simulators' formats, cell ids and trials")
struct SpikeFormatTests {
    // spikes-at-window-edges.csv: cell 0 at 0, 40, 100 ms; cell 1 at 25, 100; cell 2 at 100; window [0, 100] ms.
    @Test("Spikes at t_start and t_stop are in the window, count in rates and intervals, and binning drops the one at t_stop")
    func windowEdges() throws {
        let file = try SpikeFile.read(path: caseFile("spikes-at-window-edges.csv"), options: .init())
        let trains = try file.trains(startMs: 0, stopMs: 100)
        let a = SpikeAnalysis(trains[0])
        #expect(a.perCell.count == [3, 2, 1])
        #expect(a.perCell.rateHz == [30, 20, 10])
        // The ISIs of cell 0 include both edge spikes: 40 and 60 ms, CV = SD/mean = 10/50 (ddof 0).
        #expect(PerCellStatistics.intervals(trains[0].trains[0]) == [40, 60])
        #expect(abs(a.perCell.cv[0] - 0.2) < 1e-15)
        let binned = try #require(a.binned)
        #expect(binned.dropped == [1, 1, 1])
        #expect(binned.counts.map { $0.reduce(0, +) } == [2, 1, 0])
        let warnings = AnalysisReport.warnings(a)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("3 spike(s) at t_stop = 100.0 ms") == true, "\(warnings)")
        #expect(warnings.first?.contains("as Elephant's BinnedSpikeTrain does") == true)
    }

    @Test("A spike just past t_stop is still refused, naming the line")
    func pastStop() {
        #expect(throws: SpikeFileError.outsideWindow(line: 2, timeMs: 100.5, startMs: 0, stopMs: 100)) {
            _ = try SpikeFile.parse("cell,time_ms\n0,100.5\n", options: .init()).trains(startMs: 0, stopMs: 100)
        }
    }

    // nest-ascii.dat: NEST 3.6's ASCII recorder, two # lines, tab separated, senders 1 and 2.
    @Test("NEST ASCII is detected from the content: comments skipped, tabs separate, senders are labels")
    func nestASCII() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: caseFile("nest-ascii.dat")))
        #expect(SpikeFile.detect(data) == .nest)
        let file = try SpikeFile.read(path: caseFile("nest-ascii.dat"), options: .init())
        #expect(file.format == .nest && file.cellColumn == "sender")
        #expect(file.cellIds == [1, 2])
        let trains = try file.trains(startMs: 0, stopMs: 50)
        #expect(trains[0].trains == [[4.3, 27.1], [12.6, 38.9]])
        // Two cells at 2 spikes / 50 ms: 40 Hz each. No silent cell 0 is invented.
        #expect(SpikeAnalysis(trains[0], measures: [.perCell]).perCell.rateHz == [40, 40])
    }

    @Test("Declared cell ids keep silent cells: --cell-ids 0..2 on NEST senders 1, 2 lowers the mean rate to 80/3 Hz")
    func declaredSilentCell() throws {
        let file = try SpikeFile.read(path: caseFile("nest-ascii.dat"), options: .init())
        let trains = try file.trains(startMs: 0, stopMs: 50, cellIds: try CellIds.parse("0..2"))
        let rates = SpikeAnalysis(trains[0], measures: [.perCell]).perCell.rateHz
        #expect(rates == [0, 40, 40])
        let mean: Double = rates.reduce(0, +) / 3
        #expect(abs(mean - 80.0 / 3) < 1e-12)
        #expect(throws: SpikeFileError.undeclaredCell(line: 4, cell: 1, declared: "0")) {
            _ = try file.trains(startMs: 0, stopMs: 50, cellIds: [0])
        }
    }

    // silent-trials.csv: trial 0 fired at 30.8 and 95.5 ms; the run had 3 trials of 100 ms.
    @Test("Declared trials without spikes: counts [2, 0, 0], Fano factor 4/3, mean rate 20/3 Hz")
    func silentTrials() throws {
        let file = try SpikeFile.read(path: caseFile("silent-trials.csv"), options: .init())
        #expect(file.trialCount == 1)
        let trains = try file.trains(startMs: 0, stopMs: 100, trialCount: 3)
        #expect(trains.count == 3)
        let t = TrialAnalysis(trains)
        #expect(t.countsPerTrial == [[2, 0, 0]])
        // mean 2/3, variance (ddof 0) ((4/3)² + 2 (2/3)²)/3 = 8/9: Fano = (8/9)/(2/3) = 4/3.
        #expect(abs(t.fano[0] - 4.0 / 3) < 1e-15)
        #expect(abs(t.meanRateHz[0] - 20.0 / 3) < 1e-12)
        #expect(throws: SpikeFileError.trialOutOfRange(line: 2, trial: 3, trialCount: 3)) {
            _ = try SpikeFile.parse("trial,cell,time_ms\n3,0,10\n", options: .init()).trains(startMs: 0, stopMs: 100, trialCount: 3)
        }
    }

    @Test("Brian2 exports (i, t in seconds) and named TSV columns are read; --format forces a reading")
    func otherFormats() throws {
        let brian = "i,t\n3,0.0125\n0,0.5\n"
        #expect(SpikeFile.detect(Data(brian.utf8)) == .brian2)
        let b = try SpikeFile.parse(brian, options: .init())
        #expect(b.rows.map(\.cell) == [3, 0] && b.rows.map(\.timeMs) == [12.5, 500])
        var o = SpikeFile.Options()
        o.cellColumn = "unit"
        o.timeColumn = "t_ms"
        let tsv = try SpikeFile.parse("# exported\nunit\tt_ms\n7\t1.5\n", options: o)
        #expect(tsv.format == .csv && tsv.rows == [SpikeFile.Row(line: 3, trial: 0, cell: 7, timeMs: 1.5)])
        var forced = SpikeFile.Options()
        forced.format = .nest
        #expect(throws: SpikeFileError.self) { _ = try SpikeFile.parse("cell,time_ms\n0,1\n", options: forced) }
    }

    @Test("--cell-ids ranges and lists, and their errors", arguments: [
        ("0..3", [0, 1, 2, 3]), ("1,2,5..7", [1, 2, 5, 6, 7]), ("4, 2 ,2", [2, 4]),
    ])
    func cellIds(_ text: String, _ ids: [Int]) throws {
        #expect(try CellIds.parse(text) == ids)
    }

    @Test("Bad --cell-ids are refused with what is allowed", arguments: ["9..1", "a..b", "0..9223372036854775806", "x", ""])
    func badCellIds(_ text: String) {
        do {
            _ = try CellIds.parse(text)
            Issue.record("accepted --cell-ids \(text)")
        } catch {
            #expect("\(error)".contains("allowed: ids and ranges"), "\(error)")
        }
    }

    @Test("Cells × trials beyond what memory holds are refused up front; a negative trial of an NWB file is refused")
    func tooManyTrains() {
        let file = SpikeFile(rows: [SpikeFile.Row(line: 1, trial: -1, cell: 0, timeMs: 1)], hasTrials: true, format: .nwb)
        #expect(throws: SpikeFileError.tooManyTrains(cells: 1_000_000, trials: 100_000, limit: SpikeFile.trainLimit)) {
            _ = try file.trains(startMs: 0, stopMs: 10, cellIds: Array(0..<1_000_000), trialCount: 100_000)
        }
        #expect(throws: SpikeFileError.trialOutOfRange(line: 1, trial: -1, trialCount: 1)) {
            _ = try file.trains(startMs: 0, stopMs: 10)
        }
    }

    @Test("The kernel rate has every sample of the grid in [t_start, t_stop]")
    func kernelGrid() {
        #expect(KernelRate.sampleCount(startMs: 0, stopMs: 0.3, samplingMs: 0.1) == 4)
        var p = KernelRateParameters()
        p.samplingMs = 2
        let trains = SpikeTrains(trains: [[100]], startMs: 0, stopMs: 100)
        let times = KernelRate.sampleTimes(trains, p)
        #expect(times.count == 51 && times.first == 0 && times.last == 100)
        for mode in KernelRate.Mode.allCases {
            let rate = KernelRate.rates(trains, p, mode: mode)[0]
            #expect(rate.count == 51)
            #expect(rate[50] > 0, "\(mode): a spike at t_stop shows at the last sample")
        }
    }
}
