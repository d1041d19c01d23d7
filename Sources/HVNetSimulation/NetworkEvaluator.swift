import Foundation
import HVNetModel
import HVNetNoise
import HVNetSolvers
import Numerics
import Synchronization

/// Where the model and the noise meet: the network's right-hand side (``NetworkRightHandSide``)
/// driven by stimuli plus the noise input μ_i + η_i(t) of one trial, as an ``ODESystem`` for the
/// integrators. The mean μ and the fluctuation η take the same route into the right-hand side;
/// under shifted integration the fluctuation enters through the shift ỹ = y − J(t) instead
/// (docs/model.md §8, "Noise path and shifted integration"). One evaluator serves one integration.
public final class NetworkEvaluator {
    public let model: NetworkModel
    /// The noise layout (means, weights), when the network has noise input.
    public let noiseModel: NoiseModel?
    /// The trial's noise paths; nil without fluctuations, or when each thread part holds its own.
    public let noise: NoiseRealisation?
    public let noiseIntegration: NoiseIntegration

    private let rightHandSide: NetworkRightHandSide
    private let n: Int
    /// The cells of each thread (one part of every cell without threads), and each part's noise
    /// (empty without fluctuations).
    private let parts: [NetworkRightHandSide.Part]
    private let noiseParts: [NoiseRealisation]
    /// The same per part, for the team's stages: read without reference counting, which two threads
    /// would contend for on the shared objects at every stage (see ``PartHandle``).
    private let handles: UnsafeMutableBufferPointer<PartHandle>
    private let unmanagedRightHandSide: Unmanaged<NetworkRightHandSide>
    private let hasNoise: Bool
    /// The workers with more than one part.
    private var team: WorkerTeam<NetworkEvaluator>? = nil
    /// State components per cell (y, w and any kinetic synapses): cell i's are i, n + i, 2n + i, ….
    private let componentsPerCell: Int
    /// After a split evaluation with a combination: each part's sum of its components of the
    /// state and the derivative (finite exactly when all are, short of overflow), one cache line
    /// apart, and the buffers they belong to; ``firstNonFinite(state:derivative:)`` answers from
    /// them, so the calling thread need not read the other threads' components after each step.
    private let partSums: UnsafeMutablePointer<Double>
    // What the calling thread writes at every evaluation, apart from what the team's threads only
    // read (``CacheLinePad``): the job and its arguments on their own lines, which the workers
    // fetch once per job, then the calling thread's own counters.
    private let pad0 = CacheLinePad()
    /// The job the team runs, and its arguments (written before the team starts it).
    @exclusivity(unchecked) private var job = Job.evaluate
    @exclusivity(unchecked) private var jobTime = 0.0
    @exclusivity(unchecked) private var jobState: UnsafePointer<Double>? = nil
    @exclusivity(unchecked) private var jobOutput: UnsafeMutablePointer<Double>? = nil
    /// The stage state each part computes first (``evaluate(t:combining:state:into:endsStep:)``), and where.
    @exclusivity(unchecked) private var jobCombination: StateCombination? = nil
    @exclusivity(unchecked) private var jobStateOutput: UnsafeMutablePointer<Double>? = nil
    /// Whether the job's parts sum their components for the finite check (the step's end state).
    @exclusivity(unchecked) private var jobSums = false
    /// The evaluations of a chained job (``evaluate(chain:)``).
    @exclusivity(unchecked) private var jobChain: UnsafePointer<ChainedEvaluation>? = nil
    /// The end of a shifted step (``completeShiftedStep(at:state:derivative:rate:anchoring:)``):
    /// where dy/dt goes, and whether the next step's anchor is set too.
    @exclusivity(unchecked) private var jobRate: UnsafeMutablePointer<Double>? = nil
    @exclusivity(unchecked) private var jobAnchors = false
    /// Steps run as one job (``evaluate(steps:evaluationsPerStep:observing:by:)``): evaluations per
    /// step (0 for a chain of one step), the steps each part observes inside the job, and by whom.
    @exclusivity(unchecked) private var jobStepEvaluations = 0
    @exclusivity(unchecked) private var jobObservations: UnsafePointer<AcceptedStep>? = nil
    @exclusivity(unchecked) private unowned(unsafe) var jobObserver: (any CellwiseStepObserver)? = nil
    /// Cell-wise observation each part runs first in the next job (``observeCellsLater(_:by:)``).
    @exclusivity(unchecked) private var pendingStep: AcceptedStep? = nil
    /// Unowned (unsafe): read by every part at the start of a job, where a retain of the shared
    /// observer would contend (``PartHandle``); the integration loop holds it while it is pending.
    @exclusivity(unchecked) private unowned(unsafe) var pendingObserver: (any CellwiseStepObserver)? = nil
    private let pad1 = CacheLinePad()
    /// Steps run as one job: the first step whose end some part found not finite (Int.max: none),
    /// written at most once per job; read by every part after the next meeting.
    private let divergedStep = Atomic<Int>(.max)
    private let pad3 = CacheLinePad()
    /// Right-hand-side evaluations so far.
    @exclusivity(unchecked) public private(set) var evaluations = 0
    @exclusivity(unchecked) private var summedState: UnsafePointer<Double>? = nil
    @exclusivity(unchecked) private var summedDerivative: UnsafePointer<Double>? = nil
    /// Whether evaluations run on the team or on the calling thread (timed, see ``SplitChooser``).
    @exclusivity(unchecked) private var chooser = SplitChooser()
    /// The same for jobs of several steps (``evaluate(steps:evaluationsPerStep:observing:by:)``):
    /// periods and probes of about as many steps as the single steps' (16 steps a job), so that a
    /// probe's wrong call costs no more of the run than before; each timed job after an untimed one
    /// on the same side (``SplitChooser``'s warm-up).
    @exclusivity(unchecked) private var stepsChooser = SplitChooser(period: 250, probe: 4, chunk: 1, warmup: 1)
    /// Whether the current evaluation runs on the calling thread; the step's other jobs follow it.
    @exclusivity(unchecked) private var onCaller = false
    private let pad2 = CacheLinePad()
    /// μ_i (1/ms).
    private let mean: Workspace
    /// Stimulus plus μ for the current segment (1/ms).
    private let drive: Workspace
    /// Total input passed to the right-hand side, and the potentials it sees.
    private let input: Workspace
    private let potential: Workspace
    private let fluctuation: Workspace
    private let noiseIntegral: Workspace
    /// Ī at the start of the current step (shifted integration).
    private let anchorIntegral: Workspace
    @exclusivity(unchecked) private var anchorTime = 0.0
    /// Sines and ramps, which vary inside a segment, and those on in the current segment with
    /// their window (evaluated at each stage time; empty without such stimuli).
    private let timeVaryingStimuli: [Stimulus]
    @exclusivity(unchecked) private var activeTimeVarying: [(stimulus: Stimulus, window: ClosedRange<Double>)] = []
    /// 1 / (C_m v_T) per cell: pA → 1/ms.
    private let inverseCurrentScale: [Double]
    /// Scratch for the recorder's input values.
    private let recordFluctuation: Workspace
    /// Some contact has a transmission delay (the right-hand side keeps a history).
    private let hasDelays: Bool
    /// The trial's Poisson input spike trains (nil without Poisson stimuli).
    public var poissonInput: PoissonConductances? { rightHandSide.poissonInput }
    private let hasPoissonInput: Bool

