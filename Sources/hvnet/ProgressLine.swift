import Foundation
import HVNet

/// A progress line on stderr ("hvnet: 42% …"), shown only when stderr is a terminal and the run
/// has lasted more than two seconds; erased when the run ends.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let start = Date()
    private var shown = false

    /// A reporter, or nil when stderr is not a terminal.
    static func makeReporter() -> ProgressLine? { isatty(2) != 0 ? ProgressLine() : nil }

    func show(_ fraction: Double) {
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(start)
        guard elapsed > 2 else { return }
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : .nan
        let bar = String(repeating: "#", count: clampedInt(fraction * 30)) + String(repeating: " ", count: 30 - clampedInt(fraction * 30))
        FileHandle.standardError.write(Data(String(format: "\r[%@] %3.0f%%  %.0f s left ", bar, 100 * fraction, remaining).utf8))
        shown = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 60) + "\r").utf8)) }
    }
}
