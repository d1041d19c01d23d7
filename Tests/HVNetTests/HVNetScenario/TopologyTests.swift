import Foundation
import PropertyBased
import Testing
@testable import GSLSupport
@testable import HVNetScenario

@Suite("Connection rules")
struct TopologyTests {
    static func stream(_ seed: UInt64) -> RandomStream { RandomStream(type: .mt19937, seed: seed) }

    static func inputs(_ contacts: [Topology.Contact], postCount: Int) -> [[Int]] {
        var out = [[Int]](repeating: [], count: postCount)
        for c in contacts { out[c.post].append(c.pre) }
        return out
    }

    @Test("Fixed in-degree gives every cell exactly k distinct inputs, without autapses")
    func fixedInDegree() async {
        await propertyCheck(input: Gen.int(in: 2...60), Gen.int(in: 0...1000)) { n, seed in
            let k = n / 2
            let contacts = Topology.contacts(.fixedInDegree(k: k, autapses: false), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(UInt64(seed)))
            for (post, pres) in Self.inputs(contacts, postCount: n).enumerated() {
                #expect(pres.count == k)
                #expect(Set(pres).count == k)
                #expect(!pres.contains(post))
            }
        }
    }

    /// Distinct offsets 1 ≤ |o| < n/2 with no two equal modulo n.
    static func distinctOffsets(_ raw: [Int], n: Int) -> [Int] {
        var seen = Set<Int>(), out: [Int] = []
        for o in raw where o != 0 && abs(o) < n / 2 && seen.insert(((o % n) + n) % n).inserted { out.append(o) }
        return out.isEmpty ? [1] : out
    }

