import Foundation
import Testing
@testable import HVNetScenario
@testable import HVNetSimulation

/// Cell parameters drawn per cell (`populations[i].parameters.KEY: {distribution: ...}`).
///
/// Tolerances: for N independent draws of a distribution with SD s, the sample mean has sampling
/// SD s/√N and the sample SD about s/√(2N) (normal draws); 4 sampling SDs of room.
@Suite("Heterogeneous cells")
struct HeterogeneousCellsTests {
    static func scenario(size: Int, parameters: String, duration: Double = 50, seed: Int = 4) throws -> Scenario {
        try ScenarioLoader.parse("""
            duration_ms: \(duration)
            seed: \(seed)
            solver: {method: rk4, dt_ms: 1/32}
            noise: {mean_pA: 150, sd_pA: 20, tau_ms: 5}
            populations:
              - {name: a, size: \(size), parameters: \(parameters)}
            recording: {cells: [0], variables: [v]}
            """)
    }

    static func moments(_ x: [Double]) -> (mean: Double, sd: Double) {
        let m = x.reduce(0, +) / Double(x.count)
        return (m, (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot())
    }

    @Test("Normal, uniform and lognormal draws have the distribution's mean and SD within sampling error")
    func drawnMoments() throws {
        let n = 4000
        let s = try Self.scenario(size: n, parameters: """
            {capacitance_pF: {distribution: lognormal, mean: 20, sd: 2}, KaD: {units: {distribution: normal, mean: 4500, sd: 300}},
             NaT: {units: {distribution: uniform, low: 1200, high: 1600}}}
            """)
        let cells = s.cellParameters
        #expect(cells.count == n)
        let root = Double(n).squareRoot()
        let kad = Self.moments(cells.map(\.kad.units))
        #expect(abs(kad.mean - 4500) < 4 * 300 / root, "KaD units mean \(kad.mean)")
        #expect(abs(kad.sd - 300) < 4 * 300 / (2 * Double(n)).squareRoot(), "KaD units SD \(kad.sd)")
        let uniformSD = 400 / 12.0.squareRoot()
        let nat = Self.moments(cells.map(\.nat.units))
        #expect(abs(nat.mean - 1400) < 4 * uniformSD / root, "NaT units mean \(nat.mean)")
        #expect(cells.allSatisfy { (1200...1600).contains($0.nat.units) })
        let c = Self.moments(cells.map(\.capacitancePF))
        #expect(abs(c.mean - 20) < 4 * 2 / root, "capacitance mean \(c.mean)")
        #expect(Set(cells.map(\.capacitancePF)).count == n, "every cell draws its own value")
    }

    @Test("Draws outside a parameter's range are redrawn: a rectification stays inside (0, 1)")
    func truncation() throws {
        let s = try Self.scenario(size: 2000, parameters: "{KaD: {rectification: {distribution: normal, mean: 0.5, sd: 0.5}}}")
        let r = s.cellParameters.map(\.kad.rectification)
        #expect(r.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(r.contains { $0 < 0.1 } && r.contains { $0 > 0.9 }, "the draws do spread")
    }

    @Test("A distribution of SD 0 reproduces the fixed number's run exactly")
    func fixedNumberReproduces() throws {
        let fixed = try Self.scenario(size: 3, parameters: "{KaD: {units: 4300}, capacitance_pF: 21}")
        let drawn = try Self.scenario(
            size: 3, parameters: "{KaD: {units: {distribution: normal, mean: 4300, sd: 0}}, capacitance_pF: {distribution: uniform, low: 21, high: 21}}")
        #expect(fixed.populations[0].distributions.isEmpty)
        #expect(drawn.cellParameters == fixed.cellParameters)
        let a = try Simulation.simulate(fixed), b = try Simulation.simulate(drawn)
        #expect(!a.spikes.isEmpty)
        #expect(a.spikes == b.spikes)
        #expect(a.rows == b.rows)
    }

    @Test("A later number replaces a distribution given at the top level")
    func populationOverridesTopLevel() throws {
        let s = try ScenarioLoader.parse("""
            duration_ms: 10
            solver: {method: rk4, dt_ms: 1/32}
            parameters: {KaD: {units: {distribution: normal, mean: 4500, sd: 300}}}
            populations:
              - {name: a, size: 3}
              - {name: b, size: 3, parameters: {KaD: {units: 4000}}}
            """)
        #expect(s.populations[0].distributions.map(\.name) == ["KaD.units"])
        #expect(s.populations[1].distributions.isEmpty)
        #expect(s.cellParameters[3...].allSatisfy { $0.kad.units == 4000 })
    }

    @Test("The run directory holds cells.csv with one row of drawn values per cell")
    func cellsFile() throws {
        let s = try Self.scenario(size: 4, parameters: "{KaD: {units: {distribution: normal, mean: 4500, sd: 300}}}", duration: 2)
        let dir = NSTemporaryDirectory() + "hvnet-cells-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Simulation.run(s, scenarioPath: nil, outputDirectory: dir)
        let lines = try String(contentsOfFile: dir + "/cells.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "cell,population,KaD.units")
        #expect(lines.count == 5)
        let values = lines.dropFirst().map { Double($0.split(separator: ",")[2]) }
        #expect(values == s.cellParameters.map { Optional($0.kad.units) })
    }

    @Test("Distributions that cannot hold are refused with their key path", arguments: [
        ("{thermal_potential_mV: {distribution: normal, mean: 26.7, sd: 1}}", "parameters.thermal_potential_mV"),
        ("{KaD: {reversal_mV: {distribution: lognormal, mean: 90, sd: 1}}}", "parameters.KaD.reversal_mV.distribution"),
        ("{capacitance_pF: {distribution: normal, mean: -1, sd: 1}}", "parameters.capacitance_pF.mean"),
        ("{KaD: {units: {distribution: normal, mean: 4500, sd: .nan}}}", "parameters.KaD.units.sd"),
        ("{KaD: {units: {distribution: uniform, low: 10, high: 5}}}", "parameters.KaD.units.high"),
        ("{KaD: {units: {distribution: uniform, low: 10, high: 20, sd: 1}}}", "parameters.KaD.units"),
    ])
    func refused(parameters: String, path: String) throws {
        do {
            _ = try Self.scenario(size: 2, parameters: parameters)
            Issue.record("accepted \(parameters)")
        } catch let error as ScenarioError {
            #expect("\(error)".contains("populations[0].\(path)"), "\(error)")
        }
    }
}
