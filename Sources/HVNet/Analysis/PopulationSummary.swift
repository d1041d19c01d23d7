/// Per-population statistics for run summaries: mean rate, and the means over cells with a
/// finite value of the ISI CV and CV2.
public struct PopulationSummary: Sendable, Equatable {
    public var name: String
    public var cells: Int
    public var spikes: Int
    public var meanRateHz: Double
    public var meanCV: Double
    public var meanCV2: Double

    /// Statistics of the cells `range` of `trains`, pooled over trials (one `SpikeTrains` per trial).
    public init(name: String, cells range: Range<Int>, trials: [SpikeTrains]) {
        self.name = name
        cells = range.count
        var rates: [Double] = [], cvs: [Double] = [], cv2s: [Double] = []
        var count = 0
        for t in trials {
            for i in range {
                let train = t.trains[i]
                count += train.count
                rates.append(PerCellStatistics.rateHz(train, durationMs: t.durationMs))
                cvs.append(PerCellStatistics.cv(train))
                cv2s.append(PerCellStatistics.cv2(train))
            }
        }
        func finiteMean(_ v: [Double]) -> Double {
            let f = v.filter(\.isFinite)
            return f.isEmpty ? .nan : f.reduce(0, +) / Double(f.count)
        }
        spikes = count
        meanRateHz = finiteMean(rates)
        meanCV = finiteMean(cvs)
        meanCV2 = finiteMean(cv2s)
    }
}
