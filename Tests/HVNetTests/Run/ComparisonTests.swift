import Foundation
import Testing
@testable import GSLSupport
@testable import HVNetAnalysis
@testable import HVNetExperiments
@testable import HVNetModel
@testable import HVNetNoise
@testable import HVNetOutput
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers
@testable import Numerics

@Suite("Solver comparison")
struct ComparisonTests {
    @Test("Configurations parse from NAME[/mode]:key=values")
    func parse() throws {
        let rk4 = try Comparison.Configuration.parse("rk4:dt=0.05,0.025,0.0125", defaultIntegration: .shifted)
        #expect(rk4.map(\.options.dtMs) == [0.05, 0.025, 0.0125])
        #expect(rk4.allSatisfy { $0.noiseIntegration == .shifted && $0.method.name == "rk4" })
        let rkf = try Comparison.Configuration.parse("rkf45/plain:rtol=1e-6;atol=1e-9", defaultIntegration: .shifted)
        #expect(rkf.count == 1 && rkf[0].noiseIntegration == .plain && rkf[0].options.atol == 1e-9 && rkf[0].options.rtol == 1e-6)
        #expect(throws: SolverError.unknownOption("tol", valid: SolverOptions.keys)) {
            try Comparison.Configuration.parse("rkf45:tol=1e-6", defaultIntegration: .shifted)
        }
        #expect(throws: SolverError.self) { try Comparison.Configuration.parse("rk5:dt=0.1", defaultIntegration: .shifted) }
        #expect(throws: SolverError.self) { try Comparison.Configuration.parse("rk4:rtol=1e-6", defaultIntegration: .shifted) }
    }

    @Test("Spikes are matched one to one within the window; the rest are missed or extra")
    func matching() {
        let m = Comparison.match([10, 20, 30, 40], [10.1, 19.8, 35, 40.2, 50], window: 0.5)
        #expect(m.differences.count == 3)
        #expect(abs(m.differences[0] - 0.1) < 1e-12 && abs(m.differences[1] + 0.2) < 1e-12)
        #expect(m.missed == 1 && m.extra == 2)
    }

    @Test("A finer configuration is closer to the reference than a coarser one, on the same noise")
    func convergesToReference() throws {
        var s = try shippedScenario("pair-uncoupled.yaml")
        s.durationMs = 200
        s.noise.gridMs = pow(2, -10)
        let configurations = try Comparison.Configuration.parse("rk4:dt=0.125,0.03125", defaultIntegration: .shifted)
        let reference = Comparison.Configuration(method: try SolverMethod.named("rk4"), options: SolverOptions(dtMs: pow(2, -8)), noiseIntegration: .shifted)
        let check = Comparison.Configuration(method: try SolverMethod.named("rk4"), options: SolverOptions(dtMs: pow(2, -9)), noiseIntegration: .shifted)
        let r = Comparison.compare(s, configurations: configurations, reference: reference, check: check, options: .init())
        #expect(r.rows[0].trials[0].matched > 0)
        #expect(r.rows[1].rmsSpikeError < r.rows[0].rmsSpikeError)
        #expect(r.rows[1].trials[0].rmsVoltageErrorMV < r.rows[0].trials[0].rmsVoltageErrorMV)
        #expect(r.referenceDiscrepancy[0].rmsSpikeErrorMs < r.rows[1].rmsSpikeError)
        #expect(ComparisonReport.csv(r).split(separator: "\n").count == 3)
    }
}
