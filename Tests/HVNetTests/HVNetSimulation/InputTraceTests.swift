import Foundation
import Testing
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

/// The recorded OU input `iNoise` against the scenario's noise block. The recorder is driven with
/// steps of a frozen state (the input does not depend on it), so no integration runs: the 8 × 20 s
/// recording takes well under a second.
///
/// Tolerances. The samples are correlated over τ = 5 ms; a record of T ms carries about
/// N_eff = T / (2τ) independent samples (the integral of the OU autocorrelation e^{−|u|/τ} is 2τ).
/// For one cell, with N_eff = 20 000 / 10 = 2000: the mean's sampling SD is σ/√N_eff = 0.45 pA, the
/// SD's σ/√(2 N_eff) = 0.32 pA, a correlation coefficient ρ's (1 − ρ²)/√N_eff (0.019 at ρ = e⁻¹,
/// 0.017 at ρ = 0.5). Averages over the 8 cells are tested against these single-cell SDs (the
/// cells share half their variance, so averaging helps less than √8), with 4 SDs of room.
@Suite("Input traces")
struct InputTraceTests {
    static let durationMs = 20_000.0, intervalMs = 1.0
    static let sigma = 20.0, mu = 30.0, tau = 5.0, shared = 0.5
    static let effectiveSamples = durationMs / (2 * tau)

    /// Rows (time, iNoise of cells 0…7) of the recorder, driven over `durationMs` in 1 ms steps.
    static func recordNoise(seed: Int) throws -> [[Double]] {
        let s = try ScenarioLoader.parse("""
            duration_ms: \(durationMs)
            seed: \(seed)
            solver: {method: rk4, dt_ms: 0.5}
            noise: {mean_pA: \(mu), sd_pA: \(sigma), tau_ms: \(tau), shared: \(shared)}
            populations: [{name: p, size: 8}]
            recording: {cells: all, variables: [iNoise], interval_ms: \(intervalMs)}
            """)
        let network = s.makeNetwork()
        let (_, recorder) = try Simulation.prepare(s, network: network, trial: 0, traces: nil, keepRows: true)
        let state = try s.initialState(trial: 0, network: network)
        let zero = [Double](repeating: 0, count: state.count)
        try state.withUnsafeBufferPointer { y in
            try zero.withUnsafeBufferPointer { f in
                let y = y.baseAddress!, f = f.baseAddress!
                try recorder.begin(time: 0, state: y, derivative: f)
                for k in 0..<Int(durationMs / intervalMs) {
                    let t0 = Double(k) * intervalMs
                    try recorder.observe(AcceptedStep(t0: t0, t1: t0 + intervalMs, y0: y, f0: f, y1: y, f1: f))
                }
            }
        }
        return recorder.rows
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
    static func correlation(_ x: ArraySlice<Double>, _ y: ArraySlice<Double>) -> Double {
        let mx = mean(Array(x)), my = mean(Array(y))
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test("iNoise has the scenario's mean, SD and lag-τ autocorrelation e⁻¹")
    func marginalStatistics() throws {
        let rows = try Self.recordNoise(seed: 11)
        #expect(rows.count == Int(Self.durationMs / Self.intervalMs) + 1)
        let cells = (1...8).map { c in rows.map { $0[c] } }
        let means = cells.map(Self.mean)
        let sds = zip(cells, means).map { x, m in (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot() }
        let lag = Int(Self.tau / Self.intervalMs)
        let autocorrelations = cells.map { Self.correlation($0.dropLast(lag), $0.dropFirst(lag)) }
        let n = Self.effectiveSamples
        #expect(abs(Self.mean(means) - Self.mu) < 4 * Self.sigma / n.squareRoot(), "mean \(Self.mean(means))")
        #expect(abs(Self.mean(sds) - Self.sigma) < 4 * Self.sigma / (2 * n).squareRoot(), "SD \(Self.mean(sds))")
        let rho = exp(-1.0)
        #expect(abs(Self.mean(autocorrelations) - rho) < 4 * (1 - rho * rho) / n.squareRoot(), "lag-τ autocorrelation \(Self.mean(autocorrelations))")
    }

    @Test("iNoise of two cells correlates with the shared fraction 0.5 at lag 0")
    func pairwiseCorrelation() throws {
        let rows = try Self.recordNoise(seed: 12)
        let cells = (1...8).map { c in rows.map { $0[c] }[...] }
        var sum = 0.0, pairs = 0.0
        for a in 0..<8 { for b in (a + 1)..<8 { sum += Self.correlation(cells[a], cells[b]); pairs += 1 } }
        let c = Self.shared
        #expect(abs(sum / pairs - c) < 4 * (1 - c * c) / Self.effectiveSamples.squareRoot(), "mean pairwise correlation \(sum / pairs)")
    }

    @Test("iStim, pAmpa and pGabaA record the current step and the pulse's open channels")
    func stimulusAndChannels() throws {
        let s = try ScenarioLoader.parse("""
            duration_ms: 4
            solver: {method: rk4, dt_ms: 0.05}
            parameters: {AMPA: {units: 100}, GABAA: {units: 40}}
            populations: [{name: p, size: 1}]
            stimuli:
              - {type: current_step, amplitude_pA: 12, cells: [0], windows_ms: [[1, 3]]}
              - {type: pulse, receptor: AMPA, activation: 0.5, cells: [0], windows_ms: [[1, 2]]}
              - {type: pulse, receptor: GABAA, activation: 0.25, cells: [0], windows_ms: [[2, 3]]}
            recording: {cells: [0], variables: [iStim, pAmpa, pGabaA, iNoise], interval_ms: 0.5}
            """)
        let rows = try Simulation.simulate(s).rows
        let at = { (t: Double) in rows.first { abs($0[0] - t) < 1e-9 }! }
        #expect(at(0.5)[1] == 0 && at(1.5)[1] == 12 && at(2.5)[1] == 12 && at(3.5)[1] == 0)
        #expect(abs(at(1.5)[2] - 50) < 1e-12 && at(2.5)[2] == 0)
        #expect(abs(at(2.5)[3] - 10) < 1e-12 && at(1.5)[3] == 0)
        #expect(rows.allSatisfy { $0[4] == 0 }, "no noise block: iNoise is 0")
    }
}
