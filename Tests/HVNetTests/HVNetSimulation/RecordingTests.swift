import Foundation
import Testing
@testable import HVNetModel
@testable import HVNetScenario
@testable import HVNetSimulation

@Suite("Recording")
struct RecordingTests {
    @Test("NumPy traces: a valid header with the rows written and the same values as CSV")
    func npyMatchesCSV() throws {
        var s = try shippedScenario("pair-notebook.yaml")
        s.durationMs = 5
        let csvDir = scratchPath("hvnet-csv"), npyDir = scratchPath("hvnet-npy")
        defer { removeScratch(csvDir); removeScratch(npyDir) }
        _ = try Simulation.run(s, scenarioPath: nil, outputDirectory: csvDir)
        s.recording.format = .npy
        _ = try Simulation.run(s, scenarioPath: nil, outputDirectory: npyDir)
        let rows = try String(contentsOfFile: csvDir + "/traces.csv", encoding: .utf8).split(separator: "\n")
        let columns = rows[0].split(separator: ",").map(String.init)
        let values = rows.dropFirst().flatMap { $0.split(separator: ",").map { Double($0)! } }
        let data = try Data(contentsOf: URL(fileURLWithPath: npyDir + "/traces.npy"))
        #expect(data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'shape': (\(rows.count - 1), \(columns.count))"))
        let body = data.dropFirst(10 + headerLength)
        #expect(body.count == 8 * values.count)
        let decoded = body.withUnsafeBytes { raw in (0..<values.count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) } }
        #expect(decoded == values)
        let names = try String(contentsOfFile: npyDir + "/traces.columns.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(names == columns)
    }

    /// s lags σ(g(y − y_s)) by about τ ds/dt, so the membrane potential differs from the
    /// instantaneous synapse's by O(τ): halving τ halves the largest difference.
    @Test("First-order synapses approach the instantaneous ones linearly as τ → 0")
    func kineticLimit() throws {
        var s = try shippedScenario("pair-notebook.yaml")
        s.recording.traceCells = [1]
        s.recording.variables = [.v]
        let instantaneous = try Simulation.simulate(s).rows
        func gap(_ tau: Double) throws -> Double {
            s.ampaSynapse.tauMs = tau  // RK4 at dt = 1/70 ms is stable for τ ≳ dt/2.8
            return zip(instantaneous, try Simulation.simulate(s).rows).map { abs($0[1] - $1[1]) }.max()!
        }
        let ratio = try gap(0.04) / gap(0.02)
        #expect(abs(ratio - 2) < 0.2, "gap ratio \(ratio)")
        #expect(try gap(2) > 1, "a 2 ms synapse changes the EPSP by more than 1 mV")
    }

    /// The recorder interpolates the state between steps for its samples; it used to interpolate
    /// only y and w, so the channels of kinetic synapses (states after them) were read from
    /// stale scratch or past its end: wrong values, different from run to run with threads.
    @Test("Traced open channels of kinetic synapses are W·s of the sampled state (AMPA and GABA-A)")
    func kineticChannelsInTraces() throws {
        let text = """
            duration_ms: 20
            solver: {method: rk4, dt_ms: 1/64}
            synapses: {AMPA: {kinetics: first_order, tau_ms: 2}, GABAA: {kinetics: first_order, tau_ms: 5}}
            populations:
              - {name: E, size: 2, initial: {v_mV: [-30, -50]}}
              - {name: I, size: 1, initial: {v_mV: -25}}
            connections:
              - {receptor: AMPA, from: E, to: I, matrix: [[1, 1]], channels_per_contact: 10}
              - {receptor: GABAA, from: I, to: E, matrix: [[1], [1]], channels_per_contact: 30}
            recording: {cells: [0, 2], variables: [pAmpa, pGabaA]}
            """
        let scenario = try ScenarioLoader.parse(text)
        let result = try Simulation.simulateWithState(scenario)
        let network = scenario.makeNetwork()
        let state = result.state, last = try #require(result.run.rows.last)
        #expect(abs(last[0] - 20) < 1e-9)  // the last sample is the step's end: the final state
        func open(_ coupling: SynapticCoupling, offset: Int, cell: Int) -> Double {
            coupling.weights.entries.filter { $0.row == cell }.reduce(0) { $0 + $1.value * state[offset + $1.column] }
        }
        let ampa = try #require(network.ampaStateOffset), gabaA = try #require(network.gabaAStateOffset)
        #expect(gabaA == 3 * 3)  // after y, w and s_AMPA: the component the recorder did not interpolate
        let expected = [open(network.ampa, offset: ampa, cell: 0), open(network.gabaA, offset: gabaA, cell: 0),
                        open(network.ampa, offset: ampa, cell: 2), open(network.gabaA, offset: gabaA, cell: 2)]
        #expect(expected[1] > 0 && expected[2] > 0)  // cell 0 receives GABA-A, cell 2 AMPA
        for (k, value) in expected.enumerated() {
            #expect(abs(last[1 + k] - value) <= 1e-12 * max(1, abs(value)), "column \(k + 1): \(last[1 + k]) against \(value)")
        }
        // Every sample stays within [0, channels]: s is in [0, 1].
        for row in result.run.rows { #expect(row[1...].allSatisfy { $0 >= 0 && $0 <= 60 }) }
    }

    @Test("The state of a network with kinetic synapses holds s after y and w")
    func kineticState() throws {
        var s = try shippedScenario("pair-notebook.yaml")
        s.ampaSynapse.tauMs = 2
        s.gabaASynapse.tauMs = 5
        let network = s.makeNetwork()
        #expect(network.stateSize == 8)
        #expect(network.describeStateComponent(5) == "cell 1 (s_AMPA)")
        #expect(network.describeStateComponent(6) == "cell 0 (s_GABAA)")
        let y0 = try s.initialState(network: network)
        #expect(y0.count == 8)
        #expect(abs(y0[4] - logistic(5 * (-30.0 / 26.7 - -20.0 / 26.7))) < 1e-15)
    }
}
