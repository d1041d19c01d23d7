import GSLSupport
import HVNetModel
import HVNetNoise
import HVNetSolvers
import Foundation
import Yams

/// Reads scenario files (YAML; JSON is YAML too) into validated ``Scenario`` values. Unknown keys
/// are rejected, and every error names the key path, the value and what is allowed.
public enum ScenarioLoader {
    static let topLevelKeys = [
        "name", "description", "duration_ms", "seed", "trials", "solver", "noise", "parameters", "populations",
        "synapses", "connections", "stimuli", "recording",
    ]

    /// Loads and validates the scenario file at `path`, with `overrides` (`--set KEY.PATH=VALUE`)
    /// applied to its node tree first, so that every check applies to the overridden values.
    /// Throws ``ScenarioError`` naming the key path.
    public static func load(path: String, overrides: [ScenarioOverride] = []) throws -> Scenario {
        try ScenarioDocument.read(path: path).applying(overrides).validated()
    }

    /// Parses and validates scenario text.
    public static func parse(_ text: String, defaultName: String = "scenario", overrides: [ScenarioOverride] = []) throws -> Scenario {
        try ScenarioDocument(text: text, defaultName: defaultName).applying(overrides).validated()
    }

    /// Validates a node tree; `sourceHash` identifies the scenario text it came from.
    static func parse(root: Yams.Node, defaultName: String, sourceHash: String) throws -> Scenario {
        try ScenarioLimits.check(root)
        let top = try ScenarioNode(node: root, path: "").mapping(allowed: topLevelKeys)

        let name = try top["name"]?.string() ?? defaultName
        if name.count > 200, let node = top["name"] { throw node.invalid("a name of at most 200 characters (it has \(name.count))") }
        let description = try top["description"]?.string()
        let duration = try top.required("duration_ms", "the simulated time in ms").number(where: { $0 > 0 }, "a positive number of ms")
        let seed = try top["seed"].map { UInt64(try $0.integer(in: 0...Int.max, "a non-negative integer up to 9223372036854775807 (2⁶³ − 1)")) } ?? 1
        let trials = try top["trials"]?.integer(in: 1...1_000_000, "a whole number of trials ≥ 1") ?? 1
        let solver = try parseSolver(top.required("solver", "a mapping with method and dt_ms"))
        let (noiseSettings, defaultNoise) = try parseNoiseSettings(top["noise"])

        var shared = CellParameters()
        var sharedDistributions: [CellParameterDistribution] = []
        if let node = top["parameters"] { try applyParameters(node, to: &shared, distributions: &sharedDistributions) }
        let populationNodes = try top.required("populations", "a list of populations (name, size, parameters, initial)")
            .sequence("populations")
        guard !populationNodes.isEmpty else {
            throw try top.required("populations", "").invalid("at least one population")
        }
        var populations: [Population] = []
        for node in populationNodes {
            let population = try parsePopulation(node, defaults: shared, defaultDistributions: sharedDistributions, defaultNoise: defaultNoise)
            if populations.contains(where: { $0.name == population.name }) {
                throw ScenarioError.invalidValue(
                    path: node.child("name"), value: population.name, expected: "a name no other population has", line: node.line)
            }
            populations.append(population)
        }
        let cellCount = populations.reduce(0) { $0 + $1.size }
        if let vT = populations.first?.parameters.thermalPotentialMV,
            let odd = populations.firstIndex(where: { $0.parameters.thermalPotentialMV != vT })
        {
            throw ScenarioError.invalidValue(
                path: "populations[\(odd)].parameters.thermal_potential_mV",
                value: "\(populations[odd].parameters.thermalPotentialMV)",
                expected: "the same thermal potential in every population (\(vT) mV); set it in the top-level parameters",
                line: populationNodes[odd].line)
        }

        var ampa = PresynapticSigmoid(), gabaA = PresynapticSigmoid()
        if let node = top["synapses"] {
            let m = try node.mapping(allowed: Receptor.allCases.map(\.rawValue))
            if let n = m["AMPA"] { ampa = try parseSigmoid(n) }
            if let n = m["GABAA"] { gabaA = try parseSigmoid(n) }
        }
        let connections = try top["connections"]?.sequence("connections").map {
            try parseConnection($0, populations: populations)
        } ?? []
        let stimuli = try top["stimuli"]?.sequence("stimuli").map {
            try parseStimulus($0, populations: populations, cellCount: cellCount, durationMs: duration)
        } ?? []
        let recording = try parseRecording(top["recording"], cellCount: cellCount, trials: trials)

        let scenario = Scenario(
            name: name, description: description, durationMs: duration, seed: seed, trials: trials, solver: solver,
            noise: noiseSettings,
            populations: populations, ampaSynapse: ampa, gabaASynapse: gabaA, connections: connections,
            stimuli: stimuli, recording: recording, sourceHash: sourceHash)
        _ = try scenario.check()
        return scenario
    }

