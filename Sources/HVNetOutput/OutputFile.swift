import Foundation
import Synchronization

/// Errors writing run outputs.
public enum OutputError: Error, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// An existing directory with files that is not an hvnet run directory (no summary.json of hvnet).
    case notRunDirectory(path: String, entries: [String])

    public var description: String {
        switch self {
        case .notRunDirectory(let path, let entries):
            let shown = entries.prefix(5).joined(separator: ", ") + (entries.count > 5 ? ", … (\(entries.count) entries)" : "")
            return "\(path) holds other files and is not an output directory of this hvnet command (\(shown)); choose an empty or new directory with --out"
        case .cannotCreate(let path, let reason): return "cannot create \(Self.shortened(path)): \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(Self.shortened(path)): \(reason)"
        }
    }

    /// A path of more than 200 characters as its first and last 80, so that the reason after it
    /// stays in view.
    static func shortened(_ path: String) -> String {
        path.count <= 200 ? path : "\(path.prefix(80))…\(path.suffix(80)) (\(path.utf8.count) bytes)"
    }
}

/// A file written under a temporary name and renamed into place by ``commit()``, so that a killed
/// or failed run never leaves a truncated file that looks complete. Writes are buffered.
/// Once a signal handler has begun to stop the process (``beginStopping()``), only the handler
/// writes files: any other thread that starts or commits an output file waits there until the
/// handler ends the process, so that nothing renamed into place afterwards replaces the
/// handler's "interrupted" summary, and no new file appears after its cleanup.
public enum OutputGate {
    private static let stopping = Atomic<Bool>(false)

    /// Claims the stop for the calling signal handler; false when another handler already has it
    /// (a second signal), which must then leave everything to the first.
    public static func beginStopping() -> Bool { !stopping.exchange(true, ordering: .acquiringAndReleasing) }

    public static var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Waits, when a handler is stopping the process, until it has (it exits the process).
    public static func waitIfStopping() {
        while isStopping { usleep(100_000) }
    }

    /// The paths of the files this process has put in place (``OutputFile/commit()``), in order:
    /// a command whose outputs are one set removes them when it is stopped before the set is
    /// complete. A file's rename waits while a handler is stopping, so no file joins the list
    /// after the handler has read it.
    /// Kept only after ``trackCommittedFiles()`` (a sweep's points need no list).
    public static var committedPaths: [String] { committedLock.withLock { committed } }

    /// From now on, ``committedPaths`` lists the files put in place.
    public static func trackCommittedFiles() { committedLock.withLock { tracking = true } }

    static func recordCommitted(_ path: String) { committedLock.withLock { if tracking { committed.append(path) } } }

    nonisolated(unsafe) private static var committed: [String] = []
    nonisolated(unsafe) private static var tracking = false
    private static let committedLock = NSLock()
}

public final class OutputFile {
    public let path: String
    let temporaryPath: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var finished = false

    /// Whether the file is an unnamed O_TMPFILE (Linux): it gets a name only at the commit, so a
    /// process killed with SIGKILL leaves nothing behind.
    private let anonymous: Bool
    private let duringStop: Bool

    /// Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY), which Glibc defines as a macro Swift cannot import.
    static let openTemporaryFile: Int32 = 0o20_000_000 | 0o200_000

    /// - Parameter duringStop: written by the signal handler that stops the process (``OutputGate``).
    public init(path: String, duringStop: Bool = false) throws {
        if !duringStop { OutputGate.waitIfStopping() }
        self.duringStop = duringStop
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        #if os(Linux)
        let fd = open(directory, Self.openTemporaryFile | O_WRONLY | O_CLOEXEC, 0o644)
        #else
        let fd: Int32 = -1
        #endif
        if fd >= 0 {
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            anonymous = true
        } else {
            guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
                let handle = FileHandle(forWritingAtPath: temporaryPath)
            else { throw OutputError.cannotCreate(path: path, reason: "the directory is not writable") }
            self.handle = handle
            anonymous = false
        }
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if !finished {
            try? handle.close()
            if !anonymous { try? FileManager.default.removeItem(atPath: temporaryPath) }
        }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    public func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Overwrites the first bytes of the file (a header of fixed length) before the commit.
    public func rewriteHeader(_ bytes: [UInt8]) throws {
        try flush()
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: bytes)
            try handle.seekToEnd()
        } catch { throw OutputError.cannotWrite(path: path, reason: systemReason(error)) }
    }

    private func flush() throws {
        do { try handle.write(contentsOf: buffer) } catch {
            throw OutputError.cannotWrite(path: path, reason: systemReason(error))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws {
        try flush()
        do {
            try handle.synchronize()
            if anonymous {
                // Give the unnamed file its temporary name, then rename it into place as usual.
                unlink(temporaryPath)
                guard linkat(AT_FDCWD, "/proc/self/fd/\(handle.fileDescriptor)", AT_FDCWD, temporaryPath, AT_SYMLINK_FOLLOW) == 0 else {
                    throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
            }
            try handle.close()
        } catch let error as OutputError {
            throw error
        } catch { throw OutputError.cannotWrite(path: path, reason: systemReason(error)) }
        finished = true
        if !duringStop { OutputGate.waitIfStopping() }
        if rename(temporaryPath, path) != 0 {
            throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        if !duringStop { OutputGate.recordCommitted(path) }
    }

    /// Writes `text` to `path` atomically.
    public static func write(_ text: String, to path: String, duringStop: Bool = false) throws {
        let file = try OutputFile(path: path, duringStop: duringStop)
        try file.write(text)
        try file.commit()
    }
}

/// Text streamed into an ``OutputFile``; the first write error is kept for
/// ``OutputFile/write(to:_:)`` to throw.
public struct OutputFileStream: TextOutputStream {
    let file: OutputFile
    var error: Error?

    public mutating func write(_ string: String) {
        guard error == nil else { return }
        do { try file.write(string) } catch { self.error = error }
    }
}

extension OutputFile {
    /// Writes what `body` streams to `path` atomically, without holding the whole text.
    public static func write(to path: String, _ body: (inout OutputFileStream) throws -> Void) throws {
        let file = try OutputFile(path: path)
        var stream = OutputFileStream(file: file)
        try body(&stream)
        if let error = stream.error { throw error }
        try file.commit()
    }
}

/// The system's words for a failed file operation: strerror of the POSIX error under a
/// Foundation error ("File too large", "No space left on device"), else the error's description.
func systemReason(_ error: Error) -> String {
    let ns = error as NSError
    let posix = ns.domain == NSPOSIXErrorDomain ? ns : ns.userInfo[NSUnderlyingErrorKey] as? NSError
    if let posix, posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
    return "\(error)"
}
