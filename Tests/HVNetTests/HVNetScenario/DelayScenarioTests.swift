import Foundation
import Testing
@testable import HVNetScenario

@Suite("Scenario files: connections[].delay_ms")
struct DelayScenarioTests {
    static func text(delay: String, solver: String = "{method: rkf45}") -> String {
        """
        duration_ms: 20
        solver: \(solver)
        populations:
          - {name: e, size: 20}
        connections:
          - {receptor: AMPA, from: e, to: e, rule: bernoulli, p: 0.3, channels_per_contact: {distribution: uniform, low: 5, high: 15}, delay_ms: \(delay)}
        """
    }

    func error(_ text: String) -> ScenarioError? {
        do { _ = try ScenarioLoader.parse(text); return nil } catch let e as ScenarioError { return e } catch { return nil }
    }

    @Test("A delay distribution is drawn per contact, within its range, without changing contacts or channels")
    func distribution() throws {
        let delayed = try ScenarioLoader.parse(Self.text(delay: "{distribution: uniform, low: 1, high: 4}"))
        #expect(delayed.connections[0].delayMs == .uniform(low: 1, high: 4))
        let plain = try ScenarioLoader.parse(Self.text(delay: "0").replacingOccurrences(of: ", delay_ms: 0", with: ""))
        let a = plain.drawConnectivity(), b = delayed.drawConnectivity()
        #expect(a.count > 50)
        #expect(a.map { [$0.pre, $0.post] } == b.map { [$0.pre, $0.post] })
        #expect(a.map(\.channels) == b.map(\.channels))
        #expect(b.allSatisfy { $0.delayMs >= 1 && $0.delayMs <= 4 })
        #expect(Set(b.map(\.delayMs)).count == b.count, "a continuous distribution draws a distinct delay per contact")
        #expect(a.allSatisfy { $0.delayMs == 0 })
        // The delays reach the network's delayed contacts; none stays undelayed.
        let network = delayed.makeNetwork()
        #expect(network.ampa.delayed?.count == b.count && network.ampa.weights.nonzeroCount == 0)
        // The resolved scenario file keeps the distribution.
        #expect(ScenarioWriter.yaml(delayed).contains("delay_ms: {distribution: uniform, low: 1.0, high: 4.0}"))
        #expect(try ScenarioLoader.parse(ScenarioWriter.yaml(delayed)).connections == delayed.connections)
    }

    @Test("Negative, NaN and infinite delays are refused with the key path", arguments: ["-1", ".nan", ".inf", "{distribution: uniform, low: -1, high: 2}"])
    func invalid(_ delay: String) {
        guard case .invalidValue(let path, _, let expected, _)? = error(Self.text(delay: delay)) else {
            Issue.record("expected an invalid value for delay_ms: \(delay)")
            return
        }
        #expect(path.hasPrefix("connections[0].delay_ms"))
        #expect(expected.contains("delay in ms"))
    }

    @Test("A fixed step longer than a positive delay is refused, naming delay_ms and solver.dt_ms",
          arguments: ["0.05", "{distribution: normal, mean: 2, sd: 0.5}", "{distribution: uniform, low: 0, high: 2}"])
    func fixedStepLongerThanDelay(_ delay: String) {
        let e = error(Self.text(delay: delay, solver: "{method: rk4, dt_ms: 0.1}"))
        guard case .invalidValue(let path, _, let expected, _)? = e else {
            Issue.record("expected an invalid value, got \(String(describing: e))")
            return
        }
        #expect(path == "connections[0].delay_ms")
        #expect(expected.contains("solver.dt_ms"))
    }

    @Test("Delays of 0 or at least dt are accepted with a fixed step", arguments: ["0", "0.1", "{distribution: uniform, low: 0.1, high: 2}"])
    func fixedStepAccepted(_ delay: String) throws {
        _ = try ScenarioLoader.parse(Self.text(delay: delay, solver: "{method: rk4, dt_ms: 0.1}"))
    }
}
