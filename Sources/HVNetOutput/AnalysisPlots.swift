import Numerics
import HVNetAnalysis
import Foundation

/// SVG figures of an analysis: raster, ISI histograms, correlograms of the chosen pairs, PSTH with
/// the kernel rate, and heat maps of the STTC and van Rossum matrices.
enum AnalysisPlots {
    /// x, y of a step outline for bars [edges[k], edges[k+1]) of height values[k].
    static func steps(edges: [Double], values: [Double]) -> ([Double], [Double]) {
        var x: [Double] = [], y: [Double] = []
        for k in values.indices {
            x += [edges[k], edges[k + 1]]
            y += [values[k], values[k]]
        }
        return (x, y)
    }

    static func figures(_ a: SpikeAnalysis) -> [(String, String)] {
        var out: [(String, String)] = []
        let trains = a.trains
        var raster = SVGPlot(title: "spikes", xLabel: "t (ms)", yLabel: "cell")
        raster.xRange = trains.startMs...trains.stopMs
        raster.yRange = -0.5...(Double(trains.cellCount) - 0.5)
        var x: [Double] = [], y: [Double] = []
        for (i, train) in trains.trains.enumerated() { for t in train { x.append(t); y.append(Double(i)) } }
        raster.series = [SVGPlot.Series(label: "", x: x, y: y, width: trains.cellCount > 200 ? 0.8 : 1.6, markers: true)]
        out.append(("raster.svg", raster.render()))

        let isis = trains.trains.map(PerCellStatistics.intervals)
        if let longest = isis.flatMap({ $0 }).filter(\.isFinite).max(), longest > 0, longest / 50 > 0 {
            var plot = SVGPlot(title: "ISI histograms (first 8 cells)", xLabel: "ISI (ms)", yLabel: "count")
            let bins = 50
            let width = longest / Double(bins)
            let edges = (0...bins).map { Double($0) * width }
            for (i, isi) in isis.prefix(8).enumerated() where !isi.isEmpty {
                var counts = [Double](repeating: 0, count: bins)
                for v in isi { counts[max(0, min(bins - 1, clampedInt(v / width)))] += 1 }
                let (sx, sy) = steps(edges: edges, values: counts)
                plot.series.append(SVGPlot.Series(label: "cell \(i)", x: sx, y: sy, color: SVGPlot.palette[i % SVGPlot.palette.count]))
            }
            out.append(("isi-histograms.svg", plot.render()))
        }
        if !a.correlograms.isEmpty {
            let w = a.parameters.cchWindowBins
            var plot = SVGPlot(title: "cross-correlograms (border corrected)", xLabel: "lag (ms): spikes of j after spikes of i", yLabel: "count")
            let edges = (0...(2 * w + 1)).map { (Double($0 - w) - 0.5) * a.parameters.binMs }
            for (k, c) in a.correlograms.prefix(8).enumerated() {
                let (sx, sy) = steps(edges: edges, values: c.borderCorrected)
                plot.series.append(SVGPlot.Series(label: "\(c.i) → \(c.j)", x: sx, y: sy, color: SVGPlot.palette[k % SVGPlot.palette.count]))
            }
            out.append(("cch.svg", plot.render()))
        }
        if let h = a.histogram {
            var plot = SVGPlot(title: "PSTH and kernel rate (population mean)", xLabel: "t (ms)", yLabel: "rate (Hz per cell)")
            let edges = (0...h.counts.count).map { trains.startMs + Double($0) * a.parameters.binMs }
            let (sx, sy) = steps(edges: edges, values: h.rateHz)
            plot.series.append(SVGPlot.Series(label: "PSTH (\(formatNumber(a.parameters.binMs)) ms bins)", x: sx, y: sy, color: "#9aa7b8", width: 0.8))
            if !a.kernelRates.isEmpty {
                let mean = a.kernelTimes.indices.map { k in a.kernelRates.reduce(0) { $0 + $1[k] } / Double(a.kernelRates.count) }
                plot.series.append(SVGPlot.Series(label: "kernel rate (σ = \(formatNumber(a.parameters.kernel.sigmaMs)) ms, \(a.parameters.kernelMode.rawValue))",
                                                  x: a.kernelTimes, y: mean, color: "#c0392b", width: 1.6))
            }
            plot.xRange = trains.startMs...trains.stopMs
            out.append(("psth.svg", plot.render()))
        }
        if let m = a.matrices[.sttc] {
            out.append(("sttc-heatmap.svg", SVGHeatmap(title: "STTC (Δt = \(formatNumber(a.parameters.sttcDtMs)) ms)", matrix: m, range: -1...1, diverging: true).render()))
        }
        if let m = a.matrices[.vanRossum] {
            out.append(("van-rossum-heatmap.svg", SVGHeatmap(title: "van Rossum distance (τ = \(formatNumber(a.parameters.vanRossumTauMs)) ms)", matrix: m).render()))
        }
        return out
    }
}
