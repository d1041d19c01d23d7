import Foundation

// Scratch paths under the system's temporary directory, for tests that write files. A test
// removes what it made when it ends, pass or fail, with a `defer` right after making it:
//
//     let dir = try makeScratchDirectory("hvnet-csv")
//     defer { removeScratch(dir) }

/// A new path `<temporary directory>/<prefix>-<UUID>`, not yet created: for code that makes its
/// own output directory (`Simulation.run`, `Sweep.run`).
func scratchPath(_ prefix: String) -> String {
    (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
}

/// Makes and returns a new empty directory `<temporary directory>/<prefix>-<UUID>`.
/// - Throws: the file system's error when the directory cannot be made.
func makeScratchDirectory(_ prefix: String) throws -> String {
    let path = scratchPath(prefix)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Removes a scratch path and everything under it; a path that was never made is no error.
func removeScratch(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
