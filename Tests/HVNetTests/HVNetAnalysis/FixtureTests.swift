import Foundation
import Testing
@testable import HVNetAnalysis
@testable import HVNetSimulation

/// Every fixture against the values Elephant 1.2.1 and PySpike 0.9.0 give (comparison rules from
/// each file's `comparison_hints`: listed fields exactly, the rest to relative 1e-9).
@Suite("Spike statistics match Elephant and PySpike on the fixtures")
struct FixtureTests {
    static func analysis(_ f: SpikeFixture, kernel: KernelRate.Mode, sttc: SpikeTimeTiling.Window) -> SpikeAnalysis {
        var p = AnalysisParameters()
        p.kernelMode = kernel
        p.sttcWindow = sttc
        let n = f.trains.cellCount
        let pairs = (0..<n).flatMap { i in (0..<n).map { (i, $0) } }
        return SpikeAnalysis(f.trains, parameters: p, correlogramPairs: pairs)
    }

    @Test("Per-cell counts, rates, CV, CV2, LV, LvR and windowed Fano", arguments: SpikeFixture.names)
    func perCell(_ name: String) throws {
        let f = try SpikeFixture(name)
        let a = Self.analysis(f, kernel: .elephant, sttc: .elephant)
        #expect(a.perCell.count == f.integers("per_cell.n_spikes"))
        #expect(a.perCell.fanoWindowCounts == (f.value("per_cell.fano_window_counts") as! [[Int]]))
        for (key, values) in [("mean_rate_hz", a.perCell.rateHz), ("cv_isi", a.perCell.cv), ("cv2", a.perCell.cv2),
                              ("lv", a.perCell.lv), ("lvr", a.perCell.lvr), ("fano_factor_windowed", a.perCell.fanoWindowed)] {
            for (i, expected) in f.numbers("per_cell.\(key)").enumerated() { expectClose(values[i], expected, "\(name) \(key)[\(i)]") }
        }
        let isis = f.value("per_cell.isi_ms") as! [[Double]]
        for (i, expected) in isis.enumerated() {
            let actual = PerCellStatistics.intervals(f.trains.trains[i])
            #expect(actual.count == expected.count)
            for (x, y) in zip(actual, expected) { expectClose(x, y, "\(name) isi of cell \(i)") }
        }
    }

    @Test("Binning, time histograms and PySpike's PSTH", arguments: SpikeFixture.names)
    func binning(_ name: String) throws {
        let f = try SpikeFixture(name)
        let a = Self.analysis(f, kernel: .elephant, sttc: .elephant)
        let binned = try #require(a.binned)
        #expect(binned.binCount == f.value("binned.n_bins") as! Int)
        #expect(binned.counts == (f.value("binned.counts") as! [[Int]]))
        #expect(binned.dropped == f.integers("binned.dropped_spikes_per_cell"))
        #expect(a.histogram!.counts == f.integers("time_histogram.counts"))
        for (k, expected) in f.numbers("time_histogram.rate_hz").enumerated() { expectClose(a.histogram!.rateHz[k], expected, "\(name) rate[\(k)]") }
        #expect(CountStatistics.pyspikePSTH(f.trains, binMs: 1) == f.integers("time_histogram.pyspike_psth_counts"))
    }

    @Test("Elephant-compatible kernel rate reproduces instantaneous_rate", arguments: SpikeFixture.names)
    func kernelRate(_ name: String) throws {
        let f = try SpikeFixture(name)
        let a = Self.analysis(f, kernel: .elephant, sttc: .elephant)
        // Elephant 1.2.1 gives ⌊T/Δ⌋ samples; hvnet adds the one at t_stop (docs/analysis.md) and
        // the first ⌊T/Δ⌋ are Elephant's.
        let times = f.numbers("instantaneous_rate.times_ms")
        #expect(Array(a.kernelTimes.dropLast()) == times.map { $0! })
        #expect(a.kernelTimes.last == f.trains.stopMs)
        #expect(a.kernelRates.allSatisfy { $0.count == times.count + 1 })
        let expected = f.matrix("instantaneous_rate.rate_hz")
        let peak = expected.flatMap { $0.compactMap { $0 } }.max() ?? 0
        for (i, row) in expected.enumerated() {
            for (k, value) in row.enumerated() {
                expectClose(a.kernelRates[i][k], value, atol: 1e-9 * peak, "\(name) rate of cell \(i) at \(k) ms")
            }
        }
    }

    @Test("Golomb χ on counts and kernel rates, all and active cells", arguments: SpikeFixture.names)
    func synchrony(_ name: String) throws {
        let f = try SpikeFixture(name)
        let a = Self.analysis(f, kernel: .elephant, sttc: .elephant)
        // hvnet's kernel rates have one sample more than Elephant's (the one at t_stop), so χ on
        // kernel rates is checked on Elephant's grid (the first ⌊T/Δ⌋ samples), and hvnet's own
        // value is χ of its whole grid.
        let active = a.kernelRates.indices.filter { !f.trains.trains[$0].isEmpty }
        let elephantGrid = a.kernelRates.map { Array($0.dropLast()) }
        let chiKernel = SpikeAnalysis.ChiValue(Synchrony.golombChiSquared(elephantGrid))
        let chiKernelActive = SpikeAnalysis.ChiValue(Synchrony.golombChiSquared(active.map { elephantGrid[$0] }))
        #expect(a.chiKernel!.chiSquared.bitPattern == Synchrony.golombChiSquared(a.kernelRates).bitPattern)
        #expect(a.chiKernelActive!.chiSquared.bitPattern == Synchrony.golombChiSquared(active.map { a.kernelRates[$0] }).bitPattern)
        for (key, value) in [("chi_binned_counts", a.chiBinned!), ("chi_kernel_rate", chiKernel),
                             ("chi_binned_counts_active_cells", a.chiBinnedActive!), ("chi_kernel_rate_active_cells", chiKernelActive)] {
            expectClose(value.chi, f.value("population.\(key).chi") as? Double, "\(name) \(key).chi")
            expectClose(value.chiSquared, f.value("population.\(key).chi_squared") as? Double, "\(name) \(key).chi_squared")
        }
    }

