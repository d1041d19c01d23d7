/// What HDF5Support was doing when libhdf5 reported a failure.
public enum HDF5Operation: String, Sendable, Equatable, CaseIterable {
    case initialize = "initialise the HDF5 library"
    case createFile = "create file"
    case openFile = "open file"
    case closeFile = "close file"
    case flushFile = "flush file"
    case createGroup = "create group"
    case openGroup = "open group"
    case createDataset = "create dataset"
    case openDataset = "open dataset"
    case writeDataset = "write dataset"
    case readDataset = "read dataset"
    case createAttribute = "create attribute"
    case openAttribute = "open attribute"
    case writeAttribute = "write attribute"
    case readAttribute = "read attribute"
    case createReference = "create object reference"
    case checkExistence = "check existence"
    case dataspace = "dataspace"
    case datatype = "datatype"
    case propertyList = "property list"
    case close = "close"
}

/// A failure reported by libhdf5 (a negative return) or a request HDF5Support cannot honour.
///
/// `path` names the object concerned: the file path for file operations, otherwise the HDF5
/// path inside the file (for attributes, `object@attribute`).
public struct HDF5Error: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: HDF5Operation
    public var path: String
    /// Extra detail (for example the expected and actual shape); empty when libhdf5 gave none.
    public var detail: String
    /// The system's words when the failure was a write the file system refused ("File too
    /// large", "No space left on device"); nil otherwise.
    public var systemReason: String? = nil

    public init(_ operation: HDF5Operation, _ path: String, _ detail: String = "") {
        self.operation = operation
        self.path = path
        self.detail = detail
    }

    public var description: String {
        "HDF5: could not \(operation.rawValue) '\(path)'" + (detail.isEmpty ? "" : ": \(detail)")
    }
}
