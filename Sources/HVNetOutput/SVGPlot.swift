import Numerics
import Foundation

/// A minimal line and scatter plot rendered as standalone SVG: axes with round ticks, labels,
/// a legend, optional fixed ranges. Enough for hvnet's run and analysis figures.
public struct SVGPlot {
    public struct Series {
        public var label: String
        public var x: [Double]
        public var y: [Double]
        public var color: String
        public var width: Double
        public var dashed: Bool
        /// Draw dots instead of a polyline.
        public var markers: Bool
        /// Half-lengths of vertical error bars (data units), one per point.
        public var errorBars: [Double]? = nil

        public init(label: String, x: [Double], y: [Double], color: String = "#1f4e9c", width: Double = 1.2,
                    dashed: Bool = false, markers: Bool = false) {
            self.label = label
            self.x = x
            self.y = y
            self.color = color
            self.width = width
            self.dashed = dashed
            self.markers = markers
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    public var xRange: ClosedRange<Double>? = nil
    public var yRange: ClosedRange<Double>? = nil
    public var width = 800.0
    public var height = 450.0
    /// Logarithmic axes (base 10); non-positive values are left out.
    public var logX = false
    public var logY = false
    /// Logarithmic axes span whole decades (from the decade at or below the smallest value to the
    /// one at or above the largest), so that every decade boundary is a labelled tick: at least two
    /// labels per axis, however narrow the data.
    public var decadeAxes = false

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// v with two decimals, like "%.2f" (halves round away from zero), without the cost of a
    /// format string: a plot writes tens of thousands of coordinates.
    static func fixed2(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e13 else { return String(format: "%.2f", v) }  // 100|v| below 2^53
        let hundredths = clampedInt(abs(v) * 100, rounding: .toNearestOrAwayFromZero)
        let fraction = hundredths % 100
        return "\(v < 0 && hundredths != 0 ? "-" : "")\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static let palette = ["#1f4e9c", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b"]

    /// The SVG document as one string.
    public func render() -> String {
        var s = ""
        render(into: &s)
        return s
    }

    /// Writes the SVG document into `s` piece by piece (to a file, without holding it whole).
    public func render<Target: TextOutputStream>(into s: inout Target) {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0
        let plotW = width - left - right, plotH = height - top - bottom
        func tx(_ v: Double) -> Double { logX ? (v > 0 ? log10(v) : .nan) : v }
        func ty(_ v: Double) -> Double { logY ? (v > 0 ? log10(v) : .nan) : v }
        /// The finite extent of the transformed values of every series, without copying them.
        func extent(_ values: KeyPath<Series, [Double]>, _ transform: (Double) -> Double) -> (Double, Double)? {
            var low = Double.infinity, high = -Double.infinity
            for item in series {
                for v in item[keyPath: values] {
                    let u = transform(v)
                    if u.isFinite { low = min(low, u); high = max(high, u) }
                }
            }
            return low <= high ? (low, high) : nil
        }
        func decades(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
            let low = r.lowerBound.rounded(.down), high = r.upperBound.rounded(.up)
            return low...(high > low ? high : low + 1)
        }
        // A given range is used as given when it is finite and wide enough to draw; otherwise (NaN,
        // infinite or reversed bounds, or a span too narrow to resolve) it is repaired.
        func given(_ r: ClosedRange<Double>?, _ transform: (Double) -> Double) -> ClosedRange<Double>? {
            guard let r else { return nil }
            return Self.drawable(transform(r.lowerBound), transform(r.upperBound), pad: 0)
        }
        var xr = given(xRange, tx)
            ?? extent(\.x, tx).map { Self.padded($0.0, $0.1, pad: logX ? 0.05 : 0) } ?? Self.padded(0, 1, pad: logX ? 0.05 : 0)
        var yr = given(yRange, ty)
            ?? extent(\.y, ty).map { Self.padded($0.0, $0.1, pad: 0.05) } ?? Self.padded(0, 1, pad: 0.05)
        if decadeAxes && logX && xRange == nil, let e = extent(\.x, tx) { xr = decades(e.0...e.1) }
        if decadeAxes && logY && yRange == nil, let e = extent(\.y, ty) { yr = decades(e.0...e.1) }
        func px(_ x: Double) -> Double { left + Self.fraction(tx(x), from: xr.lowerBound, in: xr) * plotW }
        func py(_ y: Double) -> Double { top + Self.fraction(yr.upperBound, from: ty(y), in: yr) * plotH }
        func ticks(_ r: ClosedRange<Double>, log: Bool) -> [(position: Double, label: String)] {
            guard log else { return Self.ticks(r).map { ($0, Self.tickLabel($0)) } }
            return Self.decadeTicks(r)
        }
        func f(_ v: Double) -> String { Self.fixed2(v) }

        s.write("""
            <svg xmlns="http://www.w3.org/2000/svg" width="\(clampedInt(width))" height="\(clampedInt(height))" \
            viewBox="0 0 \(clampedInt(width)) \(clampedInt(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>

            """)
        // Ticks and grid.
        for (t, label) in ticks(xr, log: logX) {
            let x = px(t)
            s.write("<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#e5e5e5\"/>\n")
            s.write("<text x=\"\(f(x))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(label)</text>\n")
        }
        for (t, label) in ticks(yr, log: logY) {
            let y = py(t)
            s.write("<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n")
            s.write("<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label)</text>\n")
        }
        s.write("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n")
        s.write("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n")
        s.write("<text transform=\"translate(18,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n")
        s.write("<defs><clipPath id=\"plot\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\"/></clipPath></defs>\n")
        s.write("<g clip-path=\"url(#plot)\">\n")
        for series in self.series {
            if let bars = series.errorBars {
                for (k, (x, y)) in zip(series.x, series.y).enumerated() where k < bars.count && bars[k] > 0 {
                    let lo = logY ? max(y - bars[k], y / 100) : y - bars[k]
                    let a = py(lo), b = py(y + bars[k]), xx = px(x)
                    if a.isFinite && b.isFinite && xx.isFinite {
                        s.write("<line x1=\"\(f(xx))\" y1=\"\(f(a))\" x2=\"\(f(xx))\" y2=\"\(f(b))\" stroke=\"\(series.color)\" stroke-width=\"1\"/>\n")
                    }
                }
            }
            if series.markers {
                for (x, y) in zip(series.x, series.y) where px(x).isFinite && py(y).isFinite {
                    s.write("<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"\(f(series.width))\" fill=\"\(series.color)\"/>\n")
                }
                continue
            }
            // One polyline per run of finite points.
            let dash = series.dashed ? " stroke-dasharray=\"6,4\"" : ""
            let opening = "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"\(series.width)\"\(dash) points=\""
            var pending: String? = nil  // the first point of a run, written once a second one follows
            var open = false
            for (x, y) in zip(series.x, series.y) {
                let (u, v) = (px(x), py(y))
                guard u.isFinite && v.isFinite else {
                    if open { s.write("\"/>\n") }
                    open = false
                    pending = nil
                    continue
                }
                let point = "\(f(u)),\(f(v))"
                if open {
                    s.write(" " + point)
                } else if let first = pending {
                    s.write(opening + first + " " + point)
                    open = true
                } else {
                    pending = point
                }
            }
            if open { s.write("\"/>\n") }
        }
        s.write("</g>\n")
        // Legend.
        let labelled = series.filter { !$0.label.isEmpty }
        if !labelled.isEmpty {
            let boxW = 14.0 + 7.0 * Double(labelled.map(\.label.count).max() ?? 0) + 26
            let x0 = left + plotW - boxW - 8, y0 = top + 8
            s.write("<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(boxW))\" height=\"\(f(Double(labelled.count) * 18 + 8))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n")
            for (k, series) in labelled.enumerated() {
                let y = y0 + 16 + Double(k) * 18
                let dash = series.dashed ? " stroke-dasharray=\"6,4\"" : ""
                s.write("<line x1=\"\(f(x0 + 6))\" y1=\"\(f(y - 4))\" x2=\"\(f(x0 + 26))\" y2=\"\(f(y - 4))\" stroke=\"\(series.color)\" stroke-width=\"2\"\(dash)/>\n")
                s.write("<text x=\"\(f(x0 + 32))\" y=\"\(f(y))\">\(Self.escape(series.label))</text>\n")
            }
        }
        s.write("</svg>\n")
    }

    /// The most ticks an axis gets, whatever the data.
    static let maximumTicks = 20

    /// The narrowest span an axis is drawn with around values of magnitude m: max(1e-9 m, 1e-300).
    /// Narrower data (constant, or differing in the last bits, or subnormal) is drawn on the
    /// range of a constant instead, so that round ticks always exist and advance.
    static func minimumSpan(magnitude: Double) -> Double { max(magnitude * 1e-9, 1e-300) }

    /// (b − a)/(r.upperBound − r.lowerBound), finite for finite arguments even when the
    /// differences overflow (then computed on halved values).
    static func fraction(_ b: Double, from a: Double, in r: ClosedRange<Double>) -> Double {
        let span = r.upperBound - r.lowerBound
        if span.isFinite { return (b - a) / span }
        return (b * 0.5 - a * 0.5) / (r.upperBound * 0.5 - r.lowerBound * 0.5)
    }

    /// The axis range of data from `lo` to `hi`, widened by `pad` × the span on both sides: always
    /// finite with lowerBound < upperBound. Data narrower than ``minimumSpan(magnitude:)`` gets
    /// the range of a constant, its middle ± max(1, 1e-8 × its magnitude).
    static func padded(_ lo: Double, _ hi: Double, pad: Double) -> ClosedRange<Double> {
        drawable(lo, hi, pad: pad) ?? -1...1
    }

    /// ``padded(_:_:pad:)`` for bounds that may be NaN (nil), infinite (clamped to the largest
    /// finite values) or reversed (swapped).
    static func drawable(_ a: Double, _ b: Double, pad: Double) -> ClosedRange<Double>? {
        guard !a.isNaN, !b.isNaN else { return nil }
        let big = Double.greatestFiniteMagnitude
        let lo = min(max(min(a, b), -big), big), hi = min(max(max(a, b), -big), big)
        let magnitude = max(abs(lo), abs(hi))
        let halfSpan = hi * 0.5 - lo * 0.5  // finite, unlike hi − lo for values of opposite signs near the limit
        if halfSpan * 2 < minimumSpan(magnitude: magnitude) {
            let middle = lo * 0.5 + hi * 0.5
            let half = max(1, magnitude * 1e-8)
            return max(middle - half, -big)...min(middle + half, big)
        }
        let d = min(halfSpan * (2 * pad), big)  // (hi − lo) × pad
        return max(lo - d, -big)...min(hi + d, big)
    }

    /// Round tick positions (1, 2, 5 × 10ᵏ) inside `range`: at most ``maximumTicks``, computed as
    /// multiples of the step (never accumulated, so they always advance). A range too narrow or
    /// too wide for round steps gets its two ends.
    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let lower = range.lowerBound, upper = range.upperBound
        guard lower.isFinite, upper.isFinite else { return [lower, upper].filter(\.isFinite) }
        guard upper > lower else { return [lower] }
        let span = upper * 0.5 - lower * 0.5  // half the span, finite
        let raw = span / 3
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = ceil(lower / step), last = floor((upper + 1e-9 * step) / step)
        let count = last - first + 1
        guard step > 0, step.isFinite, first.isFinite, last.isFinite, count >= 1, count <= Double(maximumTicks),
              max(abs(lower), abs(upper)) / step < 1e12
        else { return [lower, upper] }
        var ticks: [Double] = []
        for k in 0..<clampedInt(count) {
            let t = (first + Double(k)) * step
            if t > upper + 1e-9 * step { break }
            ticks.append(abs(t) < 1e-12 * step ? 0 : t)
        }
        return ticks
    }

    /// Ticks of a log10 axis `r` (in decades): each decade 10ᵉ inside, with 2 and 5 × 10ᵉ when the
    /// axis spans at most two decades; every n-th decade when more than ``maximumTicks`` would fit.
    static func decadeTicks(_ r: ClosedRange<Double>) -> [(position: Double, label: String)] {
        guard r.lowerBound.isFinite, r.upperBound.isFinite, r.lowerBound <= r.upperBound else { return [] }
        let low = clampedInt(r.lowerBound, rounding: .down), high = clampedInt(r.upperBound, rounding: .up)
        guard low <= high else { return [] }
        let mantissas: [Double] = high - low <= 2 ? [1, 2, 5] : [1]
        let decades = high - low + 1
        let every = max(1, (decades + maximumTicks - 1) / maximumTicks)
        var marks: [(Double, String)] = []
        for k in stride(from: 0, to: decades, by: every) {
            let e = low + k
            for m in mantissas {
                let v = m * pow(10, Double(e))
                let lv = log10(v)
                if lv >= r.lowerBound - 1e-9 && lv <= r.upperBound + 1e-9 { marks.append((v, m == 1 ? "1e\(e)" : "\(clampedInt(m))e\(e)")) }
            }
        }
        return marks
    }

    static func tickLabel(_ t: Double) -> String {
        if t == 0 { return "0" }
        if abs(t) >= 1e5 || abs(t) < 1e-3 { return String(format: "%.1e", t) }
        var s = String(format: "%.4f", t)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
