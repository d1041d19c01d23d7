import Foundation

/// How the Ornstein–Uhlenbeck input enters the integration (DESIGN.md, "Noise path").
public enum NoiseIntegration: String, Sendable, CaseIterable, Codable {
    /// The solver evaluates the noise at its stage times: dy/dt = F(y) + μ + η(t).
    case plain
    /// Each step from tₙ integrates ỹ = y − J(t), J(t) = ∫_{tₙ}^t η: the solver sees the C¹
    /// function J instead of the rough η, and y = ỹ + J(tₙ₊₁) at the end of the step.
    case shifted
}

/// Evaluates a ``NetworkModel``'s right-hand side into caller-provided buffers. It owns the scratch
/// space, the inputs of the current segment and one trial's noise, so it allocates nothing per
/// evaluation; one evaluator serves one integration (it is not shared between threads).
public final class NetworkEvaluator {
    public let model: NetworkModel
    public let noise: NoiseRealisation?
    public let noiseIntegration: NoiseIntegration
    /// Right-hand-side evaluations so far.
    public private(set) var evaluations = 0

    private let n: Int
    /// Open channels from pulses, per cell, for the current segment.
    private let pulseAmpa: UnsafeMutableBufferPointer<Double>
    private let pulseGabaA: UnsafeMutableBufferPointer<Double>
    /// Injected current (1/ms, depolarising positive) of the current segment plus the noise mean.
    private let injected: UnsafeMutableBufferPointer<Double>
    /// Scratch: presynaptic activations, open synaptic channels, total input, shifted potentials.
    private let activation: UnsafeMutableBufferPointer<Double>
    private let ampaOpen: UnsafeMutableBufferPointer<Double>
    private let gabaAOpen: UnsafeMutableBufferPointer<Double>
    private let input: UnsafeMutableBufferPointer<Double>
    private let potential: UnsafeMutableBufferPointer<Double>
    private let fluctuation: UnsafeMutableBufferPointer<Double>
    private let noiseIntegral: UnsafeMutableBufferPointer<Double>
    /// Ī at the start of the current step (shifted integration).
    private let anchorIntegral: UnsafeMutableBufferPointer<Double>
    private var anchorTime = 0.0
    /// Vectorised path scratch (padded to 4 cells): y, w, exp(y/2), exp(−y/2), exp(b g_w y).
    private let padY: UnsafeMutableBufferPointer<Double>
    private let padW: UnsafeMutableBufferPointer<Double>
    private let halfExp: UnsafeMutableBufferPointer<Double>
    private let inverseHalfExp: UnsafeMutableBufferPointer<Double>
    private let biasExp: UnsafeMutableBufferPointer<Double>
    private let vectorConstants: UnsafeMutableBufferPointer<Double>

