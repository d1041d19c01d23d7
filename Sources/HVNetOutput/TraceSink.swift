import Numerics
import HVNetSimulation
import Foundation

/// traces.csv: a header row, then one row per sample in shortest round-trip form.
public final class CSVTraceSink: TraceSink {
    private let file: OutputFile
    public init(path: String) throws { file = try OutputFile(path: path) }

    public func begin(columns: [String], rows: Int) throws { try file.write(columns.joined(separator: ",") + "\n") }

    public func write(_ row: [Double]) throws {
        for (k, value) in row.enumerated() {
            try file.write(k == 0 ? formatNumber(value) : "," + formatNumber(value))
        }
        try file.write("\n")
    }

    public func commit() throws -> [String] {
        try file.commit()
        return [URL(fileURLWithPath: file.path).lastPathComponent]
    }
}

/// traces.npy (NumPy format 1.0: little-endian float64, C order, shape rows × columns) and
/// traces.columns.txt with one column name per line. The header is rewritten at the end with
/// the number of rows actually written, so a run that stops early still gives a valid file.
public final class NPYTraceSink: TraceSink {
    private let file: OutputFile
    private let columnsPath: String
    private var columnCount = 0
    private var rowCount = 0
    private var headerLength = 0

    public init(path: String) throws {
        file = try OutputFile(path: path)
        columnsPath = (path as NSString).deletingPathExtension + ".columns.txt"
    }

    /// The header for `rows` × `columns`, padded to `length` bytes (a multiple of 64).
    static func header(rows: Int, columns: Int, length: Int? = nil) -> [UInt8] {
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let prefix = 10  // magic (6) + version (2) + header length (2)
        // Room for row counts of up to 20 digits, so the rewritten header keeps its length.
        let total = length ?? ((prefix + dict.utf8.count + 21 + 63) / 64 * 64)
        dict += String(repeating: " ", count: total - prefix - dict.utf8.count - 1) + "\n"
        let n = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xff), UInt8(n >> 8)] + Array(dict.utf8)
    }

    public func begin(columns: [String], rows: Int) throws {
        columnCount = columns.count
        let header = Self.header(rows: rows, columns: columns.count)
        headerLength = header.count
        try file.write(bytes: header)
        try OutputFile.write(columns.joined(separator: "\n") + "\n", to: columnsPath)
    }

    public func write(_ row: [Double]) throws {
        precondition(row.count == columnCount)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * row.count)
        for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try file.write(bytes: bytes)
        rowCount += 1
    }

    public func commit() throws -> [String] {
        try file.rewriteHeader(Self.header(rows: rowCount, columns: columnCount, length: headerLength))
        try file.commit()
        return [URL(fileURLWithPath: file.path).lastPathComponent, URL(fileURLWithPath: columnsPath).lastPathComponent]
    }
}
