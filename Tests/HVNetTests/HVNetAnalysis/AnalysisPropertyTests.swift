import Foundation
import PropertyBased
import Testing
@testable import HVNetAnalysis
@testable import HVNetSimulation

@Suite("Spike statistics: invariants")
struct AnalysisPropertyTests {
    /// A random sorted train of distinct times in [0, length).
    static func train(_ values: [Double]) -> [Double] { Array(Set(values)).sorted() }
    static let times = Gen.double(in: 0...1000).array(of: 0...40)

    @Test("CV, CV2 and LV are unchanged when every time is scaled")
    func scaleInvariance() async {
        await propertyCheck(input: Self.times, Gen.double(in: 0.01...100)) { raw, factor in
            let s = Self.train(raw)
            let scaled = s.map { $0 * factor }
            for (name, f) in [("CV", PerCellStatistics.cv), ("CV2", PerCellStatistics.cv2), ("LV", PerCellStatistics.lv)] as [(String, ([Double]) -> Double)] {
                let a = f(s), b = f(scaled)
                if a.isNaN { #expect(b.isNaN, "\(name)") } else { #expect(abs(a - b) <= 1e-9 * max(1, abs(a)), "\(name): \(a) vs \(b)") }
            }
        }
    }

    @Test("Victor–Purpura and van Rossum are metrics: symmetric, zero on identical trains, triangle inequality")
    func metrics() async {
        await propertyCheck(input: Self.times, Self.times, Self.times) { x, y, z in
            let a = Self.train(x), b = Self.train(y), c = Self.train(z)
            for (name, d) in [("Victor–Purpura", { SpikeTrainDistances.victorPurpura($0, $1, costPerMs: 0.1) }),
                              ("van Rossum", { SpikeTrainDistances.vanRossum($0, $1, tauMs: 10) })] as [(String, ([Double], [Double]) -> Double)] {
                #expect(abs(d(a, b) - d(b, a)) <= 1e-9 * max(1, d(a, b)), "\(name) symmetric")
                #expect(d(a, a) <= 1e-6, "\(name) of a train with itself: \(d(a, a))")
                #expect(d(a, c) <= d(a, b) + d(b, c) + 1e-6, "\(name) triangle inequality")
            }
        }
    }

    @Test("STTC of a train with itself is 1")
    func sttcSelf() async {
        await propertyCheck(input: Self.times) { raw in
            let s = Self.train(raw)
            guard !s.isEmpty else { return }
            for window in SpikeTimeTiling.Window.allCases {
                #expect(SpikeTimeTiling.coefficient(s, s, start: 0, stop: 1000, dtMs: 5, window: window) == 1)
            }
        }
    }

    @Test("χ² computed in pieces equals χ² of the whole kernel-rate vectors")
    func chunkedChi() async {
        await propertyCheck(input: Self.times, Self.times, Self.times) { a, b, c in
            let trains = [Self.train(a), Self.train(b), Self.train(c)]
            let window = SpikeTrains(trains: trains, startMs: 0, stopMs: 1000)
            let p = KernelRateParameters()
            let whole = Synchrony.golombChiSquared(KernelRate.rates(window, p, mode: .exact))
            let pieces = [1, 7, 333, 4096].map { PopulationSummary.streamingChiSquared(trains, window, p, chunk: $0) }
            for value in pieces {
                #expect(value.bitPattern == pieces[3].bitPattern)
                #expect(whole.isNaN ? value.isNaN : abs(value - whole) <= 1e-12 * whole, "\(value) vs \(whole)")
            }
        }
    }

    @Test("The exact kernel rate integrates to the spike count away from the window edges")
    func exactKernelMass() {
        let spikes = [200.3, 400.77, 401.1, 640.05]
        let p = KernelRateParameters()
        let rate = KernelRate.rate(of: spikes, window: (0, 1000), p, mode: .exact)
        let mass = rate.reduce(0, +) * p.samplingMs / 1000
        // The Gaussian truncated at ±5σ holds 1 − 5.7e-7 of its mass; the 1 ms Riemann sum of a
        // σ = 5 ms Gaussian is exact to far below that.
        #expect(abs(mass - Double(spikes.count)) < 1e-5, "mass \(mass)")
        // Not snapped: the peak of a lone spike sits at the nearest sample, with the value of the
        // Gaussian at the true offset.
        let expected = 1000 * exp(-0.5 * 0.3 * 0.3 / 25) / (5 * (2 * Double.pi).squareRoot())
        #expect(abs(rate[200] - expected) < 1e-12)
    }

    @Test("Elephant's kernel does not integrate to one when cutoff·σ/Δ is not an integer")
    func elephantKernelMass() {
        var p = KernelRateParameters()
        p.sigmaMs = 3.3
        let elephant = KernelRate.rate(of: [500], window: (0, 1000), p, mode: .elephant)
        let exact = KernelRate.rate(of: [500], window: (0, 1000), p, mode: .exact)
        let me = elephant.reduce(0, +) / 1000, mx = exact.reduce(0, +) / 1000
        #expect(abs(mx - 1) < 1e-5)
        #expect(abs(me - 1) > 1e-3, "Elephant's mass \(me)")
    }

    @Test("SPIKE-synchronization of identical trains is 1 and of empty trains is 1; ISI-distance of empty trains is 0")
    func degenerate() {
        let s = [10.0, 50, 90]
        #expect(PySpikeMeasures.spikeSync(s, s, start: 0, end: 100) == 1)
        #expect(PySpikeMeasures.spikeSync([], [], start: 0, end: 100) == 1)
        #expect(PySpikeMeasures.isiDistance([], [], start: 0, end: 100) == 0)
        #expect(PySpikeMeasures.spikeDistance(s, s, start: 0, end: 100) == 0)
        let pearson = Correlation.pearsonMatrix(BinnedCounts(SpikeTrains(trains: [s, []], startMs: 0, stopMs: 100), binMs: 1))
        #expect(pearson[1][1].isNaN && pearson[0][1].isNaN && abs(pearson[0][0] - 1) < 1e-12)
    }
}
