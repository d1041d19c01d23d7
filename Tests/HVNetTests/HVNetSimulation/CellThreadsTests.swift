import Foundation
import Synchronization
import Testing
@testable import HVNetExperiments
@testable import HVNetModel
@testable import HVNetScenario
@testable import HVNetSimulation
@testable import HVNetSolvers

/// One network evaluated over several threads (``NetworkEvaluator``'s cell parts): the threads
/// must change nothing, bit for bit, since every cell's arithmetic is the same however the cells
/// are split. Runs are short (debug builds evaluate the right-hand side slowly) but long enough
/// for every cell to spike several times, so that synaptic input reaches every part.
@Suite("One network over several threads")
struct CellThreadsTests {
    /// W100's recipe (random E/I network, independent OU input, RK4) with 200 cells.
    static let wLike = """
        duration_ms: 40
        seed: 7
        solver: {method: rk4, dt_ms: 0.01, noise_integration: plain}
        noise: {mean_pA: 145, sd_pA: 20, tau_ms: 5}
        populations:
          - {name: E, size: 160, initial: {jitter_mV: 5}}
          - {name: I, size: 40, initial: {jitter_mV: 5}}
        connections:
          - {receptor: AMPA, from: E, to: E, rule: bernoulli, p: 0.1, channels_per_contact: 20}
          - {receptor: AMPA, from: E, to: I, rule: bernoulli, p: 0.1, channels_per_contact: 20}
          - {receptor: GABAA, from: I, to: E, rule: bernoulli, p: 0.1, channels_per_contact: 60}
          - {receptor: GABAA, from: I, to: I, rule: bernoulli, p: 0.1, channels_per_contact: 60}
        recording: {cells: none}
        """

    /// Every other input the threaded path takes: shifted noise with a shared source, first-order
    /// AMPA kinetics, a sine, a ramp, a pulse and a current step on cells of different parts, and
    /// 202 cells (the last block of four is partial).
    static let mixed = """
        duration_ms: 30
        seed: 11
        solver: {method: rk4, dt_ms: 0.01, noise_integration: shifted}
        noise: {mean_pA: 140, sd_pA: 25, tau_ms: 3, shared: 0.3}
        synapses: {AMPA: {kinetics: first_order, tau_ms: 2}}
        populations:
          - {name: E, size: 162, initial: {jitter_mV: 5}}
          - {name: I, size: 40, initial: {jitter_mV: 5}}
        connections:
          - {receptor: AMPA, from: E, to: E, rule: bernoulli, p: 0.1, channels_per_contact: 20}
          - {receptor: AMPA, from: E, to: I, rule: bernoulli, p: 0.1, channels_per_contact: 20}
          - {receptor: GABAA, from: I, to: E, rule: bernoulli, p: 0.1, channels_per_contact: 60}
        stimuli:
          - {type: sine, amplitude_pA: 30, frequency_Hz: 50, cells: [1, 100, 201]}
          - {type: ramp, from_pA: 0, to_pA: 50, window_ms: [5, 20], cells: [3, 150]}
          - {type: pulse, receptor: GABAA, activation: 0.5, windows_ms: [[10, 12]], cells: [2, 120, 199]}
          - {type: current_step, amplitude_pA: 20, windows_ms: [[0, 15]], population: I}
        recording: {cells: none}
        """

    static func run(_ text: String, threads: Int) throws -> (spikes: [Spike], state: [Double], cellThreads: Int) {
        let scenario = try ScenarioLoader.parse(text)
        let result = try Simulation.simulateWithState(scenario, cellThreads: threads)
        return (result.run.spikes, result.state, result.cellThreads)
    }

