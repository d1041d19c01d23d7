/// Spike trains of a fixed set of cells observed in a window [start, stop) ms: the input of every
/// measure. Times are sorted per cell; silent cells are kept, since the cell count is given.
public struct SpikeTrains: Sendable, Equatable {
    public var trains: [[Double]]
    public var startMs: Double
    public var stopMs: Double

    public init(trains: [[Double]], startMs: Double, stopMs: Double) {
        precondition(stopMs > startMs, "the window must have positive length")
        self.trains = trains.map { $0.sorted() }
        self.startMs = startMs
        self.stopMs = stopMs
    }

    /// Groups (cell, time) pairs into `cellCount` trains.
    public init(cellCount: Int, spikes: [(cell: Int, timeMs: Double)], startMs: Double, stopMs: Double) {
        var trains = [[Double]](repeating: [], count: cellCount)
        for s in spikes { trains[s.cell].append(s.timeMs) }
        self.init(trains: trains, startMs: startMs, stopMs: stopMs)
    }

    public var cellCount: Int { trains.count }
    public var durationMs: Double { stopMs - startMs }
    public var spikeCount: Int { trains.reduce(0) { $0 + $1.count } }
}