    /// - Parameters:
    ///   - noiseModel: the noise layout (its means enter even without fluctuations).
    ///   - noise: the trial's noise paths; required when `noiseModel` is stochastic.
    ///   - noiseIntegration: plain or shifted (the default).
    ///   - poissonInput: the trial's input spike trains of the model's Poisson stimuli
    ///     (``PoissonConductances``); required for them to open channels.
    public convenience init(model: NetworkModel, noiseModel: NoiseModel? = nil, noise: NoiseRealisation? = nil,
                            noiseIntegration: NoiseIntegration = .shifted, poissonInput: PoissonConductances? = nil) {
        precondition((noiseModel?.isStochastic ?? false) == (noise != nil), "a noisy model needs its noise realisation")
        self.init(model: model, noiseModel: noiseModel, noiseParts: noise.map { [$0] } ?? [], noiseIntegration: noiseIntegration,
                  rightHandSide: NetworkRightHandSide(model: model, poissonInput: poissonInput), parts: nil)
    }

    /// An evaluator whose evaluations run over up to `threads` threads: the cells are split into
    /// contiguous parts (``CellPartition``), each thread computes its cells' noise and presynaptic
    /// activations, waits for the others at a barrier, then computes its cells' synaptic sums,
    /// fluxes and derivatives. Results are the same bit for bit for any `threads`. One thread
    /// (and no worker) when `threads` is 1, when the network has fewer blocks of eight cells than
    /// two, or when ``supportsCellThreads(_:)`` is false; ``cellThreads`` tells how many.
    ///
    /// - Parameters:
    ///   - noiseModel: the noise layout; the trial's paths are drawn here from `scenarioSeed` and
    ///     `trial` (the same paths as ``NoiseRealisation``), one realisation per part.
    ///   - blockLength: grid intervals per generated block of the noise paths.
    ///   - poissonInput: the trial's input spike trains of the model's Poisson stimuli.
    public convenience init(model: NetworkModel, noiseModel: NoiseModel?, scenarioSeed: UInt64, trial: Int, blockLength: Int,
                            noiseIntegration: NoiseIntegration = .shifted, poissonInput: PoissonConductances? = nil, threads: Int) {
        let rightHandSide = NetworkRightHandSide(model: model, poissonInput: poissonInput)
        let parts = threads > 1 && Self.supportsCellThreads(model) ? rightHandSide.parts(threads) : nil
        let ranges: [Range<Int>?] = parts.map { $0.count > 1 ? $0.map(\.cells) : [nil] } ?? [nil]
        let noiseParts = noiseModel.map { noiseModel in
            noiseModel.isStochastic
                ? ranges.map { NoiseRealisation(model: noiseModel, scenarioSeed: scenarioSeed, trial: trial, blockLength: blockLength, cells: $0) }
                : []
        } ?? []
        self.init(model: model, noiseModel: noiseModel, noiseParts: noiseParts, noiseIntegration: noiseIntegration,
                  rightHandSide: rightHandSide, parts: parts.flatMap { $0.count > 1 ? $0 : nil })
    }

