// swift-tools-version: 6.1
// hvnet's benchmarks, apart from the main package so that the test build does not pay for the
// benchmark framework. Run from this folder: `swift package --disable-sandbox benchmark`.
import Foundation
import PackageDescription

// The main package is the parent folder; its identity is that folder's name.
let mainPackage = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "HVNetBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HVNetBenchmarks",
            dependencies: [
                .product(name: "HVNet", package: mainPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HVNetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
