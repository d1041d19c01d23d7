import Foundation

/// The analytic Jacobian of the network right-hand side (for GSL's implicit steppers and bsimp).
extension NormalizedTransporter {
    /// dφ/dy.
    func fluxSlope(_ y: Double, form: FluxForm) -> Double {
        let u = charge * (y - reversal)
        let r = rectification
        switch form {
        case .exponential:
            return amplitude * charge * charge * ((1 - r) * exp((1 - r) * u) + r * exp(-r * u))
        case .cubic:
            let a = (1 - 2 * r) / 2, b = (3 * r * r - 3 * r + 1) / 6
            return amplitude * charge * charge * (1 + 2 * a * u + 3 * b * u * u)
        case .linear:
            return amplitude * charge * charge
        }
    }
}

extension NetworkRightHandSide {
    /// ∂f/∂y (row-major, stateSize²) at `state`, whose first n entries are the potentials y. The
    /// input does not depend on the state; stimuli are constant inside a segment.
    ///
    ///     ∂ẏ_i/∂y_i = −N_Na [m′(1−w)φ_Na + m(1−w)φ′_Na] − N_K w φ′_K − N_P φ′_P − g_A φ′_A − g_G φ′_G
    ///     ∂ẏ_i/∂w_i = N_Na m φ_Na − N_K φ_K
    ///     ∂ẏ_i/∂y_j = −W_A[i,j] s′_A(y_j) φ_A,i − W_G[i,j] s′_G(y_j) φ_G,i   (instantaneous synapses)
    ///     ∂ẇ_i/∂y_i = w^κ [R′(w∞ − w) + R w∞′],  ∂ẇ_i/∂w_i = κ w^{κ−1} R (w∞ − w) − w^κ R
    public func jacobian(state: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>) {
        let n = model.cellCount, dim = model.stateSize
        for k in 0..<(dim * dim) { dfdy[k] = 0 }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n { y[i] = state[i] }
        var open = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            let o = openChannels(state: state, cell: i)
            open[i] = o.ampa
            open[n + i] = o.gabaA
        }
        for i in 0..<n {
            let c = model.cells[i], g = c.gating, form = c.fluxForm
            let yi = y[i], w = state[n + i]
            let m = g.sodiumActivation(yi), dm = g.sodiumGain * m * (1 - m)
            let x = g.potassiumGain * (yi - g.potassiumHalfActivation)
            let wInf = logistic(x), dwInf = g.potassiumGain * wInf * (1 - wInf)
            let rate = g.potassiumRatePerMs * (exp(g.potassiumBias * x) + exp((g.potassiumBias - 1) * x))
            let dRate = g.potassiumRatePerMs * g.potassiumGain
                * (g.potassiumBias * exp(g.potassiumBias * x) + (g.potassiumBias - 1) * exp((g.potassiumBias - 1) * x))
            let phiNa = c.nat.flux(yi, form: form), phiK = c.kad.flux(yi, form: form)
            dfdy[i * dim + i] = -c.nat.units * (dm * (1 - w) * phiNa + m * (1 - w) * c.nat.fluxSlope(yi, form: form))
                - c.kad.units * w * c.kad.fluxSlope(yi, form: form)
                - c.naka.units * c.naka.fluxSlope(yi, form: form)
                - open[i] * c.ampa.fluxSlope(yi, form: form)
                - open[n + i] * c.gabaA.fluxSlope(yi, form: form)
            dfdy[i * dim + n + i] = c.nat.units * m * phiNa - c.kad.units * phiK
            let kappa = g.potassiumExponent
            let wk = kappa == 1 ? w : pow(w, kappa)
            dfdy[(n + i) * dim + i] = wk * (dRate * (wInf - w) + rate * dwInf)
            dfdy[(n + i) * dim + n + i] = (kappa == 0 ? 0 : kappa * (kappa == 1 ? 1 : pow(w, kappa - 1)) * rate * (wInf - w)) - wk * rate
            // Synaptic terms.
            for (coupling, offset, transporter) in [(model.ampa, model.ampaStateOffset, c.ampa), (model.gabaA, model.gabaAStateOffset, c.gabaA)] {
                let phi = transporter.flux(yi, form: form)
                let wts = coupling.weights
                for k in wts.rowStart[i]..<wts.rowStart[i + 1] {
                    let j = wts.columnIndex[k]
                    if let offset {
                        dfdy[i * dim + offset + j] -= wts.values[k] * phi
                    } else {
                        let s = coupling.steadyActivation(y[j])
                        dfdy[i * dim + j] -= wts.values[k] * coupling.gain * s * (1 - s) * phi
                    }
                }
            }
        }
        for (coupling, offset) in [(model.ampa, model.ampaStateOffset), (model.gabaA, model.gabaAStateOffset)] {
            guard let offset, case .firstOrder(let tau) = coupling.kinetics else { continue }
            for j in 0..<n {
                let s = coupling.steadyActivation(y[j])
                dfdy[(offset + j) * dim + j] = coupling.gain * s * (1 - s) / tau
                dfdy[(offset + j) * dim + offset + j] = -1 / tau
            }
        }
    }
}
