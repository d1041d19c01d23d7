import Foundation
import Testing
@testable import HVNetSimulation
@testable import HVNetSolvers

/// The notebook's experiment against docs/model.md §7 (computed independently with an adaptive
/// integrator at relative tolerance 1e-10, restarted at each pulse edge).
@Suite("Seed scenario reproduces the reference values")
struct SeedScenarioTests {
    static let run: (spikes: [Spike], rows: [[Double]], statistics: IntegrationStatistics) = {
        try! Simulation.simulate(try! shippedScenario("seed-single-cell.yaml"))
    }()

    /// v (mV) at the trace sample nearest to `t` (samples are every dt = 1/70 ms, so 10, 20, 22,
    /// 30 and 32 ms are samples).
    static func v(at t: Double) -> Double {
        let row = run.rows.min { abs($0[0] - t) < abs($1[0] - t) }!
        #expect(abs(row[0] - t) < 1e-9)
        return row[1]
    }

    @Test("Exactly one spike, up-crossing at 0.22978 ms ± 2e-4, peak 30.9146 ± 0.01 mV")
    func spike() {
        let spikes = Self.run.spikes
        #expect(spikes.count == 1)
        guard let spike = spikes.first else { return }
        #expect(abs(spike.timeMs - 0.22978) < 2e-4)
        #expect(abs(spike.peakMV - 30.9146) < 0.01)
        #expect(abs(spike.peakTimeMs - 0.8116) < 1e-3)
    }

    @Test("v(10 ms) = −68.7623 ± 0.005 mV, v(2) and v(5) as in the reference")
    func relaxation() {
        #expect(abs(Self.v(at: 10) - -68.7623) < 0.005)
        #expect(abs(Self.v(at: 2) - -25.0904) < 0.005)
        #expect(abs(Self.v(at: 5) - -61.7192) < 0.005)
    }

    @Test("EPSP amplitudes 2.3457 and 2.2894 ± 0.005 mV")
    func epsps() {
        #expect(abs(Self.v(at: 22) - Self.v(at: 20) - 2.3457) < 0.005)
        #expect(abs(Self.v(at: 32) - Self.v(at: 30) - 2.2894) < 0.005)
        #expect(abs(Self.v(at: 22) - -67.5658) < 0.005)
    }

    @Test("The trace runs from 0 to 40 ms in round(40·70) = 2800 steps")
    func grid() {
        #expect(Self.run.rows.count == 2801)
        #expect(Self.run.rows.first?[0] == 0)
        #expect(Self.run.rows.last?[0] == 40)
        // The pulse edges are grid points at dt = 1/70 ms: no step is split, and each edge costs
        // one evaluation to restart the segment.
        #expect(Self.run.statistics.acceptedSteps == 2800)
        #expect(Self.run.statistics.evaluations == 4 * 2800 + 1 + 4)
    }
}
