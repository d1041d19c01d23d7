import Foundation
@testable import HVNetNoise
@testable import HVNetScenario
@testable import HVNetSolvers

/// The repository's root, for reading the shipped scenarios.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedScenario(_ name: String) throws -> Scenario {
    try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("scenarios/\(name)").path)
}

/// Least-squares slope of log(errors) against log(steps): the observed order of convergence.
func observedOrder(steps: [Double], errors: [Double]) -> Double {
    let x = steps.map { log($0) }, y = errors.map { log($0) }
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
    let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
    return sxy / sxx
}

/// Keeps only the final state: an observer for convergence tests.
final class NullObserver: StepObserver {
    func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
    func observe(_ step: AcceptedStep) throws {}
}

/// Records the state at given times exactly on the step grid (t must be a step end).
final class GridSampler: StepObserver {
    let times: [Double]
    let component: Int
    private(set) var values: [Double?]
    init(times: [Double], component: Int) {
        self.times = times
        self.component = component
        values = Array(repeating: nil, count: times.count)
    }
    func begin(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) throws {}
    func observe(_ step: AcceptedStep) throws {
        for (k, t) in times.enumerated() where abs(step.t1 - t) < 1e-9 { values[k] = step.y1[component] }
    }
}

/// y″ = −y as a first-order system, y(0) = 1, y′(0) = 0: exact solution (cos t, −sin t).
final class HarmonicOscillator: ODESystem {
    var dimension: Int { 2 }
    private(set) var evaluations = 0
    func breakpoints(before duration: Double) -> [Double] { [] }
    func beginSegment(from start: Double, to end: Double) {}
    func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        evaluations += 1
        derivative[0] = state[1]
        derivative[1] = -state[0]
    }
    func describeStateComponent(_ index: Int) -> String { "component \(index)" }
}

/// A seeded generator for test inputs (SplitMix64 in counter mode), so every test run draws the
/// same points.
struct SeededGenerator: RandomNumberGenerator {
    private var counter: UInt64
    init(seed: UInt64) { counter = seed }
    mutating func next() -> UInt64 {
        counter &+= 1
        return SeedDerivation.mix(counter)
    }
}
