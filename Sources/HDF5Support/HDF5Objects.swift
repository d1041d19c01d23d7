import CHDF5
import Foundation

/// A value for an HDF5 attribute.
public enum HDF5AttributeValue: Sendable, Equatable {
    /// A scalar variable-length UTF-8 string.
    case string(String)
    /// A 1-D array of variable-length UTF-8 strings.
    case strings([String])
    case double(Double)
    case int32(Int32)
    case int64(Int64)
    /// An object reference (H5T_STD_REF_OBJ) to the object at this absolute path in the same file.
    case objectReference(String)
}

/// The elements of a dataset, in C (row-major) order.
public enum HDF5DatasetValues: Sendable, Equatable {
    case doubles([Double])
    case int32s([Int32])
    case int64s([Int64])
    case uint64s([UInt64])
    /// Variable-length UTF-8 strings.
    case strings([String])

    public var count: Int {
        switch self {
        case .doubles(let v): return v.count
        case .int32s(let v): return v.count
        case .int64s(let v): return v.count
        case .uint64s(let v): return v.count
        case .strings(let v): return v.count
        }
    }
}

/// An open HDF5 object (group, dataset or file root) that can carry attributes. Its identifier
/// is closed by `close()` or when the object is released.
public class HDF5Object {
    let handle: Handle
    /// The object's absolute path inside its file ("/" for the root).
    public let path: String

    init(handle: Handle) {
        self.handle = handle
        self.path = handle.path
    }

    var id: hid_t { handle.id }

    /// Closes the identifier now; later use throws.
    public func close() throws { try handle.close() }

    private func attributePath(_ name: String) -> String { "\(path)@\(name)" }

    private func requireOpen(_ operation: HDF5Operation, _ where_: String) throws {
        guard handle.isOpen else { throw HDF5Error(operation, where_, "the object is closed") }
    }

    /// Whether the object has an attribute called `name`.
    public func hasAttribute(_ name: String) throws -> Bool {
        try withHDF5 {
            try requireOpen(.checkExistence, attributePath(name))
            return try check(H5Aexists(id, name), .checkExistence, attributePath(name)) > 0
        }
    }

