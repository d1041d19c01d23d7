import Foundation
import Testing
@testable import HVNetExperiments
@testable import HVNetScenario

/// The sweep engine: the tables are the same bytes for any threads, sharding and resumption, and
/// a failing point is recorded without stopping the others.
@Suite("Sweeps")
struct SweepTests {
    /// Two noisy cells (E drives I), 60 ms, 2 trials, over a 2 × 2 grid; an inline scenario.
    static let sweep = """
        name: pair
        scenario:
          duration_ms: 60
          seed: 3
          solver: {method: rk4, dt_ms: 1/32}
          noise: {mean_pA: 150, sd_pA: 20, tau_ms: 5}
          populations: [{name: E, size: 2}, {name: I, size: 1}]
          connections: [{receptor: AMPA, from: E, to: I, rule: all_to_all, channels_per_contact: 20}]
          recording: {cells: none}
        trials: 2
        axes:
          - {key: noise.mean_pA, values: [150, 165]}
          - {key: noise.sd_pA, values: [10, 30]}
        """

    /// The plan of `text` written as a sweep file; the file is removed once read (the plan keeps
    /// its text).
    static func plan(_ text: String = sweep) throws -> SweepPlan {
        let dir = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(dir) }
        let path = (dir as NSString).appendingPathComponent("pair.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try SweepPlan.load(path: path)
    }

    static func tables(_ dir: String) -> [String] {
        ["points.csv", "results.csv", "summary.csv"].map {
            (try? String(contentsOfFile: (dir as NSString).appendingPathComponent($0), encoding: .utf8)) ?? "missing \($0)"
        }
    }

    @Test("results.csv has one row per point × trial × population, all complete")
    func shape() throws {
        let plan = try Self.plan()
        let dir = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(dir) }
        let outcome = try Sweep.run(plan, outputDirectory: dir, options: .init(threads: 1))
        #expect(outcome.merged && outcome.failed.isEmpty)
        let rows = Self.tables(dir)[1].split(separator: "\n")
        #expect(rows.first == "point,noise.mean_pA,noise.sd_pA,trial,population,cells,n_spikes,rate_hz,cv_isi,cv2,lv,fano_factor,chi,status")
        #expect(rows.count == 1 + 4 * 2 * 2)
        #expect(rows.dropFirst().allSatisfy { $0.hasSuffix(",complete") })
        #expect(FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("points/0003/spikes.csv")))
        #expect(FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("heatmap-rate_hz-E.svg")))
    }

    @Test("Threads, shards with a merge, and a resumed run give the same tables byte for byte")
    func sameBytes() throws {
        let plan = try Self.plan()
        let one = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(one) }
        let two = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(two) }
        let sharded = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(sharded) }
        _ = try Sweep.run(plan, outputDirectory: one, options: .init(threads: 1))
        _ = try Sweep.run(plan, outputDirectory: two, options: .init(threads: 2))
        let first = try Sweep.run(plan, outputDirectory: sharded, options: .init(threads: 1, shard: .init(index: 1, count: 2, source: "test")))
        #expect(!first.merged && first.missing == [0, 2])
        _ = try Sweep.run(plan, outputDirectory: sharded, options: .init(threads: 1, shard: .init(index: 0, count: 2, source: "test")))
        _ = try Sweep.merge(plan, outputDirectory: sharded)
        #expect(Self.tables(two) == Self.tables(one))
        #expect(Self.tables(sharded) == Self.tables(one))

        // A run killed mid-way: one point gone, one half-written temporary directory left behind.
        let fm = FileManager.default
        try fm.removeItem(atPath: (two as NSString).appendingPathComponent("points/0002"))
        try fm.createDirectory(atPath: (two as NSString).appendingPathComponent("points/.0002.partial-1"), withIntermediateDirectories: true)
        for t in ["results.csv", "summary.csv"] { try fm.removeItem(atPath: (two as NSString).appendingPathComponent(t)) }
        let resumed = try Sweep.run(plan, outputDirectory: two, options: .init(threads: 2, resume: true))
        #expect(resumed.computed == [2] && resumed.skipped == [0, 1, 3])
        #expect(!fm.fileExists(atPath: (two as NSString).appendingPathComponent("points/.0002.partial-1")))
        #expect(Self.tables(two) == Self.tables(one))
    }

    @Test("--merge with points missing names them")
    func mergeMissing() throws {
        let plan = try Self.plan()
        let dir = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(dir) }
        _ = try Sweep.run(plan, outputDirectory: dir, options: .init(threads: 1, shard: .init(index: 0, count: 2, source: "test")))
        #expect {
            _ = try Sweep.merge(plan, outputDirectory: dir)
        } throws: { "\($0)".contains("2 point(s) missing (1, 3)") }
    }

    @Test("A diverging point is recorded with its error; the other points complete")
    func failedPoint() throws {
        let plan = try Self.plan(Self.sweep.replacingOccurrences(
            of: "  recording: {cells: none}",
            with: "  recording: {cells: none}\n  stimuli: [{type: current_step, amplitude_pA: 150, cells: [0], windows_ms: [[5, 6]]}]")
            .replacingOccurrences(of: "values: [150, 165]", with: "values: [150, 1e12]")
            .replacingOccurrences(of: "key: noise.mean_pA", with: "key: \"stimuli[0].amplitude_pA\""))
        let dir = try makeScratchDirectory("hvnet-sweep")
        defer { removeScratch(dir) }
        let outcome = try Sweep.run(plan, outputDirectory: dir, options: .init(threads: 2))
        #expect(outcome.merged)
        #expect(outcome.failed == [2, 3])
        let rows = Self.tables(dir)[1].split(separator: "\n").dropFirst()
        #expect(rows.filter { $0.hasPrefix("0,") || $0.hasPrefix("1,") }.allSatisfy { $0.hasSuffix(",complete") })
        #expect(rows.filter { $0.hasPrefix("2,") }.allSatisfy { $0.contains("diverged") })
    }

    @Test("Shards come from --shard, else Slurm arrays, Open MPI, PMI, srun, in that order")
    func shardsFromEnvironment() throws {
        #expect(try Sweep.Shard.fromEnvironment([:]) == .init(index: 0, count: 1, source: "default"))
        #expect(try Sweep.Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4",
                                                 "OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"])
                == .init(index: 2, count: 4, source: "Slurm array"))
        #expect(try Sweep.Shard.fromEnvironment(["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2", "PMI_RANK": "0", "PMI_SIZE": "3"])
                == .init(index: 1, count: 2, source: "Open MPI"))
        #expect(try Sweep.Shard.fromEnvironment(["PMI_RANK": "2", "PMI_SIZE": "3", "SLURM_PROCID": "0", "SLURM_NTASKS": "1"])
                == .init(index: 2, count: 3, source: "PMI"))
        #expect(try Sweep.Shard.fromEnvironment(["SLURM_PROCID": "1", "SLURM_NTASKS": "2"]) == .init(index: 1, count: 2, source: "srun"))
        #expect(throws: SweepRunError.self) { try Sweep.Shard.parse("2/2") }
        #expect(throws: SweepRunError.self) { try Sweep.Shard.fromEnvironment(["PMI_RANK": "x", "PMI_SIZE": "2"]) }
    }
}
