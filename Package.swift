// swift-tools-version: 6.0
import PackageDescription

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
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(
            name: "HVNet",
            dependencies: ["CGSL", .product(name: "Yams", package: "Yams")],
            // The right-hand side and the noise paths run in class-owned buffers; dynamic
            // exclusivity checks cost about 5 % of a W100 run (measured) and are off in release.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "hvnet",
            dependencies: ["HVNet", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "HVNetTests",
            dependencies: ["HVNet", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Resources")]
        ),
        // NWB 2.x export through libhdf5's C API. These targets depend on nothing of hvnet's.
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .target(name: "HDF5Support", dependencies: ["CHDF5"]),
        .target(name: "NWBExport", dependencies: ["HDF5Support"]),
        .testTarget(name: "NWBExportTests", dependencies: ["NWBExport", "HDF5Support"]),
    ]
)
