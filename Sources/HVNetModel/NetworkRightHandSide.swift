import Foundation
import Numerics

/// The deterministic right-hand side of a ``NetworkModel``, evaluated into caller-provided
/// buffers: dy/dt, dw/dt (and ds/dt of kinetic synapses) for given membrane potentials, gating
/// state and external input. It owns its scratch space and the stimuli of the current segment,
/// so it allocates nothing per evaluation; one instance serves one integration (shared between
/// threads only through the two phases below, on disjoint ranges of cells).
///
/// In normalised units (docs/model.md §2–§4), with y = v/v_T and the input u_i in 1/ms:
///
///     dy_i/dt = u_i − Σ_k N_k a_k(y_i, w_i) φ_k(y_i) − g_A,i φ_A(y_i) − g_G,i φ_G(y_i)
///     dw_i/dt = w_i^κ R(y_i) (w∞(y_i) − w_i)
///
/// where g_A and g_G are the open AMPA and GABA-A channels (W s plus pulses plus Poisson input,
/// ``PoissonConductances``). Three paths give
/// the same numbers: vectorised (SIMD blocks of four cells, two exponentials per cell), shared
/// exponential (r = 1/2: one exp(y/2) for all fluxes), and general.
///
/// Each evaluation has two phases over cells, so that threads sharing one network can split it
/// by ranges of cells (``Part``): phase 1 writes what other cells read (presynaptic activations),
/// phase 2 reads them and writes only its own cells. Every cell's arithmetic is the same however
/// the cells are split, so results do not depend on the split. Between the two phases of one
/// evaluation, and between evaluations, the threads must meet at a barrier.
///
/// The pointer arguments are raw because every solver (GSL's C steppers included) hands the state
/// over as a C array; the benchmark in docs/performance.md shows the cost of anything else.
public final class NetworkRightHandSide {
    public let model: NetworkModel
    private let n: Int
    /// Open channels from pulses, per cell, for the current segment; with Poisson input, plus its
    /// channels at the time of the last ``setInputTime(_:)``.
    private let pulseAmpa: Workspace
    private let pulseGabaA: Workspace
    /// Whether a pulse or Poisson input may open channels in the current segment; without, the
    /// pulses are zero and are not added to the synaptic sums (adding +0 would leave them as they are).
    @exclusivity(unchecked) private var hasPulses = true
    /// The trial's Poisson input, and the pulses of the current segment without it (empty
    /// without Poisson input).
    public let poissonInput: PoissonConductances?
    private let segmentAmpa: Workspace
    private let segmentGabaA: Workspace
    /// Injected stimulus current (1/ms, depolarising positive) of the current segment.
    public let stimulusInput: Workspace
    /// Scratch: presynaptic activations per receptor (one array when both receptors' sigmoids
    /// are the same powers of exp(−y/2)), open synaptic channels. Two buffers of activations
    /// (``ActivationBuffer``): the threads of a split network that chain evaluations without
    /// meeting between them write the next evaluation's activations into the other buffer while a
    /// slower thread may still be reading this one.
    private let ampaActivation: Workspace
    private let gabaAActivation: Workspace
    private let ampaActivationOdd: Workspace
    private let gabaAActivationOdd: Workspace
    /// The evaluation's hot path reads only what needs no reference counting: raw pointers into
    /// the workspaces above (which this object owns) and a plain copy of the vectorised path's
    /// scalars. Two threads that retain and release one shared object contend for its cache line
    /// at every call: copying `model.vectorized` (13 arrays) and handing workspaces along cost a
    /// split W1000 about a tenth of its samples in swift_retain/release (docs/performance.md).
    private let activationBases: (even: (ampa: UnsafeMutablePointer<Double>, gabaA: UnsafeMutablePointer<Double>),
                                  odd: (ampa: UnsafeMutablePointer<Double>, gabaA: UnsafeMutablePointer<Double>))
    private let shape: VectorShape?
    /// Whether phase 1 computes each receptor's activations from powers of exp(−y/2) (instantaneous
    /// sigmoids with a whole 2 g_s, and contacts to drive), with that power and constant.
    private let ampaSigmoid: (power: Int, constant: Double)?
    private let gabaASigmoid: (power: Int, constant: Double)?
    private let gabaASharesActivation: Bool
    private let ampaIsEmpty: Bool
    private let gabaAIsEmpty: Bool
    private let ampaOpen: Workspace
    private let gabaAOpen: Workspace
    /// Vectorised path scratch (padded to 4 cells): y, w, exp(y/2), exp(−y/2), exp(b g_w y).
    private let padY: Workspace
    private let padW: Workspace
    private let padInput: Workspace
    private let halfExp: Workspace
    private let inverseHalfExp: Workspace
    private let biasExp: Workspace
    private let vectorConstants: Workspace
    /// Transmission delays: the accepted past of the state (nil without delays), the time of the
    /// current evaluation, and each delayed contact's interval hint into the history.
    public let history: HermiteHistory?
    @exclusivity(unchecked) public var time = 0.0
    private let ampaHints: UnsafeMutablePointer<Int>
    private let gabaAHints: UnsafeMutablePointer<Int>

