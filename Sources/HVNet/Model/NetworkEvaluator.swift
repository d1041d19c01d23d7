import Foundation

/// Evaluates a ``NetworkModel``'s right-hand side into caller-provided buffers. It owns the scratch
/// space and the inputs of the current segment, so it allocates nothing per evaluation; one
/// evaluator serves one integration (it is not shared between threads).
public final class NetworkEvaluator {
    public let model: NetworkModel
    /// Right-hand-side evaluations so far.
    public private(set) var evaluations = 0

    private let n: Int
    /// Open channels from pulses, per cell, for the current segment.
    private let pulseAmpa: UnsafeMutableBufferPointer<Double>
    private let pulseGabaA: UnsafeMutableBufferPointer<Double>
    /// Injected current ξ (1/ms, depolarising positive) of the current segment.
    private let injected: UnsafeMutableBufferPointer<Double>
    /// Scratch: presynaptic activations and open synaptic channels.
    private let activation: UnsafeMutableBufferPointer<Double>
    private let ampaOpen: UnsafeMutableBufferPointer<Double>
    private let gabaAOpen: UnsafeMutableBufferPointer<Double>
    private let input: UnsafeMutableBufferPointer<Double>

    public init(model: NetworkModel) {
        self.model = model
        n = model.cellCount
        func buffer() -> UnsafeMutableBufferPointer<Double> {
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: model.cellCount)
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
    }

    deinit {
        for b in [pulseAmpa, pulseGabaA, injected, activation, ampaOpen, gabaAOpen, input] { b.deallocate() }
    }

    /// Sets the piecewise-constant inputs for the open interval (`start`, `end`), which holds no
    /// breakpoint.
    public func beginSegment(from start: Double, to end: Double) {
        let mid = 0.5 * (start + end)
        for i in 0..<n {
            pulseAmpa[i] = 0
            pulseGabaA[i] = 0
            injected[i] = 0
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

    /// Open AMPA and GABA-A channels of cell `i` for `state`, synaptic plus pulses.
    public func openChannels(state: UnsafePointer<Double>, cell i: Int) -> (ampa: Double, gabaA: Double) {
        func open(_ coupling: SynapticCoupling) -> Double {
            let w = coupling.weights
            var sum = 0.0
            for k in w.rowStart[i]..<w.rowStart[i + 1] {
                sum += w.values[k] * logistic(coupling.gain * (state[w.columnIndex[k]] - coupling.halfActivation))
            }
            return sum
        }
        return (open(model.ampa) + pulseAmpa[i], open(model.gabaA) + pulseGabaA[i])
    }

    /// The injected current of cell `i` in the current segment, 1/ms.
    public func injectedInput(cell i: Int) -> Double { injected[i] }

    /// Writes dy/dt and dw/dt at time `t` (ms) for `state` into `derivative`.
    public func evaluate(t: Double, state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        evaluations += 1
        couple(model.ampa, pulses: pulseAmpa, into: ampaOpen, state: state)
        couple(model.gabaA, pulses: pulseGabaA, into: gabaAOpen, state: state)
        for i in 0..<n { input[i] = injected[i] }
        if let fast = model.sharedExponential {
            fast.withUnsafeBufferPointer { evaluateShared($0, state: state, into: derivative) }
        } else {
            evaluateGeneral(state: state, into: derivative)
        }
    }

    /// open = W σ(g (y − y_s)) + pulses.
    private func couple(
        _ coupling: SynapticCoupling, pulses: UnsafeMutableBufferPointer<Double>,
        into open: UnsafeMutableBufferPointer<Double>, state: UnsafePointer<Double>
    ) {
        if coupling.isEmpty {
            for i in 0..<n { open[i] = pulses[i] }
            return
        }
        for j in 0..<n { activation[j] = logistic(coupling.gain * (state[j] - coupling.halfActivation)) }
        coupling.weights.multiply(UnsafePointer(activation.baseAddress!), into: open.baseAddress!)
        for i in 0..<n { open[i] += pulses[i] }
    }

    private func evaluateGeneral(state: UnsafePointer<Double>, into derivative: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let cell = model.cells[i]
            let y = state[i], w = state[n + i]
            derivative[i] = cell.membraneDerivative(
                y: y, w: w, ampaOpen: ampaOpen[i], gabaAOpen: gabaAOpen[i], input: input[i])
            derivative[n + i] = cell.gating.potassiumDerivative(y: y, w: w)
        }
    }

    /// The r = 1/2 path: one exp(y/2) for all five fluxes, three more for the gating.
    private func evaluateShared(
        _ cells: UnsafeBufferPointer<SharedExponentialCell>, state: UnsafePointer<Double>,
        into derivative: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<n {
            let c = cells[i]
            let y = state[i], w = state[n + i]
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
