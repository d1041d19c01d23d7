import Foundation

/// The rules of a run directory, so that the files of two runs never mix:
///
/// - a directory that holds files and no hvnet `summary.json` is not a run directory and is
///   refused (``OutputError/notRunDirectory(path:entries:)``);
/// - in a run directory, hvnet's own files of the previous run (``ownFiles``, `*.svg`) are removed
///   before the new run starts; other files are left alone;
/// - temporary files (`.NAME.PID.tmp`) of processes that no longer exist are removed;
/// - `summary.json` says `"status": "running"` from the start, `"interrupted"` after SIGINT or
///   SIGTERM (``markInterrupted(_:signal:commandLine:)``) and `"failed"` after an error that
///   stopped the run (``markFailed(_:error:commandLine:)``).
public enum RunDirectory {
    /// Files a run writes (besides the `*.svg` plots).
    public static let ownFiles = [
        "summary.json", "scenario.yaml", "connectivity.csv", "cells.csv", "spikes.csv", "traces.csv", "traces.npy", "traces.columns.txt",
        "run.nwb", "nullclines.csv", "figures.py",
    ]

    /// Whether `name` is one of hvnet's run files.
    static func isOwn(_ name: String) -> Bool { ownFiles.contains(name) || name.hasSuffix(".svg") }