    @Test("a W-like network of 200 cells gives the same spikes, peaks and final state on 1, 2 and 3 threads")
    func wLikeNetworkIsBitIdentical() throws {
        let one = try Self.run(Self.wLike, threads: 1)
        #expect(one.cellThreads == 1)
        #expect(one.spikes.count > 200)  // every part's cells spike, so synapses cross parts
        #expect(one.spikes.allSatisfy { $0.peakMV.isFinite && $0.peakTimeMs >= $0.timeMs })
        for threads in [2, 3] {
            // Spikes only and a fixed step: each thread part detects its own cells' spikes.
            let split = try Self.run(Self.wLike, threads: threads)
            #expect(split.cellThreads == threads)
            #expect(split.spikes.map(\.cell) == one.spikes.map(\.cell))
            #expect(split.spikes.map(\.timeMs.bitPattern) == one.spikes.map(\.timeMs.bitPattern))
            #expect(split.spikes.map(\.peakMV.bitPattern) == one.spikes.map(\.peakMV.bitPattern))
            #expect(split.spikes.map(\.peakTimeMs.bitPattern) == one.spikes.map(\.peakTimeMs.bitPattern))
            #expect(split.state.map(\.bitPattern) == one.state.map(\.bitPattern))
        }
    }

    @Test("Heun's and Euler's steps (chains of two and one evaluations) give the same spikes and state on 1 and 2 threads",
          arguments: ["heun", "euler"])
    func shorterChainsAreBitIdentical(method: String) throws {
        let text = Self.wLike.replacingOccurrences(of: "method: rk4", with: "method: \(method)")
            .replacingOccurrences(of: "duration_ms: 40", with: "duration_ms: 20")
        let one = try Self.run(text, threads: 1)
        let two = try Self.run(text, threads: 2)
        #expect(two.cellThreads == 2)
        #expect(one.spikes.count > 50)
        #expect(two.spikes.map(\.cell) == one.spikes.map(\.cell))
        #expect(two.spikes.map(\.timeMs.bitPattern) == one.spikes.map(\.timeMs.bitPattern))
        #expect(two.state.map(\.bitPattern) == one.state.map(\.bitPattern))
    }

    @Test("shifted shared noise, kinetic synapses and every stimulus type give the same result on 1 and 3 threads")
    func mixedInputsAreBitIdentical() throws {
        let one = try Self.run(Self.mixed, threads: 1)
        let three = try Self.run(Self.mixed, threads: 3)
        #expect(three.cellThreads == 3)
        #expect(one.spikes.count > 100)
        #expect(three.spikes.map(\.cell) == one.spikes.map(\.cell))
        #expect(three.spikes.map(\.timeMs.bitPattern) == one.spikes.map(\.timeMs.bitPattern))
        #expect(three.state.map(\.bitPattern) == one.state.map(\.bitPattern))
    }

    @Test("an adaptive method (rkf45) evaluates split networks to the same result")
    func adaptiveMethodIsBitIdentical() throws {
        let text = Self.wLike.replacingOccurrences(of: "{method: rk4, dt_ms: 0.01, noise_integration: plain}", with: "{method: rkf45, rtol: 1e-5}")
            .replacingOccurrences(of: "duration_ms: 40", with: "duration_ms: 10")
        let one = try Self.run(text, threads: 1)
        let two = try Self.run(text, threads: 2)
        #expect(two.cellThreads == 2)
        #expect(two.state.map(\.bitPattern) == one.state.map(\.bitPattern))
    }

    @Test("a run that turns non-finite stops with the same error on 2 threads, without hanging")
    func nonFiniteStateStopsCleanly() throws {
        // dt = 1 ms is far too long for RK4 on this model: the state blows up within a few steps.
        let text = Self.wLike.replacingOccurrences(of: "dt_ms: 0.01", with: "dt_ms: 1")
        func failure(_ threads: Int) -> String? {
            do { _ = try Self.run(text, threads: threads); return nil } catch { return "\(error)" }
        }
        let one = failure(1)
        #expect(one != nil)
        #expect(failure(2) == one)
    }

