import Foundation
import HVNetNoise
import Yams

/// A sweep file that cannot be used, or a point whose scenario the loader rejects.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    /// An error in the sweep file itself; the ScenarioError names the key path in the sweep file.
    case sweepFile(path: String, ScenarioError)
    /// The scenario the sweep names cannot be read or validated.
    case scenario(path: String, ScenarioError)
    /// A point's overrides give a scenario the loader rejects.
    case point(index: Int, assignment: String, ScenarioError)
    /// The overrides for every point (the file's `set:` and `trials:`, the command line's `--set`)
    /// give a scenario the loader rejects.
    case common(path: String, ScenarioError)

    public var description: String {
        switch self {
        case .sweepFile(let path, let error): return "\(path): \(error)"
        case .scenario(let path, let error): return "scenario \(path): \(error)"
        case .point(let index, let assignment, let error):
            return "point \(index) (\(assignment)): \(error)"
        case .common(let path, let error):
            return "\(path): in set: (or trials:, --set), applied to every point: \(error)"
        }
    }
}

/// A resolved parameter sweep: the points to run, each a validated scenario with its overrides.
/// Read from a sweep file (docs/sweeps.md) by ``SweepPlan/load(path:extraOverrides:)``.
public struct SweepPlan: Sendable {
    /// How the noise of the points relates.
    public enum NoiseMode: String, Sendable, CaseIterable {
        /// Trial k of every point uses the same seed: the same noise paths (common random numbers).
        case common
        /// Each point's seed is derived from the scenario seed and the point index (SplitMix64).
        case independent
    }

    /// How axes combine into points.
    public enum Mode: String, Sendable, CaseIterable {
        /// Every combination; the last axis varies fastest.
        case grid
        /// The axes advance together (equal lengths).
        case zip
        /// Points listed in a CSV file.
        case csv
    }

    /// One point: its index, the values of the key paths (as YAML text), its seed and scenario.
    public struct Point: Sendable {
        public var index: Int
        public var values: [String]
        public var seed: UInt64
        public var scenario: Scenario
    }

    public var name: String
    /// The sweep file's text (empty for a plan built in code).
    public var sourceText: String
    /// The scenario file (nil when inline or built in code).
    public var scenarioPath: String?
    /// The scenario document after the sweep's `set:` and `trials:`.
    public var base: ScenarioDocument
    public var noise: NoiseMode
    public var mode: Mode
    /// The swept key paths, one column each in the tables.
    public var keys: [String]
    /// The axes' values as written or generated, in axis order (for plots).
    public var axisValues: [[String]]
    public var points: [Point]

    public init(name: String, sourceText: String = "", scenarioPath: String?, base: ScenarioDocument, noise: NoiseMode, mode: Mode,
                keys: [String], axisValues: [[String]], points: [Point]) {
        self.name = name
        self.sourceText = sourceText
        self.scenarioPath = scenarioPath
        self.base = base
        self.noise = noise
        self.mode = mode
        self.keys = keys
        self.axisValues = axisValues
        self.points = points
    }

    static let topLevelKeys = ["name", "description", "scenario", "set", "trials", "noise", "mode", "axes", "points"]
    static let axisKeys = ["key", "values", "range", "linspace", "logspace", "geomspace"]

    /// The most points one sweep may have (each is validated up front and gets its own run
    /// directory; larger studies are several sweeps).
    public static let maxPoints = 10_000

    /// Reads and resolves a sweep file: expands its axes (or CSV points) into points and validates
    /// every point's scenario. `extraOverrides` (`--set` on the command line) apply to every point
    /// after the file's `set:`. Throws ``SweepError`` naming the key path.
    public static func load(path: String, extraOverrides: [ScenarioOverride] = []) throws -> SweepPlan {
        let document: ScenarioDocument
        do { document = try ScenarioDocument.read(path: path) } catch let e as ScenarioError {
            throw SweepError.sweepFile(path: path, rewordFileError(e))
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            return try resolve(document, directory: directory, defaultName: document.defaultName, extraOverrides: extraOverrides)
        } catch let e as ScenarioError {
            throw SweepError.sweepFile(path: path, e)
        } catch SweepError.common(_, let e) {
            throw SweepError.common(path: path, e)
        }
    }

