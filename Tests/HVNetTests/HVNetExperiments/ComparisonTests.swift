import Foundation
import Testing
@testable import HVNetOutput
@testable import HVNetSimulation
@testable import HVNetSolvers

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

    @Test("The reference policy: shifted RK4 at 2⁻¹⁰ ms checked against 2⁻¹¹ ms; a given reference is checked against dt/2 or tolerances/10")
    func referencePolicy() throws {
        let standard = try Comparison.referencePair(nil)
        #expect(standard.reference.method.name == "rk4" && standard.reference.options.dtMs == 0x1p-10 && standard.reference.noiseIntegration == .shifted)
        #expect(standard.check.options.dtMs == 0x1p-11)
        #expect(Comparison.defaultNoiseGridMs == 0x1p-12)
        let adaptive = try Comparison.referencePair("rk8pd:rtol=1e-8;atol=1e-10")
        #expect(abs(adaptive.check.options.rtol / 1e-9 - 1) < 1e-12 && abs(adaptive.check.options.atol / 1e-11 - 1) < 1e-12)
        #expect(try Comparison.referencePair("rk4/plain:dt=0.01").check.options.dtMs == 0.005)
        #expect(throws: SolverError.self) { try Comparison.referencePair("rk4:dt=0.1,0.05") }
    }

    /// Rows with errors 1e-4 and 3e-6 ms against a reference whose own discrepancy is 2e-6 ms:
    /// only the second is below twice the discrepancy.
    @Test("A row whose error is below twice the reference's own discrepancy is marked as at the reference's accuracy")
    func atReferenceAccuracy() throws {
        func metrics(_ e: Double) -> Comparison.TrialMetrics {
            .init(rmsSpikeErrorMs: e, matched: 10, missed: 0, extra: 0, vanRossum: 0, rmsVoltageErrorMV: 0,
                  statistics: IntegrationStatistics(), wallSeconds: 0.1, failure: nil)
        }
        let pair = try Comparison.referencePair(nil)
        let configurations = try Comparison.Configuration.parse("rkf45:rtol=1e-4,1e-9", defaultIntegration: .shifted)
        let r = Comparison.Result(
            reference: pair.reference, check: pair.check, referenceDiscrepancy: [metrics(2e-6)],
            rows: [.init(configuration: configurations[0], trials: [metrics(1e-4)]), .init(configuration: configurations[1], trials: [metrics(3e-6)])],
            noiseGridMs: 0x1p-12, durationMs: 100, options: .init())
        #expect(!r.isAtReferenceAccuracy(r.rows[0]))
        #expect(r.isAtReferenceAccuracy(r.rows[1]))
        let lines = ComparisonReport.table(r).split(separator: "\n")
        #expect(!lines[1].contains("at ref.") && lines[2].contains("at ref."))
        #expect(lines[1].contains("2.00e-06") && lines[2].contains("2.00e-06"))
        #expect("\(ComparisonReport.json(r, scenario: "x").rendered())".contains("\"at_reference_accuracy\": true"))
    }

    /// Before, a failed configuration or a failed reference printed spike errors beside the note.
    @Test("The table shows no errors for a failed configuration, and none at all when the reference failed")
    func failedRowsShowNoErrors() throws {
        func metrics(_ e: Double, failure: String? = nil) -> Comparison.TrialMetrics {
            .init(rmsSpikeErrorMs: e, matched: 10, missed: 0, extra: 0, vanRossum: 0.5, rmsVoltageErrorMV: 2.4e19,
                  statistics: IntegrationStatistics(), wallSeconds: 0.1, failure: failure)
        }
        let pair = try Comparison.referencePair(nil)
        let c = try Comparison.Configuration.parse("rkf45:rtol=1e-4,1e-9", defaultIntegration: .shifted)
        func result(reference: Comparison.TrialMetrics) -> Comparison.Result {
            Comparison.Result(
                reference: pair.reference, check: pair.check, referenceDiscrepancy: [reference],
                rows: [.init(configuration: c[0], trials: [metrics(6.8e-3, failure: "the run diverged")]), .init(configuration: c[1], trials: [metrics(3e-6)])],
                noiseGridMs: 0x1p-12, durationMs: 100, options: .init())
        }
        var lines = ComparisonReport.table(result(reference: metrics(2e-6))).split(separator: "\n")
        #expect(!lines[1].contains("6.800e-03") && !lines[1].contains("2.40e+19") && lines[1].contains("—") && lines[1].contains("(failed: the run diverged)"))
        #expect(lines[2].contains("3.000e-06") && lines[2].contains("at ref."))
        lines = ComparisonReport.table(result(reference: metrics(0, failure: "step size underflow"))).split(separator: "\n")
        #expect(!lines[2].contains("3.000e-06") && !lines[2].contains("at ref.") && !lines[2].contains("2.00e-06"))
        #expect(lines[3].contains("failed (step size underflow)") && !lines.contains { $0.hasPrefix("at ref.:") })
    }

    /// Before, a check run that failed (the reference itself fine) went unnoticed: the reference's
    /// discrepancy carried only the reference's own failure.
    @Test("A failed check of the reference fails the reference's discrepancy, naming the check")
    func failedCheck() throws {
        var s = try shippedScenario("ten-cell-ei.yaml")
        s.durationMs = 300
        // Euler at 0.5 ms diverges within 300 ms here (a cell's w runs away); RK4 at 1/16 ms does not.
        let reference = try Comparison.Configuration.parse("rk4:dt=0.0625", defaultIntegration: .plain)[0]
        let check = try Comparison.Configuration.parse("euler:dt=0.5", defaultIntegration: .plain)[0]
        let r = Comparison.compare(s, configurations: [], reference: reference, check: check, options: .init())
        let failure = try #require(r.referenceDiscrepancy[0].failure)
        #expect(failure.hasPrefix("its check euler"))
    }

    /// Data within one decade on both axes (errors 2e-4 … 5e-4 ms, wall times 0.22 … 0.54 s) used
    /// to give a single tick label on the wall-time axis.
    @Test("Work-precision figures label every decade on both axes of both panels")
    func decadeLabels() throws {
        func metrics(_ e: Double, _ wall: Double, _ evaluations: Int) -> Comparison.TrialMetrics {
            var w = IntegrationStatistics()
            w.evaluations = evaluations
            return .init(rmsSpikeErrorMs: e, matched: 10, missed: 0, extra: 0, vanRossum: 0, rmsVoltageErrorMV: 0,
                         statistics: w, wallSeconds: wall, failure: nil)
        }
        let pair = try Comparison.referencePair(nil)
        let c = try Comparison.Configuration.parse("rk4:dt=0.05,0.025", defaultIntegration: .shifted)
        let r = Comparison.Result(
            reference: pair.reference, check: pair.check, referenceDiscrepancy: [metrics(1e-9, 1, 1)],
            rows: [.init(configuration: c[0], trials: [metrics(5e-4, 0.22, 64_000)]), .init(configuration: c[1], trials: [metrics(2e-4, 0.54, 128_000)])],
            noiseGridMs: 0x1p-12, durationMs: 100, options: .init())
        let svg = ComparisonReport.workPrecision(r)
        for label in ["1e-4", "1e-3", "1e4", "1e5", "1e6", "1e-1", "1e0"] {
            #expect(svg.contains(">\(label)</text>"), "no tick label \(label)")
        }
        // Both panels: the y decades appear twice.
        #expect(svg.components(separatedBy: ">1e-4</text>").count - 1 == 2)
    }
}
