import Foundation
import Numerics

/// A spike file that cannot be used, naming the line and column.
public enum SpikeFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case missingColumn(name: String, option: String, available: [String])
    case malformed(line: Int, column: String, value: String, expected: String)
    case outsideWindow(line: Int, timeMs: Double, startMs: Double, stopMs: Double)
    case duplicate(line: Int, cell: Int, trial: Int, timeMs: Double)
    /// A cell id that is not among the declared ones (`--cells`, `--cell-ids`, a run's summary.json).
    case undeclaredCell(line: Int, cell: Int, declared: String)
    /// A trial index at or beyond the declared trial count.
    case trialOutOfRange(line: Int, trial: Int, trialCount: Int)
    /// A `--cell-ids` or `--cells` value that cannot be used.
    case badCellIds(text: String, reason: String)
    /// More cells × trials than one analysis holds.
    case tooManyTrains(cells: Int, trials: Int, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .empty(let path): return "\(path) has no header line"
        case .missingColumn(let name, let option, let available):
            return "no column '\(name)' (set it with \(option)); the file has: \(available.joined(separator: ", ")) (or choose the format with --format: csv, nest, brian2, nwb)"
        case .malformed(let line, let column, let value, let expected):
            return "line \(line), column \(column): '\(value.prefix(80))' is not \(expected)"
        case .outsideWindow(let line, let t, let start, let stop):
            return "line \(line): spike at \(t) ms is outside the window [\(start), \(stop)] ms"
        case .duplicate(let line, let cell, let trial, let t):
            return "line \(line): duplicate spike at \(t) ms in cell \(cell)\(trial > 0 ? ", trial \(trial)" : "")"
        case .undeclaredCell(let line, let cell, let declared):
            return "line \(line): cell \(cell) is not among the declared cells \(declared)"
        case .trialOutOfRange(let line, let trial, let count):
            return "line \(line): trial \(trial) is outside 0 … \(count - 1) (\(count) trial(s) declared)"
        case .tooManyTrains(let cells, let trials, let limit):
            return "\(cells) cells × \(trials) trials is more than the \(limit) spike trains one analysis holds; declare fewer cells (--cell-ids) or trials (--trials)"
        case .badCellIds(let text, let reason):
            return "--cell-ids '\(text.prefix(80))': \(reason); allowed: ids and ranges such as 0..9 or 1,2,5..8"
        }
    }
}

/// Spike files of hvnet and of other simulators, with spike times in ms:
///
/// - `csv`: any CSV or TSV with a header naming the columns (hvnet's `spikes.csv`: `cell,time_ms`
///   or `trial,cell,time_ms`);
/// - `nest`: NEST 3's ASCII spike recorder (`#` comment lines, tab or space separated,
///   `sender` and `time_ms` columns);
/// - `brian2`: a Brian2 SpikeMonitor export (columns `i` and `t`, t in seconds);
/// - `nwb`: an NWB 2.x Units table (read outside this type, by the NWB export module).
///
/// Cell identities are labels: the cells of an analysis are the declared ids
/// (``CellIds``) or, when none are declared, the distinct ids of the file in increasing order.
public struct SpikeFile: Sendable {
    public enum TimeUnit: String, Sendable, CaseIterable {
        case ms, s
        public var toMs: Double { self == .ms ? 1 : 1000 }
    }

    public enum Format: String, Sendable, CaseIterable {
        /// Detected from the content (``detect(_:)``).
        case auto
        case csv, nest, brian2, nwb

        /// Default cell column, time column and time unit.
        public var defaults: (cell: String, time: String, unit: TimeUnit) {
            switch self {
            case .nest: return ("sender", "time_ms", .ms)
            case .brian2: return ("i", "t", .s)
            case .auto, .csv, .nwb: return ("cell", "time_ms", .ms)
            }
        }
    }