    /// "scenario file not found" would mislead for the sweep file itself.
    static func rewordFileError(_ e: ScenarioError) -> ScenarioError {
        switch e {
        case .fileNotFound(let p): return .unreadable(path: p, reason: "no such file")
        default: return e
        }
    }

    static func resolve(_ sweep: ScenarioDocument, directory: String, defaultName: String, extraOverrides: [ScenarioOverride]) throws
        -> SweepPlan
    {
        let top = try ScenarioNode(node: sweep.root, path: "").mapping(allowed: topLevelKeys)
        let name = try top["name"]?.string() ?? defaultName
        _ = try top["description"]?.string()

        // The scenario: a path relative to the sweep file, or an inline mapping.
        let scenarioNode = try top.required("scenario", "a scenario file (relative to the sweep file) or an inline mapping")
        var base: ScenarioDocument
        var scenarioPath: String? = nil
        if let file = scenarioNode.node.scalar?.string {
            let resolved = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
            do { base = try ScenarioDocument.read(path: resolved) } catch let e as ScenarioError {
                throw SweepError.scenario(path: resolved, e)
            }
            scenarioPath = resolved
        } else if scenarioNode.node.mapping != nil {
            base = ScenarioDocument(root: scenarioNode.node, defaultName: name)
        } else {
            throw scenarioNode.invalid("a scenario file name or an inline scenario mapping")
        }

        // Overrides for every point: set:, then trials:, then the command line's --set.
        var common: [ScenarioOverride] = []
        if let setNode = top["set"] {
            guard let mapping = setNode.node.mapping else { throw setNode.invalid("a mapping of key paths to values, e.g. {duration_ms: 2000}") }
            for (k, v) in mapping {
                guard let key = k.scalar?.string else { throw setNode.invalid("key paths as keys") }
                let keyPath = try ScenarioKeyPath(parsing: key, origin: setNode.child(key))
                common.append(ScenarioOverride(keyPath: keyPath, value: ScenarioNode(node: v, path: "").flowText))
            }
        }
        if let t = top["trials"] {
            let trials = try t.integer(in: 1...1_000_000, "a whole number of trials ≥ 1")
            common.append(ScenarioOverride(keyPath: try ScenarioKeyPath(parsing: "trials", origin: "trials"), value: "\(trials)"))
        }
        common += extraOverrides
        let baseScenario: Scenario
        do {
            try base.apply(common)
            baseScenario = try base.validated()
        } catch let e as ScenarioError {
            throw SweepError.common(path: "", e)
        }

        let noise = NoiseMode(rawValue: try top["noise"]?.string(oneOf: NoiseMode.allCases.map(\.rawValue)) ?? "common")!
        var mode = Mode(rawValue: try top["mode"]?.string(oneOf: ["grid", "zip"]) ?? "grid")!

        // Axes, or points from a CSV file.
        var keys: [String] = []
        var keyPaths: [ScenarioKeyPath] = []
        var axisValues: [[String]] = []
        var rows: [[String]] = []
        var keyOrigins: [String] = []
        switch (top["axes"], top["points"]) {
        case (let axesNode?, nil):
            let axes = try axesNode.sequence("axes, each {key: KEY.PATH, values: [...]} or with range, linspace, logspace, geomspace")
            guard !axes.isEmpty else { throw axesNode.invalid("at least one axis") }
            for axis in axes {
                let m = try axis.mapping(allowed: axisKeys)
                let keyNode = try m.required("key", "the scenario key path to vary, e.g. noise.sd_pA")
                let keyPath = try ScenarioKeyPath(parsing: try keyNode.string(), origin: keyNode.path)
                if keys.contains(keyPath.description) { throw keyNode.invalid("a key path no other axis has") }
                keys.append(keyPath.description)
                keyPaths.append(keyPath)
                keyOrigins.append(keyNode.path)
                axisValues.append(try values(of: m, axis: axis))
            }
            if mode == .zip {
                let n = axisValues[0].count
                if let odd = axisValues.firstIndex(where: { $0.count != n }) {
                    throw ScenarioError.invalidValue(
                        path: axes[odd].path, value: "\(axisValues[odd].count) values",
                        expected: "as many values as axes[0] (\(n)): zip mode advances the axes together", line: axes[odd].line)
                }
                rows = (0..<n).map { i in axisValues.map { $0[i] } }
            } else {
                let total = axisValues.reduce(1.0) { $0 * Double($1.count) }
                guard total <= Double(maxPoints) else {
                    throw ScenarioError.invalidValue(
                        path: axesNode.path, value: "\(axisValues.map { String($0.count) }.joined(separator: " × ")) = \(formatValue(total)) points",
                        expected: "at most \(maxPoints) points in a sweep (split it into several sweeps)", line: axesNode.line)
                }
                rows = [[]]
                for values in axisValues { rows = rows.flatMap { row in values.map { row + [$0] } } }
            }
        case (nil, let pointsNode?):
            if top["mode"] != nil { throw top["mode"]!.invalid("no mode with points: (each CSV row is a point)") }
            mode = .csv
            let file = try pointsNode.string()
            let resolved = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: resolved, encoding: .utf8) else {
                throw pointsNode.invalid("a readable CSV file (relative to the sweep file); cannot read \(resolved)")
            }
            let table = parseCSV(text)
            guard let header = table.first, !header.isEmpty, table.count > 1 else {
                throw pointsNode.invalid("a CSV file with a header of key paths and at least one row")
            }
            for (j, column) in header.enumerated() {
                let keyPath = try ScenarioKeyPath(parsing: column, origin: "\(pointsNode.path) (\(file), column \(j + 1))")
                if keys.contains(keyPath.description) { throw pointsNode.invalid("a CSV file whose columns name each key path once (\(column) repeats)") }
                keys.append(keyPath.description)
                keyPaths.append(keyPath)
                keyOrigins.append("\(file), column \(column)")
            }
            guard table.count - 1 <= maxPoints else {
                throw pointsNode.invalid("a CSV file of at most \(maxPoints) points (it has \(table.count - 1))")
            }
            for (r, row) in table.dropFirst().enumerated() {
                guard row.count == header.count else {
                    throw pointsNode.invalid("a CSV file with \(header.count) fields in every row (row \(r + 2) has \(row.count))")
                }
                rows.append(row)
            }
            axisValues = keys.indices.map { j in
                var seen: [String] = []
                for row in rows where !seen.contains(row[j]) { seen.append(row[j]) }
                return seen
            }
        case (nil, nil):
            throw ScenarioError.missingKey(path: "", key: "axes", expected: "a list of axes (or points: FILE.csv)")
        case (_?, let p?):
            throw p.invalid("either axes or points, not both")
        }
        if noise == .independent, let j = keys.firstIndex(of: "seed") {
            throw ScenarioError.invalidValue(
                path: keyOrigins[j], value: "seed", expected: "no seed axis with noise: independent (each point's seed is derived)", line: nil)
        }

