import Foundation
import HVNetModel
import HVNetNoise
import HVNetSolvers
import Numerics

/// A setting that is allowed but probably not what was meant, with its key path.
public struct ScenarioWarning: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "warning: \(printable(path)): \(printable(message))" }
}

extension Scenario {
    /// Every check a run depends on, in one place: the loader calls it, and `validate`, `run`,
    /// `compare` (and sweeps) call it again after command-line overrides. Throws the first
    /// ``ScenarioError`` (naming the key path); returns warnings about implausible settings.
    ///
    /// Errors: solver options that the method cannot use (zero or non-finite tolerances, `h0_ms`
    /// above `hmax_ms`, a step longer than the duration), a multistep method (msadams, msbdf) with
    /// shifted noise, counts of steps, trace samples or noise grid points that are not finite
    /// whole numbers below 2⁵³, channel and delay distributions whose draws are not finite, a
    /// fixed step longer than a positive transmission delay (`connections[k].delay_ms` below
    /// `solver.dt_ms`, or a normal or lognormal delay, which can draw such values), an adaptive
    /// run whose shortest drawn delay (``shortestDrawnDelay(pairLimit:)``) caps the step so that
    /// it would take more than ``ResourceEstimate/Limits/stepsPerTrial`` steps or, with
    /// bs32-dyadic, lies below the method's smallest step, and a fixed step that some drawn cell
    /// of a heterogeneous population cannot follow at rest.
    /// Warnings: a noise grid coarser than a noise correlation time, a stimulus window that starts
    /// after the duration, a spike threshold above every reversal potential of a population.
    public func check() throws -> [ScenarioWarning] {
        func fail(_ path: String, _ value: String, _ expected: String) -> ScenarioError {
            .invalidValue(path: path, value: value, expected: expected, line: nil)
        }
        func count(_ value: Double, _ quantity: String, path: String, shown: String) throws -> Int {
            do { return try checkedCount(value, rounding: .up, quantity) } catch {
                let would = value.isFinite ? "\(value)" : value.isNaN ? "not a number" : "infinite"
                throw fail(path, shown, "a value that keeps the number of \(quantity) a finite whole number below 2^53 (it would be \(would))")
            }
        }
        /// Whether a problem of the duration against a spacing `spacing` (a step, an interval) is
        /// the duration's: it is further than the spacing from a usual value (1 s, 0.01 ms) on a
        /// log scale. The error then names duration_ms, otherwise the spacing's key.
        func durationIsUnusual(against spacing: Double) -> Bool {
            abs(log10(durationMs / 1000)) >= abs(log10(spacing / 0.01))
        }
        /// Checks that duration / spacing (the number of `quantity`) is a finite whole number below
        /// 2^53, naming the unusual one of the two.
        func checkCount(_ quantity: String, spacing: Double, key: String) throws {
            if durationIsUnusual(against: spacing) {
                _ = try count(
                    durationMs / spacing, "\(quantity) (duration / \(key) \(formatNumber(spacing)))", path: "duration_ms",
                    shown: formatNumber(durationMs))
            } else {
                _ = try count(
                    durationMs / spacing, "\(quantity) (duration_ms \(formatNumber(durationMs)) / \(key.split(separator: ".").last ?? Substring(key)))",
                    path: key, shown: formatNumber(spacing))
            }
        }
        guard durationMs > 0, durationMs.isFinite else { throw fail("duration_ms", "\(durationMs)", "a positive finite number of ms") }
        guard trials >= 1 else { throw fail("trials", "\(trials)", "a whole number of trials ≥ 1") }
        guard recording.trial >= 0, recording.trial < trials else {
            throw fail("recording.trial", "\(recording.trial)", "a trial index from 0 to \(trials - 1)")
        }
        // Solver options.
        let options = solver.options
        do { _ = try options.validated(for: solver.method) } catch let error as SolverError {
            let path: String
            switch solver.method.family {
            case .fixedStep: path = "solver.dt_ms"
            default:
                if let h = options.initialStepMs, !(h > 0 && h.isFinite) || h > options.hmax { path = "solver.h0_ms" }
                else if let h = options.maxStepMs, !(h > 0 && h.isFinite) { path = "solver.hmax_ms" }
                else { path = "solver.rtol" }
            }
            throw fail(path, solver.summary, "options that \(solver.method.name) can use: \(error)")
        }
        if let dt = options.dtMs, dt > durationMs {
            if durationIsUnusual(against: dt) {
                throw fail("duration_ms", formatNumber(durationMs), "a duration no shorter than the step (solver.dt_ms \(formatNumber(dt)))")
            }
            throw fail("solver.dt_ms", formatNumber(dt), "a step no longer than the duration (\(formatNumber(durationMs)) ms)")
        }
        if let h0 = options.initialStepMs, h0 > durationMs {
            if durationIsUnusual(against: h0) {
                throw fail("duration_ms", formatNumber(durationMs), "a duration no shorter than the initial step (solver.h0_ms \(formatNumber(h0)))")
            }
            throw fail("solver.h0_ms", formatNumber(h0), "an initial step no longer than the duration (\(formatNumber(durationMs)) ms)")
        }
        let stochastic = populations.contains { ($0.noise?.sdPA ?? 0) > 0 }
        if solver.method.isMultistep && stochastic && solver.noiseIntegration == .shifted {
            throw fail(
                "solver.noise_integration", "shifted",
                "plain with \(solver.method.name) (shifted is the default when the key is not given): a multistep method keeps a history of past steps, which the per-step noise shift invalidates; set solver.noise_integration: plain, or give --noise-integration plain")
        }
        // Counts derived from the numbers: each must be a finite whole number.
        // Too many steps, samples or grid points: named by whichever of the duration and the
        // spacing is further from a usual value, the other given in the message.
        if let dt = options.dtMs {
            try checkCount("steps", spacing: dt, key: "solver.dt_ms")
        } else if let hmax = options.maxStepMs {
            try checkCount("largest steps", spacing: hmax, key: "solver.hmax_ms")
        }
        let interval = traceIntervalMs
        guard interval > 0, interval.isFinite else { throw fail("recording.interval_ms", "\(interval)", "a positive finite interval in ms") }
        try checkCount("trace samples", spacing: interval, key: "recording.interval_ms")
        let grid = noiseGridMs
        guard grid > 0, grid.isFinite else { throw fail("noise.grid_ms", "\(grid)", "a positive finite grid spacing in ms") }
        try checkCount("noise grid points", spacing: grid, key: "noise.grid_ms")
        _ = try count(
            2.5 * min(options.largestStep, durationMs) / grid, "noise grid points per block (2.5 × largest step / grid)",
            path: "noise.grid_ms", shown: formatNumber(grid))
        // The OU paths advance by exact transitions over the grid (OUTransition): their
        // coefficients hold σ²τ² and h/τ, which overflow (or meet 0 · ∞) for absurd τ or σ. The
        // key blamed is the one that fails alone (with σ = 1 pA or τ = 1 ms), or else the larger.
        for (p, population) in populations.enumerated() {
            guard let noise = population.noise, noise.sdPA > 0,
                !OUTransition(h: grid, tau: noise.tauMs, sigma: noise.sdPA).isFinite else { continue }
            let owner = "population \(printable(population.name)), populations[\(p)] (its own noise block or the top-level one)"
            let tauFails = !OUTransition(h: grid, tau: noise.tauMs).isFinite
            let sdFails = !OUTransition(h: grid, tau: 1, sigma: noise.sdPA).isFinite
            if tauFails || (!sdFails && noise.tauMs > noise.sdPA) {
                throw fail("noise.tau_ms", formatNumber(noise.tauMs),
                           "a correlation time for which the OU transition over the noise grid (\(formatNumber(grid)) ms) is finite with sd_pA = \(formatNumber(noise.sdPA)), for \(owner): τ·sd_pA below about 1e154 and τ above about grid_ms / 1e308")
            }
            throw fail("noise.sd_pA", formatNumber(noise.sdPA),
                       "an SD for which the OU transition is finite (sd_pA · tau_ms below about 1e154), for \(owner)")
        }
        // Channel and delay distributions.
        for (k, c) in connections.enumerated() {
            for (key, strength) in [("channels_per_contact", c.channelsPerContact), ("delay_ms", c.delayMs)] {
                if case .lognormal(let mean, let sd) = strength {
                    let s2 = log(1 + (sd * sd) / (mean * mean))
                    let mu = log(mean) - s2 / 2
                    guard s2.isFinite, mu.isFinite, exp(mu + 8 * s2.squareRoot()).isFinite else {
                        throw fail(
                            "connections[\(k)].\(key)", "lognormal mean \(mean), sd \(sd)",
                            "a mean and SD whose lognormal parameters are finite (SD/mean below about 1e150, draws below 1e308)")
                    }
                }
                if case .normal(let mean, let sd) = strength, !(mean + 40 * sd).isFinite {
                    throw fail("connections[\(k)].\(key)", "normal mean \(mean), sd \(sd)", "a mean and SD whose draws are finite")
                }
            }
            // A fixed step may not exceed a positive delay (as NEST requires delay ≥ resolution):
            // a delay's stages would need the presynaptic past after the step's start.
            if let delay = c.delayMs, let dt = options.dtMs, solver.method.family == .fixedStep {
                let shown: String
                let tooShort: Bool
                switch delay {
                case .constant(let d): (shown, tooShort) = (formatNumber(d), d > 0 && d < dt)
                case .uniform(let low, let high): (shown, tooShort) = ("uniform low \(formatNumber(low)), high \(formatNumber(high))", high > 0 && low < dt)
                case .normal(let m, let sd): (shown, tooShort) = ("normal mean \(formatNumber(m)), sd \(formatNumber(sd))", sd > 0 || (m > 0 && m < dt))
                case .lognormal(let m, let sd): (shown, tooShort) = ("lognormal mean \(formatNumber(m)), sd \(formatNumber(sd))", sd > 0 || m < dt)
                }
                if tooShort {
                    throw fail(
                        "connections[\(k)].delay_ms", shown,
                        "with the fixed-step method \(solver.method.name), delays of 0 or at least solver.dt_ms (\(formatNumber(dt)) ms): a constant, or a uniform distribution with low ≥ dt (normal and lognormal delays can fall below dt: use an adaptive method such as rkf45), or a smaller solver.dt_ms")
                }
            }
        }
        // Adaptive methods cap their step at the shortest delay the network draws: a tiny draw
        // (a uniform from 0, a normal or lognormal tail) would make the run endless.
        if options.dtMs == nil, let (k, shortest) = shortestDrawnDelay() {
            let shown = connections[k].delayMs.map(Self.describe) ?? ""
            let drawn = "its shortest drawn delay is \(String(format: "%.3g", shortest)) ms (drawn from the scenario seed)"
            if solver.method.family == .dyadic, shortest < 4 * grid / 1024 {
                throw fail(
                    "connections[\(k)].delay_ms", shown,
                    "delays of at least bs32-dyadic's smallest step, \(formatNumber(4 * grid / 1024)) ms (4 × noise.grid_ms / 1024): \(drawn). Raise the delays (a uniform low ≥ that step, a constant), use another adaptive method (rkf45), or a finer noise.grid_ms")
            }
            let steps = (durationMs / min(shortest, options.largestStep, durationMs)).rounded(.up)
            let limit = ResourceEstimate.Limits().stepsPerTrial
            if !(steps <= limit) {
                throw fail(
                    "connections[\(k)].delay_ms", shown,
                    "delays that keep the run within \(ResourceEstimate.short(limit)) steps per trial: \(solver.method.name) caps its step at the shortest delay, \(drawn), so the run would take at least \(ResourceEstimate.short(steps)) steps over duration_ms \(formatNumber(durationMs)). Raise the delays (a uniform low > 0 bounds them below; normal and lognormal delays can draw values near 0) or shorten duration_ms")
            }
        }
        // Fixed steps must be able to follow each population's resting state: a KaD exponent κ
        // near 0 lets w relax at the full rate R_w (about a thousand times faster than at κ = 1).
        if let dt = options.dtMs, solver.method.family == .fixedStep {
            // Heterogeneous populations: every drawn cell (the draws of the run, from the seed).
            let bound = solver.method.name == "rk4" ? 2.78 : 2.0
            let drawn = populations.contains { !$0.distributions.isEmpty } ? cellParameters : []
            var first = 0
            for (k, p) in populations.enumerated() {
                defer { first += p.size }
                let cells = p.distributions.isEmpty ? [(nil, p.parameters)] : (first..<(first + p.size)).map { ($0 - first, drawn[$0]) }
                var fastest: (cell: Int?, parameters: CellParameters, rest: FixedPoint, rate: Double)?
                for (index, parameters) in cells {
                    let cell = parameters.normalized()
                    guard let rest = try? cell.restingState() else { continue }
                    let rate = cell.fastestRate(at: rest)
                    guard rate.isFinite else {
                        // Parameters so large that the rates overflow: no fixed step follows them.
                        let which = index.map { "cell \($0) of population \(printable(p.name))" } ?? "population \(printable(p.name))"
                        throw fail(
                            "populations[\(k)].parameters", "rates that overflow",
                            "parameters whose rates at rest are finite: at its resting state (\(String(format: "%.2f", rest.potentialMV)) mV) \(which) relaxes at a rate too large to compute (its Jacobian overflows: an amplitude, gain or rate near the largest number?), so no step of \(solver.method.name) can follow it; use parameters of physiological size (docs/scenario-format.md)")
                    }
                    if rate > (fastest?.rate ?? 0) { fastest = (index, parameters, rest, rate) }
                }
                guard let (index, parameters, rest, rate) = fastest, dt * rate > bound else { continue }
                let which = index.map { "cell \($0) of population \(printable(p.name)) (populations[\(k)], drawn from its distributions)" }
                    ?? "population \(printable(p.name)) (populations[\(k)])"
                let exponent = p.distributions.first { $0.name == "KaD.exponent" }
                    .map { "drawn from \($0.yaml(formatNumber)), here \(String(format: "%.3g", parameters.kadExponent))" }
                    ?? formatNumber(parameters.kadExponent)
                throw fail(
                    "solver.dt_ms", formatNumber(dt),
                    "a step below \(String(format: "%.3g", bound / rate)) ms for \(which): at its resting state (\(String(format: "%.2f", rest.potentialMV)) mV) it relaxes at \(String(format: "%.4g", rate))/ms, and \(solver.method.name) diverges when dt × rate exceeds \(formatNumber(bound)); its KaD.exponent is \(exponent) (values near 0 make w relax at the full rate R_w; the default is 1). Use a smaller solver.dt_ms, an adaptive method (rkf45, rk8pd, bsimp), or populations[\(k)].parameters.KaD.exponent nearer 1\(exponent.hasPrefix("drawn") ? " (a distribution whose low end stays away from 0)" : "")")
            }
        }
        // Warnings.
        var warnings: [ScenarioWarning] = []
        for (p, population) in populations.enumerated() {
            if let noise = population.noise, noise.sdPA > 0, grid > noise.tauMs {
                warnings.append(ScenarioWarning(
                    path: "noise.grid_ms",
                    message: "the noise grid (\(formatNumber(grid)) ms) is coarser than the correlation time τ = \(formatNumber(noise.tauMs)) ms of population \(population.name) (populations[\(p)]); the paths cannot resolve it"))
            }
            let reachable = [
                population.parameters.sodiumReversalMV, population.parameters.potassiumReversalMV,
                population.parameters.ampaReversalMV, population.parameters.gabaAReversalMV,
                population.parameters.pumpReversalMV,
            ].max() ?? 0
            // Injected currents (steps, a noise mean) can push the potential anywhere; warn only without them.
            let injected = stimuli.contains {
                switch $0.kind {
                case .pulse, .poisson: return false
                default: return true
                }
            }
                || populations.contains { ($0.noise?.meanPA ?? 0) != 0 || ($0.noise?.sdPA ?? 0) != 0 }
            if !injected && recording.thresholdMV >= reachable {
                warnings.append(ScenarioWarning(
                    path: "recording.threshold_mV",
                    message: "the spike threshold \(formatNumber(recording.thresholdMV)) mV is at or above every reversal potential of population \(population.name) (at most \(formatNumber(reachable)) mV); its cells will report no spikes"))
            }
        }
        for (k, stimulus) in stimuli.enumerated() {
            for (w, window) in stimulus.windowsMs.enumerated() where window.lowerBound >= durationMs {
                warnings.append(ScenarioWarning(
                    path: { if case .ramp = stimulus.kind { return "stimuli[\(k)].window_ms" } else { return "stimuli[\(k)].windows_ms[\(w)]" } }(),
                    message: "starts at \(formatNumber(window.lowerBound)) ms, at or after the end of the run (\(formatNumber(durationMs)) ms); it has no effect"))
            }
        }
        return warnings
    }

    /// A delay or channel count as the scenario gives it, for messages.
    static func describe(_ strength: ContactStrength) -> String {
        switch strength {
        case .constant(let d): return formatNumber(d)
        case .uniform(let low, let high): return "uniform low \(formatNumber(low)), high \(formatNumber(high))"
        case .normal(let m, let sd): return "normal mean \(formatNumber(m)), sd \(formatNumber(sd))"
        case .lognormal(let m, let sd): return "lognormal mean \(formatNumber(m)), sd \(formatNumber(sd))"
        }
    }
}
