import Testing
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

/// The spike detector driven with hand-made steps of one cell (no integration), so that the
/// interpolant of each step is known: with f0 = f1 = 0 a step's cubic Hermite interpolant is
/// monotone between y0 and y1, and with y0 = y1 = a, f0 = −f1 = g it peaks at the middle at
/// a + g h / 4 (h the step).
@Suite("Spike peaks")
struct SpikePeakTests {
    /// Spikes of one cell for steps of length `h` through `potentials` (normalised y, with the
    /// slopes `slopes` at each step's start and end; 0 when not given).
    static func spikes(_ potentials: [Double], h: Double, slopes: [Int: (Double, Double)] = [:]) throws -> (spikes: [Spike], vT: Double) {
        let s = try ScenarioLoader.parse("""
            duration_ms: 100
            seed: 1
            solver: {method: rk4, dt_ms: \(h)}
            populations: [{name: p, size: 1}]
            """)
        let network = s.makeNetwork()
        let (_, recorder) = try Simulation.prepare(s, network: network, trial: 0, traces: nil, keepRows: false)
        let dimension = try s.initialState(trial: 0, network: network).count
        // y0, f0, y1, f1 one after the other.
        let memory = UnsafeMutablePointer<Double>.allocate(capacity: 4 * dimension)
        defer { memory.deallocate() }
        memory.initialize(repeating: 0, count: 4 * dimension)
        let y0 = memory, f0 = memory + dimension, y1 = memory + 2 * dimension, f1 = memory + 3 * dimension
        y0[0] = potentials[0]
        try recorder.begin(time: 0, state: y0, derivative: f0)
        for k in 1..<potentials.count {
            y1[0] = potentials[k]
            (f0[0], f1[0]) = slopes[k] ?? (0, 0)
            try recorder.observe(AcceptedStep(t0: Double(k - 1) * h, t1: Double(k) * h, y0: y0, f0: f0, y1: y1, f1: f1))
            y0[0] = y1[0]
        }
        recorder.finish()
        return (recorder.takeSortedSpikes(), recorder.evaluator.model.cells[0].thermalPotentialMV)
    }

    @Test("a peak is the largest value of the excursion above the threshold; a later bulge inside a step does not change it")
    func peakClosesBelowThreshold() throws {
        // θ = −20 mV ≈ −0.75 in y. Rest, crossing, up to 1.0, down to 0.0 (still above), below
        // (−1.0), then a step from −1.0 to −1.0 whose interpolant bulges to −1.0 + 100 · 0.1 / 4 = 1.5,
        // above the spike's peak, without a crossing at either end.
        let h = 0.1
        let (spikes, vT) = try Self.spikes([-2.6, 0.5, 1.0, 0.0, -1.0, -1.0, -1.0], h: h, slopes: [5: (100, -100)])
        #expect(spikes.count == 1)
        let spike = try #require(spikes.first)
        #expect(spike.timeMs > 0 && spike.timeMs < h)
        #expect(abs(spike.peakMV - 1.0 * vT) < 1e-12 * vT)
        #expect(abs(spike.peakTimeMs - 2 * h) < 1e-12)
    }

    @Test("a cell above the threshold from the start has no spike until it falls below and crosses again")
    func startAboveThreshold() throws {
        let (spikes, vT) = try Self.spikes([0.5, 0.8, 0.2, -1.0, -1.0, 0.3, 0.9, -1.0], h: 0.1)
        #expect(spikes.count == 1)
        let spike = try #require(spikes.first)
        #expect(spike.timeMs > 0.4 && spike.timeMs < 0.5)
        #expect(abs(spike.peakMV - 0.9 * vT) < 1e-12 * vT)
        #expect(abs(spike.peakTimeMs - 0.6) < 1e-12)
    }
}
