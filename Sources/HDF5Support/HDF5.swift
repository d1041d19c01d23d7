import CHDF5
import Foundation

/// Serialises every libhdf5 call made through HDF5Support. Distribution builds of libhdf5 are
/// not always thread-safe, and Swift Testing (and hvnet) may call in from several threads.
let hdf5Lock = NSRecursiveLock()

/// Runs `body` holding the HDF5 lock, with the library initialised and its automatic error
/// printing turned off for this thread.
func withHDF5<T>(_ body: () throws -> T) throws -> T {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    if hv_h5_init() < 0 { throw HDF5Error(.initialize, "") }
    return try body()
}

/// Throws `HDF5Error(operation, path)` when an HDF5 call returned a negative value; when the
/// call failed in a write to the file system (errno a full disk, a file-size limit, a read-only
/// file system, an I/O error), the error carries the system's reason (``HDF5Error/systemReason``).
@discardableResult
func check<T: BinaryInteger>(_ value: T, _ operation: HDF5Operation, _ path: String, _ detail: String = "") throws -> T {
    if value < 0 {
        let code = errno
        var error = HDF5Error(operation, path, detail)
        if [EFBIG, ENOSPC, EDQUOT, EROFS, EIO].contains(code) {
            error.systemReason = String(cString: strerror(code))
            if detail.isEmpty { error.detail = error.systemReason ?? "" }
        }
        throw error
    }
    return value
}

/// An HDF5 identifier closed exactly once, by `close()` or at the latest by `deinit`.
final class Handle {
    private(set) var id: hid_t
    let path: String
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, path: String, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.path = path
        self.closer = closer
    }

    var isOpen: Bool { id >= 0 }

    func close() throws {
        try withHDF5 {
            guard id >= 0 else { return }
            let old = id
            id = -1
            // An identifier already invalidated (its file was closed strongly) needs no close.
            guard H5Iis_valid(old) > 0 else { return }
            try check(closer(old), .close, path)
        }
    }

    deinit { try? close() }
}

/// Opens a temporary identifier (a dataspace, datatype or property list) for the duration
/// of `body` and closes it afterwards.
func withTemporary<T>(
    _ make: () -> hid_t, _ operation: HDF5Operation, _ path: String, closer: (hid_t) -> herr_t,
    _ body: (hid_t) throws -> T
) throws -> T {
    let id = try check(make(), operation, path)
    defer { _ = closer(id) }
    return try body(id)
}

/// Joins an HDF5 parent path and a child name.
func joinPath(_ parent: String, _ name: String) -> String {
    if name.hasPrefix("/") { return name }
    return parent == "/" ? "/" + name : parent + "/" + name
}

/// The C strings of `strings` (NUL-terminated UTF-8), alive for the duration of `body`.
func withCStringArray<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { UnsafePointer($0) })
}

/// A dataspace for `shape` (scalar when empty).
func makeDataspace(_ shape: [Int]) -> hid_t {
    if shape.isEmpty { return H5Screate(H5S_SCALAR) }
    var dims = shape.map { hsize_t($0) }
    return H5Screate_simple(Int32(dims.count), &dims, nil)
}
