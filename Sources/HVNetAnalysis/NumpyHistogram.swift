import Numerics
/// numpy's `histogram(values, bins=n, range=(first, last))`, reproduced exactly: edges are
/// `linspace(first, last, n + 1)` (k·step + first, the last edge exactly `last`), bin i holds
/// edges[i] ≤ x < edges[i+1], the last bin also holds x = last, values outside are ignored.
/// Elephant's kernel rate and PySpike's PSTH bin this way.
enum NumpyHistogram {
    static func edges(first: Double, last: Double, bins n: Int) -> [Double] {
        let step = (last - first) / Double(n)
        return (0...n).map { $0 == n ? last : Double($0) * step + first }
    }

    static func index(of x: Double, edges: [Double]) -> Int? {
        let n = edges.count - 1
        let first = edges[0], last = edges[n]
        guard x >= first && x <= last else { return nil }
        var i = clampedInt((x - first) / (last - first) * Double(n))
        if i == n { i -= 1 }
        if x < edges[i] { i -= 1 }
        if i != n - 1 && x >= edges[i + 1] { i += 1 }
        return i
    }

    static func counts(_ values: [Double], first: Double, last: Double, bins n: Int) -> [Int] {
        let e = edges(first: first, last: last, bins: n)
        var out = [Int](repeating: 0, count: n)
        for x in values { if let i = index(of: x, edges: e) { out[i] += 1 } }
        return out
    }
}