    /// - Parameter poissonInput: the input spike trains of the model's Poisson stimuli (nil, or
    ///   empty, when it has none; without it Poisson stimuli open no channels).
    public init(model: NetworkModel, poissonInput: PoissonConductances? = nil) {
        self.model = model
        n = model.cellCount
        let padded = (model.cellCount + 3) / 4 * 4
        pulseAmpa = Workspace(count: padded)
        pulseGabaA = Workspace(count: padded)
        self.poissonInput = poissonInput?.isEmpty == false ? poissonInput : nil
        segmentAmpa = Workspace(count: self.poissonInput == nil ? 0 : padded)
        segmentGabaA = Workspace(count: self.poissonInput == nil ? 0 : padded)
        stimulusInput = Workspace(count: padded)
        ampaActivation = Workspace(count: padded)
        if model.vectorized != nil, !model.ampa.hasNoUndelayedContacts, !model.gabaA.hasNoUndelayedContacts,
            let a = model.ampaSigmoidPower, let g = model.gabaASigmoidPower {
            gabaASharesActivation = a.power == g.power && a.constant == g.constant
        } else {
            gabaASharesActivation = false
        }
        // The sparse products are empty (delayed contacts are added apart).
        ampaIsEmpty = model.ampa.hasNoUndelayedContacts
        gabaAIsEmpty = model.gabaA.hasNoUndelayedContacts
        whole = Part(cells: 0..<model.cellCount, ampaRows: model.ampa.weights, gabaARows: model.gabaA.weights)
        gabaAActivation = gabaASharesActivation ? ampaActivation : Workspace(count: padded)
        ampaActivationOdd = Workspace(count: padded)
        gabaAActivationOdd = gabaASharesActivation ? ampaActivationOdd : Workspace(count: padded)
        activationBases = ((ampaActivation.base, gabaAActivation.base), (ampaActivationOdd.base, gabaAActivationOdd.base))
        shape = model.vectorized.map(VectorShape.init)
        ampaSigmoid = model.ampa.hasNoUndelayedContacts ? nil : model.ampaSigmoidPower
        gabaASigmoid = model.gabaA.hasNoUndelayedContacts ? nil : model.gabaASigmoidPower
        ampaOpen = Workspace(count: padded)
        gabaAOpen = Workspace(count: padded)
        halfExp = Workspace(count: padded)
        inverseHalfExp = Workspace(count: padded)
        biasExp = Workspace(count: padded)
        padY = Workspace(count: padded)
        padW = Workspace(count: padded)
        padInput = Workspace(count: padded)
        // Columns of the vectorised path: 10 flux constants, then exp(g_m y_m), exp(g_w y_w) and
        // r_w exp(−b g_w y_w), each padded to a multiple of 4 cells.
        if let v = model.vectorized {
            let columns = [v.natP, v.natQ, v.kadP, v.kadQ, v.nakaP, v.nakaQ, v.ampaP, v.ampaQ, v.gabaP, v.gabaQ,
                           v.sodiumConstant, v.potassiumConstant, v.rateConstant]
            vectorConstants = Workspace(columns.flatMap { $0 })
        } else {
            vectorConstants = Workspace(count: 0)
        }
        history = model.hasDelays ? HermiteHistory(dimension: model.stateSize, span: model.delays.last ?? 0) : nil
        let ampaCount = max(model.ampa.delayed?.count ?? 0, 1), gabaACount = max(model.gabaA.delayed?.count ?? 0, 1)
        ampaHints = .allocate(capacity: ampaCount)
        ampaHints.initialize(repeating: 0, count: ampaCount)
        gabaAHints = .allocate(capacity: gabaACount)
        gabaAHints.initialize(repeating: 0, count: gabaACount)
    }

