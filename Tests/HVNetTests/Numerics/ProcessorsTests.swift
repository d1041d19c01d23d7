import Foundation
import Testing
@testable import Numerics

@Suite("Processors the process may use")
struct ProcessorsTests {
    @Test("Linux CPU lists are counted; anything else is not a list")
    func cpuLists() {
        #expect(Processors.count(list: "0") == 1)
        #expect(Processors.count(list: "\t0-1") == 2)
        #expect(Processors.count(list: "0-3,8,10-11") == 7)
        #expect(Processors.count(list: "") == nil)
        #expect(Processors.count(list: "3-1") == nil)
        #expect(Processors.count(list: "0-x") == nil)
        #expect(Processors.count(list: "1-2-3") == nil)
    }

    @Test("At least one, never more than the online processors")
    func available() {
        #expect(Processors.available >= 1)
        #expect(Processors.available <= max(1, ProcessInfo.processInfo.activeProcessorCount))
    }
}