    // MARK: Parts

    static func parseSolver(_ node: ScenarioNode) throws -> SolverSettings {
        let m = try node.mapping(allowed: ["method", "dt_ms", "atol", "rtol", "h0_ms", "hmax_ms", "noise_integration"])
        let method = try SolverMethod.named(try m["method"]?.string(oneOf: SolverMethod.names) ?? "rk4")
        var options = SolverOptions()
        if method.family == .fixedStep {
            options.dtMs = try m.required("dt_ms", "the step in ms (a number or a fraction such as 1/70)")
                .number(where: { $0 > 0 }, "a positive step in ms (a number or a fraction such as 1/70)")
        }
        for key in ["atol", "rtol", "h0_ms", "hmax_ms"] where method.family == .fixedStep && m[key] != nil {
            throw m[key]!.invalid("no \(key) with the fixed-step method \(method.name) (it takes dt_ms)")
        }
        if method.family != .fixedStep, let n = m["dt_ms"] { throw n.invalid("no dt_ms with the adaptive method \(method.name): give rtol, atol, h0_ms, hmax_ms") }
        if let n = m["atol"] { options.absoluteTolerance = try n.number(where: { $0 >= 0 }, "a non-negative absolute tolerance") }
        if let n = m["rtol"] { options.relativeTolerance = try n.number(where: { $0 >= 0 }, "a non-negative relative tolerance") }
        if let n = m["h0_ms"] { options.initialStepMs = try n.number(where: { $0 > 0 }, "a positive initial step in ms") }
        if let n = m["hmax_ms"] { options.maxStepMs = try n.number(where: { $0 > 0 }, "a positive maximum step in ms") }
        var settings = SolverSettings(method: method, options: options)
        if let n = m["noise_integration"] {
            settings.noiseIntegration = NoiseIntegration(rawValue: try n.string(oneOf: NoiseIntegration.allCases.map(\.rawValue)))!
        }
        return settings
    }

    static func parsePopulation(_ node: ScenarioNode, defaults: CellParameters, defaultDistributions: [CellParameterDistribution] = [],
                                defaultNoise: OUNoiseParameters?) throws -> Population {
        let m = try node.mapping(allowed: ["name", "size", "parameters", "initial", "noise"])
        let name = try m.required("name", "a name").string()
        let size = try m["size"]?.integer(in: 1...1_000_000, "a whole number of cells from 1 to 1000000") ?? 1
        var parameters = defaults
        var distributions = defaultDistributions
        if let p = m["parameters"] { try applyParameters(p, to: &parameters, distributions: &distributions) }
        let initial = try m["initial"].map { try parseInitial($0, size: size, parameters: parameters) } ?? .rest
        var noise = defaultNoise
        if let n = m["noise"] {
            if n.node.scalar?.string == "none" { noise = nil } else { noise = try parseOU(n, defaults: defaultNoise) }
        }
        return Population(name: name, size: size, parameters: parameters, initial: initial, noise: noise, distributions: distributions)
    }

    static func parseInitial(_ node: ScenarioNode, size: Int, parameters: CellParameters) throws -> InitialCondition {
        if let word = node.node.scalar?.string {
            guard word == "rest" else { throw node.invalid("'rest' or a mapping with v_mV and w") }
            return .rest
        }
        let m = try node.mapping(allowed: ["v_mV", "w", "jitter_mV"])
        if let jitter = m["jitter_mV"] {
            if m["v_mV"] != nil || m["w"] != nil {
                throw jitter.invalid("either jitter_mV (around the resting state) or v_mV and w, not both")
            }
            return .jitter(sdMV: try jitter.number(where: { $0 >= 0 && $0 < 100 }, "an SD in mV between 0 and 100"))
        }
        let v = try m.required("v_mV", "the initial membrane potential in mV (a number or one per cell)")
            .numbers(count: size, where: { abs($0) < 1000 }, "a membrane potential in mV between −1000 and 1000")
        let w: [Double]
        if let wNode = m["w"] {
            w = try wNode.numbers(
                count: size, where: { $0 > 0 && $0 <= 1 },
                "w in (0, 1]: w = 0 is invariant (the factor w^κ keeps it there), so the cell would never repolarise")
        } else {
            let gating = parameters.normalized().gating
            w = v.map { gating.potassiumSteadyState($0 / parameters.thermalPotentialMV) }
        }
        return .explicit(potentialMV: v, w: w)
    }

