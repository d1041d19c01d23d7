import Foundation
import Testing
@testable import HVNetAnalysis

/// A fixture of Tests/HVNetTests/Resources/spikes: the spike file, its window and the values
/// Elephant 1.2.1 and PySpike 0.9.0 give for it (see PROVENANCE.md there).
struct SpikeFixture {
    let name: String
    let expected: [String: Any]
    let trains: SpikeTrains
    let trials: [SpikeTrains]

    static let names = ["poisson", "gamma", "sync_pairs", "empty_cell", "single_spike", "bin_edges"]

    static func resource(_ file: String) -> URL {
        let base = Bundle.module.resourceURL!
        let direct = base.appendingPathComponent("spikes/\(file)")
        return FileManager.default.fileExists(atPath: direct.path) ? direct : base.appendingPathComponent("Resources/spikes/\(file)")
    }

    init(_ name: String) throws {
        self.name = name
        expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.resource("spikes_\(name).expected.json")), options: [.fragmentsAllowed]) as! [String: Any]
        let params = expected["params"] as! [String: Any]
        let t0 = params["t_start_ms"] as! Double, t1 = params["t_stop_ms"] as! Double
        let cells = params["n_cells"] as! Int
        let file = try SpikeFile.read(path: Self.resource("spikes_\(name).csv").path, options: SpikeFile.Options())
        let trialCount = params["n_trials"] as? Int ?? 1
        trials = (0..<trialCount).map { trial in
            SpikeTrains(cellCount: cells, spikes: file.rows.filter { $0.trial == trial }.map { ($0.cell, $0.timeMs) }, startMs: t0, stopMs: t1)
        }
        trains = trials[0]
    }

    func value(_ path: String) -> Any? {
        var node: Any? = expected
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    func numbers(_ path: String) -> [Double?] { (value(path) as! [Any]).map { $0 as? Double ?? ($0 as? Int).map(Double.init) } }
    func matrix(_ path: String) -> [[Double?]] { (value(path) as! [[Any]]).map { $0.map { $0 as? Double ?? ($0 as? Int).map(Double.init) } } }
    func integers(_ path: String) -> [Int] { value(path) as! [Int] }
}

/// |actual − expected| ≤ atol + rtol·|expected|, with null ↔ NaN.
func expectClose(_ actual: Double, _ expected: Double?, rtol: Double = 1e-9, atol: Double = 1e-12, _ what: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let expected else {
        #expect(actual.isNaN, "\(what()): expected null (NaN), got \(actual)", sourceLocation: sourceLocation)
        return
    }
    #expect(abs(actual - expected) <= atol + rtol * abs(expected), "\(what()): \(actual) vs \(expected)", sourceLocation: sourceLocation)
}
