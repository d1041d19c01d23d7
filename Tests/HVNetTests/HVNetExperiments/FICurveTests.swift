import Foundation
import Testing
@testable import HVNetExperiments
@testable import HVNetScenario

/// The f–I curve of the default cell against the independent scipy reference in
/// Resources/fi-reference (LSODA, rtol 1e-10; see its PROVENANCE.md).
@Suite("f–I curve")
struct FICurveTests {
    struct Reference: Decodable {
        let currents_pA: [Double]
        let rates_hz: [Double]
        struct Onset: Decodable {
            struct SaddleNode: Decodable { let I_pA: Double }
            let saddle_node: SaddleNode
        }
        let onset: Onset
    }

    static func reference() throws -> Reference {
        let url = Bundle.module.resourceURL!.appendingPathComponent("fi-reference/fi_reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// One default cell, no noise; RK4 at 1/64 ms. 1000 ms with the rate taken after 500 ms: the
    /// slowest firing in the list (157.2 pA) has a period of 130 ms, so at least three intervals
    /// are measured, and the bisection resolves the onset to within a few hundredths of a pA.
    static let cell = """
        name: default-cell
        duration_ms: 1000
        solver: {method: rk4, dt_ms: 1/64}
        populations: [{name: cell, size: 1}]
        """

    @Test("Rates within 1 % of the reference from 157.2 to 300 pA, 0 Hz at 350 and 400 pA, onset within 0.5 pA")
    func againstReference() throws {
        let ref = try Self.reference()
        let scenario = try ScenarioLoader.parse(Self.cell)
        // 150 pA (silent) brackets the onset from below.
        let result = try FICurve.compute(scenario, options: .init(currentsPA: [150] + ref.currents_pA))
        let rates = Dictionary(uniqueKeysWithValues: result.meanRates.map { ($0.current, $0.mean) })
        #expect(rates[150] == 0)
        for (current, expected) in zip(ref.currents_pA, ref.rates_hz) {
            let rate = try #require(rates[current])
            if expected == 0 {
                #expect(rate == 0, "at \(current) pA")
            } else {
                #expect(abs(rate - expected) / expected < 0.01, "at \(current) pA: \(rate) Hz, reference \(expected) Hz")
            }
        }
        let onset = try #require(result.onsetPA)
        #expect(abs(onset - ref.onset.saddle_node.I_pA) < 0.5, "onset \(onset) pA, reference \(ref.onset.saddle_node.I_pA) pA")
        let bracket = try #require(result.onsetBracketPA)
        #expect(bracket.upperBound - bracket.lowerBound <= 0.01)
    }

    @Test("--currents: a list or FROM:TO:STEP in decimal steps; anything else is refused")
    func parseCurrents() throws {
        #expect(try FICurve.parseCurrents("150, 160,170") == [150, 160, 170])
        #expect(try FICurve.parseCurrents("150:150.3:0.1") == [150, 150.1, 150.2, 150.3])
        for bad in ["", "a,b", "150:100:10", "1:2:0", "1:2", "nan"] {
            #expect(throws: FICurve.FIError.self) { try FICurve.parseCurrents(bad) }
        }
    }

    @Test("--currents errors say which part is wrong", arguments: [
        ("", "no currents"), ("150,x", "value 2 'x' is not a finite number"), ("150,,170", "value 2 is missing"),
        ("150,160,150", "150.0 pA is listed twice"), ("1:2", "needs three numbers, got 2"), ("5:1:1", "TO (1.0) is below FROM (5.0)"),
        ("0:10:-1", "STEP must be positive, got -1"), ("1:2:1e-9", "more than 100000 currents"), ("nan:2:1", "FROM 'nan' is not a finite number"),
        ("1e400", "value 1 '1e400' is not a finite number"),
    ])
    func currentsErrors(text: String, expected: String) {
        #expect(throws: FICurve.FIError.self) { try FICurve.parseCurrents(text) }
        do { _ = try FICurve.parseCurrents(text) } catch { #expect("\(error)".contains(expected), "\(error)") }
    }

    @Test("A transient at or past the duration is refused")
    func badTransient() throws {
        let scenario = try ScenarioLoader.parse(Self.cell)
        #expect(throws: FICurve.FIError.self) { try FICurve.compute(scenario, options: .init(currentsPA: [200], transientMs: 1000)) }
    }
}
