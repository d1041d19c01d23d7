import ArgumentParser
import Dispatch
import Foundation
import HVNet

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a scenario and write traces, spikes, a summary and plots.",
        discussion: """
            Outputs go to --out DIR (default: a new directory runs/<scenario name>-<date>-<time>-<process id>, the name \
            reduced to the characters A-Z a-z 0-9 . _ -). An existing DIR must be empty or a previous run directory, whose \
            hvnet files are removed first. Each file is written under a temporary name and renamed when complete; \
            summary.json says "running" until the end, "failed" when an output could not be written, "interrupted" \
            after Ctrl-C or SIGTERM. The scenario is checked \
            and its cost estimated first (hvnet validate prints the estimate); above the documented limits the run is \
            refused unless --force. \(ExitStatus.help)
            """)

    @Argument(help: "The scenario file (YAML or JSON).")
    var scenario: String

    @Option(name: .long, help: "The run directory to write into.")
    var out: String?

    @Option(name: .long, parsing: .unconditional, help: "Threads (default: every core): trials first, one each; with fewer trials than threads, each trial's network of at least \(Simulation.minimumCellsToSplit) cells is split over the threads left to it (at most the processors the process may use). Results do not depend on it.")
    var threads: Int?

    @Flag(name: .long, help: "Print nothing but errors (no summary, no progress line).")
    var quiet = false

    @Flag(name: .long, help: "Also write run.nwb (NWB 2.8: spike times, traces, connectivity, the scenario); same as recording: {nwb: true}.")
    var nwb = false

    @Flag(help: "Run even when the resource estimate exceeds the limits.")
    var force = false

    @OptionGroup var solver: SolverFlags

    @OptionGroup var overrides: OverrideFlags

    @OptionGroup var shorthands: RunShorthands

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if out?.isEmpty == true { throw RuntimeError("--out: '' is not allowed; expected a directory name") }
        var s = try loadScenario(scenario, overrides: try overrides.overrides(extra: shorthands.assignments), solver: solver)
        if nwb { s.recording.nwb = true }
        try checkScenario(s, path: scenario, force: force, quiet: quiet)
        let commandLine = CommandLine.arguments
        // The handlers go in before the run directory is made, so that no signal finds the
        // directory made but nothing there to handle it (an empty directory left under runs/).
        SignalCleanup.install(commandLine: commandLine)
        let directory: String
        do { directory = try out ?? RunDirectory.createUnique(parent: "runs", name: s.name) } catch {
            throw RuntimeError("cannot make a run directory under runs/ (choose one with --out): \(error)", status: .runFailed)
        }
        SignalCleanup.setRunDirectory(directory)
        let result: Simulation.Result
        let progress = quiet ? nil : ProgressLine.makeReporter()
        var options = Simulation.Options(threads: threads, commandLine: commandLine)
        if let progress {
            options.progress = { @Sendable fraction in progress.show(fraction) }
        }
        do {
            defer { progress?.finish() }
            result = try Simulation.run(s, scenarioPath: scenario, outputDirectory: directory, options: options)
        } catch let error as ScenarioError {
            throw Self.failed(RuntimeError("\(scenario): \(error)"), in: directory, commandLine: commandLine)
        } catch let error as OutputError {
            if case .notRunDirectory = error { throw RuntimeError("--out: \(error)") }
            if case .cannotCreate(let path, _) = error, path == directory { throw RuntimeError("--out: \(error)") }
            throw Self.failed(RuntimeError("\(error)", status: .runFailed), in: directory, commandLine: commandLine)
        } catch {
            throw Self.failed(RuntimeError("\(scenario): \(error)", status: .runFailed), in: directory, commandLine: commandLine)
        }
        if !quiet { print(Report.text(result)) }
        if let failure = result.failure {
            throw RuntimeError(
                "\(failure). Outputs up to that time are in \(directory) (summary.json says status: incomplete).", status: .runFailed)
        }
    }
}

extension Run {
    /// `error`, after summary.json in `directory` was marked failed with it (when the run had got
    /// as far as writing its running summary); the message then says so.
    static func failed(_ error: RuntimeError, in directory: String, commandLine: [String]) -> RuntimeError {
        guard RunDirectory.markFailed(directory, error: error.description, commandLine: commandLine) else { return error }
        return RuntimeError("\(error.description) (\(directory)/summary.json says status: failed)", status: error.status)
    }
}

/// On SIGINT or SIGTERM during a run: remove the run's temporary files, mark summary.json
/// interrupted, exit 130 or 143.
enum SignalCleanup {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []

    /// Darwin's signal sources need the default action off (SIG_IGN); Linux's libdispatch installs
    /// its own handler, asynchronously, after `resume()`: ignoring the signal before would drop one
    /// that arrives in between (a run killed at once went on to complete), so there the default
    /// action (terminate) stays until the handler replaces it.
    private static func ignoreUntilHandled(_ number: Int32) {
        #if !os(Linux)
        signal(number, SIG_IGN)
        #endif
    }

