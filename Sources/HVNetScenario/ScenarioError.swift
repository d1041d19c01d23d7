import Numerics
import Yams
/// A scenario file that cannot be used, with the key path, the offending value and what is allowed.
public enum ScenarioError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case syntax(message: String)
    case unknownKey(path: String, key: String, allowed: [String])
    /// A key that the distribution's kind does not take (`low` in a normal distribution), with
    /// what to write instead when it is clear what was meant.
    case unknownDistributionKey(path: String, key: String, distribution: String, allowed: [String], hint: String?)
    case missingKey(path: String, key: String, expected: String)
    case invalidValue(path: String, value: String, expected: String, line: Int?)
    /// The file is beyond what hvnet reads (nodes after alias expansion, nesting depth).
    case tooLarge(reason: String)
    /// An override (`--set`, a sweep axis) whose key path the scenario format does not have.
    case unknownOverrideKey(keyPath: String, key: String, at: String, allowed: [String])

    /// The message, with control characters from the file escaped (``printable(_:keepingNewlines:)``).
    public var description: String { printable(message, keepingNewlines: true) }

    private var message: String {
        switch self {
        case .fileNotFound(let path):
            return "scenario file not found: \(path)"
        case .unreadable(let path, let reason):
            return "cannot read scenario file \(path): \(reason)"
        case .syntax(let message):
            return "the file is not valid YAML or JSON: \(abbreviated(message))"
        case .unknownKey(let path, let key, let allowed):
            let location = path.isEmpty ? "at the top level" : "in \(path)"
            var text = "unknown key '\(abbreviated(key))' \(location); allowed keys: \(allowed.joined(separator: ", "))"
            if let guess = closestMatch(to: key, in: allowed) { text += " (did you mean '\(guess)'?)" }
            return text
        case .unknownDistributionKey(let path, let key, let distribution, let allowed, let hint):
            return "unknown key '\(abbreviated(key))' at \(abbreviated(path)); allowed keys for \(distribution): \(allowed.joined(separator: ", "))"
                + (hint.map { " (\($0))" } ?? "")
        case .missingKey(let path, let key, let expected):
            let full = path.isEmpty ? key : "\(path).\(key)"
            return "missing key \(abbreviated(full)): expected \(expected)"
        case .unknownOverrideKey(let keyPath, let key, let at, let allowed):
            let location = at.isEmpty ? "at the top level" : "in \(at)"
            var text = "\(abbreviated(keyPath)): the scenario format has no key '\(abbreviated(key))' \(location); allowed keys: \(allowed.joined(separator: ", "))"
            if let guess = closestMatch(to: key, in: allowed) {
                text += " (did you mean '\(at.isEmpty ? guess : "\(at).\(guess)")'?)"
            }
            return text
        case .invalidValue(let path, let value, let expected, let line):
            let at = line.map { " (line \($0))" } ?? ""
            return "\(abbreviated(path))\(at): '\(abbreviated(value))' is not allowed; expected \(expected)"
        case .tooLarge(let reason):
            return "the scenario is too large to read: \(reason)"
        }
    }
}

/// The allowed word nearest to `word` by edit distance, when it is close enough to be a typo.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    guard word.count <= 100 else { return nil }  // no key is that long; skip the quadratic distance
    let lowered = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(lowered, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, word.count / 3) ? best.0 : nil
}

/// `text` cut to at most `limit` characters (the middle replaced by " … "), on one line, so that
/// no message repeats a huge key or value.
func abbreviated(_ text: String, limit: Int = ScenarioLimits.shownCharacters) -> String {
    let oneLine = text.count > 4 * limit ? String(text.prefix(2 * limit)) + String(text.suffix(limit)) : text
    let flat = printable(oneLine.replacingOccurrences(of: "\n", with: " "))
    guard flat.count > limit else { return flat }
    let half = (limit - 3) / 2
    return String(flat.prefix(half)) + " … " + String(flat.suffix(half)) + " (\(text.count) characters)"
}

/// Bounds on what the loader reads and shows.
public enum ScenarioLimits {
    /// Most characters of a key or value shown in a message.
    public static let shownCharacters = 160
    /// Most nodes of the document, counting each alias as the nodes it expands to.
    public static let maxNodes = 2_000_000
    /// Deepest nesting of lists and mappings.
    public static let maxDepth = 64

    /// The number of nodes in `node` with aliases expanded, counting stops at `limit`.
    static func nodeCount(_ node: Yams.Node, upTo limit: Int) -> Int {
        var count = 0
        var stack: [Yams.Node] = [node]
        while let n = stack.popLast() {
            count += 1
            if count >= limit { return limit }
            switch n {
            case .scalar, .alias: break
            case .sequence(let s): stack.append(contentsOf: s)
            case .mapping(let m):
                for (k, v) in m { stack.append(k); stack.append(v) }
            }
        }
        return count
    }

    /// Throws when the document has more than ``maxNodes`` nodes or deeper nesting than
    /// ``maxDepth``; bounded time, whatever the aliases expand to.
    static func check(_ root: Yams.Node) throws {
        var count = 0
        var stack: [(Yams.Node, Int)] = [(root, 0)]
        while let (n, depth) = stack.popLast() {
            count += 1
            guard count <= maxNodes else {
                throw ScenarioError.tooLarge(
                    reason: "more than \(maxNodes) values once aliases (*name) are expanded; a scenario needs far fewer")
            }
            guard depth <= maxDepth else {
                throw ScenarioError.tooLarge(reason: "lists or mappings nested more than \(maxDepth) deep (line \(n.mark?.line ?? 0))")
            }
            switch n {
            case .scalar, .alias: break
            case .sequence(let s): for c in s { stack.append((c, depth + 1)) }
            case .mapping(let m): for (k, v) in m { stack.append((k, depth + 1)); stack.append((v, depth + 1)) }
            }
        }
    }
}
