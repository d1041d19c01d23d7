import Foundation
import HVNetModel
import HVNetNoise
import HVNetSolvers
import Numerics

/// Where the model and the noise meet: the network's right-hand side (``NetworkRightHandSide``)
/// driven by stimuli plus the noise input μ_i + η_i(t) of one trial, as an ``ODESystem`` for the
/// integrators. The mean μ and the fluctuation η take the same route into the right-hand side;
/// under shifted integration the fluctuation enters through the shift ỹ = y − J(t) instead
/// (docs/model.md §8, "Noise path and shifted integration"). One evaluator serves one integration.
public final class NetworkEvaluator {
    public let model: NetworkModel
    /// The noise layout (means, weights), when the network has noise input.
    public let noiseModel: NoiseModel?
    /// The trial's noise paths; nil without fluctuations.
    public let noise: NoiseRealisation?
    public let noiseIntegration: NoiseIntegration
    /// Right-hand-side evaluations so far.
    @exclusivity(unchecked) public private(set) var evaluations = 0

    private let rightHandSide: NetworkRightHandSide
    private let n: Int
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
    public init(model: NetworkModel, noiseModel: NoiseModel? = nil, noise: NoiseRealisation? = nil,
                noiseIntegration: NoiseIntegration = .shifted, poissonInput: PoissonConductances? = nil) {
        precondition((noiseModel?.isStochastic ?? false) == (noise != nil), "a noisy model needs its noise realisation")
        precondition(noiseModel.map { $0.cells.count == model.cellCount } ?? true)
        self.model = model
        self.noiseModel = noiseModel
        self.noise = noise
        self.noiseIntegration = noise == nil ? .plain : noiseIntegration
        rightHandSide = NetworkRightHandSide(model: model, poissonInput: poissonInput)
        hasPoissonInput = rightHandSide.poissonInput != nil
        n = model.cellCount
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
    }

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

    /// Adds the sines and ramps on in the current segment, at time `t`, to `input` (1/ms).
    private func addTimeVaryingStimuli(at t: Double, to input: UnsafeMutablePointer<Double>) {
        for (stimulus, window) in activeTimeVarying {
            let current = stimulus.currentPA(at: t, in: window)
            for i in stimulus.cells { input[i] += current * inverseCurrentScale[i] }
        }
    }

    /// The OU input ξ_i(t) = μ_i + η_i(t) of every cell in pA, depolarising positive (0 for cells
    /// without noise), written into `out` (n values). For recording; does not disturb an integration.
    public func noiseInputPA(at t: Double, into out: UnsafeMutablePointer<Double>) {
        let mean = mean.base
        if let noise {
            let fluctuation = recordFluctuation.base
            noise.evaluate(at: t, fluctuation: fluctuation, integral: nil)
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
        guard isShifted, let noise else { return }
        noise.evaluate(at: t, fluctuation: fluctuation.base, integral: anchorIntegral.base)
        anchorTime = t
    }

    /// Shifted integration: turns ỹ at `t` back into y by adding J(t) to the potentials.
    public func unshift(at t: Double, state: UnsafeMutablePointer<Double>) {
        guard isShifted, let noise else { return }
        noise.evaluate(at: t, fluctuation: fluctuation.base, integral: noiseIntegral.base)
        let integral = noiseIntegral.base, anchor = anchorIntegral.base
        for i in 0..<n { state[i] += integral[i] - anchor[i] }
    }

    /// Shifted integration: turns dỹ/dt at `t` into dy/dt by adding η(t) to the potentials' rates.
    public func addFluctuation(at t: Double, to derivative: UnsafeMutablePointer<Double>) {
        guard isShifted, let noise else { return }
        noise.evaluate(at: t, fluctuation: fluctuation.base, integral: nil)
        let fluctuation = fluctuation.base
        for i in 0..<n { derivative[i] += fluctuation[i] }
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
        var y = state
        let input = input.base, drive = drive.base
        if let noise {
            let fluctuation = fluctuation.base
            switch noiseIntegration {
            case .plain:
                noise.evaluate(at: t, fluctuation: fluctuation, integral: nil)
                for i in 0..<n { input[i] = drive[i] + fluctuation[i] }
            case .shifted:
                let potential = potential.base
                if t == anchorTime {
                    for i in 0..<n { potential[i] = state[i] }
                } else {
                    let integral = noiseIntegral.base, anchor = anchorIntegral.base
                    noise.evaluate(at: t, fluctuation: fluctuation, integral: integral)
                    for i in 0..<n { potential[i] = state[i] + integral[i] - anchor[i] }
                }
                for i in 0..<n { input[i] = drive[i] }
                y = UnsafePointer(potential)
            }
        } else {
            for i in 0..<n { input[i] = drive[i] }
        }
        if !activeTimeVarying.isEmpty { addTimeVaryingStimuli(at: t, to: input) }
        if hasDelays { rightHandSide.time = t }
        if hasPoissonInput { rightHandSide.setInputTime(t) }
        rightHandSide.evaluate(potentials: y, state: state, input: input, into: derivative)
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
        if let noise, isShifted {
            var anchor = [Double](repeating: 0, count: n)
            var integral = [Double](repeating: 0, count: n)
            noise.evaluate(at: currentAnchorTime, fluctuation: &eta, integral: &anchor)
            noise.evaluate(at: t, fluctuation: &eta, integral: &integral)
            for i in 0..<n { full[i] += integral[i] - anchor[i] }
        }
        if hasDelays { rightHandSide.time = t }
        if hasPoissonInput { rightHandSide.setInputTime(t) }
        full.withUnsafeBufferPointer { rightHandSide.jacobian(state: $0.baseAddress!, dfdy: dfdy) }
        for k in 0..<dim { dfdt[k] = 0 }
        if let noise {
            if isShifted {
                // d/dt F(ỹ + J(t)) = Σ_i ∂F/∂y_i η_i(t).
                for row in 0..<dim {
                    var sum = 0.0
                    for i in 0..<n { sum += dfdy[row * dim + i] * eta[i] }
                    dfdt[row] = sum
                }
            } else {
                var slope = [Double](repeating: 0, count: n)
                noise.fluctuationSlope(at: t, into: &slope)
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