    /// SIGINT and SIGTERM with their exit statuses, less a signal the process was started with
    /// ignored: a shell starts background jobs of a script with SIGINT ignored, and `nohup`-like
    /// launchers ignore signals on purpose, so such a signal stays ignored (the POSIX convention
    /// for programs that catch signals) instead of stopping the run at one moment and not another.
    private static func signalsToHandle() -> [(number: Int32, status: ExitStatus)] {
        [(SIGINT, ExitStatus.interrupted), (SIGTERM, ExitStatus.terminated)].filter { number, _ in
            #if os(Linux)
            var action = sigaction()
            sigaction(number, nil, &action)
            return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self)
            #else
            let previous = signal(number, SIG_IGN)
            signal(number, previous)
            return previous.map { unsafeBitCast($0, to: Int.self) } != unsafeBitCast(SIG_IGN, to: Int.self)
            #endif
        }
    }

    /// Whether `directory` holds any file, at any depth (an empty `points/` is no output).
    private static func containsFiles(_ directory: String) -> Bool {
        guard let walk = FileManager.default.enumerator(atPath: directory) else { return false }
        while let name = walk.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isDirectory),
                !isDirectory.boolValue { return true }
        }
        return false
    }

    /// Gives the threads that are writing a file a moment to reach ``OutputGate``, where they wait,
    /// so that the cleanup that follows does not race with a file being created.
    private static func settle() { usleep(20_000) }

    /// Waits (at most about a second) until libdispatch's handlers for `numbers` are installed,
    /// so that the work after `install` is covered by them.
    private static func awaitHandlers(_ numbers: [Int32]) {
        #if os(Linux)
        for _ in 0..<1_000 {
            let installed = numbers.allSatisfy { number in
                var action = sigaction()
                sigaction(number, nil, &action)
                let handler = unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
                return handler != unsafeBitCast(SIG_DFL, to: Int.self) && handler != unsafeBitCast(SIG_IGN, to: Int.self)
            }
            if installed { return }
            usleep(1_000)
        }
        #endif
    }

    /// The run's directory once it is chosen (nil before); `lock` guards it and ``output``.
    nonisolated(unsafe) private static var runDirectory: String? = nil
    private static let lock = NSLock()

    /// Tells the handlers of ``install(commandLine:)`` which directory the run writes.
    static func setRunDirectory(_ directory: String) {
        lock.withLock { runDirectory = directory }
    }

    static func install(commandLine: [String]) {
        installHandlers { word, number in
            guard let directory = lock.withLock({ runDirectory }) else {
                return "hvnet: \(word) before the run started; no output was written"
            }
            let marked = RunDirectory.markInterrupted(directory, signal: number, commandLine: commandLine)
            let summary = (directory as NSString).appendingPathComponent("summary.json")
            // Before the run has written anything (the directory may not exist yet) there is no summary to point to.
            let said = marked ? "\(directory)/summary.json says status: interrupted"
                : FileManager.default.fileExists(atPath: summary) ? "\(directory)/summary.json could not be marked interrupted (the disk may be full)"
                : "no output was written to \(directory)"
            return "hvnet: \(word); \(said)"
        }
    }

    /// Installs handlers for SIGINT and SIGTERM (less those ``signalsToHandle()`` leaves ignored)
    /// and waits until they are in place. The first signal claims the stop (``OutputGate``), gives
    /// the writing threads a moment (``settle()``), runs `stop` (given "interrupted" or
    /// "terminated" and the signal), prints what it returns and exits 130 or 143; a second
    /// signal adds nothing.
    private static func installHandlers(_ stop: @escaping (_ word: String, _ number: Int32) -> String) {
        let handled = signalsToHandle()
        for (number, status) in handled {
            ignoreUntilHandled(number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard OutputGate.beginStopping() else { return }
                settle()
                let message = stop(number == SIGINT ? "interrupted" : "terminated", number)
                FileHandle.standardError.write(Data("\n\(message)\n".utf8))
                _exit(status.rawValue)
            }
            source.resume()
            sources.append(source)
        }
        awaitHandlers(handled.map(\.number))
    }

    /// The output directory of a command other than `run`, once chosen, and the directories of
    /// its path that did not exist before the command (deepest first): removed on a signal while
    /// they hold no file.
    nonisolated(unsafe) private static var output: (directory: String, madeHere: [String])? = nil

    /// `path` and those of its ancestors that do not exist yet, deepest first.
    static func missingDirectories(_ path: String) -> [String] {
        // By hand: Foundation's path methods trap on some short relative paths on Linux.
        func trimmed(_ p: Substring) -> Substring {
            var p = p
            while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
            return p
        }
        var missing: [String] = []
        var current = trimmed(Substring(path))
        while !current.isEmpty && current != "/" && current != "." && !FileManager.default.fileExists(atPath: String(current)) {
            missing.append(String(current))
            guard let slash = current.lastIndex(of: "/") else { break }
            current = slash == current.startIndex ? "/" : trimmed(current[..<slash])
        }
        return missing
    }

    /// Tells the handlers of ``install(command:)`` the command's output directory; call it before
    /// the directory is made (for the directories it will make), or with `madeHere` listing them.
    static func setOutputDirectory(_ directory: String, madeHere: [String]? = nil) {
        let made = madeHere ?? missingDirectories(directory)
        lock.withLock { output = (directory, made) }
    }

    /// A new directory under `runs/` for a command without `--out`
    /// (``RunDirectory/createUnique(parent:name:date:)``), told to the handlers with `runs/` when
    /// this made it.
    static func createRunDirectory(name: String) throws -> String {
        let missingParent = missingDirectories("runs")
        let directory = try RunDirectory.createUnique(parent: "runs", name: name)
        setOutputDirectory(directory, madeHere: [directory] + missingParent)
        return directory
    }

    /// For commands other than `run` (sweep, fi, analyze, compare): on SIGINT or SIGTERM remove
    /// this process's temporary files and partial directories in the output directory (and its
    /// `points/`), and the directories the command made that hold no file; say so, and exit 130
    /// or 143. The output directory is the one of ``setOutputDirectory(_:madeHere:)``, or none yet.
    ///
    /// - Parameter outputsAreOneSet: the command's files are one set, written at its end
    ///   (analyze, compare): those this process has put in place are removed too, so that a stop
    ///   leaves all of them or none (sweep and fi keep each finished point for `--resume`).
    static func install(command: String, outputsAreOneSet: Bool = false) {
        if outputsAreOneSet { OutputGate.trackCommittedFiles() }
        installHandlers { word, _ in
            guard let (directory, madeHere) = lock.withLock({ output }) else {
                return "hvnet \(command): \(word); no output was written"
            }
            let fm = FileManager.default
            let suffix = "-\(getpid())"
            if outputsAreOneSet { for path in OutputGate.committedPaths { unlink(path) } }
            RunDirectory.removeOwnTemporaries(directory)
            let points = (directory as NSString).appendingPathComponent("points")
            for name in (try? fm.contentsOfDirectory(atPath: points)) ?? [] where name.hasPrefix(".") && name.contains(".partial") && name.hasSuffix(suffix) {
                let path = (points as NSString).appendingPathComponent(name)
                RunDirectory.removeOwnTemporaries(path)
                try? fm.removeItem(atPath: path)
            }
            if containsFiles(directory) { return "hvnet \(command): \(word); complete outputs in \(directory) are kept" }
            // Empty directories only (rmdir): another process of a sharded sweep may be filling
            // the same directory.
            rmdir(points)
            for made in madeHere { rmdir(made) }
            return "hvnet \(command): \(word); no output was written to \(directory)"
        }
    }
}

