import Foundation
import HVNetSolvers
import Numerics
import Yams

/// A key path into a scenario file, as written in `--set` and in sweep axes:
/// `noise.sd_pA`, `populations[1].size`, `connections[0].channels_per_contact.mean`.
public struct ScenarioKeyPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a key path: a mapping key or a list index.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let components: [Component]
    /// The key path as written (normalised: `a.b[2].c`).
    public var description: String {
        var text = ""
        for c in components {
            switch c {
            case .key(let k): text += text.isEmpty ? k : ".\(k)"
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }

    /// Parses `a.b[2].c`. Throws ``ScenarioError/invalidValue(path:value:expected:line:)`` naming
    /// `origin` (e.g. `--set` or a sweep file's `axes[0].key`) when the text is not a key path.
    public init(parsing text: String, origin: String) throws {
        let bad = ScenarioError.invalidValue(
            path: origin, value: text, expected: "a key path such as noise.sd_pA or populations[1].size", line: nil)
        var components: [Component] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { throw bad }
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]), i >= 0,
                    !components.isEmpty
                else { throw bad }
                components.append(.index(i))
                rest = rest[rest.index(after: close)...]
                if rest.first == "." { rest = rest.dropFirst(); guard !rest.isEmpty else { throw bad } }
                continue
            }
            let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
            let key = String(rest[..<end])
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw bad }
            components.append(.key(key))
            rest = rest[end...]
            if rest.first == "." { rest = rest.dropFirst(); guard !rest.isEmpty else { throw bad } }
        }
        self.components = components
    }
}

/// One `KEY.PATH=VALUE` override of a scenario file, applied to its YAML node tree before the
/// scenario is validated, so every check of the loader applies to the new value. VALUE is read
/// as YAML: a number, a string, a flow list `[a, b]` or a flow mapping `{k: v}`.
public struct ScenarioOverride: Sendable, Hashable, CustomStringConvertible {
    public let keyPath: ScenarioKeyPath
    /// The value as written.
    public let value: String

    public var description: String { "\(keyPath)=\(value)" }

    public init(keyPath: ScenarioKeyPath, value: String) {
        self.keyPath = keyPath
        self.value = value
    }

    /// Parses `KEY.PATH=VALUE`; errors name `origin` (default `--set`).
    public init(parsing text: String, origin: String = "--set") throws {
        guard let eq = text.firstIndex(of: "=") else {
            throw ScenarioError.invalidValue(path: origin, value: text, expected: "KEY.PATH=VALUE, e.g. noise.sd_pA=20", line: nil)
        }
        keyPath = try ScenarioKeyPath(parsing: String(text[..<eq]), origin: origin)
        value = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
    }

    /// The value as a YAML node (a plain string when it is not valid YAML), without line marks:
    /// errors about it name the key path, not a line of the scenario file.
    func valueNode() -> Yams.Node {
        if value.isEmpty { return .scalar(.init("")) }
        guard let node = try? Yams.compose(yaml: value) else { return .scalar(.init(value)) }
        func unmarked(_ n: Yams.Node) -> Yams.Node {
            switch n {
            case .scalar(let s): return .scalar(.init(s.string, s.tag, s.style))
            case .sequence(let q): return .sequence(.init(q.map(unmarked), q.tag, q.style))
            case .mapping(let m): return .mapping(.init(m.map { (unmarked($0.key), unmarked($0.value)) }, m.tag, m.style))
            case .alias: return n
            }
        }
        return unmarked(node)
    }
}

/// A parsed scenario file before validation: its YAML node tree, to which overrides are applied.
/// `ScenarioLoader.load(path:overrides:)` is the usual way in; sweeps keep one document and
/// validate one overridden copy per point.
public struct ScenarioDocument: @unchecked Sendable {
    var root: Yams.Node
    /// The name used when the scenario has no `name:` (the file's base name).
    public var defaultName: String
    /// The original text, for the scenario hash when no override applies.
    let text: String
    /// Overrides applied so far, in order.
    public private(set) var overrides: [ScenarioOverride] = []

    /// Reads a scenario file's node tree. Throws ``ScenarioError`` (file not found, unreadable, syntax).
    public static func read(path: String) throws -> ScenarioDocument {
        // Foundation reads only regular files, and words its refusal of the others as a missing
        // permission: name what the path is instead.
        switch FileKind(path: path) {
        case .regular: break
        case .missing: throw ScenarioError.fileNotFound(path: path)
        case let kind: throw ScenarioError.unreadable(path: path, reason: "\(kind.refusal ?? ""); give the path of a scenario file (.yaml or .json)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ScenarioError.unreadable(path: path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError.unreadable(path: path, reason: "not UTF-8 text")
        }
        return try ScenarioDocument(text: text, defaultName: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
    }

    /// Parses scenario text (YAML or JSON) into a node tree. Throws ``ScenarioError/syntax(message:)``.
    public init(text: String, defaultName: String = "scenario") throws {
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ScenarioError.syntax(message: "the file is empty") }
            try ScenarioLimits.check(node)
            root = node
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw ScenarioError.syntax(message: "\(error)")
        }
        self.text = text
        self.defaultName = defaultName
    }

    init(root: Yams.Node, defaultName: String) {
        self.root = root
        self.defaultName = defaultName
        self.text = (try? Yams.serialize(node: root)) ?? ""
    }