        // Every point's scenario, validated now, so that a bad value stops the sweep before it runs.
        var points: [Point] = []
        points.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            var overrides = zip(keyPaths, row).map { ScenarioOverride(keyPath: $0.0, value: $0.1) }
            if noise == .independent {
                let seed = SeedDerivation.seed(baseScenario.seed, SeedDerivation.Purpose.sweepPoint.rawValue, UInt64(i)) >> 1
                overrides.append(ScenarioOverride(keyPath: try ScenarioKeyPath(parsing: "seed", origin: "seed"), value: "\(seed)"))
            }
            let assignment = zip(keys, row).map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
            do {
                let scenario = try base.applying(overrides).validated()
                points.append(Point(index: i, values: row, seed: scenario.seed, scenario: scenario))
            } catch let e as ScenarioError {
                throw SweepError.point(index: i, assignment: assignment, e)
            }
        }
        return SweepPlan(
            name: name, sourceText: sweep.text, scenarioPath: scenarioPath, base: base, noise: noise, mode: mode, keys: keys,
            axisValues: axisValues, points: points)
    }

    /// The values of one axis, as YAML text: listed, or generated by range, linspace, logspace
    /// (powers of ten, as NumPy's logspace) or geomspace (as NumPy's geomspace).
    static func values(of m: ScenarioMapping, axis: ScenarioNode) throws -> [String] {
        let sources = ["values", "range", "linspace", "logspace", "geomspace"].filter { m[$0] != nil }
        if sources.count > 1 {
            throw ScenarioError.invalidValue(
                path: axis.path, value: sources.joined(separator: " and "),
                expected: "exactly one source of values per axis: values, range (from/to/step), linspace, logspace or geomspace; this axis gives \(sources.count) (\(sources.joined(separator: ", ")))",
                line: nil)
        }
        guard sources.count == 1 else {
            throw ScenarioError.missingKey(
                path: axis.path, key: "values", expected: "exactly one of values, range, linspace, logspace, geomspace")
        }
        let node = m[sources[0]]!
        switch sources[0] {
        case "values":
            let items = try node.sequence("values")
            guard !items.isEmpty else { throw node.invalid("at least one value") }
            return items.map(\.flowText)
        case "range":
            let r = try node.mapping(allowed: ["from", "to", "step"])
            let fromNode = try r.required("from", "the first value"), toNode = try r.required("to", "the last value (inclusive)")
            let stepNode = try r.required("step", "a positive step")
            let from = try fromNode.number(), to = try toNode.number()
            let step = try stepNode.number(where: { $0 > 0 }, "a positive step")
            guard to >= from else { throw toNode.invalid("a value ≥ from (\(formatValue(from)))") }
            let span = ((to - from) / step + 1e-9).rounded(.down)
            guard span.isFinite, span < 100_000 else { throw stepNode.invalid("a step giving at most 100000 values") }
            let count = Int(span) + 1
            // Decimal arithmetic, so that from: 0.1, step: 0.1 gives 0.3, not 0.30000000000000004.
            // Only for plain decimal literals: Decimal(string:) reads a prefix of "1/3" or "0x10".
            func decimal(_ text: String, equals value: Double) -> Decimal? {
                let t = text.trimmingCharacters(in: .whitespaces)
                guard t.range(of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil,
                      let d = Decimal(string: t), Double(NSDecimalNumber(decimal: d).stringValue) == value
                else { return nil }
                return d
            }
            guard let d0 = decimal(fromNode.text, equals: from), let ds = decimal(stepNode.text, equals: step)
            else { return (0..<count).map { formatValue(from + Double($0) * step) } }
            return (0..<count).map { k -> String in
                let v = d0 + ds * Decimal(k)
                return formatValue(Double(NSDecimalNumber(decimal: v).stringValue) ?? (from + Double(k) * step))
            }
        default:
            let items = try node.sequence("[start, stop, count]")
            guard items.count == 3 else { throw node.invalid("[start, stop, count]") }
            let a = try items[0].number(), b = try items[1].number()
            let n = try items[2].integer(in: 1...100_000, "a count from 1 to 100000")
            let kind = sources[0]
            if kind == "geomspace" && (a <= 0 || b <= 0) { throw node.invalid("[start, stop, count] with positive start and stop") }
            let (la, lb) = kind == "geomspace" ? (log10(a), log10(b)) : (a, b)
            return (0..<n).map { k -> String in
                let t = n == 1 ? la : (k == n - 1 ? lb : la + (lb - la) * Double(k) / Double(n - 1))
                switch kind {
                case "linspace": return formatValue(t)
                case "logspace": return formatValue(pow(10, t))
                default: return formatValue(k == 0 ? a : (k == n - 1 ? b : pow(10, t)))
                }
            }
        }
    }

    /// A generated number as YAML text: integers without a decimal point (so integer keys accept
    /// them), others in Swift's shortest round-trip form.
    static func formatValue(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return x.description
    }
}

/// Minimal RFC 4180 CSV reading: commas, double-quoted fields with "" escapes, \n or \r\n.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false, atStart = true
    var chars = text.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? chars.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                if let n = chars.next() {
                    if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                } else { quoted = false }
            } else { field.append(c) }
            continue
        }
        switch c {
        case "\"" where field.isEmpty: quoted = true; atStart = false
        case ",": row.append(field); field = ""; atStart = false
        case "\n", "\r\n", "\r":
            if !(atStart && field.isEmpty && row.isEmpty) { row.append(field); rows.append(row) }
            row = []; field = ""; atStart = true
        default: field.append(c); atStart = false
        }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows.map { $0.map { $0.trimmingCharacters(in: .whitespaces) } }
}

extension SweepPlan {
    /// The text of a CSV field, quoted when it holds a comma, quote or line break.
    public static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Reads CSV text into rows of fields (RFC 4180 quoting).
    public static func readCSV(_ text: String) -> [[String]] { parseCSV(text) }
}