    deinit {
        ampaHints.deallocate()
        gabaAHints.deallocate()
    }

    /// Delayed coupling: records an accepted state of the integration (y, not ỹ) with its dy/dt
    /// (the left limit at a breakpoint; the right limit is recorded again at the same time when
    /// the next segment starts). A time of 0, or one before the newest, starts a new history.
    public func recordAcceptedState(time t: Double, state: UnsafePointer<Double>, derivative: UnsafePointer<Double>) {
        guard let history else { return }
        if t == 0 || t < history.newestTime { history.reset() }
        history.append(time: t, state: state, derivative: derivative)
    }

    /// Adds Σ_k W_k s_{pre_k}(t − d_k) over the delayed contacts to `open`, at ``time``: s from the
    /// history (kinetic synapses: the state at `offset`; instantaneous ones: σ of the potential).
    /// Before any recorded state the past is the current one (`y`, `state`).
    private func addDelayed(_ coupling: SynapticCoupling, offset: Int?, hints: UnsafeMutablePointer<Int>,
                            y: UnsafePointer<Double>, state: UnsafePointer<Double>, into open: UnsafeMutablePointer<Double>) {
        guard let delayed = coupling.delayed, let history else { return }
        let t = time
        let empty = history.count == 0
        delayed.post.withUnsafeBufferPointer { post in
            delayed.pre.withUnsafeBufferPointer { pre in
                delayed.weight.withUnsafeBufferPointer { weight in
                    delayed.delayMs.withUnsafeBufferPointer { delay in
                        for k in 0..<post.count {
                            let j = pre[k]
                            let s: Double
                            if let offset {
                                s = empty ? state[offset + j] : history.value(offset + j, at: t - delay[k], hint: &hints[k])
                            } else {
                                s = coupling.steadyActivation(empty ? y[j] : history.value(j, at: t - delay[k], hint: &hints[k]))
                            }
                            open[post[k]] += weight[k] * s
                        }
                    }
                }
            }
        }
    }

    /// Sets the piecewise-constant stimuli (pulses and current steps) for the open interval
    /// (`start`, `end`), which holds no breakpoint, and takes in the Poisson input spikes before it
    /// (its channels at `start`: call ``setInputTime(_:)`` before evaluating at another time).
    public func beginSegment(from start: Double, to end: Double) {
        let mid = 0.5 * (start + end)
        for i in 0..<n {
            pulseAmpa.base[i] = 0
            pulseGabaA.base[i] = 0
            stimulusInput.base[i] = 0
        }
        hasPulses = poissonInput != nil
        for stimulus in model.stimuli where stimulus.isActive(atMidpoint: mid) {
            if case .pulse = stimulus.kind { hasPulses = true }
            for i in stimulus.cells {
                let cell = model.cells[i]
                switch stimulus.kind {
                case .pulse(.ampa, let p): pulseAmpa.base[i] += p * cell.ampa.units
                case .pulse(.gabaA, let p): pulseGabaA.base[i] += p * cell.gabaA.units
                case .currentStep(let pA): stimulusInput.base[i] += pA / cell.currentScalePA
                case .sine, .ramp: break  // time-varying: added at each stage by NetworkEvaluator
                case .poisson: break  // spike trains: poissonInput
                }
            }
        }
        if let poissonInput {
            poissonInput.beginSegment(from: start, to: end)
            let a = pulseAmpa.base, g = pulseGabaA.base, sa = segmentAmpa.base, sg = segmentGabaA.base
            for i in 0..<n {
                sa[i] = a[i]
                sg[i] = g[i]
            }
            poissonInput.add(at: start, ampa: a, gabaA: g)
        }
    }

    /// Poisson input: sets the open channels of pulses and input spikes to their values at time
    /// `t` inside the current segment (nothing to do without Poisson input).
    @inline(__always) public func setInputTime(_ t: Double) {
        guard let poissonInput else { return }
        let a = pulseAmpa.base, g = pulseGabaA.base, sa = segmentAmpa.base, sg = segmentGabaA.base
        for i in 0..<n {
            a[i] = sa[i]
            g[i] = sg[i]
        }
        poissonInput.add(at: t, ampa: a, gabaA: g)
    }