    static func parseSigmoid(_ node: ScenarioNode) throws -> PresynapticSigmoid {
        let m = try node.mapping(allowed: ["gain", "half_activation_mV", "kinetics", "tau_ms"])
        var s = PresynapticSigmoid()
        if let n = m["gain"] { s.gain = try n.number(where: { $0 > 0 }, "a positive gain") }
        if let n = m["half_activation_mV"] { s.halfActivationMV = try n.number("a potential in mV") }
        let kinetics = try m["kinetics"]?.string(oneOf: ["instantaneous", "first_order"]) ?? "instantaneous"
        if kinetics == "first_order" {
            s.tauMs = try m.required("tau_ms", "the synaptic time constant in ms").number(where: { $0 > 0 }, "a positive time constant in ms")
        } else if let n = m["tau_ms"] {
            throw n.invalid("no tau_ms with instantaneous synapses (set kinetics: first_order)")
        }
        return s
    }

    static func parseConnection(_ node: ScenarioNode, populations: [Population]) throws -> Connection {
        let m = try node.mapping(allowed: [
            "receptor", "from", "to", "rule", "matrix", "offsets", "p", "k", "beta", "autapses", "channels_per_contact", "delay_ms",
        ])
        let receptor = Receptor(rawValue: try m.required("receptor", "AMPA or GABAA").string(oneOf: Receptor.allCases.map(\.rawValue)))!
        let names = populations.map(\.name)
        let from = try m.required("from", "the presynaptic population").string(oneOf: names)
        let to = try m.required("to", "the postsynaptic population").string(oneOf: names)
        let ruleName = try m["rule"]?.string(oneOf: ConnectionRule.names) ?? (m["matrix"] != nil ? "explicit" : "all_to_all")
        let rows = populations.first { $0.name == to }!.size
        let columns = populations.first { $0.name == from }!.size
        let same = from == to
        // Keys that belong to each rule; any other rule key is an error.
        let ruleKeys: [String: [String]] = [
            "explicit": ["matrix"], "all_to_all": ["autapses"], "one_to_one": [], "ring": ["offsets"],
            "bernoulli": ["p", "autapses"], "fixed_indegree": ["k", "autapses"], "small_world": ["k", "beta"],
        ]
        for key in ["matrix", "offsets", "p", "k", "beta", "autapses"] where m[key] != nil && !ruleKeys[ruleName]!.contains(key) {
            throw ScenarioError.unknownKey(
                path: node.path, key: key,
                allowed: ["receptor", "from", "to", "rule", "channels_per_contact", "delay_ms"] + ruleKeys[ruleName]!)
        }
        let autapses = try m["autapses"]?.bool() ?? false
        if autapses && !same { throw m["autapses"]!.invalid("autapses only within one population (from = to)") }
        let rule: ConnectionRule
        switch ruleName {
        case "explicit":
            let matrixNode = try m.required("matrix", "C[post, pre], a list of \(rows) rows of \(columns) numbers")
            let shape = "\(rows) rows (cells of \(to)) of \(columns) non-negative numbers (cells of \(from)), rows postsynaptic"
            let rowNodes = try matrixNode.sequence(shape)
            guard rowNodes.count == rows else { throw matrixNode.invalid(shape) }
            let matrix = try rowNodes.map { row -> [Double] in
                let entries = try row.sequence(shape)
                guard entries.count == columns else { throw row.invalid(shape) }
                return try entries.map { try $0.number(where: { $0 >= 0 }, "a non-negative number") }
            }
            rule = .explicit(matrix: matrix)
        case "all_to_all":
            rule = .allToAll(autapses: autapses)
        case "one_to_one":
            guard rows == columns else {
                throw ScenarioError.invalidValue(path: node.child("rule"), value: "one_to_one", expected: "populations of equal size (\(from) has \(columns), \(to) has \(rows))", line: node.line)
            }
            rule = .oneToOne
        case "ring":
            let offsetsNode = try m.required("offsets", "a list of integer offsets: cell i receives from (i + offset) mod n")
            let offsets = try offsetsNode.sequence("integer offsets").map { try $0.integer(in: -1_000_000...1_000_000, "an integer offset") }
            if same, offsets.contains(where: { $0 % columns == 0 }) {
                throw offsetsNode.invalid("offsets that are not multiples of the population size \(columns) (those would be autapses)")
            }
            rule = .ring(offsets: offsets)
        case "bernoulli":
            rule = .bernoulli(
                p: try m.required("p", "the connection probability").number(where: { $0 >= 0 && $0 <= 1 }, "a probability between 0 and 1"),
                autapses: autapses)
        case "fixed_indegree":
            let available = same && !autapses ? columns - 1 : columns
            rule = .fixedInDegree(
                k: try m.required("k", "inputs per postsynaptic cell").integer(in: 0...available, "a whole number from 0 to \(available) (the available presynaptic cells)"),
                autapses: autapses)
        default:  // small_world
            guard same else {
                throw ScenarioError.invalidValue(path: node.child("rule"), value: "small_world", expected: "from = to (a small world lives in one population)", line: node.line)
            }
            // k < n: cell i's k lattice neighbours i ± 1 … i ± k/2 are then distinct and none is i.
            let kNode = try m.required("k", "an even number of lattice neighbours")
            guard columns >= 3 else {
                throw kNode.invalid("a population of at least 3 cells for a small world (\(from) has \(columns); k must be even and less than the population size)")
            }
            let k = try kNode.integer(in: 2...(columns - 1), "an even whole number from 2 to \(columns - 1) (less than the population size \(columns))")
            guard k % 2 == 0 else { throw kNode.invalid("an even whole number from 2 to \(columns - 1) (less than the population size \(columns))") }
            rule = .smallWorld(
                k: k, beta: try m.required("beta", "the rewiring probability").number(where: { $0 >= 0 && $0 <= 1 }, "a probability between 0 and 1"))
        }
        let strength = try parseStrength(m.required("channels_per_contact", "channels opened per contact at full activation"))
        let delay = try m["delay_ms"].map { try parseStrength($0, quantity: .delay) }
        return Connection(receptor: receptor, source: from, target: to, rule: rule, channelsPerContact: strength, delayMs: delay)
    }

