import CVectorKernels
/// A sparse matrix in compressed sparse row (CSR) form. In hvnet rows are postsynaptic cells and
/// columns presynaptic cells: entry (i, j) is the number of channels cell j drives in cell i.
///
/// For the product it keeps a second copy in sliced ELLPACK form (Monakov, Lokhmotov & Avetisyan,
/// HiPEAC 2010): rows sorted by length and taken in slices of four, each slice padded to its
/// longest row and stored position by position, so that one loop of SIMD multiply-adds sums four
/// rows at once and the loop's length changes once per slice instead of once per row; sorting
/// keeps the padding small.
///
/// When at least one entry in ``denseDensityThreshold`` of the block spanned by the non-empty
/// columns is non-zero (and that block is at most ``denseEntryLimit`` entries), the product uses
/// a third copy instead: those columns stored densely, column by column, summed column after
/// column into blocks of four rows held in SIMD registers. Each row is then summed in increasing
/// column order like the CSR product, with a product 0 · x_j added for every absent entry of a
/// non-empty column: the same sum bit for bit as long as x is finite (when it is not, the
/// product falls back to the sliced form, so that a NaN or infinite x_j reaches only the rows
/// that hold column j, whatever the form and however the rows are split over threads). For W100 (p = 0.2) this takes
/// 0.77 instructions per matrix entry against 6.6 per non-zero for the sliced form
/// (docs/performance.md).
///
/// When, in addition, all entries of each non-empty column are equal (a connection rule with one
/// channel count per contact, as in W100), the dense form keeps one byte per entry instead of a
/// double: 0xFF where the entry is set, 0x00 where not (10 KB instead of 80 KB for W100's AMPA,
/// so the block stays in the first-level cache), and one value per column. The product forms
/// w_j = v_j · x_j once per column and adds, to each block of four rows, w_j masked by the four
/// bytes sign-extended to 64-bit lanes (w_j where set, +0 where not): the same terms in the same
/// order as the dense product, so the same sums bit for bit.
public struct SparseMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// Row i's entries are `rowStart[i] ..< rowStart[i + 1]`.
    public let rowStart: [Int]
    public let columnIndex: [Int]
    public let values: [Double]
    /// Sliced ELLPACK: slice s holds positions `sliceStart[s] ..< sliceStart[s + 1]`, each of four
    /// (column, value) pairs, lane l for row `sliceRows[4s + l]` (−1 past the last row). Padding
    /// repeats a column of the same row with value 0 (adding +0 leaves a sum unchanged, so each
    /// row's sum equals the CSR one in order and rounding); a row without entries pads with
    /// column 0 and is zeroed by `emptyRows`.
    @usableFromInline let sliceStart: [Int]
    @usableFromInline let sliceColumns: [Int32]
    @usableFromInline let sliceValues: [Double]
    @usableFromInline let emptyRows: [SIMDMask<SIMD4<Int64>>]
    @usableFromInline let sliceRows: [Int]
    /// The dense form (empty when the sliced form is used): the non-empty columns in increasing
    /// order, and for each of them the values of all rows padded to `denseRowStride`, a multiple
    /// of 4 (entry (i, denseColumns[c]) at `denseValues[c * denseRowStride + i]`).
    @usableFromInline let denseColumns: [Int]
    @usableFromInline let denseValues: [Double]
    @usableFromInline let denseRowStride: Int
    /// The masked dense form (empty unless every non-empty column's entries are equal; then
    /// `denseValues` is empty): `maskValues[c]` the value of column `denseColumns[c]`, and byte
    /// `masks[c * denseRowStride + i]` 0xFF where entry (i, denseColumns[c]) is set, 0x00 where
    /// not (padding rows included).
    @usableFromInline let maskValues: [Double]
    @usableFromInline let masks: [Int8]
    /// Whether `denseColumns` is a run of consecutive columns (W100: AMPA from cells 0..<80,
    /// GABA-A from 80..<100), so that the masked product reads x without the column indices.
    @usableFromInline let denseColumnsAreConsecutive: Bool

    /// The least fraction of non-zero entries among the non-empty columns for the dense product.
    public static let denseDensityThreshold = 0.1
    /// The largest dense block (rows × non-empty columns) kept: 256 KB of values.
    public static let denseEntryLimit = 32_768

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
        (sliceStart, sliceColumns, sliceValues, emptyRows, sliceRows) = Self.slices(
            rowCount: rowCount, rowStart: keptStart, columns: keptColumns, values: keptValues)
        let used = Array(Set(keptColumns)).sorted()
        let stride = (rowCount + 3) / 4 * 4
        let block = used.count * stride
        denseRowStride = stride
        if !keptValues.isEmpty, block <= Self.denseEntryLimit,
            Double(keptValues.count) >= Self.denseDensityThreshold * Double(rowCount * used.count)
        {
            var position = [Int](repeating: -1, count: columnCount)
            for (c, j) in used.enumerated() { position[j] = c }
            // A column is uniform when all its entries equal its first one (no entry is ±0).
            var columnValue = [Double?](repeating: nil, count: used.count)
            var uniform = true
            for k in keptValues.indices {
                let c = position[keptColumns[k]]
                if let value = columnValue[c] {
                    if value != keptValues[k] { uniform = false }
                } else {
                    columnValue[c] = keptValues[k]
                }
            }
            denseColumns = used
            denseColumnsAreConsecutive = used.count > 0 && used[used.count - 1] - used[0] == used.count - 1
            if uniform {
                var mask = [Int8](repeating: 0, count: block)
                for i in 0..<rowCount {
                    for k in keptStart[i]..<keptStart[i + 1] { mask[position[keptColumns[k]] * stride + i] = -1 }
                }
                denseValues = []
                maskValues = columnValue.map { $0 ?? 0 }
                masks = mask
            } else {
                var dense = [Double](repeating: 0, count: block)
                for i in 0..<rowCount {
                    for k in keptStart[i]..<keptStart[i + 1] { dense[position[keptColumns[k]] * stride + i] = keptValues[k] }
                }
                denseValues = dense
                maskValues = []
                masks = []
            }
        } else {
            denseColumns = []
            denseColumnsAreConsecutive = false
            denseValues = []
            maskValues = []
            masks = []
        }
    }

    /// Whether ``multiply(_:into:)`` uses a dense form (``multiplyDense(_:into:)`` or
    /// ``multiplyMasked(_:into:)``).
    public var usesDenseProduct: Bool { !denseColumns.isEmpty }

    /// Whether ``multiply(_:into:)`` uses the masked dense form: the dense form is used and every
    /// non-empty column's entries are equal.
    public var usesMaskedProduct: Bool { !masks.isEmpty }

    private static func slices(rowCount: Int, rowStart: [Int], columns: [Int], values: [Double])
        -> (start: [Int], columns: [Int32], values: [Double], empty: [SIMDMask<SIMD4<Int64>>], rows: [Int])
    {
        precondition(columns.count <= Int(Int32.max), "too many columns for 32-bit indices")
        func length(_ i: Int) -> Int { rowStart[i + 1] - rowStart[i] }
        // Longest rows first; ties in row order, so the layout is deterministic.
        let order = (0..<rowCount).sorted { (length($0), -$0) > (length($1), -$1) }
        let padded = order + Array(repeating: -1, count: (4 - rowCount % 4) % 4)
        var start = [0], sliceColumns: [Int32] = [], sliceValues: [Double] = []
        var empty: [SIMDMask<SIMD4<Int64>>] = []
        for first in stride(from: 0, to: rowCount, by: 4) {
            let rows = padded[first..<(first + 4)]
            let width = rows.map { $0 < 0 ? 0 : length($0) }.max() ?? 0
            var mask = SIMDMask<SIMD4<Int64>>()
            for lane in 0..<4 { mask[lane] = rows[first + lane] < 0 || length(rows[first + lane]) == 0 }
            for position in 0..<width {
                for lane in 0..<4 {
                    let i = rows[first + lane]
                    guard i >= 0, rowStart[i] < rowStart[i + 1] else {
                        sliceColumns.append(0)
                        sliceValues.append(0)
                        continue
                    }
                    let k = rowStart[i] + position
                    let inRow = k < rowStart[i + 1]
                    sliceColumns.append(Int32(columns[inRow ? k : rowStart[i]]))
                    sliceValues.append(inRow ? values[k] : 0)
                }
            }
            start.append(start.last! + width)
            empty.append(mask)
        }
        return (start, sliceColumns, sliceValues, empty, padded)
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

    /// The rows `rows` as a matrix of `rows.count` rows (row `rows.lowerBound` becomes row 0) and
    /// the same columns; each row keeps its entries in order, so its products are the same bit for bit.
    public func rows(_ rows: Range<Int>) -> SparseMatrix {
        let rows = rows.clamped(to: 0..<rowCount)
        var entries: [(row: Int, column: Int, value: Double)] = []
        entries.reserveCapacity(rowStart[rows.upperBound] - rowStart[rows.lowerBound])
        for i in rows {
            for k in rowStart[i]..<rowStart[i + 1] { entries.append((i - rows.lowerBound, columnIndex[k], values[k])) }
        }
        return SparseMatrix(rowCount: rows.count, columnCount: columnCount, entries: entries)
    }

    /// The entries as (row, column, value), row by row.
    public var entries: [(row: Int, column: Int, value: Double)] {
        (0..<rowCount).flatMap { i in (rowStart[i]..<rowStart[i + 1]).map { (i, columnIndex[$0], values[$0]) } }
    }

    /// y = A x (x: columnCount values, y: rowCount values): the dense product where the matrix is
    /// dense enough, the sliced one otherwise.
    @inlinable
    package func multiply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        if denseColumns.isEmpty {
            multiplySliced(x, into: y)
        } else if masks.isEmpty {
            // The dense form adds 0 · x_j for absent entries: a NaN or infinite x_j would reach
            // every row. Then the sliced form, which touches only the rows that hold column j
            // (the same sums otherwise, bit for bit).
            if denseColumnsAreFinite(x) { multiplyDense(x, into: y) } else { multiplySliced(x, into: y) }
        } else {
            multiplyMasked(x, into: y)
        }
    }

    /// Whether x is finite in every column the dense form uses (one sum: finite exactly when every
    /// term is, short of an overflow, which only sends the product to the sliced form).
    @inlinable
    package func denseColumnsAreFinite(_ x: UnsafePointer<Double>) -> Bool {
        denseColumns.withUnsafeBufferPointer { columns in
            var sum = 0.0
            for j in columns { sum += x[j] }
            return sum.isFinite
        }
    }

    /// y = A x from the dense form, 32 rows at a time (eight SIMD accumulators), then four.
    /// Requires ``usesDenseProduct`` and not ``usesMaskedProduct``.
    @inlinable
    package func multiplyDense(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        denseColumns.withUnsafeBufferPointer { columnsBuffer in
            denseValues.withUnsafeBufferPointer { valuesBuffer in
                guard let columns = columnsBuffer.baseAddress, let values = valuesBuffer.baseAddress else { return }
                let count = columnsBuffer.count, stride = denseRowStride, rows = rowCount
                func write(_ sum: SIMD4<Double>, _ row: Int) {
                    if row + 4 <= rows {
                        store4(sum, y + row)
                    } else {
                        for lane in 0..<(rows - row) { y[row + lane] = sum[lane] }
                    }
                }
                var row = 0
                while row + 32 <= stride {
                    var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
                    var a4 = SIMD4<Double>(), a5 = SIMD4<Double>(), a6 = SIMD4<Double>(), a7 = SIMD4<Double>()
                    var p = values + row
                    for c in 0..<count {
                        let xc = SIMD4<Double>(repeating: x[columns[c]])
                        a0 += load4(p) * xc
                        a1 += load4(p + 4) * xc
                        a2 += load4(p + 8) * xc
                        a3 += load4(p + 12) * xc
                        a4 += load4(p + 16) * xc
                        a5 += load4(p + 20) * xc
                        a6 += load4(p + 24) * xc
                        a7 += load4(p + 28) * xc
                        p += stride
                    }
                    write(a0, row); write(a1, row + 4); write(a2, row + 8); write(a3, row + 12)
                    write(a4, row + 16); write(a5, row + 20); write(a6, row + 24); write(a7, row + 28)
                    row += 32
                }
                while row < stride {
                    var a0 = SIMD4<Double>()
                    var p = values + row
                    for c in 0..<count {
                        a0 += load4(p) * SIMD4<Double>(repeating: x[columns[c]])
                        p += stride
                    }
                    write(a0, row)
                    row += 4
                }
            }
        }
    }

    /// Whether this CPU (and its operating system) runs the AVX-512 kernel of the masked product,
    /// asked once. The rest of hvnet is built for AVX2 where the CPU has it (a whole build for
    /// AVX-512 gathered the sliced product's operands and ran one dependency chain per block of
    /// eight cells: W1000 up to 17 % slower on one thread in stretches, docs/performance.md).
    @usableFromInline static let hasAVX512 = hv_avx512_available() != 0

    /// Columns of the masked product whose w_j = v_j · x_j are formed at a time: a 1 KB buffer,
    /// which the standard library keeps on the stack.
    @usableFromInline static let maskedColumnChunk = 128

    /// y = A x from the masked dense form: for each column w_j = v_j · x_j, once per product, into
    /// a buffer; then for each block of four rows, column after column, w_j masked by the block's
    /// four bytes (sign-extended to 64-bit lanes: w_j where set, +0 where not) added to the
    /// block's sum. Rows go 32 at a time (eight SIMD accumulators; 36 when nine blocks are left,
    /// so that W100's 100 rows need no pass of one block), then 16, then four. More than
    /// ``maskedColumnChunk`` columns are taken a chunk at a time, the sums kept in y in between
    /// (stored and reloaded exactly). Requires ``usesMaskedProduct``.
    ///
    /// - Parameter wide: whether rows go to the AVX-512 kernel (`hv_masked_sum_avx512`, eight rows
    ///   per instruction), by default where the CPU has it (``hasAVX512``); the sums are the same.
    @inlinable
    package func multiplyMasked(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>,
                                wide: Bool = SparseMatrix.hasAVX512) {
        denseColumns.withUnsafeBufferPointer { columnsBuffer in
            maskValues.withUnsafeBufferPointer { valuesBuffer in
                masks.withUnsafeBufferPointer { masksBuffer in
                    guard let columns = columnsBuffer.baseAddress, let values = valuesBuffer.baseAddress,
                        let masks = masksBuffer.baseAddress
                    else { return }
                    withUnsafeTemporaryAllocation(of: Int64.self, capacity: Self.maskedColumnChunk) { buffer in
                        guard let w = buffer.baseAddress else { return }
                        var first = 0
                        while first < columnsBuffer.count {
                            let count = min(Self.maskedColumnChunk, columnsBuffer.count - first)
                            if denseColumnsAreConsecutive {
                                let xs = x + columns[first], vs = values + first
                                for c in 0..<count { w[c] = Int64(bitPattern: (vs[c] * xs[c]).bitPattern) }
                            } else {
                                for c in 0..<count {
                                    w[c] = Int64(bitPattern: (values[first + c] * x[columns[first + c]]).bitPattern)
                                }
                            }
                            multiplyMaskedChunk(w, count: count, masks + first * denseRowStride,
                                                into: y, accumulate: first > 0, wide: wide)
                            first += count
                        }
                    }
                }
            }
        }
    }

    /// Adds to y (or, unless `accumulate`, writes into y) the masked sums of `count` columns whose
    /// terms w (as bit patterns) and masks start at `w` and `masks`.
    @inlinable
    func multiplyMaskedChunk(_ w: UnsafePointer<Int64>, count: Int, _ masks: UnsafePointer<Int8>,
                             into y: UnsafeMutablePointer<Double>, accumulate: Bool, wide: Bool) {
        let stride = denseRowStride, rows = rowCount
        @inline(__always) func start(_ row: Int) -> SIMD4<Double> {
            guard accumulate else { return SIMD4<Double>() }
            if row + 4 <= rows { return load4(y + row) }
            var sum = SIMD4<Double>()
            for lane in 0..<(rows - row) { sum[lane] = y[row + lane] }
            return sum
        }
        @inline(__always) func write(_ sum: SIMD4<Double>, _ row: Int) {
            if row + 4 <= rows {
                store4(sum, y + row)
            } else {
                for lane in 0..<(rows - row) { y[row + lane] = sum[lane] }
            }
        }
        /// w where the four bytes at `p` are 0xFF, +0 where they are 0x00.
        @inline(__always) func masked(_ w: SIMD4<Int64>, _ p: UnsafePointer<Int8>) -> SIMD4<Double> {
            let m = SIMD4<Int64>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Int8>.self))
            return unsafeBitCast(w & m, to: SIMD4<Double>.self)
        }
        // On a CPU with AVX-512, the rows that 512-bit vectors cover go to the C kernel (the same sums).
        var row = wide ? hv_masked_sum_avx512(w, count, masks, stride, rows, y, accumulate ? 1 : 0) : 0
        while stride - row >= 32 {
            let nine = stride - row == 36
            var a0 = start(row), a1 = start(row + 4), a2 = start(row + 8), a3 = start(row + 12)
            var a4 = start(row + 16), a5 = start(row + 20), a6 = start(row + 24), a7 = start(row + 28)
            var p = masks + row
            if nine {
                var a8 = start(row + 32)
                for c in 0..<count {
                    let wc = SIMD4<Int64>(repeating: w[c])
                    a0 += masked(wc, p); a1 += masked(wc, p + 4); a2 += masked(wc, p + 8)
                    a3 += masked(wc, p + 12); a4 += masked(wc, p + 16); a5 += masked(wc, p + 20)
                    a6 += masked(wc, p + 24); a7 += masked(wc, p + 28); a8 += masked(wc, p + 32)
                    p += stride
                }
                write(a8, row + 32)
            } else {
                for c in 0..<count {
                    let wc = SIMD4<Int64>(repeating: w[c])
                    a0 += masked(wc, p); a1 += masked(wc, p + 4); a2 += masked(wc, p + 8)
                    a3 += masked(wc, p + 12); a4 += masked(wc, p + 16); a5 += masked(wc, p + 20)
                    a6 += masked(wc, p + 24); a7 += masked(wc, p + 28)
                    p += stride
                }
            }
            write(a0, row); write(a1, row + 4); write(a2, row + 8); write(a3, row + 12)
            write(a4, row + 16); write(a5, row + 20); write(a6, row + 24); write(a7, row + 28)
            row += nine ? 36 : 32
        }
        if stride - row >= 16 {
            var a0 = start(row), a1 = start(row + 4), a2 = start(row + 8), a3 = start(row + 12)
            var p = masks + row
            for c in 0..<count {
                let wc = SIMD4<Int64>(repeating: w[c])
                a0 += masked(wc, p); a1 += masked(wc, p + 4); a2 += masked(wc, p + 8); a3 += masked(wc, p + 12)
                p += stride
            }
            write(a0, row); write(a1, row + 4); write(a2, row + 8); write(a3, row + 12)
            row += 16
        }
        while row < stride {
            var a0 = start(row)
            var p = masks + row
            for c in 0..<count {
                a0 += masked(SIMD4<Int64>(repeating: w[c]), p)
                p += stride
            }
            write(a0, row)
            row += 4
        }
    }

    /// y = A x from the sliced ELLPACK form, four rows at a time.
    @inlinable
    package func multiplySliced(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        sliceStart.withUnsafeBufferPointer { start in
            sliceColumns.withUnsafeBufferPointer { column in
                sliceValues.withUnsafeBufferPointer { value in
                    let c = column.baseAddress!, v = value.baseAddress!
                    for s in 0..<emptyRows.count {
                        var sum = SIMD4<Double>()
                        for position in start[s]..<start[s + 1] {
                            let k = 4 * position
                            let gathered = SIMD4(x[Int(c[k])], x[Int(c[k + 1])], x[Int(c[k + 2])], x[Int(c[k + 3])])
                            sum += load4(v + k) * gathered
                        }
                        sum.replace(with: 0, where: emptyRows[s])
                        for lane in 0..<4 {
                            let row = sliceRows[4 * s + lane]
                            if row >= 0 { y[row] = sum[lane] }
                        }
                    }
                }
            }
        }
    }
}