    /// Open AMPA and GABA-A channels of cell `i` at time `t` (inside the current segment) for a
    /// state whose first n entries are the potentials y: synaptic plus pulses plus Poisson input.
    public func openChannels(at t: Double, state: UnsafePointer<Double>, cell i: Int) -> (ampa: Double, gabaA: Double) {
        guard let poissonInput else { return openChannels(state: state, cell: i) }
        let synaptic = synapticChannels(state: state, cell: i)
        let input = poissonInput.channels(at: t, cell: i)
        return (synaptic.ampa + segmentAmpa.base[i] + input.ampa, synaptic.gabaA + segmentGabaA.base[i] + input.gabaA)
    }

    /// Open AMPA and GABA-A channels of cell `i` for a state whose first n entries are the
    /// potentials y: synaptic plus pulses (plus Poisson input at the last ``setInputTime(_:)``).
    /// Delayed contacts are read from the history at ``time`` (set it first), or from `state`
    /// before any recorded state.
    public func openChannels(state: UnsafePointer<Double>, cell i: Int) -> (ampa: Double, gabaA: Double) {
        let synaptic = synapticChannels(state: state, cell: i)
        return (synaptic.ampa + pulseAmpa.base[i], synaptic.gabaA + pulseGabaA.base[i])
    }

    /// W s of cell `i`: the open channels of its synapses.
    private func synapticChannels(state: UnsafePointer<Double>, cell i: Int) -> (ampa: Double, gabaA: Double) {
        func open(_ coupling: SynapticCoupling, offset: Int?) -> Double {
            let w = coupling.weights
            var sum = 0.0
            for k in w.rowStart[i]..<w.rowStart[i + 1] {
                let j = w.columnIndex[k]
                sum += w.values[k] * (offset.map { state[$0 + j] } ?? coupling.steadyActivation(state[j]))
            }
            if let delayed = coupling.delayed {
                for k in 0..<delayed.count where delayed.post[k] == i {
                    let j = delayed.pre[k]
                    var hint = 0
                    let past: (Int) -> Double = { c in
                        guard let history = self.history, history.count > 0 else { return state[c] }
                        return history.value(c, at: self.time - delayed.delayMs[k], hint: &hint)
                    }
                    sum += delayed.weight[k] * (offset.map { past($0 + j) } ?? coupling.steadyActivation(past(j)))
                }
            }
            return sum
        }
        return (open(model.ampa, offset: model.ampaStateOffset), open(model.gabaA, offset: model.gabaAStateOffset))
    }

    /// Writes the right-hand side into `derivative` (stateSize values) for the potentials `y`
    /// (n values, dimensionless), the rest of the state taken from `state` (w from n, kinetic
    /// synapses after 2n), and the external input `input` (n values, 1/ms, depolarising positive).
    ///
    /// One call is ``evaluatePresynaptic(cells:y:state:derivative:buffer:)`` then
    /// ``evaluatePostsynaptic(_:y:state:input:into:buffer:)`` over every cell; threads that share one
    /// network run the two phases on their own ``Part`` with a barrier between them.
    public func evaluate(potentials y: UnsafePointer<Double>, state: UnsafePointer<Double>, input: UnsafePointer<Double>,
                         into derivative: UnsafeMutablePointer<Double>) {
        evaluatePresynaptic(cells: 0..<n, y: y, state: state, derivative: derivative)
        evaluatePostsynaptic(y: y, state: state, input: input, into: derivative)
    }

    /// Phase 2 for every cell (see ``evaluatePostsynaptic(_:y:state:input:into:buffer:)``).
    public func evaluatePostsynaptic(y: UnsafePointer<Double>, state: UnsafePointer<Double>,
                                     input: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        evaluatePostsynaptic(whole, y: y, state: state, input: input, into: derivative)
    }

    /// A contiguous range of cells with the rows of the coupling matrices that sum into them
    /// (rows renumbered from 0), for the postsynaptic phase. `cells` starts on a multiple of 4 and
    /// ends on one or at n, so that SIMD blocks of four never straddle two parts.
    ///
    /// A class, so that handing a part to the phases costs one reference, not a copy of its matrices.
    /// `@unchecked Sendable`: every stored property is a constant; the copies' raw pointers point
    /// into the part's own workspaces, which only the part's thread writes.
    public final class Part: @unchecked Sendable {
        public let cells: Range<Int>
        let ampaRows: SparseMatrix
        let gabaARows: SparseMatrix
        /// A part of a split network: its own copy of the presynaptic activations (AMPA, and GABA-A
        /// unless it shares AMPA's), read into it in one pass before the products (nil for the
        /// whole network). The products gather activations in column order; half of them were
        /// written by another thread, whose cache lines a gather fetches one miss at a time, while
        /// a sequential copy streams them (docs/performance.md, "One network over several cores").
        let ampaCopy: Workspace?
        let gabaACopy: Workspace?

