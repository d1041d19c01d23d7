import GSLSupport
import Numerics
import HVNetModel
import HVNetNoise
import HVNetSolvers
/// A scenario file that cannot be used, with the key path, the offending value and what is allowed.
public enum ScenarioError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case syntax(message: String)
    case unknownKey(path: String, key: String, allowed: [String])
    case missingKey(path: String, key: String, expected: String)
    case invalidValue(path: String, value: String, expected: String, line: Int?)
    /// An override (`--set`, a sweep axis) whose key path the scenario format does not have.
    case unknownOverrideKey(keyPath: String, key: String, at: String, allowed: [String])

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "scenario file not found: \(path)"
        case .unreadable(let path, let reason):
            return "cannot read scenario file \(path): \(reason)"
        case .syntax(let message):
            return "the file is not valid YAML or JSON: \(message)"
        case .unknownKey(let path, let key, let allowed):
            let location = path.isEmpty ? "at the top level" : "in \(path)"
            var text = "unknown key '\(key)' \(location); allowed keys: \(allowed.joined(separator: ", "))"
            if let guess = closestMatch(to: key, in: allowed) { text += " (did you mean '\(guess)'?)" }
            return text
        case .missingKey(let path, let key, let expected):
            let full = path.isEmpty ? key : "\(path).\(key)"
            return "missing key \(full): expected \(expected)"
        case .unknownOverrideKey(let keyPath, let key, let at, let allowed):
            let location = at.isEmpty ? "at the top level" : "in \(at)"
            var text = "\(keyPath): the scenario format has no key '\(key)' \(location); allowed keys: \(allowed.joined(separator: ", "))"
            if let guess = closestMatch(to: key, in: allowed) {
                text += " (did you mean '\(at.isEmpty ? guess : "\(at).\(guess)")'?)"
            }
            return text
        case .invalidValue(let path, let value, let expected, let line):
            let at = line.map { " (line \($0))" } ?? ""
            return "\(path)\(at): '\(value)' is not allowed; expected \(expected)"
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
    let lowered = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(lowered, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, word.count / 3) ? best.0 : nil
}
