import Numerics
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work that a ``WorkerTeam`` splits into parts: `perform(part:stage:)` runs every stage of a job
/// for part 0 on the calling thread and for parts 1..<count on the team's workers, with a barrier
/// between stages (or only inside triples of stages: ``WorkerTeam/Meetings``).
package protocol TeamWork: AnyObject {
    func perform(part: Int, stage: Int)
}

/// A fixed team of threads that runs jobs of one or more stages over parts: the caller runs part 0,
/// `count − 1` persistent workers the others, and all meet at a barrier after each stage (or only
/// inside triples of stages, ``Meetings``), so a stage may read what any part wrote in an earlier
/// stage before the last meeting. ``run(stages:onCaller:meetings:)`` returns when every part has
/// finished the last stage.
///
/// Waiting spins on atomics for a while (about 20 µs: the phases of W1000 last microseconds),
/// then yields the core (`sched_yield`), then sleeps in short naps, so that a shared or
/// oversubscribed machine does not collapse and an idle team costs nothing. Persistent workers
/// with this barrier were measured against one `DispatchQueue.concurrentPerform` per stage, which
/// took more than twice as long on W1000 (docs/performance.md, "One network over several cores").
/// The workers live as long as the team: its deinit stops and joins them.
///
/// The team is generic over its work so that `perform` is a direct call on a reference held
/// without reference counting (`Unmanaged`): through an unowned existential, every call retained
/// and released the work object, and two threads doing that per stage wrote the same reference
/// count (9 % of a two-thread W1000 run's samples in swift_retain/release).
///
/// Why `@unchecked Sendable` is safe: the team's own state is atomics, constants set before the
/// workers start (`work`, `count`) and the thread list, which only the owner touches. The work
/// object is touched by several threads only inside `perform`, by parts that write disjoint memory
/// between two meetings; a job's parameters are written by the caller before
/// ``run(stages:onCaller:meetings:)`` releases the job (a releasing store that the workers'
/// acquiring load pairs with), and each meeting orders every part's writes before its announcement
/// before every part's reads after the meeting (each part's releasing store of its arrival count,
/// the others' acquiring loads of it); a job's end is a worker's releasing store of its finished
/// count, which the caller loads acquiring. ``run(stages:onCaller:meetings:)`` itself must be
/// called from one thread at a time.
package final class WorkerTeam<Work: TeamWork>: @unchecked Sendable {
    package let count: Int
    /// Unretained: the work object owns the team and stops it (``stop()``) before it goes.
    private let work: Unmanaged<Work>
    private let stopping = Atomic<Bool>(false)
    private var threads: [pthread_t] = []
    // Each group of counters on its own cache line (``CacheLinePad``): a thread spinning on one
    // is not disturbed by writes to another.
    private let pad0 = CacheLinePad()
    /// Jobs started; a worker runs job `started` when it has run `started − 1`.
    private let started = Atomic<Int>(0)
    /// Stages of the current job and where its parts meet (``Meetings``, as its raw value;
    /// written before `started` is released).
    private let stages = Atomic<Int>(0)
    private let meetings = Atomic<Int>(0)
    private let pad1 = CacheLinePad()
    /// Each part's own counters (``PartSignal``), one cache line per part: raw memory, so that
    /// reaching another part's counters touches no reference count.
    private let signalLines: UnsafeMutableRawPointer

    /// Starts `count − 1` workers for `work` (none when `count` ≤ 1).
    package init(count: Int, work: Work) {
        self.count = max(1, count)
        self.work = Unmanaged.passUnretained(work)
        signalLines = .allocate(byteCount: self.count * CacheLines.bytes, alignment: CacheLines.bytes)
        for part in 0..<self.count {
            (signalLines + part * CacheLines.bytes).bindMemory(to: PartSignal.self, capacity: 1).initialize(to: PartSignal())
        }
        for part in 1..<self.count {
            // The thread's entry is a C function, which cannot name `Work`: it runs a closure.
            let context = Unmanaged.passRetained(WorkerContext { [unowned(unsafe) self] in self.workerLoop(part: part) }).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue().loop()
                return nil
            }, context) == 0 {
                threads.append(thread)
            } else {
                // No thread: release the context; the caller then runs every part (see `run`).
                Unmanaged<WorkerContext>.fromOpaque(context).release()
            }
        }
        if threads.count != self.count - 1 { stop() }
    }

    /// Whether the workers run (false when the system refused a thread, or after ``stop()``).
    package var isRunning: Bool { !stopping.load(ordering: .acquiring) }

    deinit {
        stop()
        for part in 0..<count { _ = signal(part).move() }
        signalLines.deallocate()
    }

    /// Part `part`'s counters.
    @inline(__always)
    private func signal(_ part: Int) -> UnsafeMutablePointer<PartSignal> {
        (signalLines + part * CacheLines.bytes).assumingMemoryBound(to: PartSignal.self)
    }

    /// Stops and joins the workers; idempotent.
    package func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    /// Where the parts of a job meet.
    package enum Meetings: Int {
        /// At a barrier between any two stages: a stage may read what any part wrote before it.
        case betweenStages
        /// Stages in threes: a part announces that it has finished stage 3m and goes on with stage
        /// 3m + 1 (work on what no other part reads), then waits for every part's announcement
        /// before stage 3m + 2, which may read what any part wrote in stage 3m. Waiting for another
        /// part, and the time its announcement takes to reach this core, overlap stage 3m + 1. A
        /// part may start stage 3m + 3 while another is still in stage 3m + 2, so the work must not
        /// let stage 3m + 3 write what another part reads in stage 3m + 2 (a network's chained
        /// evaluations alternate two buffers of activations for this).
        case insideTriples

        /// Whether a part announces its arrival after `stage`.
        @inline(__always)
        func arriveAfter(_ stage: Int) -> Bool { self == .insideTriples && stage % 3 == 0 }

        /// Whether a part waits for the others before `stage` (announcing its own arrival first,
        /// unless it did after an earlier stage).
        @inline(__always)
        func meetBefore(_ stage: Int) -> Bool {
            switch self {
            case .betweenStages: stage > 0
            case .insideTriples: stage % 3 == 2
            }
        }
    }

    /// Runs `stages` stages of the current job over every part and returns when all are done;
    /// with `onCaller`, every part on the calling thread in turn (the same writes), the workers idle.
    package func run(stages: Int, onCaller: Bool = false, meetings: Meetings = .betweenStages) {
        guard count > 1, isRunning, !onCaller else {
            // One thread: each stage for every part in turn (the same writes, in part order).
            for stage in 0..<stages {
                for part in 0..<count { perform(part: part, stage: stage) }
            }
            return
        }
        self.stages.store(stages, ordering: .relaxed)
        self.meetings.store(meetings.rawValue, ordering: .relaxed)
        // Only this thread writes `started`: a plain store, which does not wait for the line.
        let job = started.load(ordering: .relaxed) &+ 1
        started.store(job, ordering: .releasing)
        runStages(stages, part: 0, meetings: meetings)
        for part in 1..<count {
            let signal = signal(part)
            Self.wait { signal.pointee.finished.load(ordering: .acquiring) == job }
        }
    }

    /// The work's stage for one part, on the unretained reference.
    @inline(__always)
    private func perform(part: Int, stage: Int) {
        work._withUnsafeGuaranteedRef { $0.perform(part: part, stage: stage) }
    }

    /// One part's stages of a job, with its meetings.
    @inline(__always)
    private func runStages(_ stages: Int, part: Int, meetings: Meetings) {
        var arrival: Int? = nil
        for stage in 0..<stages {
            if meetings.meetBefore(stage) {
                waitForAll(part: part, arrival: arrival ?? arrive(part: part))
                arrival = nil
            }
            perform(part: part, stage: stage)
            if meetings.arriveAfter(stage) { arrival = arrive(part: part) }
        }
    }

    /// Meetings: part k counts its arrivals on its own line (a releasing store, which only k
    /// writes), and waits until every other part's count has reached its own (acquiring loads). A
    /// part that goes on to its next meeting raises its count past what the others wait for, so
    /// one counter per part serves every meeting. On the way to a waiting part the last arrival's
    /// store moves one cache line once; a shared counter moved its line twice (the last arrival's
    /// read-modify-write, then the waiter's read). Returns the arrival's number.
    @inline(__always)
    private func arrive(part: Int) -> Int {
        let own = signal(part)
        let arrival = own.pointee.arrivals.load(ordering: .relaxed) &+ 1
        own.pointee.arrivals.store(arrival, ordering: .releasing)
        return arrival
    }

    /// Waits until every other part has arrived `arrival` times (``arrive(part:)``).
    private func waitForAll(part: Int, arrival: Int) {
        for other in 0..<count where other != part {
            let signal = signal(other)
            Self.wait { signal.pointee.arrivals.load(ordering: .acquiring) &- arrival >= 0 }
        }
    }

    private func workerLoop(part: Int) {
        var done = 0
        while true {
            Self.wait { started.load(ordering: .acquiring) != done || stopping.load(ordering: .acquiring) }
            if started.load(ordering: .acquiring) == done { return }  // stopping, no job pending
            done += 1
            let stages = self.stages.load(ordering: .relaxed)
            let meetings = Meetings(rawValue: self.meetings.load(ordering: .relaxed)) ?? .betweenStages
            runStages(stages, part: part, meetings: meetings)
            signal(part).pointee.finished.store(done, ordering: .releasing)
        }
    }

    /// Tries of a wait's condition before it yields the core, and before it naps: about 20 µs of
    /// spinning (a try is a load and a test, 0.33 ns on the machine of docs/performance.md), longer
    /// than the usual wait at a barrier of W1000 (a few µs), since each `sched_yield` is a system
    /// call (0.6 µs there), and much shorter than a scheduler's time slice; then 1 000 yields.
    static var spinTries: Int { 60_000 }
    static var yieldTries: Int { 61_000 }

    /// Spins, then yields, then naps until `condition` holds.
    @inline(__always)
    private static func wait(_ condition: () -> Bool) {
        var tries = 0
        while !condition() {
            tries += 1
            if tries < spinTries { continue }
            if tries < yieldTries { sched_yield(); continue }
            var nap = timespec(tv_sec: 0, tv_nsec: 50_000)
            nanosleep(&nap, nil)
        }
    }
}