        init(cells: Range<Int>, ampaRows: SparseMatrix, gabaARows: SparseMatrix, ampaCopy: Workspace? = nil, gabaACopy: Workspace? = nil) {
            self.cells = cells
            self.ampaRows = ampaRows
            self.gabaARows = gabaARows
            self.ampaCopy = ampaCopy
            self.gabaACopy = gabaACopy
            ampaCopyBase = ampaCopy?.base
            gabaACopyBase = gabaACopy?.base
        }

        /// The copies' storage, read without reference counting on the hot path.
        let ampaCopyBase: UnsafeMutablePointer<Double>?
        let gabaACopyBase: UnsafeMutablePointer<Double>?

        /// Synapses (non-zeros of both receptors) summed into the part's cells.
        public var synapseCount: Int { ampaRows.nonzeroCount + gabaARows.nonzeroCount }
    }

    /// Every cell as one part.
    private let whole: Part

    /// The part of cells `cells` (see ``Part`` for the allowed bounds).
    public func part(cells: Range<Int>) -> Part {
        if cells == 0..<n { return whole }
        let padded = (n + 3) / 4 * 4
        let ampaCopy = Workspace(count: padded)
        return Part(cells: cells, ampaRows: model.ampa.weights.rows(cells), gabaARows: model.gabaA.weights.rows(cells),
                    ampaCopy: ampaCopy, gabaACopy: gabaASharesActivation ? ampaCopy : Workspace(count: padded))
    }

    /// Phase 1 for the cells in `cells` (bounds as in ``Part``): what other cells read from them,
    /// the presynaptic activations (instantaneous sigmoids of y, or the kinetic state, whose
    /// derivative is written here), and the per-cell exponentials of the vectorised path.
    ///
    /// - Parameters:
    ///   - buffer: where the activations go; phase 2 of the same evaluation must read the same.
    ///   - work: all of phase 1, or the part other threads read (`.shared`) or the rest (`.own`);
    ///     `.shared` then `.own` write the same values as `.all`.
    public func evaluatePresynaptic(cells: Range<Int>, y: UnsafePointer<Double>, state: UnsafePointer<Double>,
                                    derivative: UnsafeMutablePointer<Double>, buffer: ActivationBuffer = .even,
                                    work: PresynapticWork = .all) {
        let (ampa, gabaA) = activations(buffer)
        if let shape {
            presynapticVectorized(shape, cells: cells, y: y, state: state, derivative: derivative, ampa: ampa, gabaA: gabaA, work: work)
        } else if work != .own {
            activate(model.ampa, offset: model.ampaStateOffset, into: ampa, cells: cells, y: y, state: state, derivative: derivative)
            activate(model.gabaA, offset: model.gabaAStateOffset, into: gabaA, cells: cells, y: y, state: state, derivative: derivative)
        }
    }

    /// Which of phase 1 a call does (``evaluatePresynaptic(cells:y:state:derivative:buffer:work:)``).
    public enum PresynapticWork: Sendable {
        /// All of phase 1.
        case all
        /// What phase 2 of other cells reads: the activations (and the exponentials they come from).
        case shared
        /// The rest, which only phase 2 of the same cells reads: the vectorised path's
        /// exp(b g_w y) and its copy of the gating variables.
        case own
    }

    /// One of the two buffers of presynaptic activations. A split network alternates them from one
    /// evaluation to the next inside a chain (``evaluatePresynaptic(cells:y:state:derivative:buffer:)``);
    /// a thread that has passed the barrier of evaluation e + 1 knows that every other thread has
    /// finished phase 2 of evaluation e, so it may overwrite e's buffer in phase 1 of e + 2.
    public enum ActivationBuffer: Sendable {
        case even, odd
        /// The buffer of evaluation `index` of a chain.
        public init(evaluation index: Int) { self = index % 2 == 0 ? .even : .odd }
    }

    @inline(__always)
    private func activations(_ buffer: ActivationBuffer) -> (ampa: UnsafeMutablePointer<Double>, gabaA: UnsafeMutablePointer<Double>) {
        switch buffer {
        case .even: activationBases.even
        case .odd: activationBases.odd
        }
    }

