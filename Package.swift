// swift-tools-version: 6.2
import PackageDescription

/// Settings every target shares: Swift 6 mode plus the two upcoming features
/// swift-subprocess also turns on, so `any` and imports stay explicit.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "OpsShell",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "opsshell", targets: ["OpsShell"]),
    ],
    dependencies: [
        // Command-line flags, --help/--version, and our own per-line subcommands.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Every process we start goes through it: streaming, teardown, process groups.
        // Pinned exactly: its API still moves between minor versions.
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
        // FilePath, which swift-subprocess takes for executables.
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // The inventory file (opsshell.toml).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // ANSI colour for the prompt and tables; honours NO_COLOR-style switches.
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(
            name: "OpsKit",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Plugins",
            dependencies: [
                "OpsKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "OpsShell",
            dependencies: [
                "CEdit", "OpsKit", "Plugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Rainbow", package: "Rainbow"),
            ],
            // Built-in runbooks (`opsshell guide geo-rebuild`), compiled into
            // the binary: nothing to install beside it.
            resources: [.embedInCode("Runbooks/geo-rebuild.md")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "OpsBench",
            dependencies: ["OpsKit", "Plugins"],
            path: "Benchmarks/OpsBench",
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "OpsKit",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "OpsKitTests",
            dependencies: ["OpsKit", "Plugins", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PluginsTests",
            dependencies: ["Plugins", "OpsKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FleetTests",
            dependencies: ["Plugins", "OpsKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LabTests",
            dependencies: ["Plugins", "OpsKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OpsShellTests",
            dependencies: ["TestSupport"],
            swiftSettings: strict
        ),
    ]
)