/// Chooses between running a team's jobs on the workers or on the calling thread alone, by
/// timing both now and then. Each period of jobs begins with a probe: chunks alternate between
/// the caller and the team (caller first), `probe / chunk` on each side, each of `warmup` untimed
/// jobs and then `chunk` timed ones; the rest of the period runs on the team unless the caller's
/// median chunk took at most `callerShare` of the team's. The results are the same either way;
/// this keeps a split network from running slower than one thread where the barriers do not pay
/// (a small network, a machine whose other load preempts the workers).
///
/// Medians of interleaved chunks, not two sums, so that a rare slow job does not decide a period:
/// a block of the noise paths (generated every 512 grid points, several milliseconds for W1000)
/// or a worker preempted for a moment. With two sums of 64 jobs, W1000 with shifted noise ran
/// about as fast on two threads as on one: whichever probe held a block generation lost.
/// The margin keeps small differences from sending a whole period to one thread: without it
/// W1000 on two threads ran 6 of its 30 periods on the caller, with probe ratios from 0.65 to 1.9
/// (docs/performance.md).
///
/// The warm-up jobs: the first job after a switch runs cold, the other side's cells in the other
/// core's cache, and a team's workers asleep after waiting out the caller's chunk (``WorkerTeam``
/// spins for about 20 µs, then yields, then naps). Timed from the switch, W1000's team took
/// 0.53–0.70 ms for a job of 16 steps in the probes against 0.46 ms in the run (the caller
/// 0.8 ms), so that one or two slow chunks among four sent one or two of a run's 25 periods to
/// one thread. The team's warm-up jobs still count, as the cost of getting every part on a core:
/// the caller also takes the period when their median took at least twice the caller's time per
/// job (``teamSlowToStart(warmupNs:warmup:callerChunkNs:chunk:)``).
///
/// After a clear win of the team (the caller's median at least 1 / `callerShare` times the team's)
/// the period that the probe decides runs twice as long as the one before, up to
/// ``maxPeriodScale`` times `period`; any other decision returns to `period`: a stable machine is
/// probed less often (W1000 on two threads: 5 probes in a 1 s run instead of 25). While the team
/// runs a period, every ``watchWindow`` jobs are timed together (one clock reading), and when two
/// windows in a row took longer than the caller's probe did for as many jobs, the team has lost
/// its lead (another program took a core, say) and a new probe starts at once, with the period
/// back at `period`. One slow window is not enough: this host stalls a virtual core for a few
/// milliseconds now and then (W1000: windows of 15 jobs took 12–25 ms against 6–7 ms, a few times
/// a run). A period on the caller is not watched and not lengthened: a team that got faster shows
/// only in a probe. A job is a fixed step's chain of evaluations, one evaluation, or several
/// steps' chains (``NetworkEvaluator``).
package struct SplitChooser {
    package static let period = 4000, probe = 64, chunk = 8, warmup = 1
    /// This chooser's shortest period, timed jobs per side of a probe, timed jobs per chunk and
    /// untimed jobs before them (in jobs): the defaults above for jobs of one step or evaluation;
    /// jobs of several steps (``NetworkEvaluator``) scale them down so that a period and a probe
    /// span about as many steps.
    package let period: Int, probe: Int, chunk: Int, warmup: Int
    /// The caller runs the period when its median chunk took at most this fraction of the team's.
    package static let callerShare = 0.8
    /// The longest period, in multiples of `period`.
    package static let maxPeriodScale = 8
    /// Jobs in the current period: `period` times a power of two, at most ``maxPeriodScale``.
    package private(set) var currentPeriod: Int
    /// Jobs timed together while the team runs a period: `period` / 16 (at least 1), long enough to
    /// take in a block generation of the noise paths without looking slow (W1000: 15 jobs of 16
    /// steps, 240 steps, against a block every 256 steps, about 7 ms against 0.5 ms for the block).
    package var watchWindow: Int { max(1, period / 16) }
    private var job = 0
    private var chunkStart: UInt64 = 0
    /// Durations of the probe's chunks (ns): caller's and team's, `probe / chunk` each.
    private var callerChunks: [UInt64]
    private var teamChunks: [UInt64]
    /// Durations of the team chunks' warm-up jobs (ns), `probe / chunk`.
    private var teamWarmups: [UInt64]
    /// The last probe's median caller chunk (ns), and when the current watch window began.
    private var callerChunkNs: UInt64 = 0
    private var windowStart: UInt64 = 0
    /// Consecutive watch windows in which the team was slower than the caller's probe.
    private var slowWindows = 0
    /// Whether the jobs outside the probes run on the caller.
    package private(set) var prefersCaller = false

    /// - Precondition: `chunk` > 0 divides `probe`, `warmup` ≥ 0, and the probe's
    ///   2 × (`probe` / `chunk`) × (`chunk` + `warmup`) jobs are fewer than `period` − 1.
    package init(period: Int = Self.period, probe: Int = Self.probe, chunk: Int = Self.chunk, warmup: Int = Self.warmup) {
        precondition(chunk > 0 && warmup >= 0 && probe % chunk == 0 && 2 * (probe / chunk) * (chunk + warmup) + 1 < period)
        self.period = period
        self.probe = probe
        self.chunk = chunk
        self.warmup = warmup
        currentPeriod = period
        callerChunks = Array(repeating: 0, count: probe / chunk)
        teamChunks = Array(repeating: 0, count: probe / chunk)
        teamWarmups = Array(repeating: 0, count: probe / chunk)
    }

    /// Jobs of a probe, warm-up included.
    package var probeJobs: Int { 2 * (probe / chunk) * (chunk + warmup) }

    /// Whether job number `job` (counted here) runs on the caller.
    @inline(__always)
    package mutating func next() -> Bool { next(clock: Self.now) }

    /// ``next()`` with the clock given (nanoseconds, never decreasing), for tests.
    @inline(__always)
    package mutating func next(clock: () -> UInt64) -> Bool {
        let k = job
        job = job == currentPeriod - 1 ? 0 : job + 1
        let probeJobs = probeJobs
        guard k <= probeJobs else {
            if !prefersCaller, (k - probeJobs) % watchWindow == 0 { watch(at: clock()) }
            return prefersCaller
        }
        let span = chunk + warmup
        let index = k / span, within = k % span
        var t: UInt64? = nil
        if within == 0 && k > 0 {
            // The chunk that just ended: even chunks ran on the caller, odd ones on the team.
            let now = clock(), ended = index - 1
            if ended % 2 == 0 { callerChunks[ended / 2] = now &- chunkStart } else { teamChunks[ended / 2] = now &- chunkStart }
            if k == probeJobs {
                decide()
                windowStart = now
                slowWindows = 0
                return prefersCaller
            }
            if ended == 3, Self.teamClearlyBehind(callerChunks: callerChunks[0...1], teamChunks: teamChunks[0...1]) {
                // The rest of the probe on the caller, as the period.
                prefersCaller = true
                currentPeriod = period
                job = probeJobs + 1
                return true
            }
            t = now
        }
        if within == warmup {
            let now = t ?? clock()
            // A team chunk's warm-up: how long the team took to get going.
            if index % 2 == 1 && warmup > 0 { teamWarmups[index / 2] = now &- chunkStart }
            chunkStart = now
        } else if within == 0 {
            chunkStart = t ?? clock()
        }
        return index % 2 == 0
    }

    /// The probe's decision, and the next period's length.
    private mutating func decide() {
        let callerNs = Self.median(callerChunks), teamNs = Self.median(teamChunks)
        prefersCaller = Self.prefersCaller(callerNs: callerNs, teamNs: teamNs)
            || (warmup > 0 && Self.teamSlowToStart(warmupNs: Self.median(teamWarmups), warmup: warmup, callerChunkNs: callerNs, chunk: chunk))
        callerChunkNs = callerNs
        currentPeriod = prefersCaller ? period : Self.nextPeriod(after: currentPeriod, shortest: period, callerNs: callerNs, teamNs: teamNs)
    }

    /// The end of a watch window at `now`: a new probe next when the team's last two windows of
    /// ``watchWindow`` jobs each took longer than the caller's probe for as many jobs.
    private mutating func watch(at now: UInt64) {
        let elapsed = now &- windowStart
        windowStart = now
        slowWindows = Self.teamLostLead(windowNs: elapsed, windowJobs: watchWindow, callerChunkNs: callerChunkNs, chunk: chunk)
            ? slowWindows + 1 : 0
        if slowWindows == 2 {
            slowWindows = 0
            job = 0
            currentPeriod = period
        }
    }

    /// Whether the team's median warm-up (`warmup` jobs in `warmupNs`) took at least twice as long
    /// per job as the caller's median chunk (`chunk` jobs in `callerChunkNs`). The warm jobs alone
    /// do not show what it costs to wake the workers and have every part on a core at once: with
    /// two other programs on this host's two cores, W1000's warm team chunks won their probes
    /// while the team ran its periods at a small fraction of one thread's speed (22.9 s against
    /// 11.6 s with cold chunks, medians of 9).
    package static func teamSlowToStart(warmupNs: UInt64, warmup: Int, callerChunkNs: UInt64, chunk: Int) -> Bool {
        Double(warmupNs) * Double(chunk) >= 2 * Double(callerChunkNs) * Double(warmup)
    }

    /// Whether a probe can stop after two chunks on each side: every team chunk took at least
    /// twice as long as every caller chunk. Under another program's load (a core taken by
    /// `yes`), W1000's team jobs took 2.35 ms against the caller's 0.78 ms; the probe's other
    /// team chunks would cost about as much again.
    package static func teamClearlyBehind(callerChunks: ArraySlice<UInt64>, teamChunks: ArraySlice<UInt64>) -> Bool {
        guard let slowestCaller = callerChunks.max(), let fastestTeam = teamChunks.min() else { return false }
        return Double(fastestTeam) >= 2 * Double(slowestCaller)
    }

    /// Whether `windowJobs` team jobs that took `windowNs` were slower than the caller's probe,
    /// whose median chunk of `chunk` jobs took `callerChunkNs`.
    package static func teamLostLead(windowNs: UInt64, windowJobs: Int, callerChunkNs: UInt64, chunk: Int) -> Bool {
        Double(windowNs) * Double(chunk) > Double(callerChunkNs) * Double(windowJobs)
    }

    /// Whether a period runs on the caller after probes of `callerNs` and `teamNs` nanoseconds.
    package static func prefersCaller(callerNs: UInt64, teamNs: UInt64) -> Bool {
        Double(callerNs) <= callerShare * Double(teamNs)
    }

    /// The length of the period after one of `current` jobs whose probe took `callerNs` and
    /// `teamNs`: twice `current` (at most ``maxPeriodScale`` × `shortest`) when the team won
    /// clearly (its median at most ``callerShare`` of the caller's), else `shortest`.
    package static func nextPeriod(after current: Int, shortest: Int, callerNs: UInt64, teamNs: UInt64) -> Int {
        prefersCaller(callerNs: teamNs, teamNs: callerNs) ? min(2 * current, maxPeriodScale * shortest) : shortest
    }

    /// The median of `values` (the mean of the middle two for an even count).
    package static func median(_ values: [UInt64]) -> UInt64 {
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : sorted[m - 1] / 2 + sorted[m] / 2
    }

    private static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// One part's counters, at the start of a cache line of their own: its arrivals at meetings and
/// (for a worker) the jobs it has finished. Only the part's own thread writes them; the others read.
private struct PartSignal: ~Copyable {
    let arrivals = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
}

/// What a worker thread receives at its start.
private final class WorkerContext {
    /// The worker's loop; it holds its team unowned: the team's deinit joins every worker before
    /// its memory goes.
    let loop: () -> Void
    init(loop: @escaping () -> Void) { self.loop = loop }
}

