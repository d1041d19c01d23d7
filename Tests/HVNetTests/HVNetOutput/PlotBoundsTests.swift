import Foundation
import Testing
@testable import HVNetExperiments
@testable import HVNetOutput
@testable import HVNetScenario
@testable import HVNetSimulation

/// Every figure draws in bounded time and memory for any finite data: axis ranges are finite and
/// wide enough to resolve, ticks are few and advance, non-finite values are left out.
@Suite("Plot axes for extreme data")
struct PlotBoundsTests {
    /// The smallest subnormal double, 4.9e-324.
    static let tiny = Double.leastNonzeroMagnitude

    /// Data sets that once made an axis degenerate or its tick loop run without end. The nearly
    /// flat trace is the recorded v of a resting cell integrated by msbdf: two values one float
    /// step apart (range 1.4e-14 mV).
    static let dataSets: [(name: String, values: [Double])] = [
        ("empty", []),
        ("single point", [3.5]),
        ("constant", [-65, -65, -65]),
        ("nearly flat at -70 mV", [-69.92248177745991, -69.92248177745992, -69.92248177745991]),
        ("one ulp at 1", [1, 1.0.nextUp]),
        ("range at 1e-300", [1e-300, 1.5e-300, 2e-300]),
        ("subnormal", [Self.tiny, (2 * Self.tiny), 0]),
        ("huge", [1e308, 1.5e308]),
        ("largest finite, constant", [.greatestFiniteMagnitude, .greatestFiniteMagnitude]),
        ("range overflows to inf", [-.greatestFiniteMagnitude, .greatestFiniteMagnitude]),
        ("mixed signs", [-3e5, 2e-7, 4e5]),
        ("non-finite values mixed in", [.nan, 1, .infinity, 2, -.infinity, 3]),
        ("only non-finite values", [.nan, .infinity, -.infinity]),
    ]

    /// The SVG is complete, has no NaN or infinite coordinate, at most 20 ticks per axis (one grid
    /// line each) and a size bounded by its content.
    func checkWellFormed(_ svg: String, _ name: String, log: Bool = false) {
        #expect(svg.hasPrefix("<svg "), "\(name)")
        #expect(svg.hasSuffix("</svg>\n"), "\(name)")
        #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"), "\(name): a non-finite coordinate")
        let gridLines = svg.components(separatedBy: "stroke=\"#e5e5e5\"").count - 1
        #expect(gridLines <= 2 * SVGPlot.maximumTicks, "\(name): \(gridLines) grid lines")
        #expect(log || gridLines >= 2, "\(name): a linear axis without ticks")
        #expect(svg.utf8.count < 100_000, "\(name): \(svg.utf8.count) bytes")
    }

    @Test("Line plots of extreme data are complete and small", arguments: [false, true])
    func linePlots(log: Bool) {
        for (name, values) in Self.dataSets {
            var plot = SVGPlot(title: "t", xLabel: "x", yLabel: "y")
            plot.logX = log
            plot.logY = log
            plot.series = [SVGPlot.Series(label: "a", x: values.indices.map(Double.init), y: values),
                           SVGPlot.Series(label: "b", x: values, y: values, markers: true)]
            checkWellFormed(plot.render(), "\(name), log \(log)", log: log)
        }
    }

    @Test("Given ranges that are NaN, infinite, reversed or too narrow are repaired")
    func givenRanges() {
        let ranges: [ClosedRange<Double>] = [0...(.infinity), -.infinity...(.infinity), 5...5, 1...(1.0.nextUp),
                                              -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, 0...(2024 * Self.tiny)]
        for r in ranges {
            var plot = SVGPlot(title: "t", xLabel: "x", yLabel: "y")
            plot.xRange = r
            plot.yRange = r
            plot.series = [SVGPlot.Series(label: "", x: [0, 1], y: [0, 1])]
            checkWellFormed(plot.render(), "\(r)")
        }
        var log = SVGPlot(title: "t", xLabel: "x", yLabel: "y")
        log.logX = true
        log.xRange = 0...10  // log10(0) = -inf: the data's range is used instead
        log.series = [SVGPlot.Series(label: "", x: [1, 10], y: [0, 1])]
        checkWellFormed(log.render(), "log axis from 0", log: true)
    }

