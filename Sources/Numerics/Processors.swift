import Foundation

/// The processors this process may run on.
public enum Processors {
    /// The number of processors the process may run on: the online processors
    /// (`ProcessInfo.activeProcessorCount`), fewer when the process is bound to a subset of them
    /// (`taskset`, a cpuset, a Slurm allocation), as Linux lists in `Cpus_allowed_list` of
    /// `/proc/self/status`. At least 1.
    public static var available: Int {
        let online = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
            let allowed = count(list: line.dropFirst("Cpus_allowed_list:".count))
        else { return online }
        return max(1, min(online, allowed))
    }

    /// The number of processors in a Linux CPU list such as "0-3,8,10-11", or nil when it is not one.
    package static func count(list: Substring) -> Int? {
        var total = 0
        for range in list.split(separator: ",") {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
                .map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1:
                guard bounds[0] != nil else { return nil }
                total += 1
            case 2:
                guard let low = bounds[0], let high = bounds[1], low <= high else { return nil }
                total += high - low + 1
            default: return nil
            }
        }
        return total > 0 ? total : nil
    }
}
