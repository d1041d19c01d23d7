import Numerics
import Foundation

/// An N × N matrix as an SVG heat map with a colour bar; NaN cells are grey.
public struct SVGHeatmap {
    public var title: String
    public var matrix: [[Double]]
    /// Colour range; nil uses the finite minimum and maximum.
    public var range: ClosedRange<Double>?
    /// Diverging blue–white–red around the middle of the range, or sequential white–blue.
    public var diverging: Bool
    /// Labels of the rows and columns (e.g. the values of two sweep axes) and their titles. With
    /// labels the matrix may be rectangular; without, it is an N × N matrix of cells.
    public var rowLabels: [String]? = nil
    public var columnLabels: [String]? = nil
    public var rowTitle = ""
    public var columnTitle = ""

    public init(title: String, matrix: [[Double]], range: ClosedRange<Double>? = nil, diverging: Bool = false) {
        self.title = title
        self.matrix = matrix
        self.range = range
        self.diverging = diverging
    }

    func color(_ v: Double, _ r: ClosedRange<Double>) -> String {
        guard v.isFinite else { return "#c8c8c8" }
        let x = r.upperBound > r.lowerBound ? min(max(SVGPlot.fraction(v, from: r.lowerBound, in: r), 0), 1) : 0.5
        func hex(_ a: Double, _ b: Double, _ c: Double) -> String {
            String(format: "#%02x%02x%02x", clampedInt(a * 255), clampedInt(b * 255), clampedInt(c * 255))
        }
        if diverging {
            if x < 0.5 { let t = x / 0.5; return hex(0.13 + 0.87 * t, 0.4 + 0.6 * t, 0.76 + 0.24 * t) }
            let t = (x - 0.5) / 0.5
            return hex(1 - 0.25 * t, 1 - 0.8 * t, 1 - 0.82 * t)
        }
        return hex(1 - 0.88 * x, 1 - 0.7 * x, 1 - 0.39 * x)
    }

    /// The value of the k-th of the colour bar's 100 boxes, from the top (r.upperBound) down to
    /// r.lowerBound; finite for any finite range, even when its span overflows.
    static func barValue(_ k: Int, _ r: ClosedRange<Double>) -> Double {
        let span = r.upperBound - r.lowerBound
        if span.isFinite { return r.upperBound - span * Double(k) / 99 }
        return r.upperBound * (1 - Double(k) / 99) + r.lowerBound * (Double(k) / 99)
    }

    public func render() -> String {
        if let rowLabels, let columnLabels { return renderLabelled(rowLabels, columnLabels) }
        let n = max(matrix.count, 1)
        let size = 520.0, left = 60.0, top = 50.0
        let cell = size / Double(n)
        let finite = matrix.flatMap { $0 }.filter(\.isFinite)
        let r = range ?? ((finite.min() ?? 0)...(max(finite.max() ?? 1, (finite.min() ?? 0) + 1e-12)))
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(clampedInt(left + size + 120))" height="\(clampedInt(top + size + 50))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(clampedInt(left + size / 2))" y="25" text-anchor="middle" font-size="15">\(SVGPlot.escape(title))</text>

            """
        for (i, row) in matrix.enumerated() {
            for (j, v) in row.enumerated() {
                s += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%@\"/>\n",
                            left + Double(j) * cell, top + Double(i) * cell, cell + 0.3, cell + 0.3, color(v, r))
            }
        }
        let step = max(1, n / 10)
        for k in stride(from: 0, to: n, by: step) {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", left + (Double(k) + 0.5) * cell, top + size + 16, k)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n", left - 6, top + (Double(k) + 0.5) * cell + 4, k)
        }
        s += "<text x=\"\(clampedInt(left + size / 2))\" y=\"\(clampedInt(top + size + 38))\" text-anchor=\"middle\">cell</text>\n"
        // Colour bar.
        let barX = left + size + 30
        for k in 0..<100 {
            let v = Self.barValue(k, r)
            s += String(format: "<rect x=\"%.1f\" y=\"%.2f\" width=\"18\" height=\"%.2f\" fill=\"%@\"/>\n", barX, top + Double(k) * size / 100, size / 100 + 0.5, color(v, r))
        }
        s += "<text x=\"\(clampedInt(barX + 24))\" y=\"\(clampedInt(top + 10))\">\(SVGPlot.tickLabel(r.upperBound))</text>\n"
        s += "<text x=\"\(clampedInt(barX + 24))\" y=\"\(clampedInt(top + size))\">\(SVGPlot.tickLabel(r.lowerBound))</text>\n"
        return s + "</svg>\n"
    }

    /// A rows × columns map with labelled axes: row 0 at the bottom, column 0 at the left.
    func renderLabelled(_ rowLabels: [String], _ columnLabels: [String]) -> String {
        let rows = max(matrix.count, 1), columns = max(matrix.first?.count ?? 1, 1)
        let size = 480.0, left = 110.0, top = 50.0
        let cellW = size / Double(columns), cellH = size / Double(rows)
        let finite = matrix.flatMap { $0 }.filter(\.isFinite)
        let r = range ?? ((finite.min() ?? 0)...(max(finite.max() ?? 1, (finite.min() ?? 0) + 1e-12)))
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(left + size + 130))" height="\(Int(top + size + 70))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Int(left + size / 2))" y="25" text-anchor="middle" font-size="15">\(SVGPlot.escape(title))</text>

            """
        for (i, row) in matrix.enumerated() {
            for (j, v) in row.enumerated() {
                let y = top + Double(rows - 1 - i) * cellH
                s += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%@\"><title>%@</title></rect>\n",
                            left + Double(j) * cellW, y, cellW + 0.3, cellH + 0.3, color(v, r), SVGPlot.tickLabel(v))
            }
        }
        let rowStep = max(1, rows / 12), columnStep = max(1, columns / 12)
        for k in stride(from: 0, to: min(columns, columnLabels.count), by: columnStep) {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>\n",
                        left + (Double(k) + 0.5) * cellW, top + size + 16, SVGPlot.escape(columnLabels[k]))
        }
        for k in stride(from: 0, to: min(rows, rowLabels.count), by: rowStep) {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n",
                        left - 6, top + (Double(rows - 1 - k) + 0.5) * cellH + 4, SVGPlot.escape(rowLabels[k]))
        }
        s += "<text x=\"\(Int(left + size / 2))\" y=\"\(Int(top + size + 40))\" text-anchor=\"middle\">\(SVGPlot.escape(columnTitle))</text>\n"
        s += "<text x=\"20\" y=\"\(Int(top + size / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 20 \(Int(top + size / 2)))\">\(SVGPlot.escape(rowTitle))</text>\n"
        let barX = left + size + 30
        for k in 0..<100 {
            let v = Self.barValue(k, r)
            s += String(format: "<rect x=\"%.1f\" y=\"%.2f\" width=\"18\" height=\"%.2f\" fill=\"%@\"/>\n", barX, top + Double(k) * size / 100, size / 100 + 0.5, color(v, r))
        }
        s += "<text x=\"\(Int(barX + 24))\" y=\"\(Int(top + 10))\">\(SVGPlot.tickLabel(r.upperBound))</text>\n"
        s += "<text x=\"\(Int(barX + 24))\" y=\"\(Int(top + size))\">\(SVGPlot.tickLabel(r.lowerBound))</text>\n"
        return s + "</svg>\n"
    }
}
