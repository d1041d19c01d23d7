import Foundation
import Testing
@testable import HVNetAnalysis
@testable import HVNetSimulation

@Suite("Spike files: reading and bad input")
struct SpikeFileTests {
    func trains(_ text: String, options: SpikeFile.Options = .init(), start: Double = 0, stop: Double = 100, cells: Int = 3) throws -> [SpikeTrains] {
        try SpikeFile.parse(text, options: options).trains(startMs: start, stopMs: stop, cellIds: Array(0..<cells))
    }

    @Test("hvnet's format, unsorted times sorted, silent cells kept")
    func basic() throws {
        let t = try trains("cell,time_ms\n1,30\n0,20.5\n1,10\n")
        #expect(t.count == 1)
        #expect(t[0].trains == [[20.5], [10, 30], []])
    }

    @Test("Named columns, seconds and trials (a Brian2-style export)")
    func namedColumns() throws {
        var o = SpikeFile.Options()
        o.cellColumn = "i"
        o.timeColumn = "t"
        o.trialColumn = "run"
        o.timeUnit = .s
        let t = try trains("t,i,run\n0.010,0,0\n0.020,1,1\n", options: o)
        #expect(t.count == 2)
        #expect(t[0].trains[0] == [10] && t[1].trains[1] == [20])
    }

    @Test("Each kind of bad input names the line and column", arguments: [
        ("cell,time_ms\n0,10\n0,10\n", "line 3: duplicate spike at 10.0 ms in cell 0"),
        ("cell,time_ms\n0,150\n", "line 2: spike at 150.0 ms is outside the window [0.0, 100.0] ms"),
        ("cell,time_ms\n0,-0.5\n", "outside the window"),
        ("neuron,time_ms\n0,10\n", "no column 'cell' (set it with --cell-column); the file has: neuron, time_ms (or choose the format with --format"),
        ("cell,time_ms\n0,ten\n", "line 2, column time_ms: 'ten' is not a finite number"),
        ("cell,time_ms\nA,10\n", "line 2, column cell: 'A' is not an integer cell id"),
        ("cell,time_ms\n0\n", "line 2, column time_ms: '' is not present"),
        ("cell,time_ms\n7,10\n", "line 2: cell 7 is not among the declared cells 0..2"),
    ])
    func badInput(_ text: String, _ message: String) {
        do {
            _ = try trains(text)
            Issue.record("accepted bad input: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