    /// - Parameters:
    ///   - noise: the trial's noise paths; required when the model has noise.
    ///   - noiseIntegration: plain or shifted (the default).
    public init(model: NetworkModel, noise: NoiseRealisation? = nil, noiseIntegration: NoiseIntegration = .shifted) {
        precondition((model.noise?.isStochastic ?? false) == (noise != nil), "a noisy model needs its noise realisation")
        self.model = model
        self.noise = noise
        self.noiseIntegration = noise == nil ? .plain : noiseIntegration
        n = model.cellCount
        let padded = (model.cellCount + 3) / 4 * 4
        func buffer() -> UnsafeMutableBufferPointer<Double> {
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: padded)
            b.initialize(repeating: 0)
            return b
        }
        pulseAmpa = buffer()
        pulseGabaA = buffer()
        injected = buffer()
        activation = buffer()
        ampaOpen = buffer()
        gabaAOpen = buffer()
        input = buffer()
        potential = buffer()
        fluctuation = buffer()
        noiseIntegral = buffer()
        anchorIntegral = buffer()
        halfExp = buffer()
        inverseHalfExp = buffer()
        biasExp = buffer()
        padY = buffer()
        padW = buffer()
        // Columns of the vectorised path: 10 flux constants, then exp(g_m y_m), exp(g_w y_w) and
        // r_w exp(−b g_w y_w), each padded to a multiple of 4 cells.
        if let v = model.vectorized {
            let columns = [v.natP, v.natQ, v.kadP, v.kadQ, v.nakaP, v.nakaQ, v.ampaP, v.ampaQ, v.gabaP, v.gabaQ,
                           v.sodiumConstant, v.potassiumConstant, v.rateConstant]
            vectorConstants = .allocate(capacity: columns.count * v.padded)
            _ = vectorConstants.initialize(from: columns.flatMap { $0 })
        } else {
            vectorConstants = .allocate(capacity: 0)
        }
    }

    deinit {
        for b in [pulseAmpa, pulseGabaA, injected, activation, ampaOpen, gabaAOpen, input, potential, fluctuation,
                  noiseIntegral, anchorIntegral, halfExp, inverseHalfExp, biasExp, padY, padW, vectorConstants] { b.deallocate() }
    }

    public var isShifted: Bool { noiseIntegration == .shifted }

    /// The start of the current step (shifted integration).
    public var currentAnchorTime: Double { anchorTime }

    /// Sets the piecewise-constant inputs for the open interval (`start`, `end`), which holds no
    /// breakpoint.
    public func beginSegment(from start: Double, to end: Double) {
        let mid = 0.5 * (start + end)
        for i in 0..<n {
            pulseAmpa[i] = 0
            pulseGabaA[i] = 0
            injected[i] = model.noise?.cells[i].mean ?? 0
        }
        for stimulus in model.stimuli where stimulus.isActive(atMidpoint: mid) {
            for i in stimulus.cells {
                let cell = model.cells[i]
                switch stimulus.kind {
                case .pulse(.ampa, let p): pulseAmpa[i] += p * cell.ampa.units
                case .pulse(.gabaA, let p): pulseGabaA[i] += p * cell.gabaA.units
                case .currentStep(let pA): injected[i] += pA / cell.currentScalePA
                }
            }
        }
    }

    /// Shifted integration: a step starts at `t`; states given to ``evaluate(t:state:into:)`` are
    /// ỹ = y − J(t) with J(t) = Ī(t) − Ī(anchor) until the next call.
    public func beginStep(at t: Double) {
        guard isShifted, let noise else { return }
        noise.evaluate(at: t, fluctuation: fluctuation.baseAddress!, integral: anchorIntegral.baseAddress!)
        anchorTime = t
    }

    /// Shifted integration: turns ỹ at `t` back into y by adding J(t) to the potentials.
    public func unshift(at t: Double, state: UnsafeMutablePointer<Double>) {
        guard isShifted, let noise else { return }
        noise.evaluate(at: t, fluctuation: fluctuation.baseAddress!, integral: noiseIntegral.baseAddress!)
        for i in 0..<n { state[i] += noiseIntegral[i] - anchorIntegral[i] }
    }

    /// Shifted integration: turns dỹ/dt at `t` into dy/dt by adding η(t) to the potentials' rates.
    public func addFluctuation(at t: Double, to derivative: UnsafeMutablePointer<Double>) {
        guard isShifted, let noise else { return }
        noise.evaluate(at: t, fluctuation: fluctuation.baseAddress!, integral: nil)
        for i in 0..<n { derivative[i] += fluctuation[i] }
    }

    /// Open AMPA and GABA-A channels of cell `i` for a (y-space) `state`, synaptic plus pulses.
    public func openChannels(state: UnsafePointer<Double>, cell i: Int) -> (ampa: Double, gabaA: Double) {
        func open(_ coupling: SynapticCoupling, offset: Int?) -> Double {
            let w = coupling.weights
            var sum = 0.0
            for k in w.rowStart[i]..<w.rowStart[i + 1] {
                let j = w.columnIndex[k]
                sum += w.values[k] * (offset.map { state[$0 + j] } ?? coupling.steadyActivation(state[j]))
            }
            return sum
        }
        return (open(model.ampa, offset: model.ampaStateOffset) + pulseAmpa[i],
                open(model.gabaA, offset: model.gabaAStateOffset) + pulseGabaA[i])
    }

    /// Writes the right-hand side at time `t` (ms) for `state` into `derivative`: dy/dt, dw/dt and
    /// ds/dt in plain integration, dỹ/dt (without η) for shifted integration.
    public func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        evaluations += 1
        var y = state
        if let noise {
            switch noiseIntegration {
            case .plain:
                noise.evaluate(at: t, fluctuation: fluctuation.baseAddress!, integral: nil)
                for i in 0..<n { input[i] = injected[i] + fluctuation[i] }
            case .shifted:
                if t == anchorTime {
                    for i in 0..<n { potential[i] = state[i] }
                } else {
                    noise.evaluate(at: t, fluctuation: fluctuation.baseAddress!, integral: noiseIntegral.baseAddress!)
                    for i in 0..<n { potential[i] = state[i] + noiseIntegral[i] - anchorIntegral[i] }
                }
                for i in 0..<n { input[i] = injected[i] }
                y = UnsafePointer(potential.baseAddress!)
            }
        } else {
            for i in 0..<n { input[i] = injected[i] }
        }
        if let v = model.vectorized {
            evaluateVectorized(v, y: y, state: state, into: derivative)
            return
        }
        couple(model.ampa, offset: model.ampaStateOffset, pulses: pulseAmpa, into: ampaOpen, y: y, state: state, derivative: derivative)
        couple(model.gabaA, offset: model.gabaAStateOffset, pulses: pulseGabaA, into: gabaAOpen, y: y, state: state, derivative: derivative)
        if let fast = model.sharedExponential {
            fast.withUnsafeBufferPointer { evaluateShared($0, y: y, state: state, into: derivative) }
        } else {
            evaluateGeneral(y: y, state: state, into: derivative)
        }
    }

    /// open = W s + pulses, s instantaneous or the kinetic state (whose derivative is written too).
    private func couple(
        _ coupling: SynapticCoupling, offset: Int?, pulses: UnsafeMutableBufferPointer<Double>,
        into open: UnsafeMutableBufferPointer<Double>, y: UnsafePointer<Double>, state: UnsafePointer<Double>,
        derivative: UnsafeMutablePointer<Double>
    ) {
        if let offset, case .firstOrder(let tau) = coupling.kinetics {
            let rate = 1 / tau
            for j in 0..<n {
                activation[j] = state[offset + j]
                derivative[offset + j] = (coupling.steadyActivation(y[j]) - state[offset + j]) * rate
            }
        } else if coupling.isEmpty {
            for i in 0..<n { open[i] = pulses[i] }
            return
        } else {
            for j in 0..<n { activation[j] = coupling.steadyActivation(y[j]) }
        }
        coupling.weights.multiply(UnsafePointer(activation.baseAddress!), into: open.baseAddress!)
        for i in 0..<n { open[i] += pulses[i] }
    }

    /// The vectorised path (``VectorizedCells``): loops over blocks of four cells in SIMD
    /// registers, with two exponentials per cell (``VectorExp``) and every sigmoid from whole
    /// powers of exp(−y/2). The potentials and gating variables are copied into padded scratch
    /// first, so the last block needs no special case; the derivatives are written there in place
    /// and copied out.
    private func evaluateVectorized(_ v: VectorizedCells, y: UnsafePointer<Double>, state: UnsafePointer<Double>,
                                    into derivative: UnsafeMutablePointer<Double>) {
        let e = halfExp.baseAddress!, ie = inverseHalfExp.baseAddress!, eb = biasExp.baseAddress!
        let py = padY.baseAddress!, pw = padW.baseAddress!, padded = v.padded
        for i in 0..<n {
            py[i] = y[i]
            pw[i] = state[n + i]
        }
        let biasGain = v.biasGain
        for b in stride(from: 0, to: padded, by: 4) {
            let yb = load4(py + b)
            let eHalf = VectorExp.exp(0.5 * yb)
            store4(eHalf, e + b)
            store4(1 / eHalf, ie + b)
            store4(VectorExp.exp(biasGain * yb), eb + b)
        }
        // Synaptic drive: instantaneous sigmoids from powers of 1/e, kinetic ones from the state.
        var computed: (power: Int, constant: Double)? = nil
        func drive(_ coupling: SynapticCoupling, _ sigmoid: (power: Int, constant: Double)?, offset: Int?,
                   pulses: UnsafeMutableBufferPointer<Double>, open: UnsafeMutableBufferPointer<Double>) {
            guard let (power, constant) = sigmoid, !coupling.isEmpty else {
                couple(coupling, offset: offset, pulses: pulses, into: open, y: y, state: state, derivative: derivative)
                return
            }
            if computed.map({ $0.power != power || $0.constant != constant }) ?? true {
                let a = activation.baseAddress!
                for b in stride(from: 0, to: padded, by: 4) {
                    store4(1 / (1 + constant * integerPower(load4(ie + b), power)), a + b)
                }
                computed = (power, constant)
            }
            coupling.weights.multiply(UnsafePointer(activation.baseAddress!), into: open.baseAddress!)
            for i in 0..<n { open[i] += pulses[i] }
        }
        drive(model.ampa, model.ampaSigmoidPower, offset: model.ampaStateOffset, pulses: pulseAmpa, open: ampaOpen)
        drive(model.gabaA, model.gabaASigmoidPower, offset: model.gabaAStateOffset, pulses: pulseGabaA, open: gabaAOpen)
        let c = vectorConstants.baseAddress!
        let natP = c, natQ = c + padded, kadP = c + 2 * padded, kadQ = c + 3 * padded
        let nakaP = c + 4 * padded, nakaQ = c + 5 * padded, ampaP = c + 6 * padded, ampaQ = c + 7 * padded
        let gabaP = c + 8 * padded, gabaQ = c + 9 * padded
        let cm = c + 10 * padded, cw = c + 11 * padded, cr = c + 12 * padded
        let gA = ampaOpen.baseAddress!, gG = gabaAOpen.baseAddress!, inp = input.baseAddress!
        let sodiumPower = v.sodiumPower, potassiumPower = v.potassiumPower
        for b in stride(from: 0, to: padded, by: 4) {
            let eHalf = load4(e + b), inverse = load4(ie + b), w = load4(pw + b)
            let m = 1 / (1 + load4(cm + b) * integerPower(inverse, sodiumPower))
            let em = load4(cw + b) * integerPower(inverse, potassiumPower)
            let wInf = 1 / (1 + em)
            let rate = load4(cr + b) * load4(eb + b) * (1 + em)
            var flux = m * (1 - w) * (load4(natP + b) * eHalf - load4(natQ + b) * inverse)
            flux += w * (load4(kadP + b) * eHalf - load4(kadQ + b) * inverse)
            flux += load4(nakaP + b) * eHalf - load4(nakaQ + b) * inverse
            flux += load4(gA + b) * (load4(ampaP + b) * eHalf - load4(ampaQ + b) * inverse)
            flux += load4(gG + b) * (load4(gabaP + b) * eHalf - load4(gabaQ + b) * inverse)
            store4(load4(inp + b) - flux, py + b)
            store4(w * rate * (wInf - w), pw + b)
        }
        for i in 0..<n {
            derivative[i] = py[i]
            derivative[n + i] = pw[i]
        }
    }

    private func evaluateGeneral(y: UnsafePointer<Double>, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let cell = model.cells[i]
            let w = state[n + i]
            derivative[i] = cell.membraneDerivative(
                y: y[i], w: w, ampaOpen: ampaOpen[i], gabaAOpen: gabaAOpen[i], input: input[i])
            derivative[n + i] = cell.gating.potassiumDerivative(y: y[i], w: w)
        }
    }

    /// The r = 1/2 path: one exp(y/2) for all five fluxes, three more for the gating.
    private func evaluateShared(
        _ cells: UnsafeBufferPointer<SharedExponentialCell>, y potentials: UnsafePointer<Double>,
        state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<n {
            let c = cells[i]
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
