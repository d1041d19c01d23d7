/// A sparse matrix in compressed sparse row (CSR) form. In hvnet rows are postsynaptic cells and
/// columns presynaptic cells: entry (i, j) is the number of channels cell j drives in cell i.
public struct SparseMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// Row i's entries are `rowStart[i] ..< rowStart[i + 1]`.
    public let rowStart: [Int]
    public let columnIndex: [Int]
    public let values: [Double]

    /// A matrix from (row, column, value) entries; duplicates are summed, zeros dropped.
    public init(rowCount: Int, columnCount: Int, entries: [(row: Int, column: Int, value: Double)]) {
        precondition(entries.allSatisfy { (0..<rowCount).contains($0.row) && (0..<columnCount).contains($0.column) })
        let sorted = entries.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        var rowStart = [Int](repeating: 0, count: rowCount + 1)
        var columns: [Int] = []
        var values: [Double] = []
        columns.reserveCapacity(sorted.count)
        values.reserveCapacity(sorted.count)
        var previous: (Int, Int)? = nil
        for entry in sorted {
            if let p = previous, p == (entry.row, entry.column) {
                values[values.count - 1] += entry.value
            } else {
                columns.append(entry.column)
                values.append(entry.value)
                rowStart[entry.row + 1] += 1
                previous = (entry.row, entry.column)
            }
        }
        for i in 0..<rowCount { rowStart[i + 1] += rowStart[i] }
        // Drop entries that summed to zero.
        var keptStart = [Int](repeating: 0, count: rowCount + 1)
        var keptColumns: [Int] = []
        var keptValues: [Double] = []
        for i in 0..<rowCount {
            for k in rowStart[i]..<rowStart[i + 1] where values[k] != 0 {
                keptColumns.append(columns[k])
                keptValues.append(values[k])
            }
            keptStart[i + 1] = keptColumns.count
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStart = keptStart
        self.columnIndex = keptColumns
        self.values = keptValues
    }

    /// A matrix from a dense row-major array `dense[row][column]`.
    public init(dense: [[Double]]) {
        let columnCount = dense.first?.count ?? 0
        var entries: [(row: Int, column: Int, value: Double)] = []
        for (i, row) in dense.enumerated() {
            precondition(row.count == columnCount, "ragged matrix")
            for (j, value) in row.enumerated() where value != 0 { entries.append((i, j, value)) }
        }
        self.init(rowCount: dense.count, columnCount: columnCount, entries: entries)
    }

    /// An empty rows × columns matrix.
    public static func zero(rows: Int, columns: Int) -> SparseMatrix {
        SparseMatrix(rowCount: rows, columnCount: columns, entries: [])
    }

    public var nonzeroCount: Int { values.count }

    /// The entries as (row, column, value), row by row.
    public var entries: [(row: Int, column: Int, value: Double)] {
        (0..<rowCount).flatMap { i in (rowStart[i]..<rowStart[i + 1]).map { (i, columnIndex[$0], values[$0]) } }
    }

    /// y = A x.
    @inlinable
    public func multiply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        rowStart.withUnsafeBufferPointer { start in
            columnIndex.withUnsafeBufferPointer { column in
                values.withUnsafeBufferPointer { value in
                    for i in 0..<rowCount {
                        var sum = 0.0
                        for k in start[i]..<start[i + 1] { sum += value[k] * x[column[k]] }
                        y[i] = sum
                    }
                }
            }
        }
    }
}
