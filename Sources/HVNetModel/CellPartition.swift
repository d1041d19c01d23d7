import Numerics

/// How the cells of one network are split between threads that evaluate it together.
public enum CellPartition {
    /// Weight of one cell's update against one synapse of the sparse product, in the balance
    /// below: on W100 the cell update and the noise take about 49 % of the time for 1 cell and the
    /// sparse products 29 % for about 20 synapses per cell (docs/performance.md, "What limits
    /// further speed"), so a cell costs about as much as 32 synapses.
    public static let cellWeight = 32

    /// Cells per block of the partition: a cache line of doubles (8), a multiple of the right-hand
    /// side's SIMD blocks of four. With per-cell arrays on cache lines (``Workspace``), two threads
    /// then never write the same line of them, which would move it between their cores on every
    /// write (docs/performance.md, "One network over several cores").
    public static let blockSize = CacheLines.doubles

    /// Cell ranges for `parts` threads: contiguous, in order, covering 0..<`cellCount`, each
    /// starting on a multiple of ``blockSize`` (8) and ending on one or at `cellCount`, balanced by
    /// cost = synapses into the cell + ``cellWeight``. Part k ends at the block boundary closest to
    /// k/parts of the total cost (ties to the earlier one), never before the previous part's end
    /// plus one block. Depends only on `synapsesPerCell` and `parts`; fewer than `parts` ranges
    /// when there are fewer blocks than parts.
    ///
    /// - Parameter synapsesPerCell: non-zeros of the coupling rows of each cell (n values).
    public static func ranges(synapsesPerCell: [Int], parts: Int) -> [Range<Int>] {
        let n = synapsesPerCell.count, size = blockSize
        let blocks = (n + size - 1) / size
        let count = max(1, min(parts, blocks))
        guard count > 1 else { return [0..<n] }
        // Cost up to the end of each block.
        var cumulative = [0]
        cumulative.reserveCapacity(blocks + 1)
        for b in 0..<blocks {
            var cost = 0
            for i in (size * b)..<min(size * b + size, n) { cost += synapsesPerCell[i] + cellWeight }
            cumulative.append(cumulative[b] + cost)
        }
        let total = cumulative[blocks]
        var bounds = [0]
        for k in 1..<count {
            let target = Double(total) * Double(k) / Double(count)
            // Block boundaries allowed: after the previous bound, leaving a block for each later part.
            let low = bounds[k - 1] + 1, high = blocks - (count - k)
            var best = low
            for b in low...high where abs(Double(cumulative[b]) - target) < abs(Double(cumulative[best]) - target) { best = b }
            bounds.append(best)
        }
        bounds.append(blocks)
        return (0..<count).map { (size * bounds[$0])..<min(size * bounds[$0 + 1], n) }
    }
}

extension NetworkRightHandSide {
    /// The network split into `count` parts (``CellPartition/ranges(synapsesPerCell:parts:)``).
    public func parts(_ count: Int) -> [Part] {
        let ampa = model.ampa.weights.rowStart, gabaA = model.gabaA.weights.rowStart
        var synapses: [Int] = []
        for i in 0..<model.cellCount {
            let ampaCount: Int = ampa[i + 1] - ampa[i]
            let gabaACount: Int = gabaA[i + 1] - gabaA[i]
            synapses.append(ampaCount + gabaACount)
        }
        return CellPartition.ranges(synapsesPerCell: synapses, parts: count).map { part(cells: $0) }
    }
}
