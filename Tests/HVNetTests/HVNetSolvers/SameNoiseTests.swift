import Foundation
import Testing
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

@Suite("Every solver integrates the same noise")
struct SameNoiseTests {
    /// 1 s of ten-cell-ei on one noise path (grid 2⁻¹⁰ ms): shifted RK4 at dt = 2⁻⁸ ms and rk8pd
    /// at rtol 1e-9 must find the same spikes to 1e-3 ms.
    @Test("Two methods at tight tolerances agree on every spike of a 1 s ten-cell-ei run within 1e-3 ms")
    func tenCellAgreement() throws {
        var s = try shippedScenario("ten-cell-ei.yaml")
        s.durationMs = 1000
        s.noise.gridMs = pow(2, -10)
        s.recording.traceCells = []
        s.solver = SolverSettings(method: try SolverMethod.named("rk4"), options: SolverOptions(dtMs: pow(2, -8)))
        let rk4 = try Simulation.simulate(s).spikes
        s.solver = SolverSettings(method: try SolverMethod.named("rk8pd"), options: SolverOptions(absoluteTolerance: 1e-9, relativeTolerance: 1e-9, maxStepMs: 0.05))
        let rk8pd = try Simulation.simulate(s).spikes
        #expect(rk4.count > 100)
        #expect(rk4.count == rk8pd.count, "\(rk4.count) vs \(rk8pd.count) spikes")
        let worst = zip(rk4, rk8pd).map { $0.cell == $1.cell ? abs($0.timeMs - $1.timeMs) : .infinity }.max() ?? .infinity
        #expect(worst < 1e-3, "largest spike-time difference \(worst) ms")
    }
}