    /// Phase 2 for the cells of `part`, after phase 1 has run for every cell: open channels
    /// (sparse rows of W times the activations, plus pulses), fluxes and derivatives.
    ///
    /// - Parameter buffer: the activations phase 1 of this evaluation wrote.
    public func evaluatePostsynaptic(_ part: Part, y: UnsafePointer<Double>, state: UnsafePointer<Double>,
                                     input: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>,
                                     buffer: ActivationBuffer = .even) {
        let cells = part.cells
        let (ampaBuffer, gabaABuffer) = activations(buffer)
        var ampa = UnsafePointer(ampaBuffer), gabaA = UnsafePointer(gabaABuffer)
        if let copy = part.ampaCopyBase, !ampaIsEmpty {
            copy.update(from: ampa, count: n)
            ampa = UnsafePointer(copy)
        }
        if let copy = part.gabaACopyBase, !gabaAIsEmpty {
            if gabaASharesActivation { gabaA = ampa } else {
                copy.update(from: gabaA, count: n)
                gabaA = UnsafePointer(copy)
            }
        }
        open(ampaIsEmpty, rows: part.ampaRows, activation: ampa, pulses: pulseAmpa.base, into: ampaOpen.base, cells: cells)
        open(gabaAIsEmpty, rows: part.gabaARows, activation: gabaA, pulses: pulseGabaA.base, into: gabaAOpen.base, cells: cells)
        if history != nil {
            // Delayed contacts (never split over threads: the part is every cell).
            addDelayed(model.ampa, offset: model.ampaStateOffset, hints: ampaHints, y: y, state: state, into: ampaOpen.base)
            addDelayed(model.gabaA, offset: model.gabaAStateOffset, hints: gabaAHints, y: y, state: state, into: gabaAOpen.base)
        }
        if let shape {
            postsynapticVectorized(shape, cells: cells, state: state, input: input, into: derivative)
        } else if let fast = model.sharedExponential {
            fast.withUnsafeBufferPointer { evaluateShared($0, cells: cells, y: y, state: state, input: input, into: derivative) }
        } else {
            evaluateGeneral(cells: cells, y: y, state: state, input: input, into: derivative)
        }
    }

    /// Activations s_j of cells j in `cells`: the kinetic state (whose derivative is written too)
    /// or the instantaneous sigmoid of y.
    private func activate(
        _ coupling: SynapticCoupling, offset: Int?, into activation: UnsafeMutablePointer<Double>, cells: Range<Int>,
        y: UnsafePointer<Double>, state: UnsafePointer<Double>, derivative: UnsafeMutablePointer<Double>
    ) {
        if let offset, case .firstOrder(let tau) = coupling.kinetics {
            let rate = 1 / tau
            for j in cells {
                activation[j] = state[offset + j]
                derivative[offset + j] = (coupling.steadyActivation(y[j]) - state[offset + j]) * rate
            }
        } else if !coupling.hasNoUndelayedContacts {
            for j in cells { activation[j] = coupling.steadyActivation(y[j]) }
        }
    }

    /// open = W s + pulses for the rows of the part's cells.
    private func open(
        _ isEmpty: Bool, rows: SparseMatrix, activation: UnsafePointer<Double>, pulses: UnsafeMutablePointer<Double>,
        into open: UnsafeMutablePointer<Double>, cells: Range<Int>
    ) {
        if isEmpty {
            for i in cells { open[i] = pulses[i] }
            return
        }
        rows.multiply(activation, into: open + cells.lowerBound)
        if hasPulses { for i in cells { open[i] += pulses[i] } }
    }