    /// Runs `text` with `threads` and returns the error, the spikes and the work up to the stop.
    static func stoppedRun(_ text: String, threads: Int) throws -> (failure: String?, spikes: [Spike], statistics: IntegrationStatistics?) {
        let scenario = try ScenarioLoader.parse(text)
        let network = scenario.makeNetwork()
        let (evaluator, recorder) = try Simulation.prepare(scenario, network: network, trial: 0, traces: nil, keepRows: false, cellThreads: threads)
        #expect(evaluator.cellThreads == threads)
        var failure: String? = nil
        do {
            _ = try Simulation.integrate(scenario, evaluator, from: try scenario.initialState(trial: 0, network: network), observer: recorder)
        } catch { failure = "\(error)" }
        recorder.finish()
        return (failure, recorder.takeSortedSpikes(), recorder.stoppedStatistics)
    }

    @Test("fixed steps run together on 2 threads stop at the same step as on 1, with the same spikes and work",
          arguments: ["rk4", "heun"])
    func stepsTogetherStopAtTheSameStep(method: String) throws {
        // Cell 150 is driven by 1e14 pA from 15.003 ms (a breakpoint off the grid: the segment ends
        // inside a job's run of steps) and its NaN reaches the cells it drives; by then the
        // network has spiked, so the spikes before the stop must match too.
        let text = Self.wLike.replacingOccurrences(of: "method: rk4", with: "method: \(method)")
            .replacingOccurrences(of: "recording: {cells: none}", with: """
                stimuli:
                  - {type: current_step, amplitude_pA: 1e14, cells: [150], windows_ms: [[15.003, 40]]}
                recording: {cells: none}
                """)
        let one = try Self.stoppedRun(text, threads: 1)
        let two = try Self.stoppedRun(text, threads: 2)
        #expect(one.failure?.contains("cell 150 (v) became NaN or infinite") == true, "\(one.failure ?? "no failure")")
        #expect(two.failure == one.failure)
        #expect(one.spikes.count > 20)
        #expect(two.spikes.map(\.cell) == one.spikes.map(\.cell))
        #expect(two.spikes.map(\.timeMs.bitPattern) == one.spikes.map(\.timeMs.bitPattern))
        #expect(one.statistics != nil)
        #expect(two.statistics == one.statistics)
    }

    @Test("steps run together end on every breakpoint: pulses and steps off the grid give the same result on 1 and 2 threads")
    func stepsTogetherHonourBreakpoints() throws {
        let text = Self.wLike.replacingOccurrences(of: "recording: {cells: none}", with: """
            stimuli:
              - {type: pulse, receptor: AMPA, activation: 0.5, windows_ms: [[3.0031, 3.1], [7.5, 7.50001]], cells: [1, 120]}
              - {type: current_step, amplitude_pA: 40, windows_ms: [[2.00001, 9.99999]], population: I}
            recording: {cells: none}
            """)
        let one = try Self.run(text, threads: 1)
        let two = try Self.run(text, threads: 2)
        #expect(one.spikes.count > 200)
        #expect(two.spikes.map(\.cell) == one.spikes.map(\.cell))
        #expect(two.spikes.map(\.timeMs.bitPattern) == one.spikes.map(\.timeMs.bitPattern))
        #expect(two.state.map(\.bitPattern) == one.state.map(\.bitPattern))
        let statistics = try Simulation.simulateWithState(try ScenarioLoader.parse(text), cellThreads: 2).run.statistics
        #expect(statistics == (try Simulation.simulateWithState(try ScenarioLoader.parse(text), cellThreads: 1).run.statistics))
    }

