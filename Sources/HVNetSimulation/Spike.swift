/// One spike: an upward crossing of the threshold, located by cubic Hermite interpolation between
/// steps, with the peak that follows it.
public struct Spike: Sendable, Equatable {
    public var trial: Int = 0
    public var cell: Int
    /// Time of the upward threshold crossing in ms.
    public var timeMs: Double
    /// Highest membrane potential between this crossing and the next downward crossing, in mV.
    public var peakMV: Double
    public var peakTimeMs: Double
}