    /// The document as YAML text (with the overrides applied).
    public var yaml: String { overrides.isEmpty && !solverOptionsApplied ? text : ((try? Yams.serialize(node: root)) ?? text) }

    /// Applies the overrides in order. A key path through a missing mapping creates it; a list
    /// index must exist. Errors name the override; keys the scenario format does not know are
    /// reported by ``validated()`` with the closest allowed key.
    public mutating func apply(_ overrides: [ScenarioOverride]) throws {
        for o in overrides {
            root = try Self.set(o.valueNode(), at: o.keyPath.components[...], in: root, done: "", override: o)
            self.overrides.append(o)
        }
    }

    /// Command-line solver options (`--method`, `--dt`, `--rtol`, …) written into the `solver:`
    /// mapping of the tree before validation, so that every check sees the method and step the run
    /// will use. `method` is a method name; `options` are `solver` keys (`dt_ms`, `rtol`, `atol`,
    /// `h0_ms`, `hmax_ms`, `noise_integration`) with their values as text. A method of the other
    /// family (fixed step against adaptive) drops the file's options of the old one (its `dt_ms`,
    /// or its tolerances and step bounds); options given here are kept. Values are checked by
    /// ``validated()`` like the file's, with errors naming `origin` (e.g. `--dt`) instead of the key.
    public mutating func applySolverOptions(method: String?, options: [(key: String, value: String)]) {
        guard var top = root.mapping else { return }
        var solver = top["solver"]?.mapping ?? Yams.Node.Mapping([])
        if let method {
            let old = solver["method"]?.scalar?.string ?? "rk4"
            let oldFixed = (try? SolverMethod.named(old)).map { $0.family == .fixedStep }
            let newFixed = (try? SolverMethod.named(method)).map { $0.family == .fixedStep }
            if let oldFixed, let newFixed, oldFixed != newFixed {
                let dropped = newFixed ? ["atol", "rtol", "h0_ms", "hmax_ms"] : ["dt_ms"]
                solver = Yams.Node.Mapping(solver.filter { pair in !dropped.contains(pair.key.scalar?.string ?? "") })
            }
            solver["method"] = .scalar(.init(method))
        }
        for (key, value) in options { solver[key] = .scalar(.init(value)) }
        top["solver"] = .mapping(solver)
        root = .mapping(top)
        if method != nil || !options.isEmpty { solverOptionsApplied = true }
    }

    /// The `solver.method` written in the tree (nil when absent or not text).
    public var solverMethodName: String? { root.mapping?["solver"]?.mapping?["method"]?.scalar?.string }

    /// Whether ``applySolverOptions(method:options:)`` changed the tree (for the scenario hash).
    var solverOptionsApplied = false

    /// A copy with `overrides` applied.
    public func applying(_ overrides: [ScenarioOverride]) throws -> ScenarioDocument {
        var copy = self
        try copy.apply(overrides)
        return copy
    }

    /// Validates the document into a ``Scenario``. An unknown key on an override's path is
    /// reported as that override's error, with the closest allowed key.
    public func validated() throws -> Scenario {
        let hash = overrides.isEmpty && !solverOptionsApplied ? fnv1a64Hex(Array(text.utf8)) : fnv1a64Hex(Array(yaml.utf8))
        do {
            return try ScenarioLoader.parse(root: root, defaultName: defaultName, sourceHash: hash)
        } catch ScenarioError.unknownKey(let path, let key, let allowed) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            if let o = overrides.last(where: { $0.keyPath.description == full || $0.keyPath.description.hasPrefix(full + ".") || $0.keyPath.description.hasPrefix(full + "[") }) {
                throw ScenarioError.unknownOverrideKey(keyPath: o.keyPath.description, key: key, at: path, allowed: allowed)
            }
            throw ScenarioError.unknownKey(path: path, key: key, allowed: allowed)
        }
    }

    private static func set(_ value: Yams.Node, at path: ArraySlice<ScenarioKeyPath.Component>, in node: Yams.Node?, done: String,
                            override o: ScenarioOverride) throws -> Yams.Node {
        guard let first = path.first else { return value }
        let rest = path.dropFirst()
        switch first {
        case .key(let key):
            let here = done.isEmpty ? key : "\(done).\(key)"
            var mapping: Yams.Node.Mapping
            if let node {
                guard let m = node.mapping else {
                    throw ScenarioError.invalidValue(
                        path: o.keyPath.description, value: o.value,
                        expected: "a key path into mappings; \(done.isEmpty ? "the top level" : done) is not a mapping", line: nil)
                }
                mapping = m
            } else {
                mapping = Yams.Node.Mapping([])
            }
            let child = try set(value, at: rest, in: mapping[key], done: here, override: o)
            mapping[key] = child
            return .mapping(mapping)
        case .index(let i):
            let here = "\(done)[\(i)]"
            guard let node, var sequence = node.sequence else {
                throw ScenarioError.invalidValue(
                    path: o.keyPath.description, value: o.value, expected: "a key path whose \(done) is a list in the scenario", line: nil)
            }
            guard i < sequence.count else {
                let allowed = sequence.isEmpty ? "it is empty" : "it has \(sequence.count) (indices 0 to \(sequence.count - 1))"
                throw ScenarioError.invalidValue(
                    path: o.keyPath.description, value: o.value, expected: "an existing entry of \(done): \(allowed)", line: nil)
            }
            sequence[i] = try set(value, at: rest, in: sequence[i], done: here, override: o)
            return .sequence(sequence)
        }
    }
}
