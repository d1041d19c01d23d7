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

    /// The most rate samples (cells × samples) that ``streamingChiSquared(_:_:_:chunk:)`` keeps
    /// from its first pass for its second: 1 MB (W100's 100 cells × 1001 samples fit).
    static let rateCacheLimit = 131_072

    /// χ² from the cells' exact kernel rates, computed in pieces of `chunk` samples in two passes
    /// (means, then variances), so memory does not grow with the duration; the sums run in the
    /// same order as over whole rate vectors, so the result is the same bit for bit. When the
    /// rates are one piece of at most ``rateCacheLimit`` samples in all, the second pass reads
    /// those of the first instead of evaluating every kernel again (the same values).
    static func streamingChiSquared(_ trains: [[Double]], _ window: SpikeTrains, _ p: KernelRateParameters,
                                    chunk: Int = 4096) -> Double {
        let samples = KernelRate.sampleCount(startMs: window.startMs, stopMs: window.stopMs, samplingMs: p.samplingMs)
        guard samples > 0, !trains.isEmpty else { return .nan }
        let n = Double(trains.count), count = Double(samples)
        var rate = [Double](repeating: 0, count: chunk), population = rate
        let caches = samples <= chunk && trains.count * samples <= rateCacheLimit
        var cache = [Double]()
        /// Calls `body(range, population)` per piece after filling the population sum, and
        /// `cell(i, range, rate)` with each cell's rate of the piece.
        func sweep(cell: (Int, Range<Int>, [Double]) -> Void, body: (Range<Int>, [Double]) -> Void) {
            for first in stride(from: 0, to: samples, by: chunk) {
                let range = first..<min(first + chunk, samples)
                for k in 0..<range.count { population[k] = 0 }
                for (i, train) in trains.enumerated() {
                    if caches && cache.count == trains.count * samples {
                        for k in 0..<samples { rate[k] = cache[i * samples + k] }
                    } else {
                        for k in 0..<range.count { rate[k] = 0 }
                        KernelRate.exactRate(of: train, start: window.startMs, p, samples: range, into: &rate)
                        if caches { cache.append(contentsOf: rate[0..<samples]) }
                    }
                    cell(i, range, rate)
                    for k in 0..<range.count { population[k] += rate[k] }
                }
                body(range, population)
            }
        }
        var cellSums = [Double](repeating: 0, count: trains.count), populationSum = 0.0
        sweep(cell: { i, range, r in for k in 0..<range.count { cellSums[i] += r[k] } },
              body: { range, pop in for k in 0..<range.count { populationSum += pop[k] / n } })
        let cellMeans = cellSums.map { $0 / count }, populationMean = populationSum / count
        var cellSquares = [Double](repeating: 0, count: trains.count), populationSquares = 0.0
        sweep(cell: { i, range, r in for k in 0..<range.count { cellSquares[i] += (r[k] - cellMeans[i]) * (r[k] - cellMeans[i]) } },
              body: { range, pop in for k in 0..<range.count { populationSquares += (pop[k] / n - populationMean) * (pop[k] / n - populationMean) } })
        let varianceSum = cellSquares.reduce(0) { $0 + $1 / count }
        let variance = populationSquares / count
        let meanVariance = varianceSum / n
        return meanVariance > 0 ? variance / meanVariance : .nan
    }
}
