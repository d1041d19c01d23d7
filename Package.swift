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
            dependencies: ["CGSL", .product(name: "Yams", package: "Yams")]
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
    ]
)