    /// What a ``ContactStrength`` node gives: channels per contact or a transmission delay.
    enum ContactQuantity {
        case channels, delay
        var noun: String { self == .channels ? "number of channels" : "delay in ms" }
    }

    static func parseStrength(_ node: ScenarioNode, quantity: ContactQuantity = .channels) throws -> ContactStrength {
        let noun = quantity.noun
        if node.node.scalar != nil {
            return .constant(try node.number(where: { $0 >= 0 }, "a non-negative \(noun), or a distribution"))
        }
        let (kind, m) = try distributionMapping(node, kinds: ContactStrength.distributions, truncatedAtZero: true)
        func value(_ key: String, _ expected: String, _ check: (Double) -> Bool) throws -> Double {
            try m.required(key, expected).number(where: check, expected)
        }
        switch kind {
        case "uniform":
            let low = try value("low", "a non-negative \(noun)", { $0 >= 0 })
            return .uniform(low: low, high: try value("high", "a \(noun) ≥ low (\(low))", { $0 >= low }))
        default:
            let mean = try value("mean", "a positive mean \(noun)", { $0 > 0 })
            let sd = try value("sd", "a non-negative SD", { $0 >= 0 })
            return kind == "normal" ? .normal(mean: mean, sd: sd) : .lognormal(mean: mean, sd: sd)
        }
    }