    @Test("cell ranges are contiguous, start on cache-line blocks of eight and balance synapses plus cells")
    func partitionIsBalanced() {
        // The first 100 cells carry 10 times the synapses of the other 300.
        let synapses = (0..<400).map { $0 < 100 ? 300 : 30 }
        let ranges = CellPartition.ranges(synapsesPerCell: synapses, parts: 2)
        #expect(ranges.count == 2)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == 400)
        #expect(ranges[0].upperBound == ranges[1].lowerBound && ranges[0].upperBound % 8 == 0)
        func cost(_ r: Range<Int>) -> Int { r.reduce(0) { $0 + synapses[$1] + CellPartition.cellWeight } }
        // Balanced within one block of the heaviest cells.
        #expect(abs(cost(ranges[0]) - cost(ranges[1])) <= 8 * (300 + CellPartition.cellWeight))
        #expect(ranges[0].count < 200)  // the heavy cells come first, so the first part is shorter
        #expect(CellPartition.ranges(synapsesPerCell: synapses, parts: 2) == ranges)  // deterministic
    }

    @Test("a network of fewer blocks of eight than threads gets one part per block; a tiny one is not split")
    func partitionOfSmallNetworks() {
        #expect(CellPartition.ranges(synapsesPerCell: Array(repeating: 1, count: 17), parts: 8) == [0..<8, 8..<16, 16..<17])
        #expect(CellPartition.ranges(synapsesPerCell: [1, 2, 3], parts: 4) == [0..<3])
    }

    @Test("runs give trials their threads first and split networks only from the documented size")
    func threadPlan() {
        #expect(Simulation.threadPlan(requested: 2, trials: 1, cells: 1000, cores: 8) == (1, 2))
        #expect(Simulation.threadPlan(requested: 2, trials: 4, cells: 1000, cores: 8) == (2, 1))
        #expect(Simulation.threadPlan(requested: 4, trials: 2, cells: 1000, cores: 8) == (2, 2))
        #expect(Simulation.threadPlan(requested: 2, trials: 1, cells: Simulation.minimumCellsToSplit - 1, cores: 8) == (1, 1))
    }

    @Test("a split network gets no more threads than cores; trials may have more")
    func splitThreadsAreCappedByCores() {
        #expect(Simulation.threadPlan(requested: 8, trials: 1, cells: 1000, cores: 2) == (1, 2))
        #expect(Simulation.threadPlan(requested: 8, trials: 2, cells: 1000, cores: 2) == (2, 1))
        #expect(Simulation.threadPlan(requested: 8, trials: 8, cells: 1000, cores: 2) == (8, 1))
        #expect(Simulation.threadPlan(requested: nil, trials: 1, cells: 1000, cores: 3) == (1, 3))
        #expect(Simulation.threadPlan(requested: 3, trials: 1, cells: 1000, cores: 0) == (1, 1))
    }

