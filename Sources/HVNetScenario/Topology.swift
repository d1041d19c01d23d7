import GSLSupport
/// Draws the contacts of connection rules. Reproducible: each rule draws from its own GSL stream
/// seeded by (scenario seed, connectivity, rule index).
public enum Topology {
    /// One contact: presynaptic and postsynaptic cell within their populations, and how many
    /// contacts it counts for (explicit matrices may hold any non-negative weight).
    public struct Contact: Sendable, Equatable {
        public var pre: Int
        public var post: Int
        public var multiplicity: Double
    }

    /// How many contacts ``contacts(_:preCount:postCount:samePopulation:rng:)`` returns for the
    /// same arguments and stream, without storing them: O(pairs) time for `bernoulli` (the same
    /// draws), O(cells) otherwise, O(1) memory.
    public static func contactCount(
        _ rule: ConnectionRule, preCount: Int, postCount: Int, samePopulation: Bool, rng: RandomStream
    ) -> Int {
        switch rule {
        case .explicit(let matrix):
            return matrix.reduce(0) { $0 + $1.filter { $0 != 0 }.count }
        case .allToAll(let autapses):
            return preCount * postCount - (samePopulation && !autapses ? min(preCount, postCount) : 0)
        case .oneToOne:
            return min(preCount, postCount)
        case .ring(let offsets):
            return postCount * offsets.count
        case .bernoulli(let p, let autapses):
            var count = 0
            for post in 0..<postCount {
                for pre in 0..<preCount where autapses || !(samePopulation && pre == post) {
                    if rng.uniform() < p { count += 1 }
                }
            }
            return count
        case .fixedInDegree(let k, _):
            return k * postCount
        case .smallWorld(let k, _):
            // Rewiring replaces inputs one for one: the lattice's distinct neighbours, the same for every cell.
            let n = postCount
            guard n > 0 else { return 0 }
            var inputs = Set<Int>()
            for d in 1...max(1, k / 2) { for pre in [(n - d % n) % n, d % n] where pre != 0 { inputs.insert(pre) } }
            return n * inputs.count
        }
    }

    /// The contacts of `rule` from a population of `preCount` cells to one of `postCount` cells;
    /// `samePopulation` tells whether a contact (i, i) would be an autapse.
    public static func contacts(
        _ rule: ConnectionRule, preCount: Int, postCount: Int, samePopulation: Bool, rng: RandomStream
    ) -> [Contact] {
        var out: [Contact] = []
        func isAutapse(_ pre: Int, _ post: Int) -> Bool { samePopulation && pre == post }
        switch rule {
        case .explicit(let matrix):
            for (post, row) in matrix.enumerated() {
                for (pre, weight) in row.enumerated() where weight != 0 { out.append(Contact(pre: pre, post: post, multiplicity: weight)) }
            }
        case .allToAll(let autapses):
            for post in 0..<postCount {
                for pre in 0..<preCount where autapses || !isAutapse(pre, post) { out.append(Contact(pre: pre, post: post, multiplicity: 1)) }
            }
        case .oneToOne:
            for i in 0..<min(preCount, postCount) { out.append(Contact(pre: i, post: i, multiplicity: 1)) }
        case .ring(let offsets):
            for post in 0..<postCount {
                for o in offsets {
                    let pre = ((post + o) % preCount + preCount) % preCount
                    out.append(Contact(pre: pre, post: post, multiplicity: 1))
                }
            }
        case .bernoulli(let p, let autapses):
            for post in 0..<postCount {
                for pre in 0..<preCount where autapses || !isAutapse(pre, post) {
                    if rng.uniform() < p { out.append(Contact(pre: pre, post: post, multiplicity: 1)) }
                }
            }
        case .fixedInDegree(let k, let autapses):
            for post in 0..<postCount {
                var candidates = (0..<preCount).filter { autapses || !isAutapse($0, post) }
                // Partial Fisher–Yates: the first k of a uniform shuffle.
                for j in 0..<k {
                    let r = j + rng.integer(below: candidates.count - j)
                    candidates.swapAt(j, r)
                    out.append(Contact(pre: candidates[j], post: post, multiplicity: 1))
                }
            }
        case .smallWorld(let k, let beta):
            let n = postCount
            for post in 0..<n {
                // Distinct lattice neighbours other than the cell itself (k ≥ n would otherwise
                // wrap around to i or count a neighbour twice).
                var inputs: [Int] = []
                for d in 1...max(1, k / 2) {
                    for pre in [((post - d) % n + n) % n, (post + d) % n] where pre != post && !inputs.contains(pre) {
                        inputs.append(pre)
                    }
                }
                if beta > 0 {
                    for slot in inputs.indices where rng.uniform() < beta {
                        let taken = Set(inputs)
                        let free = (0..<n).filter { $0 != post && !taken.contains($0) }
                        if !free.isEmpty { inputs[slot] = free[rng.integer(below: free.count)] }
                    }
                }
                for pre in inputs { out.append(Contact(pre: pre, post: post, multiplicity: 1)) }
            }
        }
        return out
    }
}
