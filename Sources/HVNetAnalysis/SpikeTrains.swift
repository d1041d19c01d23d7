/// Spike trains of a fixed set of cells observed in a window [start, stop] ms (Neo's convention:
/// spikes at t_start and at t_stop belong to it): the input of every measure. Times are sorted per cell; silent cells are kept, since the cell count is given.
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
    public init<Spikes: Collection>(cellCount: Int, spikes: Spikes, startMs: Double, stopMs: Double)
    where Spikes.Element == (cell: Int, timeMs: Double) {
        // Each train allocated once at its final size (the spike list can be long).
        var counts = [Int](repeating: 0, count: cellCount)
        for s in spikes { counts[s.cell] += 1 }
        var trains = counts.map { count -> [Double] in
            var train: [Double] = []
            train.reserveCapacity(count)
            return train
        }
        for s in spikes { trains[s.cell].append(s.timeMs) }
        self.init(trains: trains, startMs: startMs, stopMs: stopMs)
    }

    public var cellCount: Int { trains.count }
    public var durationMs: Double { stopMs - startMs }
    public var spikeCount: Int { trains.reduce(0) { $0 + $1.count } }
}
