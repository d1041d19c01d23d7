import Dispatch
import Foundation

/// Symmetric N × N matrices of pairwise measures, computed in parallel over rows.
public enum PairwiseMatrix {
    /// M[i][j] = f(i, j) for i < j, mirrored; the diagonal is `diagonal(i)`.
    public static func symmetric(size n: Int, diagonal: (Int) -> Double, _ f: @escaping @Sendable (Int, Int) -> Double) -> [[Double]] {
        let rows = RowStore(size: n)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            var row = [Double](repeating: 0, count: n)
            for j in (i + 1)..<n { row[j] = f(i, j) }
            rows.set(i, row)
        }
        var m = rows.rows
        for i in 0..<n {
            m[i][i] = diagonal(i)
            for j in 0..<i { m[i][j] = m[j][i] }
        }
        return m
    }

    /// Rows written by worker threads, each row by one thread.
    private final class RowStore: @unchecked Sendable {
        private(set) var rows: [[Double]]
        private let lock = NSLock()
        init(size: Int) { rows = Array(repeating: [], count: size) }
        func set(_ i: Int, _ row: [Double]) {
            lock.lock()
            rows[i] = row
            lock.unlock()
        }
    }
}