    /// The vectorised path (``VectorizedCells``), phase 1: loops over blocks of four cells in SIMD
    /// registers, two blocks per iteration side by side (``SIMD4Pair``: independent chains for
    /// the out-of-order core, the same arithmetic per cell), with two exponentials per cell
    /// (``VectorExp``) and every sigmoid from whole powers of exp(−y/2). The gating variables are
    /// copied into padded scratch, and the potentials of blocks that reach past the part, so the
    /// last block needs no special case; the derivatives are written there in place (phase 2)
    /// and copied out.
    private func presynapticVectorized(_ v: VectorShape, cells: Range<Int>, y: UnsafePointer<Double>,
                                       state: UnsafePointer<Double>, derivative: UnsafeMutablePointer<Double>,
                                       ampa ampaActivation: UnsafeMutablePointer<Double>, gabaA gabaAActivation: UnsafeMutablePointer<Double>,
                                       work: PresynapticWork) {
        let e = halfExp.base, ie = inverseHalfExp.base, eb = biasExp.base
        let py = padY.base, pw = padW.base
        let lower = cells.lowerBound, upper = cells.upperBound == n ? v.padded : cells.upperBound
        // y is read in place, except in the last one or two blocks when they reach past the part
        // (into the padding): those from padded scratch (a scalar copy followed at once by a
        // vector load of the same memory also stalls store-to-load forwarding).
        @inline(always) func potentials(_ b: Int, _ pair: Bool) -> SIMD4Pair {
            SIMD4Pair((b + (pair ? 8 : 4) <= cells.upperBound ? y : UnsafePointer(py)) + b, pair: pair)
        }
        if work != .own { for i in max(lower, upper - 8)..<cells.upperBound { py[i] = y[i] } }
        let biasGain = v.biasGain
        // Named functions marked always, here and below, so that they are inlined with their
        // constants (closures of this size are not).
        @inline(always) func halfExponentials(_ b: Int, _ pair: Bool) {
            let eHalf = VectorExp.exp(0.5 * potentials(b, pair))
            eHalf.store(e + b, pair: pair)
            (1 / eHalf).store(ie + b, pair: pair)
        }
        @inline(always) func biasExponentials(_ b: Int, _ pair: Bool) {
            VectorExp.exp(biasGain * potentials(b, pair)).store(eb + b, pair: pair)
        }
        switch work {
        case .all:
            (pw + lower).update(from: state + n + lower, count: cells.count)
            forBlockPairs(from: lower, to: upper) { b, pair in
                halfExponentials(b, pair)
                biasExponentials(b, pair)
            }
        case .shared:
            forBlockPairs(from: lower, to: upper, halfExponentials)
        case .own:
            (pw + lower).update(from: state + n + lower, count: cells.count)
            forBlockPairs(from: lower, to: upper, biasExponentials)
            return
        }
        // Synaptic drive: instantaneous sigmoids from powers of 1/e, kinetic ones from the state.
        // `sigmoid` is nil for kinetic synapses and receptors without undelayed contacts (init).
        @inline(always) func drive(_ sigmoid: (power: Int, constant: Double)?, _ coupling: @autoclosure () -> SynapticCoupling,
                                   offset: Int?, into a: UnsafeMutablePointer<Double>) {
            guard let (power, constant) = sigmoid else {
                activate(coupling(), offset: offset, into: a, cells: cells, y: y, state: state, derivative: derivative)
                return
            }
            // The default gain (g_s = 5) as a literal power, so that the powers fold into the
            // same two products without tests (bit for bit the same value).
            @inline(always) func sigmoids(_ power: Int) {
                @inline(always) func block(_ b: Int, _ pair: Bool) {
                    let one = SIMD4Pair(repeating: 1)
                    (1 / one.addingProduct(SIMD4Pair(repeating: constant), integerPower(SIMD4Pair(ie + b, pair: pair), power)))
                        .store(a + b, pair: pair)
                }
                forBlockPairs(from: lower, to: upper, block)
            }
            if power == 10 { sigmoids(10) } else { sigmoids(power) }
        }
        drive(ampaSigmoid, model.ampa, offset: model.ampaStateOffset, into: ampaActivation)
        if gabaASharesActivation { return }
        drive(gabaASigmoid, model.gabaA, offset: model.gabaAStateOffset, into: gabaAActivation)
    }

