/// A finite double in Swift's shortest round-trip form ("0.1", "1e-05", "30.914612345").
@inlinable public func formatNumber(_ x: Double) -> String { x == 0 ? "0.0" : x.description }
