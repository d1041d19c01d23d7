/// From a validated scenario to the normalised network and its initial state.
extension Scenario {
    /// Per-cell physical parameters, population by population.
    public var cellParameters: [CellParameters] { populations.flatMap { Array(repeating: $0.parameters, count: $0.size) } }

    /// The population index of every cell.
    public var populationOfCell: [Int] { populations.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element.size) } }

    /// The normalised network: cells, CSR coupling per receptor (rows postsynaptic), stimuli.
    public func makeNetwork() -> NetworkModel {
        let n = cellCount
        let vT = populations[0].parameters.thermalPotentialMV
        let offsets = populationOffsets
        func offset(of name: String) -> Int { offsets[populations.firstIndex { $0.name == name }!] }
        var entries: [Receptor: [(row: Int, column: Int, value: Double)]] = [.ampa: [], .gabaA: []]
        for c in connections {
            let post = offset(of: c.target), pre = offset(of: c.source)
            switch c.rule {
            case .explicit(let matrix):
                for (i, row) in matrix.enumerated() {
                    for (j, value) in row.enumerated() where value != 0 {
                        entries[c.receptor]!.append((post + i, pre + j, value * c.channelsPerContact))
                    }
                }
            }
        }
        func coupling(_ r: Receptor, _ s: PresynapticSigmoid) -> SynapticCoupling {
            SynapticCoupling(
                weights: SparseMatrix(rowCount: n, columnCount: n, entries: entries[r]!),
                gain: s.gain, halfActivation: s.halfActivationMV / vT)
        }
        return NetworkModel(
            cells: cellParameters.map { $0.normalized() },
            ampa: coupling(.ampa, ampaSynapse), gabaA: coupling(.gabaA, gabaASynapse), stimuli: stimuli)
    }

    /// The initial state `[y…, w…]` in normalised units.
    public func initialState() throws -> [Double] {
        var y: [Double] = [], w: [Double] = []
        for p in populations {
            let vT = p.parameters.thermalPotentialMV
            switch p.initial {
            case .rest:
                let rest = try p.parameters.normalized().restingState()
                y += Array(repeating: rest.potentialMV / vT, count: p.size)
                w += Array(repeating: rest.w, count: p.size)
            case .explicit(let v, let w0):
                y += v.map { $0 / vT }
                w += w0
            }
        }
        return y + w
    }
}
