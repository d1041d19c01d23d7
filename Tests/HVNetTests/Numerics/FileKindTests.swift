import Foundation
import Testing
@testable import Numerics

@Suite("What a path names")
struct FileKindTests {
    @Test("Regular files, directories, devices and missing paths (a dangling link included), following links")
    func kinds() throws {
        let directory = NSTemporaryDirectory() + "hvnet-filekind-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/a.yaml"
        try "duration_ms: 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: file)
        try FileManager.default.createSymbolicLink(atPath: directory + "/dangling", withDestinationPath: directory + "/none")
        #expect(FileKind(path: file) == .regular && FileKind(path: file).refusal == nil)
        #expect(FileKind(path: directory + "/link") == .regular)
        #expect(FileKind(path: directory) == .directory)
        #expect(FileKind(path: "/dev/null") == .other)
        #expect(FileKind(path: directory + "/dangling") == .missing)
        #expect(FileKind(path: directory + "/none") == .missing)
        #expect(FileKind(path: directory).refusal?.hasPrefix("it is a directory") == true)
    }
}