    /// The vectorised path, phase 2: the cell update on blocks of four, two per iteration.
    private func postsynapticVectorized(_ v: VectorShape, cells: Range<Int>, state: UnsafePointer<Double>,
                                        input: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        let e = halfExp.base, ie = inverseHalfExp.base, eb = biasExp.base
        let py = padY.base, pw = padW.base, padded = v.padded
        let lower = cells.lowerBound, upper = cells.upperBound == n ? padded : cells.upperBound
        let c = vectorConstants.base
        let natP = c, natQ = c + padded, kadP = c + 2 * padded, kadQ = c + 3 * padded
        let nakaP = c + 4 * padded, nakaQ = c + 5 * padded, ampaP = c + 6 * padded, ampaQ = c + 7 * padded
        let gabaP = c + 8 * padded, gabaQ = c + 9 * padded
        let cm = c + 10 * padded, cw = c + 11 * padded, cr = c + 12 * padded
        let gA = ampaOpen.base, gG = gabaAOpen.base
        // The input has n entries: blocks that reach past the part read it from padded scratch.
        let inp = padInput.base
        for i in max(lower, upper - 8)..<cells.upperBound { inp[i] = input[i] }
        // The cell update, with the default gains (g_m = 5, g_w = 3.5) as literal powers so that
        // integerPower folds into its products without tests (bit for bit the same values).
        @inline(always) func update(_ sodiumPower: Int, _ potassiumPower: Int) {
            @inline(always) func block(_ b: Int, _ pair: Bool) {
                @inline(__always) func load(_ p: UnsafePointer<Double>) -> SIMD4Pair { SIMD4Pair(p + b, pair: pair) }
                let inputs = b + (pair ? 8 : 4) <= cells.upperBound ? input : UnsafePointer(inp)
                let eHalf = load(e), inverse = load(ie), w = load(pw)
                let m = 1 / SIMD4Pair(repeating: 1).addingProduct(load(cm), integerPower(inverse, sodiumPower))
                let em = load(cw) * integerPower(inverse, potassiumPower)
                let wInf = 1 / (1 + em)
                let rate = load(cr) * load(eb) * (1 + em)
                // Fused multiply-adds (one rounding each, the same values on every machine): each
                // flux P e − Q/e as P·e + (−Q/e), and the gated and conductance-weighted fluxes
                // added to the sum as products.
                @inline(__always) func fluxOf(_ p: UnsafePointer<Double>, _ q: UnsafePointer<Double>) -> SIMD4Pair {
                    (-(load(q) * inverse)).addingProduct(load(p), eHalf)
                }
                var flux = (m * (1 - w)) * fluxOf(natP, natQ)
                flux = flux.addingProduct(w, fluxOf(kadP, kadQ))
                flux += fluxOf(nakaP, nakaQ)
                flux = flux.addingProduct(load(gA), fluxOf(ampaP, ampaQ))
                flux = flux.addingProduct(load(gG), fluxOf(gabaP, gabaQ))
                (load(inputs) - flux).store(py + b, pair: pair)
                (w * rate * (wInf - w)).store(pw + b, pair: pair)
            }
            forBlockPairs(from: lower, to: upper, block)
        }
        if v.sodiumPower == 10 && v.potassiumPower == 7 { update(10, 7) } else { update(v.sodiumPower, v.potassiumPower) }
        (derivative + lower).update(from: py + lower, count: cells.count)
        (derivative + n + lower).update(from: pw + lower, count: cells.count)
    }

    private func evaluateGeneral(cells: Range<Int>, y: UnsafePointer<Double>, state: UnsafePointer<Double>, input: UnsafePointer<Double>,
                                 into derivative: UnsafeMutablePointer<Double>) {
        let ampaOpen = ampaOpen.base, gabaAOpen = gabaAOpen.base
        for i in cells {
            let cell = model.cells[i]
            let w = state[n + i]
            derivative[i] = cell.membraneDerivative(
                y: y[i], w: w, ampaOpen: ampaOpen[i], gabaAOpen: gabaAOpen[i], input: input[i])
            derivative[n + i] = cell.gating.potassiumDerivative(y: y[i], w: w)
        }
    }

    /// The r = 1/2 path: one exp(y/2) for all five fluxes, three more for the gating.
    private func evaluateShared(
        _ constants: UnsafeBufferPointer<SharedExponentialCell>, cells: Range<Int>, y potentials: UnsafePointer<Double>,
        state: UnsafePointer<Double>, input: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>
    ) {
        let ampaOpen = ampaOpen.base, gabaAOpen = gabaAOpen.base
        for i in cells {
            let c = constants[i]
            let y = potentials[i], w = state[n + i]
            let e = exp(0.5 * y)
            let ie = 1 / e
            let m = 1 / (1 + exp(-c.sodiumGain * (y - c.sodiumHalf)))
            let x = c.potassiumGain * (y - c.potassiumHalf)
            let em = exp(-x)
            let eb = exp(c.bias * x)
            let wInf = 1 / (1 + em)
            let rate = c.rate * eb * (1 + em)
            let flux =
                m * (1 - w) * (c.natP * e - c.natQ * ie)
                + w * (c.kadP * e - c.kadQ * ie)
                + (c.nakaP * e - c.nakaQ * ie)
                + ampaOpen[i] * (c.ampaP * e - c.ampaQ * ie)
                + gabaAOpen[i] * (c.gabaP * e - c.gabaQ * ie)
            derivative[i] = input[i] - flux
            let factor = c.exponent == 1 ? w : pow(w, c.exponent)
            derivative[n + i] = factor * rate * (wInf - w)
        }
    }
}