    /// Whether ``init(model:noiseModel:scenarioSeed:trial:blockLength:noiseIntegration:threads:)``
    /// may split `model` over threads: every input it has is one whose per-cell evaluation runs in
    /// the two phases of ``NetworkRightHandSide`` (cells, instantaneous or first-order synapses,
    /// pulses, current steps, sines, ramps, OU noise). An input that couples cells in another way
    /// must be listed here as unsupported until its evaluation is split by cells as well.
    /// Transmission delays (a history of the whole state) and Poisson input (trains kept per
    /// stimulus) are evaluated on one thread.
    public static func supportsCellThreads(_ model: NetworkModel) -> Bool {
        !model.hasDelays && model.stimuli.allSatisfy { stimulus in
            switch stimulus.kind {
            case .pulse, .currentStep, .sine, .ramp: true
            case .poisson: false
            }
        }
    }

    private init(model: NetworkModel, noiseModel: NoiseModel?, noiseParts: [NoiseRealisation], noiseIntegration: NoiseIntegration,
                 rightHandSide: NetworkRightHandSide, parts: [NetworkRightHandSide.Part]?) {
        precondition(noiseModel.map { $0.cells.count == model.cellCount } ?? true)
        self.model = model
        self.noiseModel = noiseModel
        self.noiseParts = noiseParts
        self.noise = noiseParts.count == 1 ? noiseParts[0] : nil
        self.hasNoise = !noiseParts.isEmpty
        self.noiseIntegration = noiseParts.isEmpty ? .plain : noiseIntegration
        self.rightHandSide = rightHandSide
        hasPoissonInput = rightHandSide.poissonInput != nil
        n = model.cellCount
        self.parts = parts ?? [rightHandSide.part(cells: 0..<model.cellCount)]
        mean = Workspace(noiseModel?.cells.map(\.mean) ?? Array(repeating: 0, count: n))
        drive = Workspace(count: n)
        input = Workspace(count: n)
        potential = Workspace(count: n)
        fluctuation = Workspace(count: n)
        noiseIntegral = Workspace(count: n)
        anchorIntegral = Workspace(count: n)
        recordFluctuation = Workspace(count: n)
        timeVaryingStimuli = model.stimuli.filter(\.isTimeVarying)
        inverseCurrentScale = model.cells.map { 1 / $0.currentScalePA }
        hasDelays = model.hasDelays
        componentsPerCell = model.cellCount == 0 ? 0 : model.stateSize / model.cellCount
        partSums = CacheLines.allocateDoubles(CacheLines.doubles * max(parts?.count ?? 1, 1))
        let allParts = self.parts
        handles = .allocate(capacity: allParts.count)
        for (k, part) in allParts.enumerated() {
            handles.initializeElement(at: k, to: PartHandle(
                cells: part.cells, part: .passUnretained(part), noise: noiseParts.isEmpty ? nil : .passUnretained(noiseParts[k])))
        }
        unmanagedRightHandSide = .passUnretained(rightHandSide)
        if let parts, parts.count > 1 { team = WorkerTeam(count: parts.count, work: self) }
    }

    deinit {
        team?.stop()
        partSums.deallocate()
        handles.deallocate()
    }

    /// A part's cells, right-hand-side part and noise as unretained references: the evaluator's
    /// `parts`, `noiseParts` and `rightHandSide` keep them alive as long as the handles. Swift
    /// retains a class reference it loads from an array or hands to a call, an atomic write to
    /// the object's header; when two threads do it to the same objects at every stage, the cache
    /// line travels between their cores each time (a split W1000 spent about a tenth of its
    /// samples in swift_retain/release, docs/performance.md "Eighth round").
    private struct PartHandle {
        let cells: Range<Int>
        let part: Unmanaged<NetworkRightHandSide.Part>
        let noise: Unmanaged<NoiseRealisation>?
    }

    /// Threads that evaluate the network together (1: the calling thread alone).
    public var cellThreads: Int { parts.count }

    public var isShifted: Bool { noiseIntegration == .shifted }

    /// The start of the current step (shifted integration).
    public var currentAnchorTime: Double { anchorTime }

    /// Sets the piecewise-constant inputs for the open interval (`start`, `end`), which holds no
    /// breakpoint.
    public func beginSegment(from start: Double, to end: Double) {
        rightHandSide.beginSegment(from: start, to: end)
        let stimulus = rightHandSide.stimulusInput.base, drive = drive.base, mean = mean.base
        for i in 0..<n { drive[i] = mean[i] + stimulus[i] }
        if !timeVaryingStimuli.isEmpty {
            let mid = 0.5 * (start + end)
            activeTimeVarying = timeVaryingStimuli.compactMap { stimulus in
                stimulus.windowsMs.first { $0.lowerBound <= mid && mid < $0.upperBound }.map { (stimulus, $0) }
            }
        }
    }

