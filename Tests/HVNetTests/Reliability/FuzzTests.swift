import Foundation
import Testing
@testable import HVNetAnalysis
@testable import HVNetScenario

/// Random mutations of every shipped scenario and random spike files, through the loader, the
/// checks, the resource estimate and analyze's reader and measures. A trap or a hang fails the
/// test run; every input must give a typed error or a usable value. The seed corpus is fixed
/// (seeds below); HVNET_FUZZ_ITERATIONS=N runs N mutations of each kind instead of the default.
@Suite("Fuzzing: malformed scenarios and spike files never trap or hang")
struct FuzzTests {
    static var iterations: Int? { ProcessInfo.processInfo.environment["HVNET_FUZZ_ITERATIONS"].flatMap { Int($0) } }

    /// Values that have broken parsers and conversions.
    static let oddValues = [
        "inf", "-inf", ".inf", "nan", ".nan", "1e300", "-1e300", "1e-300", "0", "-0", "-1", "1/0", "0/0", "1/2/3", "1/3",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1e16", "4.5e15", "\"\"", "~", "null", "true",
        "[]", "{}", "[1, 2]", "{a: 1}", "x", "0x10", "1_000", "2.5", "1000000", "100000000", String(repeating: "9", count: 400),
    ]

    static func shippedTexts() throws -> [String] {
        let dir = repositoryRoot.appendingPathComponent("scenarios")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
            try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)
        }
    }

    /// One random mutation of scenario text: a value replaced by an odd one, a line deleted or
    /// duplicated, a key renamed, a scalar wrapped in a list or mapping, or the indentation changed.
    static func mutate(_ text: String, _ g: inout SeededGenerator) -> String {
        var lines = text.components(separatedBy: "\n")
        guard !lines.isEmpty else { return text }
        let rounds = Int.random(in: 1...3, using: &g)
        for _ in 0..<rounds {
            let i = Int.random(in: 0..<lines.count, using: &g)
            let line = lines[i]
            switch Int.random(in: 0..<7, using: &g) {
            case 0, 1, 2:
                // Replace a value after ': ' or a number token.
                let pattern = try! NSRegularExpression(pattern: #"(?<=: )[^,{}\[\]\n]+|-?[0-9][0-9.e+/-]*"#)
                let matches = pattern.matches(in: line, range: NSRange(line.startIndex..., in: line))
                guard let m = matches.randomElement(using: &g), let r = Range(m.range, in: line) else { continue }
                lines[i] = line.replacingCharacters(in: r, with: oddValues.randomElement(using: &g)!)
            case 3: lines.remove(at: i); if lines.isEmpty { lines = [""] }
            case 4: lines.insert(line, at: i)
            case 5:
                if let colon = line.firstIndex(of: ":") {
                    lines[i] = line.replacingCharacters(in: line.startIndex..<colon, with: String(line[..<colon]).uppercased())
                } else { lines[i] = "  " + line }
            default:
                lines[i] = Bool.random(using: &g) ? "  " + line : String(line.drop { $0 == " " })
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test("Mutated scenarios give a typed error or a scenario whose estimate is finite", .timeLimit(.minutes(20)))
    func scenarios() throws {
        let corpus = try Self.shippedTexts()
        #expect(!corpus.isEmpty)
        let n = Self.iterations ?? 400
        var g = SeededGenerator(seed: 20_261_130)
        var accepted = 0, refused = 0
        for k in 0..<n {
            let text = Self.mutate(corpus[k % corpus.count], &g)
            do {
                let s = try ScenarioLoader.parse(text)
                _ = try s.check()
                let estimate = ResourceEstimate(s)
                let exceeded = estimate.exceeded()
                #expect(!estimate.summary.isEmpty)
                if exceeded.isEmpty && estimate.contacts < 1e5 && estimate.cells < 1e4 {
                    _ = s.drawConnectivity()
                    _ = try s.initialState()
                }
                accepted += 1
            } catch let error as ScenarioError {
                #expect(error.description.count < 2_000, "message of \(error.description.count) characters")
                refused += 1
            } catch {
                // Typed errors of the model (a resting state that does not converge) are fine too.
                #expect(!"\(error)".isEmpty)
                refused += 1
            }
        }
        #expect(accepted + refused == n)
    }

    static let oddTimes = ["nan", "inf", "-inf", "1e308", "-1e308", "1e-320", "", " ", "0x1p3", "1,2", "９", "1e", "e1"]
    static let oddCells = ["-1", "9223372036854775807", "9223372036854775808", "1e3", "", "0.5", "10000000", "9999999", "1"]

    static func spikeFile(_ g: inout SeededGenerator) -> String {
        var lines = [Bool.random(using: &g) ? "cell,time_ms" : "trial,cell,time_ms"]
        let trial = lines[0].hasPrefix("trial")
        for _ in 0..<Int.random(in: 0...40, using: &g) {
            var cell = String(Int.random(in: 0...5, using: &g))
            var time = String(Double.random(in: -20...120, using: &g))
            var t = String(Int.random(in: 0...3, using: &g))
            if Int.random(in: 0..<10, using: &g) == 0 { cell = oddCells.randomElement(using: &g)! }
            if Int.random(in: 0..<10, using: &g) == 0 { time = oddTimes.randomElement(using: &g)! }
            if Int.random(in: 0..<20, using: &g) == 0 { t = oddCells.randomElement(using: &g)! }
            var line = (trial ? [t, cell, time] : [cell, time]).joined(separator: ",")
            if Int.random(in: 0..<30, using: &g) == 0 { line += ",extra" }
            if Int.random(in: 0..<30, using: &g) == 0 { line = String(line.prefix(2)) }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    @Test("Random spike files and option values through analyze's reader, estimate and measures", .timeLimit(.minutes(20)))
    func spikeFiles() {
        let n = Self.iterations.map { max(1, $0 / 10) } ?? 200
        var g = SeededGenerator(seed: 424_242)
        let windows: [(Double, Double)] = [(0, 100), (-100, 100), (0, 10), (0, 1e12), (50, 50.5), (-1e300, 1e300)]
        let bins = [1, 0.1, 1e-9, 7, 1e6, 0.3]
        let sigmas = [5, 0.5, 1e-3, 1e9, 1e300]
        let costs = [0.1, 0, .infinity, 1e308, 1e-308]
        let lags = [0, 1, 50, 12, Int.max]
        for _ in 0..<n {
            let text = Self.spikeFile(&g)
            guard let file = try? SpikeFile.parse(text, options: .init()) else { continue }
            let (start, stop) = windows.randomElement(using: &g)!
            var p = AnalysisParameters()
            p.binMs = bins.randomElement(using: &g)!
            p.kernel.sigmaMs = sigmas.randomElement(using: &g)!
            p.victorPurpuraCostPerMs = costs.randomElement(using: &g)!
            p.cchWindowBins = lags.randomElement(using: &g)!
            p.fanoWindowMs = [100, 1e-300, 1e300].randomElement(using: &g)!
            let cells = max(file.cellIds.count, 1)
            let estimate = AnalysisEstimate(
                cells: cells, trials: file.trialCount, spikes: file.rows.count, startMs: start, stopMs: stop, parameters: p,
                measures: Set(Measure.allCases))
            guard estimate.undefined().isEmpty, estimate.exceeded().isEmpty else { continue }
            guard let trains = try? file.trains(startMs: start, stopMs: stop) else { continue }
            let analysis = SpikeAnalysis(trains[0], parameters: p, measures: Set(Measure.allCases), correlogramPairs: [(0, 0)])
            if let chi = analysis.chiKernel?.chi { #expect(chi.isNaN || chi <= 1) }
            if trains.count > 1 { _ = TrialAnalysis(trains, parameters: p) }
        }
    }
}
