import Numerics
import HVNetAnalysis
import HVNetModel
import HVNetSolvers
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
        return [("raster.svg", raster), ("population-rate.svg", rates)]
    }

    static func traceFigures(scenario: Scenario, traces: [PlotTrace], network: NetworkModel) -> [(String, SVGPlot)] {
        guard let first = traces.first, !first.t.isEmpty else { return [] }
        func color(_ k: Int) -> String { SVGPlot.palette[k % SVGPlot.palette.count] }
        func label(_ trace: PlotTrace) -> String { traces.count > 1 ? "cell \(trace.cell)" : "" }

        var voltage = SVGPlot(title: "\(scenario.name): membrane potential", xLabel: "t (ms)", yLabel: "v (mV)")
        voltage.series = traces.enumerated().map { SVGPlot.Series(label: label($1), x: $1.t, y: $1.v, color: color($0)) }
        voltage.xRange = 0...scenario.durationMs

        var phase = SVGPlot(title: "\(scenario.name): phase plane (w, v)", xLabel: "w (KaD activation)", yLabel: "v (mV)")
        let vMin = traces.map { $0.v.min()! }.min()!, vMax = traces.map { $0.v.max()! }.max()!
        let wMax = traces.map { $0.w.max()! }.max()!
        let vLo = min(vMin - 10, -90), vHi = max(vMax + 10, 40)
        let wHi = max(wMax * 1.3, 0.05)
        phase.xRange = 0...wHi
        phase.yRange = vLo...vHi
        let cell = network.cells[first.cell]
        let grid = stride(from: vLo, through: vHi, by: (vHi - vLo) / 2000).map { $0 }
        let wNull = grid.map { cell.gating.potassiumSteadyState($0 / cell.thermalPotentialMV) }
        let vNull = grid.map { potentialNullclineW(cell, y: $0 / cell.thermalPotentialMV) }
        phase.series.append(SVGPlot.Series(label: "w-nullcline w = w∞(v)", x: wNull, y: grid, color: "#2e8b57", width: 1.5, dashed: true))
        phase.series.append(SVGPlot.Series(label: "v-nullcline (no input)", x: vNull, y: grid, color: "#d35400", width: 1.5, dashed: true))
        for (k, trace) in traces.enumerated() {
            phase.series.append(SVGPlot.Series(label: traces.count > 1 ? "cell \(trace.cell)" : "trajectory", x: trace.w, y: trace.v, color: color(k)))
        }

        var velocity = SVGPlot(title: "\(scenario.name): (dv/dt, v)", xLabel: "dv/dt (mV/ms)", yLabel: "v (mV)")
        velocity.series = traces.enumerated().map { SVGPlot.Series(label: label($1), x: $1.dvdt, y: $1.v, color: color($0)) }

        return [("voltage.svg", voltage), ("phase-plane.svg", phase), ("dvdt-v.svg", velocity)]
    }

    /// The w at which dy/dt = 0 for potential y without input:
    /// w = (a + c)/(a − b), a = N_NaT m∞ φ_NaT, b = N_KaD φ_KaD, c = N_NaKa φ_NaKa.
    static func potentialNullclineW(_ cell: NormalizedCell, y: Double) -> Double {
        let a = cell.nat.units * cell.gating.sodiumActivation(y) * cell.nat.flux(y, form: cell.fluxForm)
        let b = cell.kad.units * cell.kad.flux(y, form: cell.fluxForm)
        let c = cell.naka.units * cell.naka.flux(y, form: cell.fluxForm)
        let w = (a + c) / (a - b)
        return w.isFinite ? w : .nan
    }
}
