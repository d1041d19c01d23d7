import Foundation
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
}
