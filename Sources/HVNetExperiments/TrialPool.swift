import Dispatch
import Numerics
import Foundation

/// The one parallel pool of hvnet's experiments: runs `count` independent work items (trials,
/// solver configurations, sweep points) over `threads` worker threads and returns their results
/// in index order. Which thread runs which item, and in which order items finish, never shows in
/// the result, so every experiment's outputs are the same for any thread count.
public enum TrialPool {
    /// Worker threads for `count` items: `requested` (nil: every processor the process may use,
    /// ``Processors/available``), at most `count`, at least 1.
    public static func threads(requested: Int?, count: Int) -> Int {
        max(1, min(requested ?? Processors.available, count))
    }

    /// `work(i)` for i in 0..<count over `threads` threads, results in index order. The first
    /// error thrown stops the hand-out of further items and is rethrown after the running ones end.
    public static func map<Result: Sendable>(
        count: Int, threads: Int, _ work: @Sendable (Int) throws -> Result
    ) throws -> [Result] {
        let queue = Queue<Result>(count: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
            while let index = queue.next() {
                do { queue.store(try work(index), at: index) } catch { queue.fail(error) }
            }
        }
        if let error = queue.error { throw error }
        return queue.results.map { $0! }
    }

    /// Hands out indices and collects results by index under a lock.
    private final class Queue<Result>: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private let count: Int
        private(set) var results: [Result?]
        private(set) var error: Error?

        init(count: Int) {
            self.count = count
            results = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard error == nil, nextIndex < count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        func store(_ result: Result, at index: Int) {
            lock.lock()
            defer { lock.unlock() }
            results[index] = result
        }

        func fail(_ error: Error) {
            lock.lock()
            defer { lock.unlock() }
            if self.error == nil { self.error = error }
        }
    }
}