    /// Adds the sines and ramps on in the current segment, at time `t`, to `input` (1/ms) of the cells in `cells`.
    private func addTimeVaryingStimuli(at t: Double, to input: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        for (stimulus, window) in activeTimeVarying {
            let current = stimulus.currentPA(at: t, in: window)
            for i in stimulus.cells where cells.contains(i) { input[i] += current * inverseCurrentScale[i] }
        }
    }

    /// The OU input ξ_i(t) = μ_i + η_i(t) of every cell in pA, depolarising positive (0 for cells
    /// without noise), written into `out` (n values). For recording; does not disturb an integration.
    public func noiseInputPA(at t: Double, into out: UnsafeMutablePointer<Double>) {
        let mean = mean.base
        if hasNoise {
            let fluctuation = recordFluctuation.base
            for noise in noiseParts { noise.evaluate(at: t, fluctuation: fluctuation, integral: nil) }
            for i in 0..<n { out[i] = (mean[i] + fluctuation[i]) * model.cells[i].currentScalePA }
        } else {
            for i in 0..<n { out[i] = mean[i] * model.cells[i].currentScalePA }
        }
    }

    /// The stimulus current of cell `i` at time `t` in pA (current steps, sines and ramps whose
    /// window [start, stop) holds t), depolarising positive.
    public func stimulusCurrentPA(at t: Double, cell i: Int) -> Double {
        var sum = 0.0
        for stimulus in model.stimuli where stimulus.cells.contains(i) { sum += stimulus.currentPA(at: t) }
        return sum
    }

    /// Shifted integration: a step starts at `t`; states given to ``evaluate(t:state:into:)`` are
    /// ỹ = y − J(t) with J(t) = Ī(t) − Ī(anchor) until the next call.
    public func beginStep(at t: Double) {
        guard isShifted, hasNoise else { return }
        anchorTime = t
        if let team { start(.beginStep, t: t, state: nil, output: nil, on: team) } else { beginStep(part: 0, at: t) }
    }

    private func beginStep(part k: Int, at t: Double) {
        handles[k].noise?._withUnsafeGuaranteedRef { $0.evaluate(at: t, fluctuation: fluctuation.base, integral: anchorIntegral.base) }
    }

    /// Shifted integration: turns ỹ at `t` back into y by adding J(t) to the potentials.
    public func unshift(at t: Double, state: UnsafeMutablePointer<Double>) {
        guard isShifted, hasNoise else { return }
        if let team { start(.unshift, t: t, state: nil, output: state, on: team) } else { unshift(part: 0, at: t, state: state) }
    }

    private func unshift(part k: Int, at t: Double, state: UnsafeMutablePointer<Double>) {
        handles[k].noise?._withUnsafeGuaranteedRef { $0.evaluate(at: t, fluctuation: fluctuation.base, integral: noiseIntegral.base) }
        let integral = noiseIntegral.base, anchor = anchorIntegral.base
        for i in handles[k].cells { state[i] += integral[i] - anchor[i] }
    }

    /// Shifted integration: turns dỹ/dt at `t` into dy/dt by adding η(t) to the potentials' rates.
    public func addFluctuation(at t: Double, to derivative: UnsafeMutablePointer<Double>) {
        guard isShifted, hasNoise else { return }
        if let team {
            start(.addFluctuation, t: t, state: nil, output: derivative, on: team)
        } else {
            addFluctuation(part: 0, at: t, to: derivative)
        }
    }

    /// Split over threads, one job: each part unshifts its cells, writes their dy/dt, sums its
    /// components for the finite check and, when `anchoring`, keeps Ī(t) as the next anchor: the
    /// values of the calls one at a time (one noise evaluation at `t` gives η and Ī for all), with
    /// no pass of the calling thread over the other parts' components.
    public func completeShiftedStep(at t: Double, state: UnsafeMutablePointer<Double>, derivative: UnsafePointer<Double>,
                                    rate: UnsafeMutablePointer<Double>, anchoring: Bool) -> Int? {
        guard let team, isShifted, hasNoise else {
            return unshiftedStepEnd(self, at: t, state: state, derivative: derivative, rate: rate, anchoring: anchoring)
        }
        jobRate = rate
        jobAnchors = anchoring
        start(.completeShifted, t: t, state: derivative, output: state, on: team)
        jobRate = nil
        jobAnchors = false
        if anchoring { anchorTime = t }
        summedState = UnsafePointer(state)
        summedDerivative = derivative
        return firstNonFinite(state: state, derivative: derivative)
    }

