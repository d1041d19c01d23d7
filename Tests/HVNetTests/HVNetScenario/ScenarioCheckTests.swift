import Foundation
import GSLSupport
import Testing
@testable import HVNetScenario

/// Checks that must see what the run will see: the delays and cell parameters as drawn from the
/// seed, the keys each distribution takes, duplicate recording variables, stimulus targets.
@Suite("Scenario checks: drawn values, distribution keys, recording and stimulus targets")
struct ScenarioCheckTests {
    static func network(delay: String, solver: String = "{method: rkf45}", rule: String = "rule: bernoulli, p: 0.3") -> String {
        """
        duration_ms: 20
        solver: \(solver)
        populations:
          - {name: e, size: 20}
        connections:
          - {receptor: AMPA, from: e, to: e, \(rule), channels_per_contact: 10, delay_ms: \(delay)}
        """
    }

    func error(_ text: String) -> ScenarioError? {
        do { _ = try ScenarioLoader.parse(text); return nil } catch let e as ScenarioError { return e } catch { return nil }
    }

    // MARK: Drawn delays

    @Test("The shortest drawn delay is exactly the shortest positive delay of the drawn network", arguments: [
        "{distribution: uniform, low: 0, high: 4}", "{distribution: normal, mean: 1, sd: 0.5}",
        "{distribution: lognormal, mean: 1, sd: 2}", "0.7",
    ])
    func shortestDrawnDelay(_ delay: String) throws {
        let s = try ScenarioLoader.parse(Self.network(delay: delay))
        let drawn = s.drawConnectivity().map(\.delayMs).filter { $0 > 0 }.min()
        #expect(drawn != nil)
        #expect(s.shortestDrawnDelay()?.delayMs == drawn)
        #expect(s.shortestDrawnDelay()?.connection == 0)
    }

    @Test("Counting contacts gives the number that drawing them gives, for every rule", arguments: [
        ConnectionRule.explicit(matrix: [[0, 1, 2], [0, 0, 0.5]]), .allToAll(autapses: false), .allToAll(autapses: true), .oneToOne,
        .ring(offsets: [-1, 1, 3]), .bernoulli(p: 0.3, autapses: false), .bernoulli(p: 0.3, autapses: true),
        .fixedInDegree(k: 3, autapses: false), .smallWorld(k: 4, beta: 0.2), .smallWorld(k: 8, beta: 0),
    ])
    func contactCount(_ rule: ConnectionRule) {
        for (pre, post, same) in [(7, 7, true), (5, 9, false)] {
            if case .smallWorld = rule, !same { continue }
            func stream() -> RandomStream { RandomStream(type: .mt19937, seed: 42) }
            let drawn = Topology.contacts(rule, preCount: pre, postCount: post, samePopulation: same, rng: stream()).count
            #expect(Topology.contactCount(rule, preCount: pre, postCount: post, samePopulation: same, rng: stream()) == drawn)
        }
    }

    @Test("A tiny drawn delay with an adaptive method is refused, naming delay_ms, the drawn minimum and the step count")
    func tinyDrawnDelay() {
        let e = error(Self.network(delay: "{distribution: uniform, low: 0, high: 1e-12}"))
        guard case .invalidValue(let path, _, let expected, _)? = e else {
            Issue.record("expected an invalid value, got \(String(describing: e))")
            return
        }
        #expect(path == "connections[0].delay_ms")
        #expect(expected.contains("shortest drawn delay is") && expected.contains("e-1"))
        #expect(expected.contains("steps over duration_ms 20"))
    }

    @Test("The resource estimate of an adaptive run counts duration / the shortest drawn delay")
    func estimateUsesDrawnDelay() throws {
        let s = try ScenarioLoader.parse(Self.network(delay: "{distribution: uniform, low: 0, high: 1e-3}"))
        let shortest = try #require(s.shortestDrawnDelay()?.delayMs)
        #expect(shortest < 1e-3)
        #expect(ResourceEstimate(s).stepsPerTrial == (20 / shortest).rounded(.up))
    }