    @Test("Ticks are at most 20, strictly increasing and inside the range")
    func ticks() {
        let ranges: [ClosedRange<Double>] = [
            0...1, -90...40, -69.92248177745992...(-69.92248177745991), 1...(1.0.nextUp), 1e-300...2e-300, 0...Self.tiny,
            1e308...1.5e308, -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, -3e5...4e5, 7...7,
        ]
        for r in ranges {
            let t = SVGPlot.ticks(r)
            #expect(!t.isEmpty && t.count <= SVGPlot.maximumTicks, "\(r): \(t.count) ticks")
            #expect(zip(t, t.dropFirst()).allSatisfy { $0 < $1 }, "\(r): \(t)")
            #expect(t.allSatisfy { $0.isFinite && $0 >= r.lowerBound && $0 <= r.upperBound }, "\(r): \(t)")
        }
        // Round ranges keep their round ticks.
        #expect(SVGPlot.ticks(0...1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(SVGPlot.ticks(-90...40) == [-50, 0])
        #expect(SVGPlot.ticks(-66...(-64)) == [-66, -65.5, -65, -64.5, -64])
        let wide = SVGPlot.decadeTicks(-300...300)
        #expect(!wide.isEmpty && wide.count <= SVGPlot.maximumTicks)
    }

    @Test("Padded axis ranges are finite and at least the minimum span wide")
    func paddedRanges() {
        for (name, values) in Self.dataSets {
            let finite = values.filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { continue }
            let r = SVGPlot.padded(lo, hi, pad: 0.05)
            #expect(r.lowerBound.isFinite && r.upperBound.isFinite, "\(name): \(r)")
            #expect(r.lowerBound <= lo && r.upperBound >= hi, "\(name): \(r)")
            let halfSpan = r.upperBound * 0.5 - r.lowerBound * 0.5
            #expect(halfSpan * 2 >= SVGPlot.minimumSpan(magnitude: max(abs(lo), abs(hi))), "\(name): \(r)")
        }
        // A constant is drawn on value ± 1, as it always was.
        #expect(SVGPlot.padded(-65, -65, pad: 0.05) == -66...(-64))
    }

    @Test("Heat maps of huge and non-finite values have finite colours")
    func heatmaps() {
        let big = Double.greatestFiniteMagnitude
        for matrix in [[[-big, big], [0, .nan]], [[(2024 * Self.tiny), 0], [Self.tiny, (2 * Self.tiny)]], [[.infinity, -.infinity], [.nan, .nan]]] {
            let svg = SVGHeatmap(title: "m", matrix: matrix).render()
            #expect(svg.hasSuffix("</svg>\n"))
            let bar = svg.split(separator: "\n").filter { $0.contains("width=\"18\"") }
            #expect(bar.count == 100 && !bar.contains { $0.contains("#c8c8c8") }, "\(matrix): a grey box in the colour bar")
            #expect(!svg.contains("nan"), "\(matrix)")
            var labelled = SVGHeatmap(title: "m", matrix: matrix)
            labelled.rowLabels = ["a", "b"]
            labelled.columnLabels = ["c", "d"]
            #expect(labelled.render().hasSuffix("</svg>\n"))
        }
    }

    @Test("ISI histogram bins of subnormal intervals are left out instead of dividing by zero")
    func subnormalHistogram() {
        #expect(RunPlots.isiEdges([Self.tiny, 0]) == nil)
        #expect(RunPlots.histogram([0, 1, 2], edges: [0, 0]) == [0])
        #expect(RunPlots.histogram([0, 1, 2], edges: [0, 1, 2]) == [1, 2])
    }

    @Test("A run of a resting cell under msbdf writes voltage.svg")
    func flatTraceRun() throws {
        let text = """
            name: flat
            duration_ms: 10
            seed: 1
            solver: {method: msbdf}
            populations:
              - {name: P, size: 4, initial: rest}
            recording: {cells: [0], variables: [v]}
            """
        let scenario = try ScenarioLoader.parse(text)
        let dir = NSTemporaryDirectory() + "hvnet-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try Simulation.run(scenario, scenarioPath: "flat.yaml", outputDirectory: dir)
        #expect(result.failure == nil)
        let svg = try String(contentsOfFile: dir + "/voltage.svg", encoding: .utf8)
        checkWellFormed(svg, "voltage.svg")
    }
}
