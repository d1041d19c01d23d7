import Testing
@testable import HVNetModel

/// Reference values: docs/model.md §7 (an independent high-accuracy computation).
@Suite("Resting state and fixed points")
struct RestingStateTests {
    @Test("The default cell rests at v* = −69.9225 mV, w* = 1.04537e-4")
    func restingState() throws {
        let rest = try CellParameters().normalized().restingState()
        #expect(abs(rest.potentialMV - -69.9225) < 1e-4)
        #expect(abs(rest.w - 1.04537e-4) < 1e-9)
    }

    @Test("Three fixed points without input: stable, saddle, unstable")
    func fixedPoints() {
        let points = CellParameters().normalized().fixedPoints()
        #expect(points.count == 3)
        guard points.count == 3 else { return }
        #expect(abs(points[0].potentialMV - -69.922) < 1e-3)
        #expect(abs(points[1].potentialMV - -32.625) < 1e-3)
        #expect(abs(points[2].potentialMV - -12.229) < 1e-3)
        #expect(points.map(\.stability) == [.stable, .saddle, .unstable])
    }

    @Test("The right-hand side vanishes at the resting state")
    func restIsAnEquilibrium() throws {
        let cell = CellParameters().normalized()
        let rest = try cell.restingState()
        let y = rest.potentialMV / cell.thermalPotentialMV
        #expect(abs(cell.membraneDerivative(y: y, w: rest.w, ampaOpen: 0, gabaAOpen: 0, input: 0)) < 1e-12)
        #expect(abs(cell.gating.potassiumDerivative(y: y, w: rest.w)) < 1e-15)
    }
}