    /// The mapping of a distribution (`channels_per_contact`, `delay_ms`, a cell parameter) and its
    /// kind, one of `kinds`: `{distribution: normal|lognormal, mean, sd}` or `{distribution:
    /// uniform, low, high}`. A key of another kind is an error naming the key path and the keys
    /// the kind takes (`low` in a normal distribution is not a truncation: the message says what is).
    /// `truncatedAtZero`: normal draws are redrawn until ≥ 0 (contacts, delays); otherwise they are
    /// truncated to the parameter's range.
    static func distributionMapping(_ node: ScenarioNode, kinds: [String], truncatedAtZero: Bool) throws -> (kind: String, mapping: ScenarioMapping) {
        let m = try node.mapping(allowed: ["distribution", "mean", "sd", "low", "high"])
        let kind = try m.required("distribution", kinds.joined(separator: ", ")).string(oneOf: kinds)
        let allowed = kind == "uniform" ? ["distribution", "low", "high"] : ["distribution", "mean", "sd"]
        for key in ["mean", "sd", "low", "high"] where !allowed.contains(key) && m[key] != nil {
            let hint: String
            if kind == "uniform" {
                hint = "a uniform distribution is given by low and high alone; for a mean and SD use normal or lognormal"
            } else {
                let truncation = kind == "lognormal" ? "lognormal draws are positive and not bounded"
                    : truncatedAtZero ? "normal draws are truncated at 0 only, redrawn until ≥ 0"
                    : "normal draws are truncated only to the parameter's allowed range"
                hint = "\(truncation); for values between a low and a high bound use {distribution: uniform, low: …, high: …}"
            }
            throw ScenarioError.unknownDistributionKey(path: node.path, key: key, distribution: kind, allowed: allowed, hint: hint)
        }
        return (kind, m)
    }

    static let ouKeys = ["mean_pA", "sd_pA", "tau_ms", "shared"]

    /// Noise parameters, each key defaulting to `defaults` (or μ = 0, σ = 0, τ = 5 ms, c = 0).
    static func parseOU(_ node: ScenarioNode, defaults: OUNoiseParameters?) throws -> OUNoiseParameters {
        let m = try node.mapping(allowed: ouKeys)
        var p = defaults ?? OUNoiseParameters(meanPA: 0, sdPA: 0, tauMs: 5, sharedFraction: 0)
        if let n = m["mean_pA"] { p.meanPA = try n.number("a current in pA (depolarising positive)") }
        if let n = m["sd_pA"] { p.sdPA = try n.number(where: { $0 >= 0 }, "a non-negative SD in pA") }
        if let n = m["tau_ms"] { p.tauMs = try n.number(where: { $0 > 0 }, "a positive correlation time in ms") }
        if let n = m["shared"] { p.sharedFraction = try n.number(where: { $0 >= 0 && $0 <= 1 }, "a shared fraction between 0 and 1") }
        return p
    }

    /// The top-level `noise:` block: generator and grid, and OU parameters for every population
    /// that does not set its own.
    static func parseNoiseSettings(_ node: ScenarioNode?) throws -> (NoiseSettings, OUNoiseParameters?) {
        var settings = NoiseSettings()
        guard let node else { return (settings, nil) }
        let m = try node.mapping(allowed: ["generator", "grid_ms"] + ouKeys)
        if let n = m["generator"] { settings.generator = GeneratorType(rawValue: try n.string(oneOf: GeneratorType.allCases.map(\.rawValue)))! }
        if let n = m["grid_ms"] { settings.gridMs = try n.number(where: { $0 > 0 }, "a positive grid spacing in ms") }
        let hasOU = ouKeys.contains { m[$0] != nil }
        let ou = hasOU ? try parseOU(ScenarioNode(node: try filtered(node, keeping: ouKeys), path: node.path), defaults: nil) : nil
        return (settings, ou)
    }

    /// A copy of a mapping node with only the given keys.
    private static func filtered(_ node: ScenarioNode, keeping keys: [String]) throws -> Yams.Node {
        guard let mapping = node.node.mapping else { throw node.invalid("a mapping") }
        let pairs = mapping.filter { keys.contains($0.key.scalar?.string ?? "") }
        return .mapping(Yams.Node.Mapping(pairs.map { ($0.key, $0.value) }))
    }

