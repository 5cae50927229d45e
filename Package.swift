// swift-tools-version:6.1
// healthgate: the inter-city health-code federation gateway.
//
// Dependency direction (read top to bottom):
//   HealthgateChildProcess child processes by posix_spawn (simulators, tests)
//   HealthgateModel        canonical model, no I/O
//   HealthgateAdapters     one folder per city; knows the model, never the network
//   HealthgateTransport    libcurl over mutual TLS; knows no city
//   HealthgateStorage      SQLite cache and tamper-evident audit trail
//   HealthgatePostgres     shared PostgreSQL for replicas (opt-in: storage: postgres)
//   HealthgateConfig       Config/ files, validated before use
//   HealthgateCore         the gateway's flows: verify, transfer, invalidate
//   HealthgateServer       Hummingbird + mutual TLS; composes the above
//   HealthgatePKI          development certificates (demo, tests)
//   HealthgateSimulators   simulated city systems (demo, tests)
//   healthgate             the executable
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "healthgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "healthgate", targets: ["healthgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // PostgresNIO: replicas of one city share invalidations through PostgreSQL
        // (LISTEN/NOTIFY). It pays because it speaks the wire protocol on the same
        // SwiftNIO event loops we already run (no blocking libpq calls on the
        // cooperative pool), brings a pooled async client with TLS via NIOSSL (also
        // already a dependency), and delivers NOTIFY as an AsyncSequence: writing our
        // own wire protocol or wrapping libpq on threads would cost far more. Only
        // HealthgatePostgres imports it; SQLite stays the default store.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries from Debian (libcurl4-openssl-dev, libsqlite3-dev)
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // MARK: Child processes started with posix_spawn (the simulators' curl, the tests' children)
        .target(
            name: "HealthgateChildProcess",
            swiftSettings: swiftSettings
        ),

        // MARK: The canonical model: no I/O
        .target(
            name: "HealthgateModel",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: City adapters: one folder per city, speak the model
        .target(
            name: "HealthgateAdapters",
            dependencies: [
                "HealthgateModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Transport: libcurl, mutual TLS, knows no city
        .target(
            name: "HealthgateTransport",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Storage: SQLite cache and audit trail
        .target(
            name: "HealthgateStorage",
            dependencies: [
                "CSQLite",
                "HealthgateModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Shared PostgreSQL for replicas (storage: postgres)
        .target(
            name: "HealthgatePostgres",
            dependencies: [
                "HealthgateModel",
                "HealthgateStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Configuration: Config/ files, validated before use
        .target(
            name: "HealthgateConfig",
            dependencies: [
                "HealthgateModel",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Gateway core: the verify, transfer and invalidation flows
        .target(
            name: "HealthgateCore",
            dependencies: [
                "HealthgateModel",
                "HealthgateAdapters",
                "HealthgateTransport",
                "HealthgateStorage",
                "HealthgatePostgres",
                "HealthgateConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Server: Hummingbird over mutual TLS, composes everything
        .target(
            name: "HealthgateServer",
            dependencies: [
                "HealthgateCore",
                "HealthgatePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Development PKI and simulated cities (demo and tests)
        .target(
            name: "HealthgatePKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HealthgateSimulators",
            dependencies: [
                "HealthgateChildProcess",
                "HealthgatePKI",
                "HealthgateTransport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The executable
        .executableTarget(
            name: "healthgate",
            dependencies: [
                "HealthgateModel",
                "HealthgateAdapters",
                "HealthgateConfig",
                "HealthgateStorage",
                "HealthgateCore",
                "HealthgateServer",
                "HealthgatePKI",
                "HealthgateSimulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (run with Benchmarks/transport/run.sh)
        .executableTarget(
            name: "TransportBenchmark",
            dependencies: [
                "HealthgateTransport",
                "HealthgatePKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/transport",
            exclude: ["run.sh"],
            swiftSettings: swiftSettings
        ),

        // Storage benchmark (run with Benchmarks/storage/run.sh; Benchmarks/postgres/run.sh for the PostgreSQL trail)
        .executableTarget(
            name: "StorageBenchmark",
            dependencies: [
                "HealthgateStorage", "HealthgateModel", "HealthgatePostgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/storage/Sources",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests mirror the modules
        .testTarget(
            name: "HealthgateModelTests",
            dependencies: ["HealthgateModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateAdaptersTests",
            dependencies: ["HealthgateAdapters", "HealthgateModel"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateTransportTests",
            dependencies: [
                "HealthgateTransport",
                "HealthgatePKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgatePKITests",
            dependencies: [
                "HealthgatePKI",
                "HealthgateChildProcess",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateStorageTests",
            dependencies: ["HealthgateStorage", "HealthgateModel", "HealthgateChildProcess"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateCoreTests",
            dependencies: ["HealthgateCore", "HealthgateConfig", "HealthgateAdapters", "HealthgateModel"],
            swiftSettings: swiftSettings
        ),
        // A throwaway PostgreSQL server for the tests that need one (a library target: test targets cannot share a file).
        .target(
            name: "HealthgatePostgresTestSupport",
            dependencies: ["HealthgatePostgres", "HealthgateChildProcess"],
            path: "Tests/HealthgatePostgresTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgatePostgresTests",
            dependencies: [
                "HealthgatePostgresTestSupport",
                "HealthgatePKI",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "HealthgatePostgres",
                "HealthgateStorage",
                "HealthgateModel",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateConfigTests",
            dependencies: [
                "HealthgateConfig",
                "HealthgatePKI",
                "HealthgateModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateSimulatorsTests",
            dependencies: [
                "HealthgateChildProcess",
                "HealthgateSimulators",
                "HealthgatePKI",
                "HealthgateTransport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HealthgateServerTests",
            dependencies: [
                "HealthgateServer",
                "HealthgateCore",
                "HealthgateSimulators",
                "HealthgatePKI",
                "HealthgateTransport",
                "HealthgateConfig",
                "HealthgateStorage",
                "HealthgateModel",
                "HealthgateAdapters",
                "HealthgatePostgres",
                "HealthgatePostgresTestSupport",
                "HealthgateChildProcess",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
