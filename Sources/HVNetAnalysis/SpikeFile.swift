import Foundation

/// A spike file that cannot be used, naming the line and column.
public enum SpikeFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case missingColumn(name: String, option: String, available: [String])
    case malformed(line: Int, column: String, value: String, expected: String)
    case outsideWindow(line: Int, timeMs: Double, startMs: Double, stopMs: Double)
    case duplicate(line: Int, cell: Int, trial: Int, timeMs: Double)
    case cellOutOfRange(line: Int, cell: Int, cellCount: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .empty(let path): return "\(path) has no header line"
        case .missingColumn(let name, let option, let available):
            return "no column '\(name)' (set it with \(option)); the file has: \(available.joined(separator: ", "))"
        case .malformed(let line, let column, let value, let expected):
            return "line \(line), column \(column): '\(value)' is not \(expected)"
        case .outsideWindow(let line, let t, let start, let stop):
            return "line \(line): spike at \(t) ms is outside the window [\(start), \(stop)) ms"
        case .duplicate(let line, let cell, let trial, let t):
            return "line \(line): duplicate spike at \(t) ms in cell \(cell)\(trial > 0 ? ", trial \(trial)" : "")"
        case .cellOutOfRange(let line, let cell, let count):
            return "line \(line): cell \(cell) is outside 0 … \(count - 1) (--cells \(count))"
        }
    }
}

/// Spike files: hvnet's `spikes.csv` (`cell,time_ms` or `trial,cell,time_ms`) and any CSV whose
/// cell, time and trial columns are named by options (Brian2, NEST or NEURON exports).
public struct SpikeFile: Sendable {
    public enum TimeUnit: String, Sendable, CaseIterable {
        case ms, s
        var toMs: Double { self == .ms ? 1 : 1000 }
    }

    public struct Options: Sendable {
        public var cellColumn = "cell"
        public var timeColumn = "time_ms"
        /// The trial column; used when present. nil: "trial" if the file has it.
        public var trialColumn: String? = nil
        public var timeUnit = TimeUnit.ms
        public init() {}
    }

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var trial: Int
        public var cell: Int
        public var timeMs: Double
    }

    public var rows: [Row]
    public var hasTrials: Bool

    /// Cell indices are below this (10⁷): a larger index would make `analyze` allocate a train
    /// per cell up to it. Trial indices are below ``maxTrials`` (10⁶).
    public static let maxCells = 10_000_000
    public static let maxTrials = 1_000_000

    public var cellCount: Int { (rows.map(\.cell).max() ?? -1) + 1 }
    public var trialCount: Int { (rows.map(\.trial).max() ?? 0) + 1 }

    /// Reads and parses a spike file; values are checked, times converted to ms.
    public static func read(path: String, options: Options) throws -> SpikeFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpikeFileError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not UTF-8 text" : "no such file")
        }
        return try parse(text, path: path, options: options)
    }

    public static func parse(_ text: String, path: String = "input", options: Options) throws -> SpikeFile {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).makeIterator()
        guard let headerLine = lines.next(), !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SpikeFileError.empty(path: path)
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        func column(_ name: String, _ option: String) throws -> Int {
            guard let k = header.firstIndex(of: name) else { throw SpikeFileError.missingColumn(name: abbreviatedField(name), option: option, available: header.prefix(20).map(abbreviatedField)) }
            return k
        }
        let cellIndex = try column(options.cellColumn, "--cell-column")
        let timeIndex = try column(options.timeColumn, "--time-column")
        let trialIndex: Int? = try options.trialColumn.map { try column($0, "--trial-column") } ?? header.firstIndex(of: "trial")
        var rows: [Row] = []
        var lineNumber = 1
        while let raw = lines.next() {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func field(_ k: Int, _ name: String) throws -> String {
                guard k < fields.count else {
                    throw SpikeFileError.malformed(line: lineNumber, column: name, value: "", expected: "present (the line has \(fields.count) fields)")
                }
                return fields[k]
            }
            let cellText = try field(cellIndex, header[cellIndex])
            guard let cell = Int(cellText), cell >= 0, cell < Self.maxCells else {
                throw SpikeFileError.malformed(
                    line: lineNumber, column: header[cellIndex], value: abbreviatedField(cellText),
                    expected: "a non-negative integer cell index below \(Self.maxCells)")
            }
            let timeText = try field(timeIndex, header[timeIndex])
            guard let t = Double(timeText), t.isFinite else {
                throw SpikeFileError.malformed(line: lineNumber, column: header[timeIndex], value: abbreviatedField(timeText), expected: "a finite number")
            }
            var trial = 0
            if let trialIndex {
                let trialText = try field(trialIndex, header[trialIndex])
                guard let k = Int(trialText), k >= 0, k < Self.maxTrials else {
                    throw SpikeFileError.malformed(
                        line: lineNumber, column: header[trialIndex], value: abbreviatedField(trialText),
                        expected: "a non-negative integer trial index below \(Self.maxTrials)")
                }
                trial = k
            }
            rows.append(Row(line: lineNumber, trial: trial, cell: cell, timeMs: t * options.timeUnit.toMs))
        }
        return SpikeFile(rows: rows, hasTrials: trialIndex != nil)
    }

    /// Spike trains of each trial in [start, stop) ms: times outside the window, duplicates in a
    /// train and cells beyond `cellCount` are errors naming the line; unsorted times are sorted.
    public func trains(startMs: Double, stopMs: Double, cellCount: Int) throws -> [SpikeTrains] {
        for row in rows {
            guard row.timeMs >= startMs && row.timeMs < stopMs else {
                throw SpikeFileError.outsideWindow(line: row.line, timeMs: row.timeMs, startMs: startMs, stopMs: stopMs)
            }
            guard row.cell < cellCount else { throw SpikeFileError.cellOutOfRange(line: row.line, cell: row.cell, cellCount: cellCount) }
        }
        var result: [SpikeTrains] = []
        for trial in 0..<trialCount {
            var trains = [[(time: Double, line: Int)]](repeating: [], count: cellCount)
            for row in rows where row.trial == trial { trains[row.cell].append((row.timeMs, row.line)) }
            for (cell, train) in trains.enumerated() {
                let sorted = train.sorted { ($0.time, $0.line) < ($1.time, $1.line) }
                for (a, b) in zip(sorted, sorted.dropFirst()) where a.time == b.time {
                    throw SpikeFileError.duplicate(line: b.line, cell: cell, trial: trial, timeMs: b.time)
                }
            }
            result.append(SpikeTrains(trains: trains.map { $0.map(\.time) }, startMs: startMs, stopMs: stopMs))
        }
        return result
    }
}

/// A field of a spike file as shown in a message: at most 80 characters.
func abbreviatedField(_ text: String) -> String {
    text.count <= 80 ? text : String(text.prefix(60)) + " … (\(text.count) characters)"
}
