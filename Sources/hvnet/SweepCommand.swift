import ArgumentParser
import Foundation
import HVNet

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a parameter sweep: one run per point, tables of rates and variability, plots.",
        discussion: """
            The sweep file names a scenario and axes of scenario key paths (docs/sweeps.md). Writes into --out DIR \
            (default: a new runs/<sweep name>-<date>-<time>-<process id>): points.csv, results.csv (point x trial x population), \
            summary.csv (mean and standard error over trials), sweep.json, plots, and points/NNNN/ (each point's run). \
            Points are shared out over processes by --shard K/N or, without it, by the environment of a Slurm array \
            (SLURM_ARRAY_TASK_ID/COUNT/MIN), Open MPI (OMPI_COMM_WORLD_RANK/SIZE), MPICH (PMI_RANK/SIZE) or srun \
            (SLURM_PROCID/NTASKS): process K of N computes the points i with i mod N = K; the process that finds \
            every point done, or --merge, writes the tables (docs/cluster.md).
            Exit codes: 0 success (or this shard done while others are still missing); 1 bad input (sweep file, \
            scenario, options); 2 the sweep could not write or merge its directory; 3 some points failed (their \
            errors are in results.csv and sweep.json); 130 interrupted (SIGINT), 143 terminated (SIGTERM).
            """)

    @Argument(help: "The sweep file (YAML).")
    var sweepFile: String

    @Option(name: .long, help: "The sweep directory (required when the points are shared out over processes).")
    var out: String?

    @Option(name: .long, parsing: .unconditional, help: "Worker threads (default: every core), spread over points and trials. Results do not depend on it.")
    var threads: Int?

    @Option(name: .long, help: "Compute only the points i with i mod N = K (K/N, 0 <= K < N); default: from the environment, else 0/1.")
    var shard: String?

    @Flag(name: .long, help: "Skip points whose directory is complete (after an interrupted or failed run).")
    var resume = false

    @Flag(name: .long, help: "Only rebuild the tables and plots from the point directories (after all shards are done).")
    var merge = false

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Run even when a point's resource estimate exceeds the limits.")
    var force = false

    @OptionGroup var overrides: OverrideFlags

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        SignalCleanup.install(command: "sweep")
        let plan: SweepPlan
        do { plan = try SweepPlan.load(path: sweepFile, extraOverrides: try overrides.overrides()) } catch let error as SweepError {
            throw InputError("\(error)")
        }
        let shard: Sweep.Shard
        do {
            shard = try self.shard.map { try Sweep.Shard.parse($0) } ?? Sweep.Shard.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch let error as SweepRunError { throw InputError("\(error)") }
        if out == nil && (shard.count > 1 || merge || resume) {
            throw InputError("--out DIR is required with \(merge ? "--merge" : resume ? "--resume" : "shard \(shard)"): every process must write into the same directory")
        }
        // Every point's scenario passed the loader's checks; its cost is checked here, before
        // anything is written, as `run` checks one scenario.
        if !force {
            for point in plan.points {
                do { try ResourceEstimate(point.scenario).enforce() } catch let error as ResourceError {
                    throw InputError("\(sweepFile), point \(point.index): \(error)")
                }
            }
        }
        if let out, !merge {
            // An existing directory must be empty or a sweep's (its points/ or sweep.json).
            // (slurm-logs/ is where scripts/cluster/submit-sweep.sh puts the array's logs.)
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { !$0.hasPrefix(".") && $0 != "slurm-logs" }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && !isDirectory.boolValue {
                throw InputError("--out: \(out) is a file; choose a new or empty directory")
            }
            if !entries.isEmpty && !entries.contains("points") && !entries.contains("sweep.json") {
                throw InputError("--out: \(OutputError.notRunDirectory(path: out, entries: entries.sorted()))")
            }
            // A path that cannot be a directory (under a file, unwritable parent) is bad input,
            // as for `run` and `fi`, not a failure of the sweep's points/.
            SignalCleanup.setOutputDirectory(out)
            do { try RunDirectory.makeDirectories(out) } catch { throw InputError("--out: \(error)") }
        }
        let directory: String
        do { directory = try out ?? SignalCleanup.createRunDirectory(name: plan.name) } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if merge { SignalCleanup.setOutputDirectory(directory) }
        let options = Sweep.Options(threads: threads, shard: shard, resume: resume, commandLine: CommandLine.arguments)
        let outcome: Sweep.Outcome
        do {
            if merge {
                outcome = try Sweep.merge(plan, outputDirectory: directory, options: options)
            } else {
                var options = options
                let line = quiet ? nil : SweepProgressLine()
                if let line { options.progress = { line.show($0) } }
                defer { line?.finish() }
                outcome = try Sweep.run(plan, outputDirectory: directory, options: options)
            }
        } catch let error as SweepRunError {
            if case .badShard = error { throw InputError("\(error)") }
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        } catch let error as OutputError {
            if case .cannotCreate(let path, _) = error, path == directory { throw InputError("--out: \(error)") }
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if !quiet {
            let share = shard.count > 1 ? " (shard \(shard))" : ""
            if !merge {
                print("hvnet sweep \(printable(plan.name))\(share): \(plan.points.count) point(s) in all; computed \(outcome.computed.count), skipped \(outcome.skipped.count) complete, \(outcome.failedHere.count) failed here")
            }
            if outcome.merged {
                print("wrote \(directory)/: points.csv, results.csv, summary.csv, sweep.json, plots; points/ holds each point's run")
            } else {
                print("\(outcome.missing.count) point(s) of other shards not there yet; `hvnet sweep \(sweepFile) --out \(directory) --merge` writes the tables once they are")
            }
        }
        let failed = outcome.merged ? outcome.failed : outcome.failedHere
        if !failed.isEmpty {
            let list = failed.prefix(10).map(String.init).joined(separator: ", ") + (failed.count > 10 ? ", …" : "")
            FileHandle.standardError.write(Data("hvnet sweep: \(failed.count) point(s) failed (\(list)); see status in \(directory)/results.csv and sweep.json\n".utf8))
            throw ExitCode(3)
        }
    }
}

/// One progress line for a whole sweep on stderr: rewritten in place on a terminal, otherwise a
/// plain line every 5 s (for batch logs).
final class SweepProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let terminal = isatty(2) != 0
    private var lastPlain = Date()
    private var shown = false

    func show(_ p: Sweep.Progress) {
        lock.lock()
        defer { lock.unlock() }
        let eta = p.remainingSeconds.map { String(format: "%.0f s left", $0) } ?? "estimating"
        let text = String(format: "sweep: %d/%d points done, %d failed, %3.0f%%, %@", p.done, p.total, p.failed, 100 * p.fraction, eta)
        if terminal {
            guard p.elapsedSeconds > 1 else { return }
            FileHandle.standardError.write(Data(("\r" + text + "   ").utf8))
            shown = true
        } else if Date().timeIntervalSince(lastPlain) >= 5 {
            lastPlain = Date()
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 72) + "\r").utf8)) }
    }
}
