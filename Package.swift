// swift-tools-version: 6.0
import PackageDescription

// The pipeline stages are targets, so the compiler enforces the data flow of
// docs/architecture.md: each target imports only the targets below it there.
let package = Package(
    name: "hvnet",
    products: [
        .library(name: "HVNet", targets: ["HVNet"]),
        .executable(name: "hvnet", targets: ["hvnet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        // GSLSupport is the only target that imports CGSL; the targets above it list CGSL only so that
        // the compiler finds its module map when it loads GSLSupport.
        .target(name: "GSLSupport", dependencies: ["CGSL"]),
        // C kernels with instructions the rest is not built for, chosen at run time (AVX-512).
        .target(name: "CVectorKernels"),
        .target(name: "Numerics", dependencies: ["CVectorKernels"]),
        .target(name: "HVNetAnalysis", dependencies: ["Numerics"]),
        .target(name: "HVNetModel", dependencies: ["Numerics"]),
        .target(name: "HVNetNoise", dependencies: ["Numerics", "GSLSupport", "CGSL"]),
        .target(name: "HVNetSolvers", dependencies: ["Numerics", "GSLSupport", "CGSL"]),
        .target(
            name: "HVNetScenario",
            dependencies: ["Numerics", "GSLSupport", "CGSL", "HVNetModel", "HVNetNoise", "HVNetSolvers", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "HVNetSimulation",
            dependencies: ["Numerics", "HVNetModel", "HVNetNoise", "HVNetSolvers", "HVNetScenario", "HVNetAnalysis", "GSLSupport", "CGSL"]),
        .target(
            name: "HVNetOutput",
            dependencies: [
                "Numerics", "HVNetModel", "HVNetSolvers", "HVNetScenario", "HVNetAnalysis", "HVNetSimulation", "CGSL", "NWBExport",
                "HDF5Support", "CHDF5",
            ]),
        .target(
            name: "HVNetExperiments",
            dependencies: [
                "Numerics", "GSLSupport", "CGSL", "HVNetModel", "HVNetNoise", "HVNetSolvers", "HVNetScenario", "HVNetAnalysis",
                "HVNetSimulation", "HVNetOutput", "NWBExport", "HDF5Support", "CHDF5",
            ]),
        .target(
            name: "HVNet",
            dependencies: [
                "GSLSupport", "CGSL", "Numerics", "HVNetModel", "HVNetNoise", "HVNetSolvers", "HVNetScenario", "HVNetAnalysis",
                "HVNetSimulation", "HVNetOutput", "HVNetExperiments", "NWBExport", "HDF5Support", "CHDF5",
            ]),
        .executableTarget(
            name: "hvnet",
            dependencies: ["HVNet", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "HVNetTests",
            dependencies: ["HVNet", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Resources")]
        ),
        // NWB 2.x export through libhdf5's C API. These targets depend on nothing of hvnet's;
        // HVNetOutput maps a run into them.
        // libhdf5 is linked statically and found without pkg-config (Sources/CHDF5/module.modulemap,
        // docs/nwb-export.md).
        .systemLibrary(
            name: "CHDF5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .target(name: "HDF5Support", dependencies: ["CHDF5"]),
        .target(name: "NWBExport", dependencies: ["HDF5Support"]),
        .testTarget(name: "NWBExportTests", dependencies: ["NWBExport", "HDF5Support"]),
    ]
)