    static func parseStimulus(_ node: ScenarioNode, populations: [Population], cellCount: Int, durationMs: Double) throws -> Stimulus {
        let target = ["cells", "population"]
        let keysOfType: [String: [String]] = [
            "pulse": ["type", "receptor", "activation"] + target + ["windows_ms"],
            "current_step": ["type", "amplitude_pA"] + target + ["windows_ms"],
            "sine": ["type", "amplitude_pA", "frequency_Hz", "phase_deg", "offset_pA"] + target + ["windows_ms"],
            "ramp": ["type", "from_pA", "to_pA"] + target + ["window_ms"],
            "poisson": ["type", "receptor", "rate_Hz", "channels_per_spike", "tau_ms", "shared"] + target + ["windows_ms"],
        ]
        let every = ["type", "receptor", "activation", "amplitude_pA", "frequency_Hz", "phase_deg", "offset_pA", "from_pA", "to_pA",
                     "rate_Hz", "channels_per_spike", "tau_ms", "shared", "cells", "population", "windows_ms", "window_ms"]
        let m = try node.mapping(allowed: every)
        let type = try m.required("type", "pulse, current_step, sine, ramp or poisson")
            .string(oneOf: ["pulse", "current_step", "sine", "ramp", "poisson"])
        let allowed = keysOfType[type] ?? every
        for key in every where !allowed.contains(key) && m[key] != nil {
            throw ScenarioError.unknownKey(path: node.path, key: key, allowed: allowed)
        }
        let kind: Stimulus.Kind
        switch type {
        case "pulse":
            let receptor = Receptor(rawValue: try m.required("receptor", "AMPA or GABAA").string(oneOf: Receptor.allCases.map(\.rawValue)))!
            let p = try m["activation"]?.number(where: { $0 >= 0 && $0 <= 1 }, "an activation between 0 and 1") ?? 1
            kind = .pulse(receptor: receptor, activation: p)
        case "sine":
            let amplitude = try m.required("amplitude_pA", "the amplitude in pA (≥ 0)").number(where: { $0 >= 0 }, "an amplitude ≥ 0 pA")
            let frequency = try m.required("frequency_Hz", "the frequency in Hz (> 0)").number(where: { $0 > 0 }, "a frequency > 0 Hz")
            let phase = try m["phase_deg"]?.number(where: { abs($0) <= 360 }, "a phase in degrees from −360 to 360") ?? 0
            let offset = try m["offset_pA"]?.number("a current in pA") ?? 0
            kind = .sine(amplitudePA: amplitude, frequencyHz: frequency, phaseDeg: phase, offsetPA: offset)
        case "ramp":
            let from = try m.required("from_pA", "the current in pA at the window's start").number("a current in pA")
            let to = try m.required("to_pA", "the current in pA at the window's stop").number("a current in pA")
            kind = .ramp(fromPA: from, toPA: to)
        case "poisson":
            let receptor = Receptor(rawValue: try m.required("receptor", "AMPA or GABAA").string(oneOf: Receptor.allCases.map(\.rawValue)))!
            let rate = try m.required("rate_Hz", "the input spike rate in Hz (≥ 0)").number(where: { $0 >= 0 }, "a rate ≥ 0 Hz")
            let channels = try m.required("channels_per_spike", "the channels one input spike opens (> 0)")
                .number(where: { $0 > 0 }, "a number of channels > 0")
            let tau = try m.required("tau_ms", "the time constant in ms with which the channels close (> 0)")
                .number(where: { $0 > 0 }, "a time constant > 0 ms")
            let shared = try m["shared"]?.bool() ?? false
            kind = .poisson(PoissonStimulus(receptor: receptor, rateHz: rate, channelsPerSpike: channels, tauMs: tau, shared: shared))
        default:
            let amplitude = try m.required("amplitude_pA", "the current in pA, depolarising positive").number("a current in pA")
            kind = .currentStep(amplitudePA: amplitude)
        }
        let cells: [Int]
        switch (m["cells"], m["population"]) {
        case (let c?, nil):
            cells = try c.sequence("cell indices").map { try $0.integer(in: 0...(cellCount - 1), "a cell index from 0 to \(cellCount - 1)") }
            // An empty target list would be a stimulus that reaches no cell.
            guard !cells.isEmpty else { throw c.invalid("a non-empty list of cell indices from 0 to \(cellCount - 1) (or population: a name)") }
        case (nil, let p?):
            let name = try p.string(oneOf: populations.map(\.name))
            let index = populations.firstIndex { $0.name == name }!
            let offset = populations[..<index].reduce(0) { $0 + $1.size }
            cells = Array(offset..<(offset + populations[index].size))
        case (nil, nil):
            throw ScenarioError.missingKey(path: node.path, key: "cells", expected: "either cells (a list of cell indices) or population (a name)")
        case (_?, _?):
            throw ScenarioError.invalidValue(
                path: node.path, value: "cells and population", expected: "either cells (a list of cell indices) or population (a name), not both",
                line: node.node.mark?.line)
        }
        func window(_ w: ScenarioNode) throws -> ClosedRange<Double> {
            let pair = try w.sequence("[start, stop] in ms")
            guard pair.count == 2 else { throw w.invalid("[start, stop] in ms with start < stop") }
            let start = try pair[0].number(where: { $0 >= 0 }, "a start time ≥ 0 ms")
            let stop = try pair[1].number(where: { $0 > start }, "a stop time after the start (\(start) ms)")
            return start...stop
        }
        let windows: [ClosedRange<Double>]
        switch type {
        case "ramp":
            windows = [try window(try m.required("window_ms", "one [start, stop] window in ms"))]
        case "sine" where m["windows_ms"] == nil, "poisson" where m["windows_ms"] == nil:
            windows = [0...durationMs]
        default:
            let windowNodes = try m.required("windows_ms", "a list of [start, stop] pairs in ms").sequence("[start, stop] pairs in ms")
            windows = try windowNodes.map(window)
        }
        return Stimulus(kind: kind, cells: cells, windowsMs: windows)
    }