    /// Creates (or replaces) the attribute `name`.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        let where_ = attributePath(name)
        try withHDF5 {
            try requireOpen(.createAttribute, where_)
            if try check(H5Aexists(id, name), .checkExistence, where_) > 0 {
                try check(H5Adelete(id, name), .createAttribute, where_, "cannot replace the existing attribute")
            }
            switch value {
            case .string(let s):
                try writeStringAttribute(name, [s], shape: [], where_)
            case .strings(let s):
                try writeStringAttribute(name, s, shape: [s.count], where_)
            case .double(var x):
                try writeAttribute(name, fileType: hv_h5t_ieee_f64le(), memType: hv_h5t_native_double(), where_) { a, t in
                    H5Awrite(a, t, &x)
                }
            case .int32(var x):
                try writeAttribute(name, fileType: hv_h5t_std_i32le(), memType: hv_h5t_native_int32(), where_) { a, t in
                    H5Awrite(a, t, &x)
                }
            case .int64(var x):
                try writeAttribute(name, fileType: hv_h5t_std_i64le(), memType: hv_h5t_native_int64(), where_) { a, t in
                    H5Awrite(a, t, &x)
                }
            case .objectReference(let target):
                var ref = hobj_ref_t()
                try check(hv_h5r_create_object(id, target, &ref), .createReference, target, "for \(where_)")
                try writeAttribute(name, fileType: hv_h5t_std_ref_obj(), memType: hv_h5t_std_ref_obj(), where_) { a, t in
                    H5Awrite(a, t, &ref)
                }
            }
        }
    }

    private func writeAttribute(
        _ name: String, fileType: hid_t, memType: hid_t, _ where_: String, shape: [Int] = [],
        _ write: (hid_t, hid_t) -> herr_t
    ) throws {
        try withTemporary({ makeDataspace(shape) }, .dataspace, where_, closer: H5Sclose) { space in
            let attribute = try check(H5Acreate2(id, name, fileType, space, hv_h5p_default(), hv_h5p_default()), .createAttribute, where_)
            defer { H5Aclose(attribute) }
            try check(write(attribute, memType), .writeAttribute, where_)
        }
    }

    private func writeStringAttribute(_ name: String, _ strings: [String], shape: [Int], _ where_: String) throws {
        try withTemporary(hv_h5t_vlen_utf8, .datatype, where_, closer: H5Tclose) { type in
            try withCStringArray(strings) { pointers in
                try writeAttribute(name, fileType: type, memType: type, where_, shape: shape) { a, t in
                    pointers.withUnsafeBufferPointer { H5Awrite(a, t, $0.baseAddress) }
                }
            }
        }
    }

    /// Reads a string attribute (scalar, or the first element of a 1-D array), fixed- or
    /// variable-length.
    public func readStringAttribute(_ name: String) throws -> String {
        let strings = try readStringArrayAttribute(name)
        guard let first = strings.first else { throw HDF5Error(.readAttribute, attributePath(name), "empty string array") }
        return first
    }

    /// Reads a string attribute as an array (a scalar gives one element).
    public func readStringArrayAttribute(_ name: String) throws -> [String] {
        let where_ = attributePath(name)
        return try withHDF5 {
            try requireOpen(.openAttribute, where_)
            let attribute = try check(H5Aopen(id, name, hv_h5p_default()), .openAttribute, where_)
            defer { H5Aclose(attribute) }
            return try withTemporary({ H5Aget_type(attribute) }, .datatype, where_, closer: H5Tclose) { fileType in
                guard H5Tget_class(fileType) == H5T_STRING else { throw HDF5Error(.readAttribute, where_, "not a string attribute") }
                return try withTemporary({ H5Aget_space(attribute) }, .dataspace, where_, closer: H5Sclose) { space in
                    let count = Int(try check(H5Sget_simple_extent_npoints(space), .dataspace, where_))
                    return try readStringElements(
                        fileType: fileType, space: space, count: count, where_,
                        readVariable: { memType, buffer in H5Aread(attribute, memType, buffer) },
                        readFixed: { memType, buffer in H5Aread(attribute, memType, buffer) })
                }
            }
        }
    }

    /// Reads a numeric scalar attribute as a Double.
    public func readDoubleAttribute(_ name: String) throws -> Double {
        let where_ = attributePath(name)
        return try withHDF5 {
            try requireOpen(.openAttribute, where_)
            let attribute = try check(H5Aopen(id, name, hv_h5p_default()), .openAttribute, where_)
            defer { H5Aclose(attribute) }
            var x = 0.0
            try check(H5Aread(attribute, hv_h5t_native_double(), &x), .readAttribute, where_)
            return x
        }
    }
}