    public struct Options: Sendable {
        public var format = Format.auto
        /// nil: the format's default (``Format/defaults``).
        public var cellColumn: String? = nil
        public var timeColumn: String? = nil
        /// The trial column; used when present. nil: "trial" if the file has it.
        public var trialColumn: String? = nil
        /// nil: the format's default.
        public var timeUnit: TimeUnit? = nil
        public init() {}
    }

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var trial: Int
        /// The cell id as written in the file (a label, not necessarily 0-based).
        public var cell: Int
        public var timeMs: Double
        public init(line: Int, trial: Int, cell: Int, timeMs: Double) {
            self.line = line
            self.trial = trial
            self.cell = cell
            self.timeMs = timeMs
        }
    }

    public var rows: [Row]
    public var hasTrials: Bool
    /// The format the file was read as (never `auto`).
    public var format: Format
    public var cellColumn: String
    public var timeColumn: String
    public var timeUnit: TimeUnit

    public init(rows: [Row], hasTrials: Bool, format: Format, cellColumn: String = "cell", timeColumn: String = "time_ms",
                timeUnit: TimeUnit = .ms) {
        self.rows = rows
        self.hasTrials = hasTrials
        self.format = format
        self.cellColumn = cellColumn
        self.timeColumn = timeColumn
        self.timeUnit = timeUnit
    }

    /// Cell indices are below this (10⁷): a larger index would make `analyze` allocate a train
    /// per cell up to it. Trial indices are below ``maxTrials`` (10⁶).
    public static let maxCells = 10_000_000
    public static let maxTrials = 1_000_000

    /// The distinct cell ids of the file, in increasing order.
    public var cellIds: [Int] { Array(Set(rows.map(\.cell))).sorted() }
    /// The highest trial index + 1 (1 for a file without trials).
    public var trialCount: Int { min(max(rows.map(\.trial).max() ?? 0, 0), Self.trainLimit) + 1 }
    /// The most spike trains (cells × trials) one analysis holds.
    public static let trainLimit = 10_000_000

    /// The 8-byte signature that starts every HDF5 (and so NWB) file.
    public static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

    /// The format of a file from its first bytes: `nwb` for HDF5, `nest` when the header names
    /// a `sender` column, `brian2` when it has `i` and `t` columns, `csv` otherwise.
    public static func detect(_ data: Data) -> Format {
        if data.count >= 8 && Array(data.prefix(8)) == hdf5Signature { return .nwb }
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        guard let header = headerFields(text) else { return .csv }
        if header.fields.contains("sender") { return .nest }
        if header.fields.contains("i") && header.fields.contains("t") && !header.fields.contains("cell") { return .brian2 }
        return .csv
    }

    /// The header (first line that is neither empty nor a `#` comment) split into fields, its
    /// separator and its 0-based line index.
    static func headerFields(_ text: String) -> (fields: [String], separator: Separator, index: Int)? {
        for (k, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let separator = Separator(headerLine: line)
            return (separator.split(line).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }, separator, k)
        }
        return nil
    }

    /// Field separators: a comma when the header has one, else a tab, else runs of spaces.
    enum Separator {
        case comma, tab, whitespace
        init(headerLine: String) {
            self = headerLine.contains(",") ? .comma : headerLine.contains("\t") ? .tab : .whitespace
        }
        func split(_ line: String) -> [String] {
            switch self {
            case .comma: return line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            case .tab: return line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            case .whitespace: return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            }
        }
    }

    /// Reads and parses a text spike file; values are checked, times converted to ms.
    public static func read(path: String, options: Options) throws -> SpikeFile {
        let data: Data
        if let refusal = FileKind(path: path).refusal { throw SpikeFileError.unreadable(path: path, reason: refusal) }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SpikeFileError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        if data.starts(with: hdf5Signature) {
            throw SpikeFileError.unreadable(path: path, reason: "an HDF5 (NWB) file; read it as NWB (--format nwb)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw SpikeFileError.unreadable(path: path, reason: "not UTF-8 text") }
        var options = options
        if options.format == .auto { options.format = detect(data) }
        return try parse(text, path: path, options: options)
    }

    public static func parse(_ text: String, path: String = "input", options: Options) throws -> SpikeFile {
        let format = options.format == .auto ? detect(Data(text.utf8)) : options.format
        let defaults = format.defaults
        let cellName = options.cellColumn ?? defaults.cell
        let timeName = options.timeColumn ?? defaults.time
        let unit = options.timeUnit ?? defaults.unit
        guard let (header, separator, headerIndex) = headerFields(text) else { throw SpikeFileError.empty(path: path) }
        func column(_ name: String, _ option: String) throws -> Int {
            guard let k = header.firstIndex(of: name) else { throw SpikeFileError.missingColumn(name: abbreviatedField(name), option: option, available: header.prefix(20).map(abbreviatedField)) }
            return k
        }
        let cellIndex = try column(cellName, "--cell-column")
        let timeIndex = try column(timeName, "--time-column")
        let trialIndex: Int? = try options.trialColumn.map { try column($0, "--trial-column") } ?? header.firstIndex(of: "trial")
        var rows: [Row] = []
        for (k, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() where k > headerIndex {
            let lineNumber = k + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = separator.split(line)
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
                    expected: "an integer cell id (from 0 to \(Self.maxCells - 1))")
            }
            let timeText = try field(timeIndex, header[timeIndex])
            guard let t = Double(timeText), t.isFinite, (t * unit.toMs).isFinite else {
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
            rows.append(Row(line: lineNumber, trial: trial, cell: cell, timeMs: t * unit.toMs))
        }
        return SpikeFile(rows: rows, hasTrials: trialIndex != nil, format: format, cellColumn: cellName, timeColumn: timeName, timeUnit: unit)
    }

    /// Spike trains of each trial in the window [start, stop] ms (Neo's convention: a spike may lie
    /// at t_start or at t_stop), one train per id of `cellIds` (default: ``cellIds``), and
    /// `trialCount` trials (default: ``trialCount``), so that declared cells and trials without
    /// spikes are kept. Times outside the window, duplicates in a train, ids not in `cellIds` and
    /// trials ≥ `trialCount` are errors naming the line; unsorted times are sorted.
    public func trains(startMs: Double, stopMs: Double, cellIds declared: [Int]? = nil, trialCount declaredTrials: Int? = nil) throws
        -> [SpikeTrains]
    {
        let ids = declared ?? cellIds
        let trials = declaredTrials ?? trialCount
        guard trials >= 1, ids.count.multipliedReportingOverflow(by: trials).partialValue <= Self.trainLimit,
              !ids.count.multipliedReportingOverflow(by: trials).overflow
        else { throw SpikeFileError.tooManyTrains(cells: ids.count, trials: trials, limit: Self.trainLimit) }
        var index: [Int: Int] = [:]
        for (k, id) in ids.enumerated() { index[id] = k }
        for row in rows {
            guard row.timeMs >= startMs && row.timeMs <= stopMs else {
                throw SpikeFileError.outsideWindow(line: row.line, timeMs: row.timeMs, startMs: startMs, stopMs: stopMs)
            }
            guard index[row.cell] != nil else { throw SpikeFileError.undeclaredCell(line: row.line, cell: row.cell, declared: CellIds.describe(ids)) }
            guard row.trial >= 0 && row.trial < trials else { throw SpikeFileError.trialOutOfRange(line: row.line, trial: row.trial, trialCount: trials) }
        }
        var perTrial = [[[(time: Double, line: Int)]]](repeating: [[(time: Double, line: Int)]](repeating: [], count: ids.count), count: trials)
        for row in rows { perTrial[row.trial][index[row.cell]!].append((row.timeMs, row.line)) }
        var result: [SpikeTrains] = []
        for (trial, trains) in perTrial.enumerated() {
            for (cell, train) in trains.enumerated() {
                let sorted = train.sorted { ($0.time, $0.line) < ($1.time, $1.line) }
                for (a, b) in zip(sorted, sorted.dropFirst()) where a.time == b.time {
                    throw SpikeFileError.duplicate(line: b.line, cell: ids[cell], trial: trial, timeMs: b.time)
                }
            }
            result.append(SpikeTrains(trains: trains.map { $0.map(\.time) }, startMs: startMs, stopMs: stopMs))
        }
        return result
    }
}

/// Declared cell ids: `--cells N` (ids 0 … N−1) or `--cell-ids` (ids and inclusive ranges,
/// `0..9`, `1,2,5..8`).
public enum CellIds {
    /// The most ids one declaration may hold.
    public static let limit = 1_000_000

    /// The ids 0 … n−1.
    public static func first(_ n: Int) throws -> [Int] {
        guard n >= 1, n <= limit else { throw SpikeFileError.badCellIds(text: "--cells \(n)", reason: "the count must be 1 … \(limit)") }
        return Array(0..<n)
    }

    /// Parses `A..B` ranges and single ids separated by commas; returns the distinct ids in
    /// increasing order.
    public static func parse(_ text: String) throws -> [Int] {
        var ids = Set<Int>()
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let range = part.range(of: "..") {
                guard let a = Int(part[..<range.lowerBound]), let b = Int(part[range.upperBound...]) else {
                    throw SpikeFileError.badCellIds(text: text, reason: "'\(part)' is not a range A..B of integers")
                }
                guard a <= b else { throw SpikeFileError.badCellIds(text: text, reason: "the range \(part) is empty") }
                guard b.subtractingReportingOverflow(a).partialValue < limit, !b.subtractingReportingOverflow(a).overflow,
                      ids.count + (b - a + 1) <= limit
                else { throw SpikeFileError.badCellIds(text: text, reason: "more than \(limit) ids") }
                for id in a...b { ids.insert(id) }
            } else {
                guard let id = Int(part) else { throw SpikeFileError.badCellIds(text: text, reason: "'\(part)' is not an integer id") }
                ids.insert(id)
            }
        }
        guard !ids.isEmpty else { throw SpikeFileError.badCellIds(text: text, reason: "no ids") }
        return ids.sorted()
    }

    /// A short form of a sorted id list: `0..9`, or `1, 2, 5` (at most the first ten).
    public static func describe(_ ids: [Int]) -> String {
        guard let first = ids.first, let last = ids.last else { return "(none)" }
        if ids.count > 1 && last - first == ids.count - 1 { return "\(first)..\(last)" }
        return ids.prefix(10).map(String.init).joined(separator: ", ") + (ids.count > 10 ? ", … (\(ids.count) ids)" : "")
    }
}

/// A field of a spike file as shown in a message: at most 80 characters.
func abbreviatedField(_ text: String) -> String {
    text.count <= 80 ? text : String(text.prefix(60)) + " … (\(text.count) characters)"
}