    /// `(file, pid)` when `name` is a temporary file of ``OutputFile`` (`.NAME.PID.tmp`).
    static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropLast(4).split(separator: ".")
        return parts.last.flatMap { Int32($0) }
    }

    /// Creates the directory `path` and any missing parents (as `mkdir -p`).
    /// - Throws: ``OutputError/cannotCreate(path:reason:)`` naming the first component that could
    ///   not be made and why in plain words ("… is a file, not a directory", "permission denied in …").
    public static func makeDirectories(_ path: String) throws {
        guard !path.isEmpty else { throw OutputError.cannotCreate(path: "''", reason: "the directory name is empty") }
        // A name of blanks, or with a newline or another control character, is legal but almost
        // always a slip (an unset variable, a pasted line), and unreadable in listings: refused.
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            let blank = component.allSatisfy { $0 == " " || $0 == "\u{3000}" || $0.isWhitespace }
            let control = component.unicodeScalars.contains { $0.properties.generalCategory == .control }
            if blank || control {
                throw OutputError.cannotCreate(
                    path: path, reason: "\(String(reflecting: String(component))) is a name of blanks or with a control character (a newline, a tab); choose a visible name")
            }
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        // What this call made, removed again (deepest first) when a later component fails, so
        // that a refused path leaves nothing behind.
        var made: [String] = []
        func fail(_ reason: String) -> OutputError {
            for directory in made.reversed() { rmdir(directory) }
            return OutputError.cannotCreate(path: path, reason: reason)
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            let parent = prefix.isEmpty ? "." : prefix
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw fail("\(OutputError.shortened(prefix)) is a file, not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) == 0 { made.append(prefix); continue }
            if errno == EEXIST { continue }
            let reason: String
            switch errno {
            case EACCES, EPERM: reason = "permission denied in \(OutputError.shortened(parent))"
            case EROFS: reason = "\(OutputError.shortened(parent)) is on a read-only file system"
            case ENOSPC: reason = "no space left on the device of \(OutputError.shortened(parent))"
            case ENAMETOOLONG: reason = "a name or the whole path is too long (at most \(NAME_MAX) bytes a name, \(PATH_MAX) the path)"
            default: reason = "\(OutputError.shortened(prefix)): \(String(cString: strerror(errno)))"
            }
            throw fail(reason)
        }
        try requireWritable(path)
    }

    /// Refuses an existing directory this process cannot write into, before any work (a run would
    /// otherwise fail at its first file).
    static func requireWritable(_ path: String) throws {
        if access(path, W_OK | X_OK) != 0 {
            throw OutputError.cannotCreate(path: path, reason: "the directory is not writable (permission denied)")
        }
    }

    /// Creates `path` (and its parents) or makes an existing run directory ready for a new run.
    /// Throws ``OutputError`` when `path` holds files and is not a run directory.
    public static func prepare(_ path: String) throws {
        try prepare(path, isOurs: { _ in isRunDirectory(path) }, isOwn: isOwn, removing: "the previous run's file")
    }

    /// The output directory of a command other than `run` (`analyze`, `compare`, `fi`): created if
    /// missing; an existing one must be empty or hold `marker` (the command's own earlier output),
    /// whose files (`isOwn`) are removed first so that the outputs of two invocations never mix.
    /// - Throws: ``OutputError/notRunDirectory(path:entries:)`` for a directory holding other files;
    ///   ``OutputError/cannotCreate(path:reason:)`` when the path is a file or cannot be created.
    public static func prepareOutput(_ path: String, marker: String, isOwn: (String) -> Bool) throws {
        try prepare(path, isOurs: { $0.contains(marker) }, isOwn: isOwn, removing: "an earlier output")
    }

    /// Both of the above: creates `path`, or, when it exists, removes stale temporaries, refuses a
    /// directory whose visible entries `isOurs` does not accept, and removes the files `isOwn` names.
    private static func prepare(_ path: String, isOurs: ([String]) -> Bool, isOwn: (String) -> Bool, removing what: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard !path.isEmpty else { throw OutputError.cannotCreate(path: "''", reason: "the directory name is empty") }
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return try makeDirectories(path) }
        guard isDirectory.boolValue else { throw OutputError.cannotCreate(path: path, reason: "a file of that name exists") }
        try requireWritable(path)
        let entries = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        removeStaleTemporaries(path, entries: entries)
        let visible = entries.filter { temporaryOwner($0) == nil }
        if !visible.isEmpty && !isOurs(visible) {
            throw OutputError.notRunDirectory(path: path, entries: visible.sorted())
        }
        for name in visible where isOwn(name) {
            let file = (path as NSString).appendingPathComponent(name)
            do { try fm.removeItem(atPath: file) } catch {
                throw OutputError.cannotWrite(path: file, reason: "cannot remove \(what): \(error.localizedDescription)")
            }
        }
    }

    /// Whether `path/summary.json` is an hvnet run summary.
    public static func isRunDirectory(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent("summary.json")),
            let text = String(data: data.prefix(4096), encoding: .utf8)
        else { return false }
        return text.contains("\"hvnet_version\"")
    }

    /// Removes `.NAME.PID.tmp` files whose process no longer exists.
    static func removeStaleTemporaries(_ path: String, entries: [String]) {
        for name in entries {
            guard let pid = temporaryOwner(name), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Removes this process's temporary files in `path`.
    public static func removeOwnTemporaries(_ path: String) {
        let pid = getpid()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where temporaryOwner(name) == pid {
            unlink((path as NSString).appendingPathComponent(name))
        }
    }

    /// The summary.json of a run that has started: status running, version, command line.
    public static func runningSummary(scenarioName: String, scenarioPath: String?, commandLine: [String]) -> String {
        JSONValue.object([
            ("hvnet_version", .string(HVNetVersion.string)),
            ("status", .string("running")),
            ("command_line", .array(commandLine.map { .string($0) })),
            ("scenario", .object([("name", .string(scenarioName)), ("file", scenarioPath.map { .string($0) } ?? .null)])),
            ("pid", .integer(Int(getpid()))),
        ]).rendered() + "\n"
    }

    /// After SIGINT or SIGTERM: removes this process's temporary files and writes a summary.json
    /// with status interrupted. Uses only a few system calls, so that it is safe to call while
    /// worker threads are still running.
    /// - Returns: whether summary.json was written.
    @discardableResult
    public static func markInterrupted(_ path: String, signal: Int32, commandLine: [String]) -> Bool {
        removeOwnTemporaries(path)
        let summary = stoppedSummary(
            status: "interrupted",
            ("signal", .string(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)")),
            commandLine: commandLine, note: "the run was stopped before it completed; files of the run may be missing")
        let written = (try? OutputFile.write(summary, to: (path as NSString).appendingPathComponent("summary.json"), duringStop: true)) != nil
        removeOwnTemporaries(path)
        return written
    }

    /// After a run stopped by an error once its summary.json said running (an output that could
    /// not be written: a full disk, a file-size limit): removes this process's temporary files and,
    /// if summary.json is still this process's running summary, writes one with status failed and
    /// the error. A summary that cannot be written either is left as it was.
    /// - Returns: whether summary.json now says failed.
    @discardableResult
    public static func markFailed(_ path: String, error: String, commandLine: [String]) -> Bool {
        removeOwnTemporaries(path)
        let file = (path as NSString).appendingPathComponent("summary.json")
        guard let data = FileManager.default.contents(atPath: file),
              let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              summary["status"] as? String == "running", summary["pid"] as? Int == Int(getpid())
        else { return false }
        let failed = stoppedSummary(
            status: "failed", ("error", .string(error)), commandLine: commandLine,
            note: "the run stopped with this error before all its outputs were written; files of the run may be missing")
        return (try? OutputFile.write(failed, to: file)) != nil
    }

    /// The summary.json of a run that stopped before it completed: version, status, why, command line, note.
    private static func stoppedSummary(status: String, _ reason: (String, JSONValue), commandLine: [String], note: String) -> String {
        JSONValue.object([
            ("hvnet_version", .string(HVNetVersion.string)),
            ("status", .string(status)),
            reason,
            ("command_line", .array(commandLine.map { .string($0) })),
            ("note", .string(note)),
        ]).rendered() + "\n"
    }

    /// A directory name made of the scenario name: only [A-Za-z0-9._-] (others become '_'), no
    /// leading dot, at most 64 characters; "scenario" when nothing is left.
    public static func sanitisedName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var s = String(name.map { allowed.contains($0) ? $0 : "_" }.prefix(64))
        while s.hasPrefix(".") || s.hasPrefix("-") { s.removeFirst() }
        return s.isEmpty || s.allSatisfy({ $0 == "_" || $0 == "." }) ? "scenario" : s
    }

    /// Creates and returns a new directory `parent/<sanitised name>-<yyyyMMdd-HHmmss>-<pid>[-k]`,
    /// unique even for runs started in the same second (mkdir fails when the name is taken).
    public static func createUnique(parent: String, name: String, date: Date = Date()) throws -> String {
        try makeDirectories(parent)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let base = "\(sanitisedName(name))-\(formatter.string(from: date))-\(getpid())"
        for k in 0..<1000 {
            let path = (parent as NSString).appendingPathComponent(k == 0 ? base : "\(base)-\(k)")
            if mkdir(path, 0o755) == 0 { return path }
            if errno != EEXIST { throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        }
        throw OutputError.cannotCreate(path: parent, reason: "no free directory name for \(base)")
    }
}