    private func completeShiftedStep(part k: Int, at t: Double, state: UnsafeMutablePointer<Double>, derivative: UnsafePointer<Double>,
                                     rate: UnsafeMutablePointer<Double>, anchoring: Bool) {
        handles[k].noise?._withUnsafeGuaranteedRef { $0.evaluate(at: t, fluctuation: fluctuation.base, integral: noiseIntegral.base) }
        let integral = noiseIntegral.base, anchor = anchorIntegral.base, eta = fluctuation.base
        let cells = handles[k].cells
        for i in cells { state[i] += integral[i] - anchor[i] }
        for c in 0..<componentsPerCell {
            let first = c * n + cells.lowerBound
            (rate + first).update(from: derivative + first, count: cells.count)
        }
        for i in cells { rate[i] += eta[i] }
        partSums[CacheLines.doubles * k] = partSum(part: k, state: state, derivative: derivative)
        if anchoring { for i in cells { anchor[i] = integral[i] } }
    }

    private func addFluctuation(part k: Int, at t: Double, to derivative: UnsafeMutablePointer<Double>) {
        let fluctuation = fluctuation.base
        handles[k].noise?._withUnsafeGuaranteedRef { $0.evaluate(at: t, fluctuation: fluctuation, integral: nil) }
        for i in handles[k].cells { derivative[i] += fluctuation[i] }
    }

    /// Open AMPA and GABA-A channels of cell `i` at time `t` (inside the current segment) for a
    /// (y-space) `state`: synaptic plus pulses plus Poisson input; delayed contacts are read from
    /// the history at t − d.
    public func openChannels(at t: Double, state: UnsafePointer<Double>, cell i: Int) -> (ampa: Double, gabaA: Double) {
        if hasDelays { rightHandSide.time = t }
        return rightHandSide.openChannels(at: t, state: state, cell: i)
    }