    @Test("bs32-dyadic with a drawn delay below its smallest step is a scenario error naming delay_ms")
    func dyadicSmallestStep() {
        // Smallest step 4 × 2⁻²⁴ / 1024 ms ≈ 2.3e-10 ms (noise grid 2⁻²⁴ ms without noise).
        let e = error(Self.network(delay: "{distribution: uniform, low: 0, high: 1e-8}", solver: "{method: bs32-dyadic}"))
        guard case .invalidValue(let path, _, let expected, _)? = e else {
            Issue.record("expected an invalid value, got \(String(describing: e))")
            return
        }
        #expect(path == "connections[0].delay_ms")
        #expect(expected.contains("bs32-dyadic's smallest step"))
        #expect(error(Self.network(delay: "{distribution: uniform, low: 0.5, high: 1}", solver: "{method: bs32-dyadic}")) == nil)
    }

    // MARK: Heterogeneous parameters and fixed-step stability

    static func kappa(_ exponent: String) -> String {
        """
        duration_ms: 10
        solver: {method: rk4, dt_ms: 0.01}
        populations:
          - {name: cell, size: 4, initial: rest, parameters: {KaD: {exponent: \(exponent)}}}
        recording: {cells: none}
        """
    }

    @Test("A KaD.exponent distribution reaching near 0 is refused for a fixed step like a constant 0")
    func heterogeneousStability() {
        let e = error(Self.kappa("{distribution: uniform, low: 0, high: 1}"))
        guard case .invalidValue(let path, _, let expected, _)? = e else {
            Issue.record("expected an invalid value, got \(String(describing: e))")
            return
        }
        #expect(path == "solver.dt_ms")
        #expect(expected.contains("populations[0].parameters.KaD.exponent"))
        #expect(expected.contains("a step below"))
        // The same distribution kept near the default exponent passes.
        #expect(error(Self.kappa("{distribution: uniform, low: 0.9, high: 1}")) == nil)
    }

    // MARK: Keys of distributions

    @Test("A key that the distribution's kind does not take is refused with the kind's keys", arguments: [
        ("delay_ms: {distribution: normal, mean: 1, sd: 0.5, low: 0.9}", "connections[0].delay_ms", "low", "normal"),
        ("delay_ms: {distribution: uniform, low: 1, high: 2, mean: 3}", "connections[0].delay_ms", "mean", "uniform"),
        ("delay_ms: {distribution: lognormal, mean: 1, sd: 0.5, high: 3}", "connections[0].delay_ms", "high", "lognormal"),
    ])
    func distributionKeys(_ delay: String, _ path: String, _ key: String, _ kind: String) {
        let text = Self.network(delay: "0.5").replacingOccurrences(of: "delay_ms: 0.5", with: delay)
        let e = error(text)
        guard case .unknownDistributionKey(let p, let k, let d, let allowed, _)? = e else {
            Issue.record("expected an unknown key, got \(String(describing: e))")
            return
        }
        #expect(p == path && k == key && d == kind)
        #expect(allowed == (kind == "uniform" ? ["distribution", "low", "high"] : ["distribution", "mean", "sd"]))
        #expect(e?.description.contains("allowed keys for \(kind)") == true)
    }

    @Test("channels_per_contact and cell parameters share the check of distribution keys")
    func sharedDistributionKeys() {
        let channels = Self.network(delay: "0.5").replacingOccurrences(
            of: "channels_per_contact: 10", with: "channels_per_contact: {distribution: normal, mean: 10, sd: 2, low: 5}")
        guard case .unknownDistributionKey(let path, "low", "normal", _, let hint)? = error(channels) else {
            Issue.record("expected an unknown key low in channels_per_contact")
            return
        }
        #expect(path == "connections[0].channels_per_contact")
        #expect(hint?.contains("uniform") == true)
        guard case .unknownDistributionKey(let p, "sd", "uniform", _, _)? = error(Self.kappa("{distribution: uniform, low: 0.9, high: 1, sd: 1}")) else {
            Issue.record("expected an unknown key sd in KaD.exponent")
            return
        }
        #expect(p == "populations[0].parameters.KaD.exponent")
    }

