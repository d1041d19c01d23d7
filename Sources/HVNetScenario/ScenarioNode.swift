import Foundation
import Yams

/// A node of a parsed scenario file together with its key path, for reading values with errors
/// that name the path, the offending value and what is allowed.
struct ScenarioNode {
    let node: Yams.Node
    let path: String

    var line: Int? { node.mark.map { $0.line } }

    /// The scalar text of the node, or the flow-style rendering of a small collection (for
    /// messages), at most ``ScenarioLimits/shownCharacters`` characters.
    var text: String {
        if let s = node.scalar?.string { return abbreviated(s) }
        guard ScenarioLimits.nodeCount(node, upTo: 200) < 200 else {
            if let sequence = node.sequence { return "a list of \(sequence.count) items" }
            return "a mapping of \(node.mapping?.count ?? 0) keys"
        }
        return abbreviated(((try? Yams.serialize(node: node)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: " "))
    }

    /// The node as one line of flow-style YAML (`[a, b]`, `{k: v}`), for overrides built from a file.
    var flowText: String {
        switch node {
        case .scalar(let s):
            let plain = s.string
            if s.style == .plain || plain.isEmpty { return plain }
            if let back = try? Yams.compose(yaml: plain), back.scalar?.string == plain, back.scalar?.style == .plain,
                back.mapping == nil, back.sequence == nil, Double(plain) == nil
            { return plain }
            return "\"" + plain.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .sequence(let items):
            return "[" + items.map { ScenarioNode(node: $0, path: path).flowText }.joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { ScenarioNode(node: $0.key, path: path).flowText + ": " + ScenarioNode(node: $0.value, path: path).flowText }
                .joined(separator: ", ") + "}"
        case .alias:
            return text
        }
    }

    func invalid(_ expected: String) -> ScenarioError {
        .invalidValue(path: path, value: text, expected: expected, line: line)
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Mappings

    /// The node as a mapping whose keys must all be in `allowed`.
    func mapping(allowed: [String]) throws -> ScenarioMapping {
        guard let mapping = node.mapping else { throw invalid("a mapping with keys \(allowed.joined(separator: ", "))") }
        var values: [String: ScenarioNode] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else { throw invalid("keys that are plain words") }
            guard allowed.contains(key) else { throw ScenarioError.unknownKey(path: path, key: key, allowed: allowed) }
            guard values[key] == nil else {
                throw ScenarioError.invalidValue(path: child(key), value: key, expected: "each key once", line: keyNode.mark?.line)
            }
            values[key] = ScenarioNode(node: valueNode, path: child(key))
        }
        return ScenarioMapping(path: path, values: values)
    }

    // MARK: Sequences

    func sequence(_ expected: String) throws -> [ScenarioNode] {
        guard let sequence = node.sequence else { throw invalid("a list of \(expected)") }
        return sequence.enumerated().map { ScenarioNode(node: $1, path: "\(path)[\($0)]") }
    }

    // MARK: Scalars

    func string() throws -> String {
        guard let s = node.scalar?.string else { throw invalid("a string") }
        return s
    }

    func string(oneOf allowed: [String]) throws -> String {
        guard let s = node.scalar?.string, allowed.contains(s) else { throw invalid("one of \(allowed.joined(separator: ", "))") }
        return s
    }

    /// A finite number; also accepts a fraction written "p/q" (as `dt_ms: 1/70`).
    func number(_ expected: String = "a number") throws -> Double {
        guard let s = node.scalar?.string, let value = Self.parseNumber(s) else { throw invalid(expected) }
        return value
    }

    func number(where isAllowed: (Double) -> Bool, _ expected: String) throws -> Double {
        let value = try number(expected)
        guard isAllowed(value) else { throw invalid(expected) }
        return value
    }

    /// A whole number in `range`: digits, or a decimal or scientific form whose value is whole
    /// (`1e6`, `100.0`), as YAML writers and other tools produce.
    func integer(in range: ClosedRange<Int>, _ expected: String) throws -> Int {
        guard let s = node.scalar?.string.trimmingCharacters(in: .whitespaces) else { throw invalid(expected) }
        guard let value = Self.parseWholeNumber(s), range.contains(value) else {
            // Past 2^53 a decimal or scientific form may not be the whole number it looks like.
            if Int(s) == nil, let d = Double(s), d.isFinite, d.rounded() == d, abs(d) > 9_007_199_254_740_992 {
                throw invalid("\(expected), written in digits (a decimal or scientific form is exact only up to 2^53)")
            }
            throw invalid(expected)
        }
        return value
    }

    /// `raw` as a whole number: Int's digits, or a finite decimal (digits, sign, point, exponent)
    /// whose value is whole and within ±2^53 (where every whole double is exact); nil otherwise
    /// (fractions, 1.5, 1e300, hexadecimal).
    static func parseWholeNumber(_ raw: String) -> Int? {
        if let value = Int(raw) { return value }
        guard raw.allSatisfy({ "0123456789+-.eE".contains($0) }), let value = Double(raw), value.isFinite, value.rounded() == value, abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int(value)
    }

    /// A YAML boolean: `true` or `false` unquoted (YAML 1.1's yes/no/on/off too); a quoted
    /// `"true"` is a string and refused, as in JSON.
    func bool() throws -> Bool {
        guard let scalar = node.scalar else { throw invalid("true or false") }
        guard scalar.style == .plain || scalar.style == .any else { throw invalid("true or false, unquoted (a YAML boolean, not a string)") }
        let s = scalar.string
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw invalid("true or false")
        }
    }

    /// A number or a list of `count` numbers (one per cell).
    func numbers(count: Int, where isAllowed: (Double) -> Bool, _ expected: String) throws -> [Double] {
        if node.sequence != nil {
            let items = try sequence(expected)
            guard items.count == count else { throw invalid("\(count) values (one per cell) or a single value") }
            return try items.map { try $0.number(where: isAllowed, expected) }
        }
        return Array(repeating: try number(where: isAllowed, expected), count: count)
    }

    /// A finite decimal number, or a fraction "p/q" of two finite numbers (exactly one slash)
    /// whose quotient is finite; nil otherwise.
    static func parseNumber(_ raw: String) -> Double? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let p = parseNumber(String(parts[0])), let q = parseNumber(String(parts[1])), q != 0 else { return nil }
            let quotient = p / q
            return quotient.isFinite ? quotient : nil
        }
        guard parts.count == 1 else { return nil }
        let lowered = s.lowercased()
        guard !lowered.contains("inf"), !lowered.contains("nan"), let value = Double(s), value.isFinite else { return nil }
        return value
    }
}

/// A mapping read from a scenario, with the keys already checked against the allowed ones.
struct ScenarioMapping {
    let path: String
    let values: [String: ScenarioNode]

    subscript(key: String) -> ScenarioNode? { values[key] }

    func required(_ key: String, _ expected: String) throws -> ScenarioNode {
        guard let value = values[key] else { throw ScenarioError.missingKey(path: path, key: key, expected: expected) }
        return value
    }
}