    static func parseRecording(_ node: ScenarioNode?, cellCount: Int, trials: Int) throws -> RecordingSettings {
        var r = RecordingSettings()
        r.traceCells = cellCount <= 10 ? Array(0..<cellCount) : []
        guard let node else { return r }
        let m = try node.mapping(allowed: ["threshold_mV", "cells", "variables", "interval_ms", "format", "trial", "nwb", "plot_window_ms"])
        if let n = m["nwb"] { r.nwb = try n.bool() }
        if let n = m["plot_window_ms"] {
            r.plotWindowMs = try n.number(where: { $0 > 0 && $0.isFinite }, "a positive, finite window in ms")
        }
        if let n = m["format"] { r.format = TraceFormat(rawValue: try n.string(oneOf: TraceFormat.allCases.map(\.rawValue)))! }
        if let n = m["trial"] { r.trial = try n.integer(in: 0...(trials - 1), "a trial index from 0 to \(trials - 1)") }
        if let n = m["threshold_mV"] { r.thresholdMV = try n.number("a potential in mV") }
        var variablesNode: ScenarioNode?
        if let n = m["cells"] {
            if let word = n.node.scalar?.string {
                switch word {
                case "all": r.traceCells = Array(0..<cellCount)
                case "none": r.traceCells = []
                default: throw n.invalid("all, none or a list of cell indices")
                }
            } else {
                // A cell listed twice would give two identical trace columns: refused.
                var first: [Int: Int] = [:]
                r.traceCells = try n.sequence("cell indices").enumerated().map { k, item in
                    let cell = try item.integer(in: 0...(cellCount - 1), "a cell index from 0 to \(cellCount - 1)")
                    if let earlier = first[cell] {
                        throw item.invalid("a cell not listed before: cell \(cell) is already recording.cells[\(earlier)] (list each cell once)")
                    }
                    first[cell] = k
                    return cell
                }
            }
        }
        if let n = m["variables"] {
            let names = TraceVariable.allCases.map(\.rawValue)
            // A variable listed twice would give two identical trace columns: refused, as cells.
            var first: [TraceVariable: Int] = [:]
            let items = try n.sequence(names.joined(separator: ", "))
            r.variables = try items.enumerated().map { k, item in
                let variable = TraceVariable(rawValue: try item.string(oneOf: names))!
                if let earlier = first[variable] {
                    throw item.invalid("a variable not listed before: \(variable.rawValue) is already recording.variables[\(earlier)] (list each variable once)")
                }
                first[variable] = k
                return variable
            }
            variablesNode = n
        }
        if let n = m["interval_ms"] { r.intervalMs = try n.number(where: { $0 > 0 }, "a positive interval in ms") }
        // No variables with traced cells: a trace file of times alone. Refused; no traces is cells: none.
        if let n = variablesNode, r.variables.isEmpty, !r.traceCells.isEmpty {
            throw n.invalid("at least one of \(TraceVariable.allCases.map(\.rawValue).joined(separator: ", ")) while recording.cells traces cells (for no traces give recording.cells: none)")
        }
        return r
    }
}

/// FNV-1a, 64-bit, as 16 hex digits.
func fnv1a64Hex(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        hash ^= UInt64(b)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
