import Foundation
import Testing
@testable import GSLSupport
@testable import HVNetModel
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

@Suite("Solver registry and drivers")
struct SolverRegistryTests {
    func oscillatorError(_ name: String, options: SolverOptions, duration: Double = 4, grid: Double = pow(2, -24)) throws -> (error: Double, statistics: IntegrationStatistics) {
        let (final, statistics) = try Integrator.integrate(
            HarmonicOscillator(), method: SolverMethod.named(name), options: options, noiseGridMs: grid,
            from: [1, 0], duration: duration, observer: NullObserver())
        return (hypot(final[0] - cos(duration), final[1] + sin(duration)), statistics)
    }

    @Test("Fixed-step methods show their order (± 0.2) on y″ = −y, dt = 2⁻⁴ … 2⁻⁸", arguments: [("euler", 1.0), ("heun", 2.0), ("rk4", 4.0)])
    func fixedStepOrder(_ name: String, _ order: Double) throws {
        let steps = (4...8).map { pow(2.0, -Double($0)) }
        let errors = try steps.map { try oscillatorError(name, options: SolverOptions(dtMs: $0)).error }
        let observed = observedOrder(steps: steps, errors: errors)
        #expect(abs(observed - order) <= 0.2, "\(name): observed order \(observed), errors \(errors)")
        let work = try oscillatorError(name, options: SolverOptions(dtMs: 0.25)).statistics
        #expect(work.evaluations == 16 * FixedStepDriver.Scheme(rawValue: name)!.evaluationsPerStep + 1)
    }

    /// Local error control keeps each step's error near the tolerance; over one period of y″ = −y
    /// (hundreds to thousands of steps) the accumulated error stays within 20 × the tolerance, and
    /// tightening the tolerance 10⁴-fold cuts the error by more than 10².
    @Test("bs32-dyadic reaches its tolerance on a smooth problem")
    func dyadicTolerance() throws {
        var errors: [Double] = []
        for tol in [1e-4, 1e-6, 1e-8] {
            let (error, statistics) = try oscillatorError("bs32-dyadic", options: SolverOptions(absoluteTolerance: tol, relativeTolerance: tol), duration: 2 * Double.pi)
            #expect(error < 20 * tol, "rtol = atol = \(tol): global error \(error)")
            #expect(statistics.evaluations == 3 * (statistics.acceptedSteps + statistics.rejectedSteps) + 1)
            errors.append(error)
        }
        #expect(errors[0] / errors[2] > 100, "errors \(errors)")
    }

    @Test("Every GSL stepper at a tight tolerance reproduces the seed spike (0.22978 ms) within 1e-4 ms",
          arguments: SolverMethod.all.filter { $0.family == .gsl }.map(\.name))
    func gslSeedSpike(_ name: String) throws {
        var s = try shippedScenario("seed-single-cell.yaml")
        s.solver = SolverSettings(method: try SolverMethod.named(name),
                                  options: SolverOptions(absoluteTolerance: 1e-10, relativeTolerance: name == "rk1imp" ? 1e-8 : 1e-10, maxStepMs: 0.02))
        s.recording.traceCells = []
        let run = try Simulation.simulate(s)
        #expect(run.spikes.count == 1, "\(name): \(run.spikes.count) spikes")
        #expect(abs((run.spikes.first?.timeMs ?? .nan) - 0.22978) < 1e-4, "\(name): spike at \(run.spikes.first?.timeMs ?? .nan) ms")
        #expect(run.statistics.evaluations > 0 && run.statistics.acceptedSteps > 0)
    }

    @Test("Unknown methods and misplaced options are errors that list what is valid")
    func unknownNames() throws {
        #expect(throws: SolverError.unknownMethod("rk5", valid: SolverMethod.names)) { try SolverMethod.named("rk5") }
        #expect("\(SolverError.unknownMethod("rk5", valid: SolverMethod.names))".contains("bs32-dyadic"))
        #expect(throws: SolverError.self) { try SolverOptions(dtMs: 0.1).validated(for: SolverMethod.named("rkf45")) }
        #expect(throws: SolverError.self) { try SolverOptions(relativeTolerance: 1e-6).validated(for: SolverMethod.named("rk4")) }
        #expect(throws: SolverError.self) { try SolverOptions().validated(for: SolverMethod.named("euler")) }
    }

    @Test("A diverging run under a GSL stepper is an error with the time and cell, never an abort", arguments: ["rkf45", "rk8pd", "msadams"])
    func gslDivergence(_ name: String) throws {
        var s = try shippedScenario("seed-single-cell.yaml")
        s.stimuli = [Stimulus(kind: .currentStep(amplitudePA: 1e12), cells: [0], windowsMs: [5...6])]
        s.solver = SolverSettings(method: try SolverMethod.named(name), options: SolverOptions(maxStepMs: 0.05))
        s.recording.traceCells = []
        do {
            _ = try Simulation.simulate(s)
            Issue.record("\(name) did not stop")
        } catch let error as IntegrationError {
            #expect("\(error)".contains("cell 0"))
            #expect((error.timeMs ?? 0) >= 5 && (error.timeMs ?? 0) < 6.1, "\(error)")
        } catch let error as GSLError {
            #expect(error.context.contains("t = 5") || error.context.contains("t = 6"), "\(error)")
        }
    }

    @Test("GSL statuses map to named errors")
    func gslStatuses() {
        #expect(GSLError(status: 9, context: "x").name == "GSL_EBADFUNC")
        #expect(GSLError(status: 11, context: "x").name == "GSL_EMAXITER")
        #expect("\(GSLError(status: 5, context: "rkf45 at t = 1 ms"))".contains("GSL_EFAILED"))
        #expect(GSLError.names.count == 34)
    }

    @Test("Multistep methods refuse the shifted noise integration")
    func multistepShifted() throws {
        var s = try shippedScenario("pair-uncoupled.yaml")
        s.durationMs = 5
        s.solver = SolverSettings(method: try SolverMethod.named("msadams"), options: SolverOptions(), noiseIntegration: .shifted)
        #expect(throws: SolverError.self) { try Simulation.simulate(s) }
        s.solver.noiseIntegration = .plain
        _ = try Simulation.simulate(s)
    }
}