    @Test("Pearson, correlograms, STTC (Elephant and exact window)", arguments: SpikeFixture.names)
    func correlations(_ name: String) throws {
        let f = try SpikeFixture(name)
        let compatible = Self.analysis(f, kernel: .elephant, sttc: .elephant)
        let exact = Self.analysis(f, kernel: .exact, sttc: .exact)
        let n = f.trains.cellCount
        let pearson = f.matrix("pairwise.pearson_r"), sttc = f.matrix("pairwise.sttc"), sttcExact = f.matrix("pairwise.sttc_exact_window")
        let cch = f.value("pairwise.cch.counts") as! [[[Int]]]
        let corrected = f.value("pairwise.cch.border_corrected") as! [[[Double]]]
        for i in 0..<n {
            for j in 0..<n {
                expectClose(compatible.matrices[.pearson]![i][j], pearson[i][j], "\(name) pearson[\(i)][\(j)]")
                expectClose(compatible.matrices[.sttc]![i][j], sttc[i][j], "\(name) sttc[\(i)][\(j)]")
                expectClose(exact.matrices[.sttc]![i][j], sttcExact[i][j], "\(name) sttc_exact_window[\(i)][\(j)]")
                let c = compatible.correlograms.first { $0.i == i && $0.j == j }!
                #expect(c.counts == cch[i][j], "\(name) cch[\(i)][\(j)]")
                for (k, v) in corrected[i][j].enumerated() { expectClose(c.borderCorrected[k], v, "\(name) cch corrected[\(i)][\(j)][\(k)]") }
            }
        }
    }

    @Test("van Rossum (as D²) and Victor–Purpura", arguments: SpikeFixture.names)
    func distances(_ name: String) throws {
        let f = try SpikeFixture(name)
        let a = Self.analysis(f, kernel: .exact, sttc: .exact)
        let n = f.trains.cellCount
        let vr = f.matrix("pairwise.van_rossum"), vp = f.matrix("pairwise.victor_purpura")
        for i in 0..<n {
            for j in 0..<n {
                let spikes = Double(f.trains.trains[i].count + f.trains.trains[j].count)
                let d = a.matrices[.vanRossum]![i][j]
                expectClose(d * d, vr[i][j].map { $0 * $0 }, atol: 1e-12 * spikes, "\(name) van Rossum D²[\(i)][\(j)]")
                expectClose(a.matrices[.victorPurpura]![i][j], vp[i][j], atol: 1e-9, "\(name) Victor–Purpura[\(i)][\(j)]")
            }
        }
    }

    @Test("ISI-distance, SPIKE-distance and SPIKE-synchronization, pairwise and multivariate", arguments: SpikeFixture.names)
    func pyspike(_ name: String) throws {
        let f = try SpikeFixture(name)
        let a = Self.analysis(f, kernel: .exact, sttc: .exact)
        let n = f.trains.cellCount
        for (measure, key) in [(Measure.isiDistance, "isi_distance"), (.spikeDistance, "spike_distance"), (.spikeSync, "spike_sync")] {
            let expected = f.matrix("pairwise.\(key)")
            for i in 0..<n { for j in 0..<n { expectClose(a.matrices[measure]![i][j], expected[i][j], "\(name) \(key)[\(i)][\(j)]") } }
            expectClose(a.population[measure]!, f.value("population.\(key)") as? Double, "\(name) multivariate \(key)")
        }
    }

    @Test("Across trials: counts, Fano factor, rates, PSTH and kernel PSTH")
    func trials() throws {
        let f = try SpikeFixture("trials")
        var p = AnalysisParameters()
        p.kernelMode = .elephant
        let t = TrialAnalysis(f.trials, parameters: p)
        #expect(t.countsPerTrial == (f.value("per_cell.spike_counts_per_trial") as! [[Int]]))
        for (i, v) in f.numbers("per_cell.fano_factor").enumerated() { expectClose(t.fano[i], v, "fano[\(i)]") }
        for (i, v) in f.numbers("per_cell.mean_rate_hz").enumerated() { expectClose(t.meanRateHz[i], v, "rate[\(i)]") }
        #expect(t.psthCounts == (f.value("psth.counts") as! [[Int]]))
        let rate = f.matrix("psth.rate_hz")
        for i in rate.indices { for (k, v) in rate[i].enumerated() { expectClose(t.psthRateHz[i][k], v, "psth rate[\(i)][\(k)]") } }
        for (k, v) in f.numbers("psth.population_rate_hz").enumerated() { expectClose(t.populationRateHz[k], v, "population rate[\(k)]") }
        let kernel = f.matrix("kernel_psth.rate_hz")
        #expect(t.kernelRateHz.allSatisfy { $0.count == kernel[0].count + 1 }, "every sample of [t_start, t_stop], one more than Elephant's")
        let peak = kernel.flatMap { $0.compactMap { $0 } }.max() ?? 0
        for i in kernel.indices { for (k, v) in kernel[i].enumerated() { expectClose(t.kernelRateHz[i][k], v, atol: 1e-9 * peak, "kernel psth[\(i)][\(k)]") } }
    }
}
