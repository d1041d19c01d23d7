/// The recent past of a solution y(t) ∈ ℝᵈ, kept as a ring buffer of accepted steps (t, y, dy/dt)
/// and read back between them with the cubic Hermite interpolant (``CubicHermite``), whose error
/// is O(h⁴) in the step h: as accurate as the fixed-step RK4 it serves, and for adaptive methods
/// the step control keeps h where the solution is resolved. Used for synaptic delays: the
/// right-hand side at time t reads presynaptic values at t − d.
///
/// - Before the first entry the history is the first entry's value (a constant past: the initial
///   state for t < 0).
/// - Two entries may share a time (a breakpoint: the left and the right derivative there); an
///   interval of zero length is never interpolated.
/// - After the last entry the last interval's cubic is continued; callers keep queries at or
///   before the last time (the step cap of delayed systems guarantees it) except for rounding.
/// - Entries older than ``span`` before the newest are dropped, but one entry at or before
///   (newest − span) is kept, so every time in [newest − span, newest] stays interpolable. The
///   buffer doubles when it is full of entries still needed: steps can be tiny, so its length is
///   not known in advance; the doubling is amortised, and after the first steps nothing is
///   allocated.
///
/// Lookups take a hint (the index of the interval last used by that reader), so a sequence of
/// nearby queries costs O(1) each instead of a binary search.
public final class HermiteHistory {
    /// Components per entry.
    public let dimension: Int
    /// How far back (in the time unit of t) values must remain available.
    public let span: Double
    private var capacity: Int
    private var times: UnsafeMutablePointer<Double>
    private var values: UnsafeMutablePointer<Double>
    private var slopes: UnsafeMutablePointer<Double>
    /// Absolute index of the oldest kept entry, and one past the newest.
    public private(set) var first = 0
    public private(set) var end = 0

    /// - Parameters:
    ///   - dimension: components per entry (≥ 1).
    ///   - span: how far back values are needed (≥ 0).
    ///   - initialCapacity: entries before the first doubling (rounded up to a power of two).
    public init(dimension: Int, span: Double, initialCapacity: Int = 256) {
        self.dimension = Swift.max(dimension, 1)
        self.span = span
        var c = 4
        while c < initialCapacity { c *= 2 }
        capacity = c
        times = .allocate(capacity: c)
        values = .allocate(capacity: c * self.dimension)
        slopes = .allocate(capacity: c * self.dimension)
    }

    deinit {
        times.deallocate()
        values.deallocate()
        slopes.deallocate()
    }

    /// Entries held.
    public var count: Int { end - first }
    /// Time of the newest entry (−∞ when empty).
    public var newestTime: Double { end > first ? times[(end - 1) & (capacity - 1)] : -.infinity }

    /// Forgets every entry.
    public func reset() {
        first = 0
        end = 0
    }

    /// Appends (t, y, dy/dt) with t ≥ the newest time; `state` and `derivative` hold ``dimension`` values.
    public func append(time t: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) {
        // Drop entries no longer needed: keep the newest one at or before t − span.
        let horizon = t - span
        while end - first >= 2 && times[(first + 1) & (capacity - 1)] <= horizon { first += 1 }
        if end - first == capacity { grow() }
        let p = end & (capacity - 1)
        times[p] = t
        let v = values + p * dimension, s = slopes + p * dimension
        for i in 0..<dimension {
            v[i] = state[i]
            s[i] = derivative[i]
        }
        end += 1
    }

    private func grow() {
        let newCapacity = 2 * capacity
        let newTimes = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        let newValues = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity * dimension)
        let newSlopes = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity * dimension)
        for a in first..<end {
            let p = a & (capacity - 1), q = a & (newCapacity - 1)
            newTimes[q] = times[p]
            for i in 0..<dimension {
                newValues[q * dimension + i] = values[p * dimension + i]
                newSlopes[q * dimension + i] = slopes[p * dimension + i]
            }
        }
        times.deallocate()
        values.deallocate()
        slopes.deallocate()
        times = newTimes
        values = newValues
        slopes = newSlopes
        capacity = newCapacity
    }

    @inline(__always) private func time(_ a: Int) -> Double { times[a & (capacity - 1)] }

    /// Component `i` at time `t`. `hint` is the reader's interval index from its previous query
    /// (any value is safe; start with 0); it is updated.
    ///
    /// Precondition (not checked): the history holds at least one entry.
    @inline(__always)
    public func value(_ i: Int, at t: Double, hint: inout Int) -> Double {
        let last = end - 1
        if last <= first || t <= time(first) {
            return values[(first & (capacity - 1)) * dimension + i]
        }
        // Interval a is [time(a), time(a + 1)], a in first..<last.
        var a = hint < first ? first : hint >= last ? last - 1 : hint
        while a > first && time(a) > t { a -= 1 }
        while a < last - 1 && time(a + 1) < t { a += 1 }
        // Skip an interval of zero length (a breakpoint's two entries).
        while a < last - 1 && time(a + 1) <= time(a) { a += 1 }
        hint = a
        let p = (a & (capacity - 1)) * dimension, q = ((a + 1) & (capacity - 1)) * dimension
        let t0 = time(a), h = time(a + 1) - t0
        if !(h > 0) { return values[q + i] }
        return CubicHermite(h: h, y0: values[p + i], f0: slopes[p + i], y1: values[q + i], f1: slopes[q + i])
            .value(at: (t - t0) / h)
    }
}