/// The short human summary `hvnet run` prints.
enum Report {
    static func text(_ r: Simulation.Result) -> String {
        let s = r.scenario
        var lines: [String] = []
        var trials = s.trials > 1 ? ", \(s.trials) trials on \(r.threads) thread(s)" : ""
        if r.cellThreads > 1 { trials += ", network split over \(r.cellThreads) threads" }
        let noise = s.noiseModel == nil ? "" : ", \(s.solver.noiseIntegration.rawValue) noise"
        lines.append("hvnet \(HVNetVersion.string): \(printable(s.name)), \(s.cellCount) cell(s), \(s.durationMs) ms, \(s.solver.summary)\(noise)\(trials)")
        lines.append("  work: \(r.statistics.acceptedSteps) steps, \(r.statistics.evaluations) right-hand-side evaluations, \(String(format: "%.3f", r.wallSeconds)) s")
        lines.append("  spikes: \(r.spikes.count) (upward crossings of \(s.recording.thresholdMV) mV)")
        if s.cellCount > 1 || s.trials > 1 {
            for p in r.populations {
                lines.append("  population \(printable(p.name)) (\(p.cells) cells): rate \(String(format: "%.2f", p.meanRateHz)) Hz, ISI CV \(String(format: "%.3f", p.meanCV)), CV2 \(String(format: "%.3f", p.meanCV2)), Fano (100 ms) \(String(format: "%.3f", p.meanFano)), χ \(String(format: "%.3f", p.chi))")
            }
        }
        for spike in r.spikes.prefix(s.cellCount > 2 ? 0 : 10) {
            lines.append("    cell \(spike.cell): t = \(String(format: "%.5f", spike.timeMs)) ms, peak \(String(format: "%.4f", spike.peakMV)) mV at \(String(format: "%.4f", spike.peakTimeMs)) ms")
        }
        if s.cellCount <= 2 && r.spikes.count > 10 { lines.append("    … \(r.spikes.count - 10) more in spikes.csv") }
        for e in r.efficiency.prefix(4) {
            let na = e.sodium.isFinite ? String(format: "%.4f", e.sodium) : "undefined (no spike)"
            let k = e.potassium.isFinite ? String(format: "%.4f", e.potassium) : "undefined (no spike)"
            lines.append("  cell \(e.cell) efficiency (notebook's calc2DNrnOrbit): Na \(na), K \(k)")
        }
        lines.append("  wrote \(r.outputDirectory)/: \(r.files.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }

    static func short(_ x: Double) -> String { String(format: "%.6g", x) }
}