    /// Writes the right-hand side at time `t` (ms) for `state` into `derivative`: dy/dt, dw/dt and
    /// ds/dt in plain integration, dỹ/dt (without η) for shifted integration.
    public func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        evaluations += 1
        // Delays and Poisson input are evaluated on one thread (``supportsCellThreads(_:)``).
        if hasDelays { rightHandSide.time = t }
        if hasPoissonInput { rightHandSide.setInputTime(t) }
        if let team {
            onCaller = chooser.next()
            start(.evaluate, t: t, state: state, output: derivative, on: team)
            return
        }
        // One thread: the whole network, without the parts' arrays.
        presynaptic(cells: 0..<n, noise: noise.map { .passUnretained($0) }, t: t, state: state, derivative: derivative)
        rightHandSide.evaluatePostsynaptic(y: potentials(state), state: state, input: input.base, into: derivative)
    }

    /// Whether the evaluation is split over threads (a team of workers).
    public var evaluatesInParts: Bool { team != nil }

    /// Split over threads, each part computes its cells' components of the stage state before its
    /// phase 1, so the state never crosses threads; on one thread, the combination then
    /// ``evaluate(t:state:into:)``. The same values either way.
    public func evaluate(t: Double, combining combination: StateCombination, state: UnsafeMutablePointer<Double>,
                         into derivative: UnsafeMutablePointer<Double>, endsStep: Bool) {
        guard let team else {
            combination.write(into: state, components: 0..<model.stateSize)
            evaluate(t: t, state: state, into: derivative)
            return
        }
        evaluations += 1
        onCaller = chooser.next()
        jobCombination = combination
        jobStateOutput = state
        jobSums = endsStep
        start(.evaluate, t: t, state: UnsafePointer(state), output: derivative, on: team)
        jobCombination = nil
        jobStateOutput = nil
        jobSums = false
        if endsStep {
            summedState = UnsafePointer(state)
            summedDerivative = UnsafePointer(derivative)
        }
    }

    /// Split over threads, the evaluations run as one job whose parts meet once per evaluation,
    /// between its phases, in three stages (``WorkerTeam/Meetings/insideTriples``): phase 1's
    /// activations, which other parts read; announced, then the rest of phase 1 (the part's input
    /// and the exponentials only its own cells need) while the announcements travel; then phase 2.
    /// A part goes on from its phase 2 to its phase 1 of the next evaluation, which reads only the
    /// part's own components, and writes that evaluation's activations into the other buffer
    /// (``NetworkRightHandSide/ActivationBuffer``). The same values as one evaluation at a time.
    public func evaluate(chain: UnsafeBufferPointer<ChainedEvaluation>) {
        guard let team, let first = chain.baseAddress, chain.count > 0 else {
            for e in chain { evaluate(t: e.t, combining: e.combination, state: e.state, into: e.derivative, endsStep: e.endsStep) }
            return
        }
        evaluations += chain.count
        onCaller = chooser.next()
        jobChain = first
        start(.chain, t: first.pointee.t, state: nil, output: nil, on: team, stages: Self.chainStages * chain.count)
        jobChain = nil
        if let last = chain.last, last.endsStep {
            summedState = UnsafePointer(last.state)
            summedDerivative = UnsafePointer(last.derivative)
        }
    }

    public var evaluatesStepsTogether: Bool { team != nil }

    /// Split over threads, the steps' evaluations run as one chain (``evaluate(chain:)``); at the
    /// meeting of each step's first evaluation every part knows whether the previous step's end was
    /// finite in every part (a part that finds its sum not finite says so in `divergedStep`), and
    /// then observes its cells of that step or, if not, does nothing more in this job.
    public func evaluate(steps chain: UnsafeBufferPointer<ChainedEvaluation>, evaluationsPerStep: Int,
                         observing observations: UnsafeBufferPointer<AcceptedStep>, by observer: any CellwiseStepObserver) -> Int {
        guard let team, let first = chain.baseAddress, evaluationsPerStep >= 2, chain.count == evaluationsPerStep * (observations.count + 1)
        else { return 0 }
        onCaller = stepsChooser.next()
        jobChain = first
        jobStepEvaluations = evaluationsPerStep
        jobObservations = observations.baseAddress
        jobObserver = observer
        divergedStep.store(.max, ordering: .relaxed)
        start(.chain, t: first.pointee.t, state: nil, output: nil, on: team, stages: Self.chainStages * chain.count)
        jobChain = nil
        jobStepEvaluations = 0
        jobObservations = nil
        jobObserver = nil
        let diverged = divergedStep.load(ordering: .relaxed)
        let steps = diverged < observations.count ? diverged + 1 : observations.count + 1
        evaluations += steps * evaluationsPerStep
        let last = chain[steps * evaluationsPerStep - 1]
        summedState = UnsafePointer(last.state)
        summedDerivative = UnsafePointer(last.derivative)
        return steps
    }

    public func observeCellsLater(_ step: AcceptedStep, by observer: any CellwiseStepObserver) -> Bool {
        guard team != nil else { return false }
        completeDeferredWork()
        pendingStep = step
        pendingObserver = observer
        return true
    }

    public func completeDeferredWork() {
        guard let step = pendingStep, let observer = pendingObserver else { return }
        pendingStep = nil
        pendingObserver = nil
        for (k, part) in parts.enumerated() { observer.observeCells(step, cells: part.cells, part: k) }
    }

    /// From the parts' sums when `state` and `derivative` are those of the last split evaluation
    /// of a step's end state (nothing has written them since: every other job clears the sums);
    /// otherwise, or when a sum is not finite, by one pass over every component.
    public func firstNonFinite(state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) -> Int? {
        if state == summedState, derivative == summedDerivative {
            var finite = true
            for k in 0..<parts.count where !partSums[CacheLines.doubles * k].isFinite { finite = false }
            if finite { return nil }
        }
        return firstNonFiniteComponent(state, derivative, count: model.stateSize)
    }

    /// The potentials the right-hand side sees: the state's, or y = ỹ + J(t) under shifted integration.
    @inline(__always)
    private func potentials(_ state: UnsafePointer<Double>) -> UnsafePointer<Double> {
        hasNoise && noiseIntegration == .shifted ? UnsafePointer(potential.base) : state
    }

    /// Phase 1 for `cells` (a part's, with its noise): their input (drive, noise, time-varying stimuli), potentials and
    /// presynaptic activations.
    private func presynaptic(cells: Range<Int>, noise: Unmanaged<NoiseRealisation>?, t: Double, state: UnsafePointer<Double>,
                             derivative: UnsafeMutablePointer<Double>, buffer: NetworkRightHandSide.ActivationBuffer = .even,
                             work: NetworkRightHandSide.PresynapticWork = .all) {
        // The input goes with the part no other thread reads, unless the potentials depend on it
        // (shifted noise).
        let inputFirst = noise != nil && noiseIntegration == .shifted
        if work == .all || (work == .shared) == inputFirst { writeInput(cells: cells, noise: noise, t: t, state: state) }
        let y = potentials(state)
        unmanagedRightHandSide._withUnsafeGuaranteedRef {
            $0.evaluatePresynaptic(cells: cells, y: y, state: state, derivative: derivative, buffer: buffer, work: work)
        }
    }

    /// The input of `cells` at `t` (drive, noise and time-varying stimuli), and for shifted noise
    /// the potentials.
    private func writeInput(cells: Range<Int>, noise: Unmanaged<NoiseRealisation>?, t: Double, state: UnsafePointer<Double>) {
        let input = input.base, drive = drive.base
        if let noise {
            let fluctuation = fluctuation.base
            switch noiseIntegration {
            case .plain:
                // The evaluator's own buffer, written only by the noise: reused at a repeated time.
                noise._withUnsafeGuaranteedRef { $0.evaluate(at: t, fluctuation: fluctuation, integral: nil, reusing: true) }
                for i in cells { input[i] = drive[i] + fluctuation[i] }
            case .shifted:
                let potential = potential.base
                if t == anchorTime {
                    for i in cells { potential[i] = state[i] }
                } else {
                    let integral = noiseIntegral.base, anchor = anchorIntegral.base
                    noise._withUnsafeGuaranteedRef { $0.evaluate(at: t, fluctuation: fluctuation, integral: integral) }
                    for i in cells { potential[i] = state[i] + integral[i] - anchor[i] }
                }
                for i in cells { input[i] = drive[i] }
            }
        } else {
            for i in cells { input[i] = drive[i] }
        }
        if !activeTimeVarying.isEmpty { addTimeVaryingStimuli(at: t, to: input, cells: cells) }
    }

    /// Phase 2 for part `k`, after phase 1 of every part.
    private func postsynaptic(part k: Int, state: UnsafePointer<Double>, derivative: UnsafeMutablePointer<Double>,
                              buffer: NetworkRightHandSide.ActivationBuffer = .even) {
        let y = potentials(state), input = input.base
        unmanagedRightHandSide._withUnsafeGuaranteedRef { rightHandSide in
            handles[k].part._withUnsafeGuaranteedRef { part in
                rightHandSide.evaluatePostsynaptic(part, y: y, state: state, input: input, into: derivative, buffer: buffer)
            }
        }
    }

    /// Writes part `k`'s components of `combination` into `out`.
    private func writeCombination(_ combination: StateCombination, into out: UnsafeMutablePointer<Double>, part k: Int) {
        let cells = handles[k].cells
        for c in 0..<componentsPerCell { combination.write(into: out, components: (c * n + cells.lowerBound)..<(c * n + cells.upperBound)) }
    }

    /// Part `k`'s sum of its components of `state` and `derivative` (``finiteTestSum(_:_:count:)``).
    private func partSum(part k: Int, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) -> Double {
        let cells = handles[k].cells
        var sum = 0.0
        for c in 0..<componentsPerCell {
            let first = c * n + cells.lowerBound
            sum += finiteTestSum(state + first, derivative + first, count: cells.count)
        }
        return sum
    }

    /// Stages of a chained evaluation: shared phase 1, own phase 1, phase 2 (``evaluate(chain:)``).
    private static let chainStages = 3

    /// What the team runs.
    private enum Job { case evaluate, chain, beginStep, unshift, addFluctuation, completeShifted }

    private func start(_ job: Job, t: Double, state: UnsafePointer<Double>?, output: UnsafeMutablePointer<Double>?, on team: WorkerTeam<NetworkEvaluator>,
                       stages: Int? = nil) {
        summedState = nil
        summedDerivative = nil
        self.job = job
        jobTime = t
        jobState = state
        jobOutput = output
        switch job {
        case .evaluate: team.run(stages: 2, onCaller: onCaller)
        case .chain: team.run(stages: stages ?? 0, onCaller: onCaller, meetings: .insideTriples)
        case .beginStep, .unshift, .addFluctuation, .completeShifted: team.run(stages: 1, onCaller: onCaller)
        }
        // Every part ran the pending observation at the start of this job.
        pendingStep = nil
        pendingObserver = nil
    }

    /// ∂f/∂y (row-major, stateSize²) and ∂f/∂t at (t, state), in the same coordinates as
    /// ``evaluate(t:state:into:)``: for shifted integration the state is ỹ and y = ỹ + J(t), so
    /// ∂f/∂ỹ = ∂F/∂y and ∂f/∂t = Σ_i ∂F/∂y_i η_i(t); for plain integration ∂f/∂t is dη/dt on the
    /// potentials. Pulses and steps are constant inside a segment; sines and ramps add their dI/dt,
    /// Poisson input −φ_A(y_i) dg_A,i/dt − φ_G(y_i) dg_G,i/dt with dg/dt = −g/τ.
    public func jacobian(t: Double, state: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) -> Bool {
        let dim = model.stateSize
        var full = [Double](repeating: 0, count: dim)
        for k in 0..<dim { full[k] = state[k] }
        var eta = [Double](repeating: 0, count: n)
        if hasNoise, isShifted {
            var anchor = [Double](repeating: 0, count: n)
            var integral = [Double](repeating: 0, count: n)
            for noise in noiseParts {
                noise.evaluate(at: currentAnchorTime, fluctuation: &eta, integral: &anchor)
                noise.evaluate(at: t, fluctuation: &eta, integral: &integral)
            }
            for i in 0..<n { full[i] += integral[i] - anchor[i] }
        }
        if hasDelays { rightHandSide.time = t }
        if hasPoissonInput { rightHandSide.setInputTime(t) }
        full.withUnsafeBufferPointer { rightHandSide.jacobian(state: $0.baseAddress!, dfdy: dfdy) }
        for k in 0..<dim { dfdt[k] = 0 }
        if hasNoise {
            if isShifted {
                // d/dt F(ỹ + J(t)) = Σ_i ∂F/∂y_i η_i(t).
                for row in 0..<dim {
                    var sum = 0.0
                    for i in 0..<n { sum += dfdy[row * dim + i] * eta[i] }
                    dfdt[row] = sum
                }
            } else {
                var slope = [Double](repeating: 0, count: n)
                for noise in noiseParts { noise.fluctuationSlope(at: t, into: &slope) }
                for i in 0..<n { dfdt[i] = slope[i] }
            }
        }
        for (stimulus, window) in activeTimeVarying {
            let slope = stimulus.currentSlopePAPerMs(at: t, in: window)
            for i in stimulus.cells { dfdt[i] += slope * inverseCurrentScale[i] }
        }
        if let poissonInput {
            var slopeAmpa = [Double](repeating: 0, count: n), slopeGabaA = [Double](repeating: 0, count: n)
            poissonInput.addSlope(at: t, ampa: &slopeAmpa, gabaA: &slopeGabaA)
            for i in 0..<n where slopeAmpa[i] != 0 || slopeGabaA[i] != 0 {
                let cell = model.cells[i]
                dfdt[i] -= slopeAmpa[i] * cell.ampa.flux(full[i], form: cell.fluxForm)
                    + slopeGabaA[i] * cell.gabaA.flux(full[i], form: cell.fluxForm)
            }
        }
        return true
    }
}

