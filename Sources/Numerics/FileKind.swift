import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, following symbolic links (`stat(2)`), for input errors that say what the
/// user gave: Foundation reads only regular files and words its refusal of the others as a
/// missing permission.
public enum FileKind: Sendable, Equatable {
    case regular, directory, other
    /// Nothing at the path (a dangling link included), or a path that cannot be examined.
    case missing

    public init(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            self = .missing
            return
        }
        switch UInt32(info.st_mode) & 0o170000 {
        case 0o100000: self = .regular
        case 0o040000: self = .directory
        default: self = .other
        }
    }

    /// Why a file to be read cannot be, or nil for a regular file: for an input error's message.
    public var refusal: String? {
        switch self {
        case .regular: nil
        case .directory: "it is a directory, not a file"
        case .other: "it is not a regular file (a device, pipe or socket)"
        case .missing: "no such file"
        }
    }
}