    // MARK: Recording variables

    static func recording(_ recording: String) -> String {
        """
        duration_ms: 20
        solver: {method: rk4, dt_ms: 1/32}
        populations:
          - {name: P, size: 1}
        recording: \(recording)
        """
    }

    @Test("A variable listed twice is refused, naming both positions")
    func duplicateVariables() {
        guard case .invalidValue(let path, "v", let expected, _)? = error(Self.recording("{cells: all, variables: [v, pAmpa, v]}")) else {
            Issue.record("expected an invalid value for the second v")
            return
        }
        #expect(path == "recording.variables[2]")
        #expect(expected.contains("recording.variables[0]"))
    }

    @Test("No variables with traced cells is refused; with cells: none it is accepted")
    func emptyVariables() {
        guard case .invalidValue(let path, _, let expected, _)? = error(Self.recording("{cells: all, variables: []}")) else {
            Issue.record("expected an invalid value for an empty variables list")
            return
        }
        #expect(path == "recording.variables")
        #expect(expected.contains("cells: none"))
        #expect(error(Self.recording("{cells: none, variables: []}")) == nil)
    }

    // MARK: Stimulus targets and booleans

    static func stimulus(_ keys: String) -> String {
        """
        duration_ms: 20
        solver: {method: rkf45}
        populations:
          - {name: P, size: 3}
        stimuli:
          - {type: poisson, receptor: AMPA, rate_Hz: 100, channels_per_spike: 12, tau_ms: 3, \(keys)}
        """
    }

    @Test("Both cells and population in a stimulus name the stimulus and say not both")
    func cellsAndPopulation() {
        let e = error(Self.stimulus("cells: [0], population: P"))
        guard case .invalidValue(let path, _, let expected, _)? = e else {
            Issue.record("expected an invalid value, got \(String(describing: e))")
            return
        }
        #expect(path == "stimuli[0]")
        #expect(expected.contains("not both"))
    }

    @Test("An empty target list is refused for every stimulus type", arguments: [
        "{type: poisson, receptor: AMPA, rate_Hz: 100, channels_per_spike: 12, tau_ms: 3, cells: []}",
        "{type: pulse, receptor: AMPA, windows_ms: [[1, 2]], cells: []}",
        "{type: current_step, amplitude_pA: 100, windows_ms: [[1, 2]], cells: []}",
        "{type: sine, amplitude_pA: 10, frequency_Hz: 5, cells: []}",
        "{type: ramp, from_pA: 0, to_pA: 10, window_ms: [1, 2], cells: []}",
    ])
    func emptyTargets(_ stimulus: String) {
        let text = Self.stimulus("population: P").replacingOccurrences(
            of: "{type: poisson, receptor: AMPA, rate_Hz: 100, channels_per_spike: 12, tau_ms: 3, population: P}", with: stimulus)
        #expect(error(text.replacingOccurrences(of: "cells: []", with: "cells: [1]")) == nil)
        guard case .invalidValue(let path, _, let expected, _)? = error(text) else {
            Issue.record("expected an invalid value for cells: []")
            return
        }
        #expect(path == "stimuli[0].cells")
        #expect(expected.contains("non-empty"))
    }

    @Test("A quoted \"true\" is a string, not a boolean", arguments: ["\"true\"", "'false'"])
    func quotedBoolean(_ value: String) throws {
        #expect(try ScenarioLoader.parse(Self.stimulus("population: P, shared: true")).stimuli[0].poisson?.shared == true)
        guard case .invalidValue(let path, _, _, _)? = error(Self.stimulus("population: P, shared: \(value)")) else {
            Issue.record("expected an invalid value for shared: \(value)")
            return
        }
        #expect(path == "stimuli[0].shared")
    }
}
