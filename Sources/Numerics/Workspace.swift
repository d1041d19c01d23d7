/// A fixed-size, zero-initialised array of doubles that owns its memory: the one place where
/// hvnet's hot loops get raw storage. Allocation and lifetime are the class's; the loops see the
/// memory through ``base`` (package-internal) only while the workspace is alive. The memory starts
/// on a cache line (``CacheLines``), so threads that write disjoint parts of it share no line.
///
/// Why not `[Double]`: the right-hand side runs millions of times per second over a dozen
/// scratch arrays, and array accesses there cost uniqueness and bounds checks that a benchmark
/// showed in the profile (docs/performance.md).
public final class Workspace: @unchecked Sendable {
    /// Number of doubles.
    public let count: Int
    package let base: UnsafeMutablePointer<Double>

    /// `count` zeros.
    public init(count: Int) {
        precondition(count >= 0)
        self.count = count
        base = CacheLines.allocateDoubles(count)
    }

    /// A copy of `values`.
    public convenience init(_ values: [Double]) {
        self.init(count: values.count)
        for (i, v) in values.enumerated() { base[i] = v }
    }

    deinit { base.deallocate() }

    public subscript(i: Int) -> Double {
        get { precondition(i >= 0 && i < count); return base[i] }
        set { precondition(i >= 0 && i < count); base[i] = newValue }
    }

    /// The values as an array.
    public var array: [Double] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
