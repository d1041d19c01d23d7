import Foundation
import Testing
@testable import HVNetScenario
@testable import HVNetSimulation

/// Sines and ramps: the recorded `iStim` against their definitions, and their route into the
/// right-hand side against the equivalent current step.
@Suite("Time-varying stimuli")
struct TimeVaryingStimulusTests {
    static func scenario(_ stimulus: String, duration: Double = 40) throws -> Scenario {
        try ScenarioLoader.parse("""
            duration_ms: \(duration)
            solver: {method: rk4, dt_ms: 1/32}
            populations: [{name: p, size: 1}]
            stimuli:
              - \(stimulus)
            recording: {cells: [0], variables: [v, iStim], interval_ms: 0.25}
            """)
    }

    @Test("A sine's iStim is A sin(2πft/1000 + φ) + offset at every sample time inside its window")
    func sineDefinition() throws {
        let s = try Self.scenario("{type: sine, amplitude_pA: 30, frequency_Hz: 40, phase_deg: 30, offset_pA: 5, cells: [0], windows_ms: [[10, 30]]}")
        let rows = try Simulation.simulate(s).rows
        for row in rows {
            let t = row[0]
            let expected = (10 <= t && t < 30) ? 30 * sin(2 * Double.pi * 40 * t / 1000 + Double.pi / 6) + 5 : 0
            #expect(abs(row[2] - expected) < 1e-9, "t = \(t): \(row[2]) vs \(expected)")
        }
        #expect(s.makeNetwork().breakpoints(before: 40) == [10, 30])
    }

    @Test("A ramp's iStim is (from + to)/2 at its window's midpoint and its edges are breakpoints")
    func rampMidpoint() throws {
        let s = try Self.scenario("{type: ramp, from_pA: -20, to_pA: 100, cells: [0], window_ms: [8, 24]}")
        let rows = try Simulation.simulate(s).rows
        let midpoint = try #require(rows.first { abs($0[0] - 16) < 1e-9 })
        #expect(abs(midpoint[2] - 40) < 1e-12)
        let quarter = try #require(rows.first { abs($0[0] - 12) < 1e-9 })
        #expect(abs(quarter[2] - 10) < 1e-12)
        #expect(rows.allSatisfy { ($0[0] < 8 || $0[0] >= 24) ? $0[2] == 0 : true })
        #expect(s.makeNetwork().breakpoints(before: 40) == [8, 24])
    }

    /// The time-varying path adds the current at each stage; with a constant current it must give
    /// the step's trajectory up to rounding (the division by C_m v_T happens in a different place).
    @Test("A flat ramp and a zero-amplitude sine drive the cell as the equal current step does")
    func constantLimitsMatchStep() throws {
        let step = try Simulation.simulate(try Self.scenario("{type: current_step, amplitude_pA: 200, cells: [0], windows_ms: [[5, 35]]}")).rows
        let ramp = try Simulation.simulate(try Self.scenario("{type: ramp, from_pA: 200, to_pA: 200, cells: [0], window_ms: [5, 35]}")).rows
        let sine = try Simulation.simulate(try Self.scenario("{type: sine, amplitude_pA: 0, frequency_Hz: 7, offset_pA: 200, cells: [0], windows_ms: [[5, 35]]}")).rows
        let spread = step.map { $0[1] }.max()! - step.map { $0[1] }.min()!
        #expect(spread > 50, "the step makes the cell spike")
        for other in [ramp, sine] {
            #expect(other.count == step.count)
            let gap = zip(step, other).map { abs($0[1] - $1[1]) }.max() ?? .infinity
            #expect(gap < 1e-6, "largest v difference \(gap) mV")
        }
    }

    @Test("Bad sine and ramp values are refused with their key path", arguments: [
        ("{type: sine, amplitude_pA: .nan, frequency_Hz: 10, cells: [0]}", "stimuli[0].amplitude_pA"),
        ("{type: sine, amplitude_pA: 5, frequency_Hz: 0, cells: [0]}", "stimuli[0].frequency_Hz"),
        ("{type: sine, amplitude_pA: 5, frequency_Hz: .inf, cells: [0]}", "stimuli[0].frequency_Hz"),
        ("{type: sine, amplitude_pA: 5, frequency_Hz: 10, phase_deg: 400, cells: [0]}", "stimuli[0].phase_deg"),
        ("{type: sine, amplitude_pA: -5, frequency_Hz: 10, cells: [0]}", "stimuli[0].amplitude_pA"),
        ("{type: ramp, from_pA: 0, to_pA: .inf, cells: [0], window_ms: [0, 5]}", "stimuli[0].to_pA"),
        ("{type: ramp, from_pA: 0, to_pA: 5, cells: [0], window_ms: [5, 5]}", "stimuli[0].window_ms[1]"),
        ("{type: ramp, from_pA: 0, to_pA: 5, cells: [0], windows_ms: [[0, 5]]}", "windows_ms"),
        ("{type: ramp, from_pA: 0, cells: [0], window_ms: [0, 5]}", "to_pA"),
    ])
    func refused(stimulus: String, path: String) throws {
        do {
            _ = try Self.scenario(stimulus)
            Issue.record("accepted \(stimulus)")
        } catch let error as ScenarioError {
            #expect("\(error)".contains(path), "\(error)")
        }
    }
}
