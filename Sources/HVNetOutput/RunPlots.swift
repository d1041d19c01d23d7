import Numerics
import HVNetAnalysis
import HVNetModel
import HVNetScenario
import HVNetSimulation
/// The SVG figures of a run: v(t), the phase plane (w, v) with both nullclines, and (dv/dt, v).
package enum RunPlots {
    /// The figures by file name; each is rendered when written (``SVGPlot/render(into:)``).
    package static func figures(scenario: Scenario, traces: [PlotTrace], network: NetworkModel, trains: [SpikeTrains]) -> [(String, SVGPlot)] {
        var figures = spikeFigures(scenario: scenario, trains: trains)
        figures += traceFigures(scenario: scenario, traces: traces, network: network)
        return figures
    }

    /// Raster of the first trial with population colours, and the population rates averaged over
    /// cells and trials, in 5 ms bins or, beyond 10 s, in wider whole-ms bins so that a plot never
    /// has more than 2 000 (its size does not grow with the duration).
    static func spikeFigures(scenario: Scenario, trains: [SpikeTrains]) -> [(String, SVGPlot)] {
        guard let first = trains.first, scenario.cellCount > 1 || scenario.trials > 1 else { return [] }
        let offsets = scenario.populationOffsets
        var raster = SVGPlot(title: "\(scenario.name): spikes\(scenario.trials > 1 ? " (trial 0)" : "")", xLabel: "t (ms)", yLabel: "cell")
        raster.xRange = 0...scenario.durationMs
        raster.yRange = -0.5...(Double(scenario.cellCount) - 0.5)
        for (p, population) in scenario.populations.enumerated() {
            let cells = offsets[p]..<(offsets[p] + population.size)
            var x: [Double] = [], y: [Double] = []
            x.reserveCapacity(cells.reduce(0) { $0 + first.trains[$1].count })
            y.reserveCapacity(x.capacity)
            for cell in cells {
                for t in first.trains[cell] { x.append(t); y.append(Double(cell)) }
            }
            raster.series.append(SVGPlot.Series(
                label: population.name, x: x, y: y, color: SVGPlot.palette[p % SVGPlot.palette.count],
                width: scenario.cellCount > 200 ? 0.8 : 1.6, markers: true))
        }
        let bin = max(5, (scenario.durationMs / 2000).rounded(.up))
        let bins = max(1, clampedInt(scenario.durationMs / bin, rounding: .down))
        var rates = SVGPlot(title: "\(scenario.name): population rate (\(formatNumber(bin)) ms bins)", xLabel: "t (ms)", yLabel: "rate (Hz per cell)")
        rates.xRange = 0...scenario.durationMs
        for (p, population) in scenario.populations.enumerated() {
            var counts = [Double](repeating: 0, count: bins)
            for t in trains {
                for cell in offsets[p]..<(offsets[p] + population.size) {
                    for time in t.trains[cell] { let k = clampedInt(time / bin); if k >= 0 && k < bins { counts[k] += 1 } }
                }
            }
            let scale = 1000 / (bin * Double(population.size * trains.count))
            rates.series.append(SVGPlot.Series(
                label: population.name, x: (0..<bins).map { (Double($0) + 0.5) * bin }, y: counts.map { $0 * scale },
                color: SVGPlot.palette[p % SVGPlot.palette.count]))
        }
        var isi = SVGPlot(title: "\(scenario.name): interspike intervals (all cells\(trains.count > 1 ? " and trials" : ""))",
                          xLabel: "ISI (ms)", yLabel: "fraction of intervals")
        let pooled = scenario.populations.indices.map { p in
            trains.flatMap { t in (offsets[p]..<(offsets[p] + scenario.populations[p].size)).flatMap { PerCellStatistics.intervals(t.trains[$0]) } }
        }
        var figures = [("raster.svg", raster), ("population-rate.svg", rates)]
        if let edges = isiEdges(pooled.flatMap { $0 }) {
            for (p, intervals) in pooled.enumerated() where !intervals.isEmpty {
                let fractions = histogram(intervals, edges: edges).map { Double($0) / Double(intervals.count) }
                let (x, y) = AnalysisPlots.steps(edges: edges, values: fractions)
                isi.series.append(SVGPlot.Series(label: "\(scenario.populations[p].name) (\(intervals.count) ISIs)", x: x, y: y,
                                                 color: SVGPlot.palette[p % SVGPlot.palette.count]))
            }
            isi.xRange = edges[0]...edges[edges.count - 1]
            figures.append(("isi-histogram.svg", isi))
        }
        return figures
    }

    /// Bin edges of the ISI histogram: 50 bins from 0 to the 99th percentile of the intervals
    /// (so that a few long pauses do not squeeze the histogram), nil without intervals.
    static func isiEdges(_ intervals: [Double]) -> [Double]? {
        let sorted = intervals.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        let top = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * 0.99))]
        guard top > 0, top / 50 > 0 else { return nil }  // bins of a positive width
        return (0...50).map { Double($0) * top / 50 }
    }

    /// Counts in [edges[k], edges[k+1]), the last bin closed; values outside are left out.
    static func histogram(_ values: [Double], edges: [Double]) -> [Int] {
        let bins = edges.count - 1
        guard bins > 0 else { return [] }
        let width = edges[bins] / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        guard width > 0, width.isFinite else { return counts }
        for v in values where v >= 0 && v <= edges[bins] { counts[max(0, min(bins - 1, clampedInt(v / width)))] += 1 }
        return counts
    }

    /// The length of trajectory the phase plane shows (ms, ending at the end of the run).
    static let phaseWindowMs = 200.0

    /// The mean external input of a cell's population in pA (the OU noise mean), 0 without noise.
    static func meanInputPA(scenario: Scenario, cell: Int) -> Double {
        let offsets = scenario.populationOffsets
        guard let p = scenario.populations.indices.last(where: { offsets[$0] <= cell }) else { return 0 }
        return scenario.populations[p].noise?.meanPA ?? 0
    }

    /// The nullclines of `cell` on a grid of potentials: v (mV), the w-nullcline w∞(v), the
    /// v-nullcline without input and with the population's mean input.
    static func nullclines(_ cell: NormalizedCell, meanInputPA: Double, vRange: ClosedRange<Double>, points: Int = 2000)
        -> (v: [Double], wInfinity: [Double], vNullNoInput: [Double], vNullMeanInput: [Double])
    {
        let step = (vRange.upperBound - vRange.lowerBound) / Double(points)
        let grid = (0...points).map { vRange.lowerBound + Double($0) * step }
        let input = meanInputPA / cell.currentScalePA
        return (grid, grid.map { cell.gating.potassiumSteadyState($0 / cell.thermalPotentialMV) },
                grid.map { potentialNullclineW(cell, y: $0 / cell.thermalPotentialMV) },
                grid.map { potentialNullclineW(cell, y: $0 / cell.thermalPotentialMV, input: input) })
    }

    /// The potential range of the phase plane: the trajectory's with 10 mV margins, at least −90 … 40 mV.
    static func phaseRange(_ traces: [PlotTrace]) -> ClosedRange<Double> {
        let values = traces.flatMap(\.v).filter(\.isFinite)
        return min((values.min() ?? -90) - 10, -90)...max((values.max() ?? 40) + 10, 40)
    }

    /// nullclines.csv: the phase plane's nullclines of the first traced cell, for figures.py.
    package static func nullclineCSV(scenario: Scenario, traces: [PlotTrace], network: NetworkModel) -> String? {
        guard let first = traces.first, !first.t.isEmpty, network.cells.indices.contains(first.cell) else { return nil }
        let n = nullclines(network.cells[first.cell], meanInputPA: meanInputPA(scenario: scenario, cell: first.cell), vRange: phaseRange(traces))
        func f(_ x: Double) -> String { x.isFinite ? formatNumber(x) : "nan" }
        var s = "v_mV,w_nullcline,v_nullcline_w_no_input,v_nullcline_w_mean_input\n"
        for k in n.v.indices { s += "\(f(n.v[k])),\(f(n.wInfinity[k])),\(f(n.vNullNoInput[k])),\(f(n.vNullMeanInput[k]))\n" }
        return s
    }

    static func traceFigures(scenario: Scenario, traces: [PlotTrace], network: NetworkModel) -> [(String, SVGPlot)] {
        guard let first = traces.first, !first.t.isEmpty else { return [] }
        func color(_ k: Int) -> String { SVGPlot.palette[k % SVGPlot.palette.count] }
        func label(_ trace: PlotTrace) -> String { traces.count > 1 ? "cell \(trace.cell)" : "" }
        let window = scenario.recording.plotWindow(durationMs: scenario.durationMs)
        let windowed = window.lowerBound > 0
        let windowText = windowed ? " (\(formatNumber(window.lowerBound))–\(formatNumber(window.upperBound)) ms of the run)" : ""

        var voltage = SVGPlot(title: "\(scenario.name): membrane potential\(windowText)", xLabel: "t (ms)", yLabel: "v (mV)")
        voltage.series = traces.enumerated().map { SVGPlot.Series(label: label($1), x: $1.t, y: $1.v, color: color($0)) }
        voltage.xRange = window

        let phaseStart = max(window.lowerBound, scenario.durationMs - phaseWindowMs)
        var phase = SVGPlot(title: "\(scenario.name): phase plane (w, v), \(formatNumber(phaseStart))–\(formatNumber(scenario.durationMs)) ms",
                            xLabel: "w (KaD activation)", yLabel: "v (mV)")
        let vRange = phaseRange(traces)
        let wMax = traces.flatMap(\.w).filter(\.isFinite).max() ?? 0
        phase.xRange = 0...max(wMax * 1.3, 0.05)
        phase.yRange = vRange
        let meanInput = meanInputPA(scenario: scenario, cell: first.cell)
        let n = nullclines(network.cells[first.cell], meanInputPA: meanInput, vRange: vRange)
        phase.series.append(SVGPlot.Series(label: "w-nullcline w = w∞(v)", x: n.wInfinity, y: n.v, color: "#2e8b57", width: 1.5, dashed: true))
        if meanInput != 0 {
            phase.series.append(SVGPlot.Series(label: "v-nullcline, no input", x: n.vNullNoInput, y: n.v, color: "#e5b48f", width: 1.2, dashed: true))
            phase.series.append(SVGPlot.Series(label: "v-nullcline, mean input \(formatNumber(meanInput)) pA", x: n.vNullMeanInput, y: n.v,
                                               color: "#d35400", width: 1.5, dashed: true))
        } else {
            phase.series.append(SVGPlot.Series(label: "v-nullcline (no input)", x: n.vNullNoInput, y: n.v, color: "#d35400", width: 1.5, dashed: true))
        }
        for (k, trace) in traces.enumerated() {
            let keep = trace.t.indices.filter { trace.t[$0] >= phaseStart }
            phase.series.append(SVGPlot.Series(label: traces.count > 1 ? "cell \(trace.cell)" : "trajectory", x: keep.map { trace.w[$0] },
                                               y: keep.map { trace.v[$0] }, color: color(k)))
        }

        var velocity = SVGPlot(title: "\(scenario.name): (dv/dt, v)\(windowText)", xLabel: "dv/dt (mV/ms)", yLabel: "v (mV)")
        velocity.series = traces.enumerated().map { SVGPlot.Series(label: label($1), x: $1.dvdt, y: $1.v, color: color($0)) }

        return [("voltage.svg", voltage), ("phase-plane.svg", phase), ("dvdt-v.svg", velocity)]
    }

    /// The w at which dy/dt = 0 for potential y:
    /// w = (a + c)/(a − b), a = N_NaT m∞ φ_NaT, b = N_KaD φ_KaD, c = N_NaKa φ_NaKa.
    /// With a constant input ξ (1/ms, depolarising positive; ξ = I/(C_m v_T)):
    /// w = (a + c − ξ)/(a − b), from dy/dt = −a(1 − w) − b w − c + ξ = 0 (docs/model.md).
    static func potentialNullclineW(_ cell: NormalizedCell, y: Double, input: Double = 0) -> Double {
        let a = cell.nat.units * cell.gating.sodiumActivation(y) * cell.nat.flux(y, form: cell.fluxForm)
        let b = cell.kad.units * cell.kad.flux(y, form: cell.fluxForm)
        let c = cell.naka.units * cell.naka.flux(y, form: cell.fluxForm)
        let w = (a + c - input) / (a - b)
        return w.isFinite ? w : .nan
    }
}
