import Foundation
import Testing
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

/// y′ = f(t) with a right-hand side that no adaptive method can resolve: a jump of 1e8 at t = 0.3
/// that is not declared as a breakpoint (error estimate ∝ h·1e8 ≫ atol = 1e-12 at every step
/// down to 1e-12 ms), or NaN after t = 0.5.
final class PathologicalSystem: ODESystem {
    enum Kind { case hiddenJump, nanAfterHalf }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }
    var dimension: Int { 1 }
    private(set) var evaluations = 0
    func breakpoints(before duration: Double) -> [Double] { [] }
    func beginSegment(from start: Double, to end: Double) {}
    func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        evaluations += 1
        switch kind {
        case .hiddenJump: derivative[0] = t < 0.3 ? 0 : 1e8
        case .nanAfterHalf: derivative[0] = t < 0.5 ? 1 : .nan
        }
    }
    func describeStateComponent(_ index: Int) -> String { "component \(index)" }
}

@Suite("One integration loop, one error type")
struct IntegrationLoopTests {
    func integrate(_ system: some ODESystem, _ name: String, _ options: SolverOptions, duration: Double = 1, from initial: [Double]? = nil) throws {
        _ = try Integrator.integrate(system, method: SolverMethod.named(name), options: options, noiseGridMs: 0x1p-24,
                                     from: initial ?? [Double](repeating: 0, count: system.dimension), duration: duration, observer: NullObserver())
    }

    /// One period of y″ = −y needs hundreds of steps at a tolerance of 1e-12 for every adaptive method.
    @Test("Too many steps is the same error for dyadic and GSL methods", arguments: ["bs32-dyadic", "rkf45", "bsimp"])
    func tooManySteps(_ name: String) throws {
        var options = SolverOptions(absoluteTolerance: 1e-12, relativeTolerance: 1e-12, maxStepMs: 0.5)
        options.maxSteps = 10
        do {
            try integrate(HarmonicOscillator(), name, options, duration: 10, from: [1, 0])
            Issue.record("\(name) did not stop")
        } catch let error as IntegrationError {
            guard case .tooManySteps(let t, let limit) = error else { Issue.record("\(name): \(error)"); return }
            #expect(limit == 10 && t >= 0 && t < 10)
            #expect("\(error)".contains("too many steps"))
        }
    }

    @Test("Step size underflow is the same error for the dyadic and the GSL methods", arguments: ["bs32-dyadic", "rkf45", "rk8pd"])
    func underflow(_ name: String) throws {
        do {
            try integrate(PathologicalSystem(.hiddenJump), name, SolverOptions(absoluteTolerance: 1e-12, relativeTolerance: 0))
            Issue.record("\(name) did not stop")
        } catch let error as IntegrationError {
            guard case .stepSizeUnderflow(let t, _, let component, _) = error else { Issue.record("\(name): \(error)"); return }
            #expect(abs(t - 0.3) < 1e-6, "\(name): \(error)")
            #expect("\(error)".contains("step size underflow") && component == "component 0")
        }
    }

    @Test("A non-finite state is the same error for fixed-step, dyadic and GSL methods", arguments: ["rk4", "euler", "bs32-dyadic", "rkf45", "msadams"])
    func nonFinite(_ name: String) throws {
        let options = FixedStepDriver.Scheme(rawValue: name) != nil ? SolverOptions(dtMs: 0.01) : SolverOptions()
        do {
            try integrate(PathologicalSystem(.nanAfterHalf), name, options)
            Issue.record("\(name) did not stop")
        } catch let error as IntegrationError {
            guard case .nonFinite(let t, let component) = error else { Issue.record("\(name): \(error)"); return }
            #expect(component == "component 0")
            #expect(t >= 0.5 && t < 0.52, "\(name): \(error)")
        }
    }

    static func caseScenario(_ file: String) throws -> Scenario {
        try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Tests/HVNetTests/Resources/scenarios/\(file)").path)
    }

    /// Regression (Resources/scenarios/implicit-at-rest.yaml): GSL's implicit Runge–Kutta steppers
    /// never returned on a noise-free cell at rest, because their Newton iteration declares
    /// divergence when both increments are rounding noise.
    @Test("The finite check finds the first NaN or infinity, and not an overflowing sum of finite values")
    func finiteCheck() {
        var a: [Double] = [1, 2, 3, 4], b: [Double] = [0, 0, 0, 0]
        #expect(firstNonFiniteComponent(a, b, count: 4) == nil)
        b[2] = .nan
        #expect(firstNonFiniteComponent(a, b, count: 4) == 2)
        b[2] = 0
        a[1] = -.infinity
        #expect(firstNonFiniteComponent(a, b, count: 4) == 1)
        // 1.7e308 + 1.7e308 overflows to +inf, yet every component is finite.
        a = [1.7e308, 1.7e308, 0, 0]
        #expect(firstNonFiniteComponent(a, b, count: 4) == nil)
        // Longer than the eight-lane pass: a NaN in every position, in either array.
        for count in [8, 9, 19, 200] {
            for position in 0..<count {
                var x = [Double](repeating: 0.5, count: count), y = x
                #expect(firstNonFiniteComponent(x, y, count: count) == nil)
                if position % 2 == 0 { x[position] = .nan } else { y[position] = .infinity }
                #expect(firstNonFiniteComponent(x, y, count: count) == position, "count \(count), position \(position)")
            }
        }
    }

    @Test("The implicit steppers finish at once on a cell at rest", arguments: ["rk1imp", "rk2imp", "rk4imp", "bsimp", "rkf45"])
    func implicitAtRest(_ name: String) throws {
        var s = try Self.caseScenario("implicit-at-rest.yaml")
        s.solver.method = try SolverMethod.named(name)
        let run = try Simulation.simulate(s)
        #expect(run.spikes.isEmpty)
        #expect(run.statistics.acceptedSteps < 50, "\(name): \(run.statistics)")
        let v = run.rows.map { $0[1] }
        #expect((v.max() ?? .nan) - (v.min() ?? .nan) < 1e-9, "\(name): v moved at rest")
    }

    /// Regression (Resources/scenarios/nan-after-one-step.yaml): the run diverges; no spike may be
    /// reported from the step that ends in NaN (it used to give a spike at 1.7e-18 ms).
    @Test("A diverging run reports the divergence and no spike from the non-finite step")
    func nanAfterOneStep() throws {
        let s = try Self.caseScenario("nan-after-one-step.yaml")
        let network = s.makeNetwork()
        let (evaluator, recorder) = try Simulation.prepare(s, network: network, trial: 0, traces: nil, keepRows: false)
        do {
            _ = try Simulation.integrate(s, evaluator, from: try s.initialState(trial: 0, network: network), observer: recorder)
            Issue.record("the run did not diverge")
        } catch let error as IntegrationError {
            guard case .nonFinite(_, let component) = error else { Issue.record("\(error)"); return }
            #expect(component == "cell 0 (v)" || component == "cell 0 (w)")
        }
        recorder.finish()
        #expect(recorder.takeSortedSpikes().isEmpty)
    }

    @Test("Multistep methods refuse shifted integration before any step")
    func multistepShifted() throws {
        final class Shifted: ODESystem {
            var dimension: Int { 1 }
            var evaluations: Int { 0 }
            var isShifted: Bool { true }
            func breakpoints(before duration: Double) -> [Double] { [] }
            func beginSegment(from start: Double, to end: Double) {}
            func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) { derivative[0] = 0 }
            func describeStateComponent(_ index: Int) -> String { "x" }
        }
        #expect(throws: SolverError.self) { try integrate(Shifted(), "msbdf", SolverOptions()) }
    }
}