    @Test("Ring: every cell's in-degree is the number of offsets")
    func ringInDegree() async {
        await propertyCheck(input: Gen.int(in: 5...40), Gen.int(in: -6...6), Gen.int(in: -6...6)) { n, a, b in
            let offsets = Self.distinctOffsets([a, b], n: n)
            let contacts = Topology.contacts(.ring(offsets: offsets), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(1))
            let inputs = Self.inputs(contacts, postCount: n)
            for post in 0..<n { #expect(inputs[post].count == offsets.count) }
        }
    }

    @Test("Ring: the contact set is invariant under shifting every cell by one")
    func ringShiftInvariance() async {
        await propertyCheck(input: Gen.int(in: 5...40), Gen.int(in: -6...6), Gen.int(in: -6...6)) { n, a, b in
            let offsets = Self.distinctOffsets([a, b], n: n)
            let contacts = Topology.contacts(.ring(offsets: offsets), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(1))
            let pairs = Set(contacts.map { [$0.pre, $0.post] })
            let shifted = Set(contacts.map { [($0.pre + 1) % n, ($0.post + 1) % n] })
            #expect(pairs == shifted)
            #expect(!contacts.contains { $0.pre == $0.post })
        }
    }

    /// The number of edges of a Bernoulli graph is Binomial(n(n − 1), p); it must fall in the
    /// central 99.9 % interval, mean ± 3.29 SD (normal approximation, n(n − 1)p ≫ 1).
    @Test("Bernoulli edge count lies inside the binomial 99.9 % interval", arguments: [0.05, 0.2, 0.5])
    func bernoulliCount(p: Double) {
        let n = 200
        for seed in 0..<5 {
            let contacts = Topology.contacts(.bernoulli(p: p, autapses: false), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(UInt64(seed)))
            let trials = Double(n * (n - 1))
            let mean = trials * p, sd = (trials * p * (1 - p)).squareRoot()
            #expect(abs(Double(contacts.count) - mean) <= 3.29 * sd, "seed \(seed): \(contacts.count) edges, expected \(mean) ± \(3.29 * sd)")
            #expect(!contacts.contains { $0.pre == $0.post })
        }
    }

    @Test("Small world with β = 0 is the ring lattice")
    func smallWorldLattice() async {
        await propertyCheck(input: Gen.int(in: 6...40), Gen.int(in: 1...2)) { n, half in
            let k = 2 * half
            let world = Topology.contacts(.smallWorld(k: k, beta: 0), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(3))
            let offsets = (1...half).flatMap { [-$0, $0] }
            let ring = Topology.contacts(.ring(offsets: offsets), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(3))
            #expect(Set(world.map { [$0.pre, $0.post] }) == Set(ring.map { [$0.pre, $0.post] }))
            #expect(world.count == ring.count)
        }
    }

    @Test("Rewired small worlds keep the in-degree and have no autapses or duplicate inputs")
    func smallWorldRewired() {
        let n = 100, k = 6
        let contacts = Topology.contacts(.smallWorld(k: k, beta: 0.3), preCount: n, postCount: n, samePopulation: true, rng: Self.stream(8))
        let inputs = Self.inputs(contacts, postCount: n)
        let lattice = Set((1...3).flatMap { [-$0, $0] })
        var rewired = 0
        for (post, pres) in inputs.enumerated() {
            #expect(pres.count == k && Set(pres).count == k && !pres.contains(post))
            rewired += pres.filter { !lattice.contains((($0 - post) + n + n / 2) % n - n / 2) }.count
        }
        // About β·n·k = 180 contacts move (a few land back on lattice positions).
        #expect(rewired > 120 && rewired < 200, "\(rewired) rewired")
    }

    @Test("No autapses unless asked")
    func autapses() {
        let without = Topology.contacts(.allToAll(autapses: false), preCount: 5, postCount: 5, samePopulation: true, rng: Self.stream(1))
        let with = Topology.contacts(.allToAll(autapses: true), preCount: 5, postCount: 5, samePopulation: true, rng: Self.stream(1))
        let across = Topology.contacts(.allToAll(autapses: false), preCount: 5, postCount: 5, samePopulation: false, rng: Self.stream(1))
        #expect(without.count == 20 && !without.contains { $0.pre == $0.post })
        #expect(with.count == 25)
        #expect(across.count == 25)
    }

    @Test("Drawn strengths: normal is truncated at 0, lognormal has the requested mean")
    func strengths() {
        let rng = Self.stream(4)
        let normal = (0..<20_000).map { _ in ContactStrength.normal(mean: 1, sd: 2).draw(rng) }
        #expect(normal.allSatisfy { $0 >= 0 })
        let lognormal = (0..<20_000).map { _ in ContactStrength.lognormal(mean: 20, sd: 5).draw(rng) }
        let mean = lognormal.reduce(0, +) / 20_000
        // SE of the mean: 5/√20000 = 0.035.
        #expect(abs(mean - 20) < 4 * 0.035, "mean \(mean)")
        let uniform = (0..<1000).map { _ in ContactStrength.uniform(low: 3, high: 4).draw(rng) }
        #expect(uniform.allSatisfy { $0 >= 3 && $0 < 4 })
    }

    @Test("The ten-cell-ei scenario wires exactly as described")
    func tenCellWiring() throws {
        let s = try shippedScenario("ten-cell-ei.yaml")
        let contacts = s.drawConnectivity()
        let ampa = contacts.filter { $0.receptor == .ampa }, gaba = contacts.filter { $0.receptor == .gabaA }
        for i in 0..<8 {
            #expect(Set(ampa.filter { $0.post == i }.map(\.pre)) == [(i + 7) % 8, (i + 3) % 8])
        }
        #expect(Set(ampa.filter { $0.post == 8 }.map(\.pre)) == [0, 1, 2, 3])
        #expect(Set(ampa.filter { $0.post == 9 }.map(\.pre)) == [4, 5, 6, 7])
        #expect(gaba.count == 16 && gaba.allSatisfy { $0.pre >= 8 && $0.post < 8 && $0.channels == 60 })
        #expect(ampa.allSatisfy { $0.channels == 20 })
        #expect(s.drawConnectivity() == contacts)
    }
}