    @Test("the timing choice alternates caller and team in chunks, then keeps one way until the next period")
    func splitChooserProbesBothWays() {
        // The default (jobs of one step) and the evaluator's chooser for jobs of 16 steps, with
        // and without warm-up jobs; a clock that advances by each job's cost, the team faster
        // (it then runs a period twice as long) or the caller (a period of the shortest length).
        for (period, probe, chunk, warmup) in [(SplitChooser.period, SplitChooser.probe, SplitChooser.chunk, SplitChooser.warmup),
                                               (250, 4, 1, 1), (250, 4, 1, 0), (600, 12, 3, 2)] {
            for (callerCost, teamCost): (UInt64, UInt64) in [(1_000, 500), (500, 700)] {
                var chooser = SplitChooser(period: period, probe: probe, chunk: chunk, warmup: warmup)
                var time: UInt64 = 0
                func next() -> Bool {
                    let onCaller = chooser.next { time }
                    time += onCaller ? callerCost : teamCost
                    return onCaller
                }
                let probes = chooser.probeJobs
                #expect(probes == 2 * (probe / chunk) * (chunk + warmup))
                let first = (0..<probes).map { _ in next() }
                for k in 0..<probes { #expect(first[k] == ((k / (chunk + warmup)) % 2 == 0), "job \(k) of period \(period)") }
                // The decision is taken at the first job after the probe; it sets the period's length.
                let decided = next(), prefersCaller = chooser.prefersCaller
                #expect(decided == prefersCaller)
                #expect(prefersCaller == (callerCost < teamCost))
                let length = chooser.currentPeriod
                #expect(length == (prefersCaller ? period : 2 * period))
                let rest = (0..<(length - probes - 1)).map { _ in next() }
                #expect(rest.allSatisfy { $0 == prefersCaller })
                let nextPeriod = next()
                #expect(nextPeriod)  // the next period starts with the caller's chunk
            }
        }
        #expect(SplitChooser.median([5, 1, 9]) == 5)
        #expect(SplitChooser.median([4, 1, 9, 100]) == 6)  // one slow chunk does not move it far
    }

    @Test("the caller takes the period when the team's warm-up jobs took twice the caller's time, however fast its warm jobs")
    func splitChooserCountsTheTeamsStart() {
        for (firstTeamJob, expected): (UInt64, Bool) in [(2_500, true), (1_500, false)] {
            var chooser = SplitChooser(period: 250, probe: 4, chunk: 1, warmup: 1)
            var time: UInt64 = 0, previousOnCaller = true
            // Warm team jobs 500 ns, the first after the caller's `firstTeamJob`; the caller 1 000 ns.
            for _ in 0...chooser.probeJobs {
                let onCaller = chooser.next { time }
                time += onCaller ? 1_000 : (previousOnCaller ? firstTeamJob : 500)
                previousOnCaller = onCaller
            }
            #expect(chooser.prefersCaller == expected)
            // A period on the caller is not lengthened, though the warm team chunks won clearly.
            #expect(chooser.currentPeriod == (expected ? 250 : 500))
        }
        #expect(SplitChooser.teamSlowToStart(warmupNs: 2_000, warmup: 1, callerChunkNs: 8_000, chunk: 8))
        #expect(!SplitChooser.teamSlowToStart(warmupNs: 1_999, warmup: 1, callerChunkNs: 8_000, chunk: 8))
    }

    @Test("a probe whose team is at least twice as slow as the caller stops after two chunks on each side")
    func splitChooserStopsAClearProbeEarly() {
        for (period, probe, chunk, warmup) in [(250, 4, 1, 1), (SplitChooser.period, SplitChooser.probe, SplitChooser.chunk, SplitChooser.warmup)] {
            var chooser = SplitChooser(period: period, probe: probe, chunk: chunk, warmup: warmup)
            var time: UInt64 = 0
            func next() -> Bool {
                let onCaller = chooser.next { time }
                time += onCaller ? 1_000 : 2_000
                return onCaller
            }
            let span = chunk + warmup
            let probe = (0..<(4 * span)).map { _ in next() }
            for k in probe.indices { #expect(probe[k] == ((k / span) % 2 == 0)) }
            // The rest of the period on the caller (the probe's jobs after the stop are skipped, not
            // run), at the shortest length; then a new probe.
            let rest = (0..<(period - chooser.probeJobs)).map { _ in next() }
            #expect(rest.allSatisfy { $0 })
            #expect(chooser.prefersCaller && chooser.currentPeriod == period)
            let again = (0..<(2 * span)).map { _ in next() }
            #expect(again == (0..<(2 * span)).map { $0 < span })
        }
        #expect(SplitChooser.teamClearlyBehind(callerChunks: [1_000, 1_200], teamChunks: [2_400, 2_500]))
        #expect(!SplitChooser.teamClearlyBehind(callerChunks: [1_000, 1_200], teamChunks: [2_300, 9_000]))
    }

    @Test("a team that stays slower than the caller's probe for two windows mid-period is probed again at once")
    func splitChooserWatchesTheTeam() {
        var chooser = SplitChooser(period: 250, probe: 4, chunk: 1, warmup: 1)
        // A clock that advances by each job's cost: 1 000 ns on the caller, `teamCost` on the team.
        var time: UInt64 = 0, teamCost: UInt64 = 500
        func run(_ jobs: Int) -> [Bool] {
            (0..<jobs).map { _ in
                let onCaller = chooser.next { time }
                time += onCaller ? 1_000 : teamCost
                return onCaller
            }
        }
        let probes = chooser.probeJobs
        let first = run(probes + 1)
        #expect(first.last == false)  // the team won
        #expect(chooser.currentPeriod == 500)  // clearly: a period twice as long
        // The team's jobs vary (a slow one every 16, as a noise block) but stay faster: no new probe.
        var rest: [Bool] = []
        for k in 0..<(500 - probes - 1) {
            teamCost = k % 16 == 0 ? 3_000 : 500
            rest += run(1)
        }
        #expect(rest.allSatisfy { !$0 })
        teamCost = 500
        #expect(run(1) == [true])  // the next period starts with a probe
        _ = run(probes)
        #expect(chooser.currentPeriod == 1_000)
        // One slow window (a core stalled for a while) is not enough for a new probe.
        _ = run(100)
        teamCost = 40_000
        _ = run(1)
        teamCost = 500
        let stalled = run(4 * chooser.watchWindow)
        #expect(!stalled.contains(true))
        #expect(chooser.currentPeriod == 1_000)
        // The team slows to twice the caller's time: within three windows a probe starts.
        teamCost = 2_000
        let slowed = run(3 * chooser.watchWindow)
        #expect(slowed.contains(true))
        #expect(chooser.currentPeriod == 250)
        #expect(SplitChooser.teamLostLead(windowNs: 15_001, windowJobs: 15, callerChunkNs: 1_000, chunk: 1))
        #expect(!SplitChooser.teamLostLead(windowNs: 15_000, windowJobs: 15, callerChunkNs: 1_000, chunk: 1))
        #expect(!SplitChooser.teamLostLead(windowNs: 60_000, windowJobs: 64, callerChunkNs: 8_000, chunk: 8))
    }

    @Test("after a clear win of the team the next period is twice as long, up to a limit; else the shortest")
    func splitChooserBacksOff() {
        let base = 250, top = SplitChooser.maxPeriodScale * base
        // The team clearly faster (W1000 on two quiet cores: 0.36 ms against 0.70 ms a job).
        #expect(SplitChooser.nextPeriod(after: base, shortest: base, callerNs: 700, teamNs: 360) == 2 * base)
        #expect(SplitChooser.nextPeriod(after: 4 * base, shortest: base, callerNs: 700, teamNs: 360) == top)
        #expect(SplitChooser.nextPeriod(after: top, shortest: base, callerNs: 700, teamNs: 360) == top)
        // The caller clearly faster: it runs the period, which is not lengthened (a team that got
        // faster shows only in a probe).
        #expect(SplitChooser.nextPeriod(after: 2 * base, shortest: base, callerNs: 500, teamNs: 1_000) == base)
        // Close either way: back to the shortest period, so that a change of load is seen soon.
        #expect(SplitChooser.nextPeriod(after: top, shortest: base, callerNs: 1_000, teamNs: 900) == base)
        #expect(SplitChooser.nextPeriod(after: top, shortest: base, callerNs: 900, teamNs: 1_000) == base)
        #expect(SplitChooser.nextPeriod(after: 2 * base, shortest: base, callerNs: 801, teamNs: 1_000) == base)
        #expect(SplitChooser.nextPeriod(after: 2 * base, shortest: base, callerNs: 1_000, teamNs: 801) == base)
    }

    @Test("the caller takes a period only when its probe was clearly faster than the team's")
    func splitChooserMargin() {
        #expect(SplitChooser.prefersCaller(callerNs: 600, teamNs: 1_000))
        #expect(SplitChooser.prefersCaller(callerNs: 800, teamNs: 1_000))
        #expect(!SplitChooser.prefersCaller(callerNs: 801, teamNs: 1_000))
        #expect(!SplitChooser.prefersCaller(callerNs: 950, teamNs: 1_000))  // within the noise of one probe
        #expect(!SplitChooser.prefersCaller(callerNs: 1_500, teamNs: 1_000))
    }

    /// Counts its parts' runs; stage 1 checks that every part's stage 0 ran before it.
    final class CountingWork: TeamWork, @unchecked Sendable {
        let parts: Int
        var stageZero: [Int]
        var seenAtStageOne: [Int]
        init(parts: Int) {
            self.parts = parts
            stageZero = Array(repeating: 0, count: parts)
            seenAtStageOne = Array(repeating: 0, count: parts)
        }
        func perform(part: Int, stage: Int) {
            if stage == 0 {
                stageZero[part] += 1
            } else {
                seenAtStageOne[part] = stageZero.reduce(0, +)
            }
        }
    }

    /// Counts each part's runs of each stage; the last stage of each group of `group` stages (an
    /// odd stage for pairs) records what every part had done of the group's first stage. Raw
    /// memory, one counter per part and stage: parts of a job touch nothing shared but these
    /// (arrays of arrays would be retained across threads).
    final class PairedWork: TeamWork, @unchecked Sendable {
        let parts: Int, stages: Int
        var group = 2
        let done: UnsafeMutablePointer<Int>
        let seen: UnsafeMutablePointer<Int>
        init(parts: Int, stages: Int) {
            self.parts = parts
            self.stages = stages
            done = .allocate(capacity: parts * stages)
            done.initialize(repeating: 0, count: parts * stages)
            seen = .allocate(capacity: parts * stages)
            seen.initialize(repeating: 0, count: parts * stages)
        }
        deinit {
            done.deallocate()
            seen.deallocate()
        }
        func perform(part: Int, stage: Int) {
            if stage % group == group - 1 {
                var sum = 0
                for p in 0..<parts { sum += done[(stage - group + 1) * parts + p] }
                seen[stage * parts + part] = sum
            }
            done[stage * parts + part] += 1
        }
        func seen(stage: Int) -> [Int] { (0..<parts).map { seen[stage * parts + $0] } }
        func done(stage: Int) -> [Int] { (0..<parts).map { done[stage * parts + $0] } }
    }

    /// Jobs of triples alternate with jobs that meet between all stages (checked as pairs: stage
    /// 2m + 1 sees every part's stage 2m), so that a meeting's count carries over from one kind of
    /// job to the other.
    @Test("a team that meets inside triples runs stage 3m + 2 after every part's stage 3m")
    func workerTeamMeetsInsideTriples() {
        let work = PairedWork(parts: 3, stages: 6)
        let team = WorkerTeam(count: 3, work: work)
        for job in 1...2_000 {
            work.group = job % 2 == 0 ? 2 : 3
            team.run(stages: 6, meetings: job % 2 == 0 ? .betweenStages : .insideTriples)
            let expected = Array(repeating: 3 * job, count: 3)
            let ok = (job % 2 == 0 ? [1, 3, 5] : [2, 5]).allSatisfy { work.seen(stage: $0) == expected }
            #expect(ok, "job \(job)")
            if !ok { break }
        }
        #expect((0..<6).allSatisfy { work.done(stage: $0) == Array(repeating: 2_000, count: 3) })
        team.stop()
    }

    @Test("a worker team runs every part of every stage after the barrier, and stops its workers")
    func workerTeamRunsAndStops() {
        let work = CountingWork(parts: 3)
        let team = WorkerTeam(count: 3, work: work)
        #expect(team.isRunning)
        for job in 1...2_000 {
            team.run(stages: 2)
            #expect(work.seenAtStageOne == Array(repeating: 3 * job, count: 3))
            if work.seenAtStageOne != Array(repeating: 3 * job, count: 3) { break }
        }
        team.stop()
        #expect(!team.isRunning)
        team.run(stages: 2)  // after stop: every part on the caller
        #expect(work.stageZero == Array(repeating: 2_001, count: 3))
    }
}