/// The team's parts: each runs the current job on its own cells (see ``WorkerTeam`` for why the
/// threads may share the evaluator).
extension NetworkEvaluator: TeamWork {
    package func perform(part k: Int, stage: Int) {
        // First the last step's cell-wise observation, before this job writes any of the part's components.
        if stage == 0, let observer = pendingObserver, let step = pendingStep {
            observer.observeCells(step, cells: handles[k].cells, part: k)
        }
        switch job {
        case .evaluate:
            guard let state = jobState, let derivative = jobOutput else { return }
            if stage == 0 {
                if let combination = jobCombination, let out = jobStateOutput { writeCombination(combination, into: out, part: k) }
                presynaptic(cells: handles[k].cells, noise: handles[k].noise, t: jobTime, state: state, derivative: derivative)
            } else {
                postsynaptic(part: k, state: state, derivative: derivative)
                if jobSums { partSums[CacheLines.doubles * k] = partSum(part: k, state: state, derivative: derivative) }
            }
        case .chain:
            guard let chain = jobChain else { return }
            let index = stage / Self.chainStages, phase = stage % Self.chainStages
            let e = chain[index], buffer = NetworkRightHandSide.ActivationBuffer(evaluation: index)
            let perStep = jobStepEvaluations
            if perStep > 0 {
                // Steps as one job: nothing more after a step that was not finite; the previous
                // step observed once every part has found it finite (known after the meeting
                // before phase 2 of the step's first evaluation).
                let step = index / perStep
                if step > 0 {
                    if divergedStep.load(ordering: .relaxed) < step { return }
                    if phase == 2, index % perStep == 0, let observer = jobObserver, let observations = jobObservations {
                        observer.observeCells(observations[step - 1], cells: handles[k].cells, part: k)
                    }
                }
            }
            if phase == 0 {
                writeCombination(e.combination, into: e.state, part: k)
                presynaptic(cells: handles[k].cells, noise: handles[k].noise, t: e.t, state: e.state,
                            derivative: e.derivative, buffer: buffer, work: .shared)
            } else if phase == 1 {
                presynaptic(cells: handles[k].cells, noise: handles[k].noise, t: e.t, state: e.state,
                            derivative: e.derivative, buffer: buffer, work: .own)
            } else {
                postsynaptic(part: k, state: e.state, derivative: e.derivative, buffer: buffer)
                if e.endsStep {
                    let sum = partSum(part: k, state: e.state, derivative: e.derivative)
                    partSums[CacheLines.doubles * k] = sum
                    if perStep > 0 && !sum.isFinite { divergedStep.store(index / perStep, ordering: .relaxed) }
                }
            }
        case .beginStep: beginStep(part: k, at: jobTime)
        case .unshift: if let state = jobOutput { unshift(part: k, at: jobTime, state: state) }
        case .addFluctuation: if let derivative = jobOutput { addFluctuation(part: k, at: jobTime, to: derivative) }
        case .completeShifted:
            if let state = jobOutput, let derivative = jobState, let rate = jobRate {
                completeShiftedStep(part: k, at: jobTime, state: state, derivative: derivative, rate: rate, anchoring: jobAnchors)
            }
        }
    }
}

extension NetworkEvaluator: ODESystem {
    public var dimension: Int { model.stateSize }
    /// The stimuli's window edges and, with Poisson input, every input spike: sorted and distinct.
    public func breakpoints(before duration: Double) -> [Double] {
        let edges = model.breakpoints(before: duration)
        guard let poissonInput else { return edges }
        return mergeSorted(edges, poissonInput.breakpoints(before: duration))
    }
    public func describeStateComponent(_ index: Int) -> String { model.describeStateComponent(index) }
    /// The shortest transmission delay (ms), or infinity without delays.
    public var maximumStepMs: Double { model.delays.first ?? .infinity }
    public func recordAcceptedState(time: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) {
        if hasDelays { rightHandSide.recordAcceptedState(time: time, state: state, derivative: derivative) }
    }
}

/// The sorted, distinct union of two sorted, distinct lists, in one pass.
func mergeSorted(_ a: [Double], _ b: [Double]) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count || j < b.count {
        let next: Double
        if j == b.count || (i < a.count && a[i] <= b[j]) {
            next = a[i]
            i += 1
        } else {
            next = b[j]
            j += 1
        }
        if out.last != next { out.append(next) }
    }
    return out
}
