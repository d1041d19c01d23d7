import Foundation
import Testing
@testable import HVNetExperiments

@Suite("Trial pool")
struct TrialPoolTests {
    /// Items finish out of order (later indices are quicker), yet results come back by index.
    @Test("Results are in index order for any thread count", arguments: [1, 2, 3, 8])
    func indexOrder(threads: Int) throws {
        let results = try TrialPool.map(count: 12, threads: threads) { i -> [Int] in
            usleep(UInt32((12 - i) * 200))
            return [i, i * i]
        }
        #expect(results == (0..<12).map { [$0, $0 * $0] })
    }

    struct Failure: Error, Equatable { let index: Int }

    @Test("The first error is rethrown after the running items end")
    func errorPropagates() {
        #expect(throws: Failure.self) {
            _ = try TrialPool.map(count: 10, threads: 2) { i -> Int in
                if i == 3 { throw Failure(index: i) }
                return i
            }
        }
    }

    @Test("Thread count: at most the items, at least one")
    func threadCount() {
        #expect(TrialPool.threads(requested: 8, count: 3) == 3)
        #expect(TrialPool.threads(requested: 0, count: 3) == 1)
        #expect(TrialPool.threads(requested: nil, count: 1) == 1)
    }
}
