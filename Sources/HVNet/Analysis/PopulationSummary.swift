/// Per-population statistics for run summaries: mean rate, the means over cells with a finite
/// value of the ISI CV, CV2 and windowed Fano factor (100 ms windows), and Golomb's χ of the
/// cells' exact kernel rates (σ = 5 ms, sampled every 1 ms); all averaged over trials.
public struct PopulationSummary: Sendable, Equatable {
    public var name: String
    public var cells: Int
    public var spikes: Int
    public var meanRateHz: Double
    public var meanCV: Double
    public var meanCV2: Double
    public var meanFano: Double
    /// Golomb's χ (not χ²) of the population; NaN for a single cell or silent populations.
    public var chi: Double

    /// Statistics of the cells `range`, pooled over trials (one `SpikeTrains` per trial).
    public init(name: String, cells range: Range<Int>, trials: [SpikeTrains]) {
        self.name = name
        cells = range.count
        var rates: [Double] = [], cvs: [Double] = [], cv2s: [Double] = [], fanos: [Double] = [], chis: [Double] = []
        var count = 0
        let kernel = KernelRateParameters()
        for t in trials {
            let windows = BinnedCounts(SpikeTrains(trains: range.map { t.trains[$0] }, startMs: t.startMs, stopMs: t.stopMs), binMs: 100)
            for (k, i) in range.enumerated() {
                let train = t.trains[i]
                count += train.count
                rates.append(PerCellStatistics.rateHz(train, durationMs: t.durationMs))
                cvs.append(PerCellStatistics.cv(train))
                cv2s.append(PerCellStatistics.cv2(train))
                fanos.append(CountStatistics.fano(windows.counts[k]))
            }
            if range.count > 1 { chis.append(Self.streamingChiSquared(range.map { t.trains[$0] }, t, kernel).squareRoot()) }
        }
        func finiteMean(_ v: [Double]) -> Double {
            let f = v.filter(\.isFinite)
            return f.isEmpty ? .nan : f.reduce(0, +) / Double(f.count)
        }
        spikes = count
        meanRateHz = finiteMean(rates)
        meanCV = finiteMean(cvs)
        meanCV2 = finiteMean(cv2s)
        meanFano = finiteMean(fanos)
        chi = finiteMean(chis)
    }

    /// χ² computed one cell at a time, so memory is one rate vector and the population sum.
    static func streamingChiSquared(_ trains: [[Double]], _ window: SpikeTrains, _ p: KernelRateParameters) -> Double {
        var population: [Double] = []
        var varianceSum = 0.0
        for train in trains {
            let rate = KernelRate.rate(of: train, window: (window.startMs, window.stopMs), p, mode: .exact)
            if population.isEmpty { population = [Double](repeating: 0, count: rate.count) }
            let mean = rate.reduce(0, +) / Double(rate.count)
            varianceSum += rate.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rate.count)
            for k in rate.indices { population[k] += rate[k] }
        }
        let n = Double(trains.count)
        let scaled = population.map { $0 / n }
        let mean = scaled.reduce(0, +) / Double(scaled.count)
        let variance = scaled.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scaled.count)
        let meanVariance = varianceSum / n
        return meanVariance > 0 ? variance / meanVariance : .nan
    }
}