/// Reads `count` strings stored with `fileType` (variable- or fixed-length) through one of
/// the two readers.
func readStringElements(
    fileType: hid_t, space: hid_t, count: Int, _ where_: String,
    readVariable: (hid_t, UnsafeMutableRawPointer) -> herr_t,
    readFixed: (hid_t, UnsafeMutableRawPointer) -> herr_t
) throws -> [String] {
    if count == 0 { return [] }
    if try check(H5Tis_variable_str(fileType), .datatype, where_) > 0 {
        return try withTemporary(hv_h5t_vlen_utf8, .datatype, where_, closer: H5Tclose) { memType in
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try pointers.withUnsafeMutableBytes { raw in
                _ = try check(readVariable(memType, raw.baseAddress!), .readDataset, where_)
            }
            defer {
                pointers.withUnsafeMutableBytes { raw in _ = hv_h5_vlen_reclaim(memType, space, raw.baseAddress) }
            }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
    }
    let size = H5Tget_size(fileType)
    guard size > 0 else { throw HDF5Error(.datatype, where_, "string size 0") }
    return try withTemporary({ H5Tcopy(fileType) }, .datatype, where_, closer: H5Tclose) { memType in
        var bytes = [UInt8](repeating: 0, count: size * count)
        try bytes.withUnsafeMutableBytes { raw in
            _ = try check(readFixed(memType, raw.baseAddress!), .readDataset, where_)
        }
        return (0..<count).map { k in
            let slice = bytes[(k * size)..<((k + 1) * size)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: slice[slice.startIndex..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
    }
}

/// An HDF5 group (or, as ``HDF5File``, a file's root group).
public class HDF5Group: HDF5Object {
    /// Keeps the file open as long as an object inside it is.
    let owner: AnyObject?

    init(handle: Handle, owner: AnyObject?) {
        self.owner = owner
        super.init(handle: handle)
    }

    /// The object that keeps the file alive for children opened from this group.
    var fileOwner: AnyObject { owner ?? self }

    /// Whether a link called `name` (a relative or absolute path) exists here.
    public func exists(_ name: String) throws -> Bool {
        let where_ = joinPath(path, name)
        return try withHDF5 {
            guard handle.isOpen else { throw HDF5Error(.checkExistence, where_, "the object is closed") }
            // Check every intermediate component: H5Lexists fails on a missing parent.
            var prefix = name.hasPrefix("/") ? "/" : ""
            for component in name.split(separator: "/") {
                prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
                if try check(H5Lexists(id, prefix, hv_h5p_default()), .checkExistence, where_) <= 0 { return false }
            }
            return true
        }
    }

    /// Creates the group `name` here.
    @discardableResult
    public func createGroup(_ name: String) throws -> HDF5Group {
        let where_ = joinPath(path, name)
        return try withHDF5 {
            let gid = try check(H5Gcreate2(id, name, hv_h5p_default(), hv_h5p_default(), hv_h5p_default()), .createGroup, where_)
            return HDF5Group(handle: Handle(gid, path: where_, closer: H5Gclose), owner: fileOwner)
        }
    }

    /// Opens the existing group `name` (relative or absolute).
    public func openGroup(_ name: String) throws -> HDF5Group {
        let where_ = joinPath(path, name)
        return try withHDF5 {
            let gid = try check(H5Gopen2(id, name, hv_h5p_default()), .openGroup, where_)
            return HDF5Group(handle: Handle(gid, path: where_, closer: H5Gclose), owner: fileOwner)
        }
    }

    /// Opens the existing dataset `name` (relative or absolute).
    public func openDataset(_ name: String) throws -> HDF5Dataset {
        let where_ = joinPath(path, name)
        return try withHDF5 {
            let did = try check(H5Dopen2(id, name, hv_h5p_default()), .openDataset, where_)
            return HDF5Dataset(handle: Handle(did, path: where_, closer: H5Dclose), owner: fileOwner)
        }
    }

    /// Creates the dataset `name` holding `values`.
    ///
    /// - Parameters:
    ///   - shape: the dimensions; nil for 1-D (`[values.count]`), `[]` for a scalar. Their
    ///     product must equal `values.count`.
    ///   - deflate: a gzip level (0–9) to compress the data with, chunked along the first
    ///     dimension; nil stores it contiguously. Ignored for empty data.
    @discardableResult
    public func createDataset(_ name: String, _ values: HDF5DatasetValues, shape: [Int]? = nil, deflate: Int? = nil) throws -> HDF5Dataset {
        let where_ = joinPath(path, name)
        let dims = shape ?? [values.count]
        guard dims.allSatisfy({ $0 >= 0 }), dims.reduce(1, *) == values.count else {
            throw HDF5Error(.createDataset, where_, "shape \(dims) does not hold \(values.count) values")
        }
        return try withHDF5 {
            try withTemporary({ makeDataspace(dims) }, .dataspace, where_, closer: H5Sclose) { space in
                try withTemporary({ H5Pcreate(hv_h5p_dataset_create()) }, .propertyList, where_, closer: H5Pclose) { dcpl in
                    if let level = deflate, !dims.isEmpty, values.count > 0 {
                        let rowSize = dims.dropFirst().reduce(1, *)
                        var chunk = dims.map { hsize_t($0) }
                        chunk[0] = hsize_t(max(1, min(dims[0], (1 << 16) / max(1, rowSize))))
                        try check(H5Pset_chunk(dcpl, Int32(chunk.count), &chunk), .propertyList, where_)
                        try check(H5Pset_deflate(dcpl, UInt32(max(0, min(9, level)))), .propertyList, where_)
                    }
                    let dataset: HDF5Dataset
                    switch values {
                    case .doubles(let v):
                        dataset = try create(name, where_, hv_h5t_ieee_f64le(), space, dcpl)
                        try dataset.write(v, memType: hv_h5t_native_double())
                    case .int32s(let v):
                        dataset = try create(name, where_, hv_h5t_std_i32le(), space, dcpl)
                        try dataset.write(v, memType: hv_h5t_native_int32())
                    case .int64s(let v):
                        dataset = try create(name, where_, hv_h5t_std_i64le(), space, dcpl)
                        try dataset.write(v, memType: hv_h5t_native_int64())
                    case .uint64s(let v):
                        dataset = try create(name, where_, hv_h5t_std_u64le(), space, dcpl)
                        try dataset.write(v, memType: hv_h5t_native_uint64())
                    case .strings(let v):
                        dataset = try withTemporary(hv_h5t_vlen_utf8, .datatype, where_, closer: H5Tclose) { type in
                            let d = try create(name, where_, type, space, dcpl)
                            if !v.isEmpty {
                                try withCStringArray(v) { pointers in
                                    try pointers.withUnsafeBufferPointer { buffer in
                                        _ = try check(H5Dwrite(d.id, type, hv_h5s_all(), hv_h5s_all(), hv_h5p_default(), buffer.baseAddress),
                                                  .writeDataset, where_)
                                    }
                                }
                            }
                            return d
                        }
                    }
                    return dataset
                }
            }
        }
    }

    private func create(_ name: String, _ where_: String, _ type: hid_t, _ space: hid_t, _ dcpl: hid_t) throws -> HDF5Dataset {
        let did = try check(H5Dcreate2(id, name, type, space, hv_h5p_default(), dcpl, hv_h5p_default()), .createDataset, where_)
        return HDF5Dataset(handle: Handle(did, path: where_, closer: H5Dclose), owner: fileOwner)
    }
}

/// An HDF5 dataset.
public final class HDF5Dataset: HDF5Object {
    let owner: AnyObject

    init(handle: Handle, owner: AnyObject) {
        self.owner = owner
        super.init(handle: handle)
    }

    fileprivate func write<T>(_ values: [T], memType: hid_t) throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeBytes { raw in
            _ = try check(H5Dwrite(id, memType, hv_h5s_all(), hv_h5s_all(), hv_h5p_default(), raw.baseAddress), .writeDataset, path)
        }
    }

    /// The dataset's dimensions (`[]` for a scalar).
    public func shape() throws -> [Int] {
        try withHDF5 {
            try withTemporary({ H5Dget_space(id) }, .dataspace, path, closer: H5Sclose) { space in
                let rank = Int(try check(H5Sget_simple_extent_ndims(space), .dataspace, path))
                var dims = [hsize_t](repeating: 0, count: rank)
                if rank > 0 { try check(H5Sget_simple_extent_dims(space, &dims, nil), .dataspace, path) }
                return dims.map { Int($0) }
            }
        }
    }

    /// The dataset's type class (integer, float, string, ...), for callers checking a layout.
    public func isNumeric() throws -> Bool {
        try withHDF5 {
            try withTemporary({ H5Dget_type(id) }, .datatype, path, closer: H5Tclose) { type in
                let c = H5Tget_class(type)
                return c == H5T_INTEGER || c == H5T_FLOAT
            }
        }
    }

    private func readNumbers<T>(_ zero: T, memType: hid_t) throws -> [T] {
        let count = try shape().reduce(1, *)
        return try withHDF5 {
            guard try isNumeric() else { throw HDF5Error(.readDataset, path, "not a numeric dataset") }
            var values = [T](repeating: zero, count: count)
            if count > 0 {
                try values.withUnsafeMutableBytes { raw in
                    _ = try check(H5Dread(id, memType, hv_h5s_all(), hv_h5s_all(), hv_h5p_default(), raw.baseAddress), .readDataset, path)
                }
            }
            return values
        }
    }

    /// All elements as Doubles (converted by libhdf5 from any numeric type), row-major.
    public func readDoubles() throws -> [Double] { try readNumbers(0.0, memType: hv_h5t_native_double()) }

    /// All elements as Int64s (converted by libhdf5 from any integer type), row-major.
    public func readInt64s() throws -> [Int64] { try readNumbers(Int64(0), memType: hv_h5t_native_int64()) }

    /// All elements of a string dataset (fixed- or variable-length), row-major.
    public func readStrings() throws -> [String] {
        try withHDF5 {
            try withTemporary({ H5Dget_type(id) }, .datatype, path, closer: H5Tclose) { fileType in
                guard H5Tget_class(fileType) == H5T_STRING else { throw HDF5Error(.readDataset, path, "not a string dataset") }
                return try withTemporary({ H5Dget_space(id) }, .dataspace, path, closer: H5Sclose) { space in
                    let count = Int(try check(H5Sget_simple_extent_npoints(space), .dataspace, path))
                    let read: (hid_t, UnsafeMutableRawPointer) -> herr_t = { memType, buffer in
                        H5Dread(self.id, memType, hv_h5s_all(), hv_h5s_all(), hv_h5p_default(), buffer)
                    }
                    return try readStringElements(fileType: fileType, space: space, count: count, path, readVariable: read, readFixed: read)
                }
            }
        }
    }
}

/// An HDF5 file; as a group it is the root group "/".
public final class HDF5File: HDF5Group {
    /// The file's path on disk.
    public let filePath: String

    private init(id: hid_t, filePath: String) {
        self.filePath = filePath
        super.init(handle: Handle(id, path: "/", closer: H5Fclose), owner: nil)
    }

    /// Creates a new file at `path`; with `overwrite` false an existing file is an error.
    public static func create(path: String, overwrite: Bool = false) throws -> HDF5File {
        try withHDF5 {
            try withTemporary({ H5Pcreate(hv_h5p_file_access()) }, .propertyList, path, closer: H5Pclose) { fapl in
                // Closing the file closes every object still open in it.
                try check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), .propertyList, path)
                let flags = overwrite ? hv_h5f_acc_trunc() : hv_h5f_acc_excl()
                let id = try check(H5Fcreate(path, flags, hv_h5p_default(), fapl), .createFile, path)
                return HDF5File(id: id, filePath: path)
            }
        }
    }

    /// Opens an existing file read-only.
    public static func open(path: String) throws -> HDF5File {
        try withHDF5 {
            try withTemporary({ H5Pcreate(hv_h5p_file_access()) }, .propertyList, path, closer: H5Pclose) { fapl in
                try check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), .propertyList, path)
                let id = try check(H5Fopen(path, hv_h5f_acc_rdonly(), fapl), .openFile, path)
                return HDF5File(id: id, filePath: path)
            }
        }
    }

    /// Writes buffered data to disk and closes the file and every object still open in it.
    /// Errors (a full disk, say) surface here; check them before trusting the file.
    public override func close() throws {
        try withHDF5 {
            if handle.isOpen { try check(H5Fflush(id, H5F_SCOPE_GLOBAL), .flushFile, filePath) }
            do { try handle.close() } catch let error as HDF5Error { throw HDF5Error(.closeFile, filePath, error.detail) }
        }
    }
}
