/// Where trace rows stream to: a CSV or NumPy file, written as the run advances so that memory
/// does not grow with duration.
public protocol TraceSink: AnyObject {
    func begin(columns: [String], rows: Int) throws
    func write(_ row: [Double]) throws
    /// Completes the file (and its companions); returns the names written.
    func commit() throws -> [String]
}
