import Foundation
import Testing
@testable import HVNetScenario

/// `--set KEY.PATH=VALUE` overrides on the scenario's node tree, validated by the loader.
@Suite("Scenario overrides")
struct OverrideTests {
    /// Two populations with all-to-all coupling, so that sizes can change.
    static let text = """
        duration_ms: 100
        solver: {method: rk4, dt_ms: 1/64}
        noise: {mean_pA: 145, sd_pA: 20, tau_ms: 5}
        populations: [{name: E, size: 8}, {name: I, size: 2}]
        connections:
          - {receptor: AMPA, from: E, to: I, rule: all_to_all, channels_per_contact: 20}
          - {receptor: GABAA, from: I, to: E, rule: all_to_all, channels_per_contact: 60}
        """

    func load(_ sets: String...) throws -> Scenario {
        try ScenarioLoader.parse(Self.text, overrides: sets.map { try ScenarioOverride(parsing: $0) })
    }

    func error(_ sets: String...) -> String {
        do {
            _ = try ScenarioLoader.parse(Self.text, overrides: sets.map { try ScenarioOverride(parsing: $0) })
            return "no error"
        } catch { return "\(error)" }
    }

    @Test("A nested number is replaced (noise.sd_pA=20 → every population's SD)")
    func nestedNumber() throws {
        let s = try load("noise.sd_pA=7.5")
        #expect(s.populations.allSatisfy { $0.noise?.sdPA == 7.5 })
    }

    @Test("A list entry is reached by index (populations[1].size=40)")
    func listIndex() throws {
        let s = try load("populations[1].size=40")
        #expect(s.populations[1].size == 40)
        #expect(s.cellCount == 48)
    }

    @Test("A flow mapping replaces a value, and a later override reaches into it")
    func flowMapping() throws {
        let s = try load("connections[0].channels_per_contact={distribution: normal, mean: 20, sd: 2}",
                         "connections[0].channels_per_contact.mean=12")
        #expect(s.connections[0].channelsPerContact == .normal(mean: 12, sd: 2))
    }

    @Test("A flow list is a value (recording.cells=[0, 9])")
    func flowList() throws {
        #expect(try load("recording.cells=[0, 9]").recording.traceCells == [0, 9])
    }

    @Test("Overrides change the scenario hash; no override keeps the file's")
    func hash() throws {
        let plain = try load(), same = try load(), changed = try load("noise.sd_pA=20.5")
        #expect(plain.sourceHash == same.sourceHash)
        #expect(plain.sourceHash != changed.sourceHash)
    }

    @Test("A key the format does not have names the key path and the closest key")
    func unknownKey() {
        let text = error("noise.sd_pa=20")
        #expect(text.contains("noise.sd_pa: the scenario format has no key 'sd_pa' in noise"))
        #expect(text.contains("did you mean 'noise.sd_pA'?"))
    }

    @Test("A bad value gets the loader's error for that key path")
    func badValue() {
        #expect(error("noise.sd_pA=-3").contains("noise.sd_pA: '-3' is not allowed; expected a non-negative SD in pA"))
    }

    @Test("An index past the end of a list names the list's length")
    func indexOutOfRange() {
        #expect(error("populations[5].size=3").contains("an existing entry of populations: it has 2 (indices 0 to 1)"))
    }

    @Test("A key path through a number is an error, not a crash")
    func throughScalar() {
        #expect(error("duration_ms.value=3").contains("duration_ms is not a mapping"))
    }

    @Test("Text that is not KEY.PATH=VALUE names the option", arguments: ["noise.sd_pA", "=3", "a..b=1", "populations[x].size=1", "[0]=1"])
    func malformed(text: String) {
        #expect(throws: ScenarioError.self) { _ = try ScenarioOverride(parsing: text) }
    }
}
