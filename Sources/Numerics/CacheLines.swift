/// Memory for arrays that threads of a split network write in parts: each array starts on a
/// cache line, and the parts' cell ranges start on multiples of ``doubles`` (`CellPartition`), so
/// that two threads never write the same line. A line written by two cores
/// moves between them on every write ("false sharing"), at 170–505 ns a round trip between the
/// two cores of the machine in docs/performance.md.
public enum CacheLines {
    /// Bytes in a cache line on x86-64 and the common 64-bit ARM cores.
    public static let bytes = 64
    /// Doubles in a cache line.
    public static let doubles = bytes / MemoryLayout<Double>.stride

    /// `max(count, 1)` doubles set to zero, starting on a cache line. Free with `deallocate()`.
    package static func allocateDoubles(_ count: Int) -> UnsafeMutablePointer<Double> {
        let count = Swift.max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Double>.stride, alignment: bytes)
        return raw.initializeMemory(as: Double.self, repeating: 0, count: count)
    }
}

/// 64 bytes of nothing: a stored property of this type between two groups of a class's stored
/// properties (laid out in declaration order) keeps them on different cache lines, so that a
/// field one thread writes often does not share a line with fields another thread reads.
public struct CacheLinePad: Sendable {
    private let words: (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0, 0, 0)
    public init() {}
}
