// swift-tools-version: 6.2
import PackageDescription

/// Tests/Fuzz/run builds the fuzz targets with HPC_OBS_FUZZ set: our own modules are then
/// instrumented for libFuzzer and AddressSanitizer (the packages we depend on are not, and the
/// code generator's tool must not be).
let fuzzing = Context.environment["HPC_OBS_FUZZ"] != nil
let sanitizers: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

let upcomingFeatures: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ] + sanitizers

/// Hooks start once per job per node and must be small: the Swift runtime and Foundation are
/// linked in statically, so the loader maps and relocates a fraction of what the shared
/// libraries would cost.
let hookLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib",
            // Static Foundation's own dependencies, which autolinking does not name.
            "-Xlinker", "-l_FoundationCollections", "-Xlinker", "-l_FoundationCShims", "-Xlinker", "-lswiftSynchronization",
        ],
        .when(platforms: [.linux], configuration: .release)
    )
]

let package = Package(
    name: "hpc-job-observability",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hpc-obs-server", targets: ["hpc-obs-server"]),
        .executable(name: "hpc-obs-prolog", targets: ["hpc-obs-prolog"]),
        .executable(name: "hpc-obs-epilog", targets: ["hpc-obs-epilog"]),
        .executable(name: "hpc-obs-hook", targets: ["hpc-obs-hook"]),
        .executable(name: "hpc-obs-mockserver", targets: ["hpc-obs-mockserver"]),
        .executable(name: "hpc-obs", targets: ["hpc-obs"]),
        .executable(name: "hpc-obs-storebench", targets: ["hpc-obs-storebench"]),
        .executable(name: "hpc-obs-collectbench", targets: ["hpc-obs-collectbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
    ],
    targets: [
        // C libraries, wrapped once through module maps.
        .systemLibrary(
            name: "CSQLite",
            path: "Modules/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            path: "Modules/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Debian ships no slurm.pc: the module map names the header and the library itself.
        .systemLibrary(
            name: "CSlurm",
            path: "Modules/CSlurm",
            providers: [.apt(["libslurm-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Modules/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The hooks' deadline handler: a signal handler may only make async-signal-safe calls,
        // which C can promise and Swift cannot.
        .target(name: "CHookWatchdog"),
        // NVML through dlopen: GPU nodes need the driver, the build and other nodes need nothing.
        .target(name: "CNVMLLoader", linkerSettings: [.linkedLibrary("dl")]),

        // Domain, validation, lifecycle translation and the storage protocol. No I/O.
        .target(
            name: "ObservabilityCore",
            swiftSettings: upcomingFeatures
        ),
        // The storage core written once over a minimal SQL connection abstraction.
        .target(
            name: "SQLJobStore",
            dependencies: [
                "ObservabilityCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "SQLiteStore",
            dependencies: ["CSQLite", "SQLJobStore", "ObservabilityCore"],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "PostgresStore",
            dependencies: ["CLibPQ", "SQLJobStore", "ObservabilityCore"],
            swiftSettings: upcomingFeatures
        ),
        // Opens whichever backend the configuration names.
        .target(
            name: "StorageBackends",
            dependencies: [
                "ObservabilityCore", "SQLJobStore", "SQLiteStore", "PostgresStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Schedulers' text formats: Slurm's host lists, TRES strings and exit statuses; PBS's
        // resource strings, sizes, times and exit statuses. No I/O, no libslurm.
        .target(
            name: "SchedulerFormats",
            swiftSettings: upcomingFeatures
        ),
        // The web pages' own files, embedded in the binary, and the chart library from
        // Debian's libjs-dygraphs.
        .target(
            name: "WebPages",
            dependencies: ["LocalFiles"],
            resources: [.embedInCode("Assets/index.html"), .embedInCode("Assets/app.js"), .embedInCode("Assets/app.css")],
            swiftSettings: upcomingFeatures
        ),
        // Small files read with POSIX calls: /proc, cgroupfs, settings, the spool.
        .target(
            name: "LocalFiles",
            swiftSettings: upcomingFeatures
        ),
        // How events travel once made: the wire format, the spool and its replay, delivery
        // to the service over plain http or into the store. Small enough for the hooks.
        .target(
            name: "EventTransport",
            dependencies: ["ObservabilityCore", "LocalFiles"],
            swiftSettings: upcomingFeatures
        ),
        // https through libcurl, for the hooks that need it and the node agent.
        .target(
            name: "CurlTransport",
            dependencies: ["EventTransport", "ObservabilityCore", "CCurl"],
            swiftSettings: upcomingFeatures
        ),
        // Scheduler hooks: Slurm's environment or PBS's arguments to events; the run of one
        // hook under its deadline.
        .target(
            name: "SchedulerHooks",
            dependencies: ["EventTransport", "ObservabilityCore", "SchedulerFormats", "CHookWatchdog", "LocalFiles"],
            swiftSettings: upcomingFeatures
        ),
        // What only `hpc-obs-hook` opens: https and the store itself.
        .target(
            name: "HookDelivery",
            dependencies: [
                "SchedulerHooks", "EventTransport", "CurlTransport", "ObservabilityCore", "StorageBackends",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "hpc-obs-hook",
            dependencies: ["SchedulerHooks", "HookDelivery"],
            swiftSettings: upcomingFeatures,
            linkerSettings: hookLinkerSettings
        ),
        // Per-job CPU and memory on a node: cgroup v2, cgroup v1 or /proc; samples from readings.
        .target(
            name: "NodeCollector",
            dependencies: ["ObservabilityCore", "LocalFiles", "CNVMLLoader"],
            swiftSettings: upcomingFeatures
        ),
        // The loop every background service runs: a cycle, a pause on a clock, until shutdown.
        .target(
            name: "BackgroundWork",
            dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: upcomingFeatures
        ),
        // What every scheduler's poller shares: its metrics, events applied in batches, the
        // store's live jobs found and closed.
        .target(
            name: "SchedulerPolling",
            dependencies: [
                "ObservabilityCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The poller and what it decides, against any source of Slurm job records: libslurm
        // in the server, recorded answers in tests.
        .target(
            name: "SlurmPolling",
            dependencies: [
                "BackgroundWork", "ObservabilityCore", "SchedulerFormats", "SchedulerPolling",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The PBS poller: qstat's JSON read, mapped to events, applied; qstat run bounded.
        .target(
            name: "PBSPolling",
            dependencies: [
                "BackgroundWork", "ObservabilityCore", "SchedulerFormats", "SchedulerPolling",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The only target that calls libslurm: job records, step pids, allocations.
        .target(
            name: "SlurmBridge",
            dependencies: ["CSlurm", "SlurmPolling", "SchedulerFormats", "LocalFiles"],
            swiftSettings: upcomingFeatures
        ),
        // The collector as a service: a cycle of readings to samples, handed to the store or
        // sent to the service; `hpc-obs-server --collector-only` runs it alone.
        .target(
            name: "NodeAgent",
            dependencies: [
                "NodeCollector", "EventTransport", "SlurmBridge", "SlurmPolling", "BackgroundWork", "ObservabilityCore", "ObservabilityAPI",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "hpc-obs-prolog",
            dependencies: ["SchedulerHooks"],
            swiftSettings: upcomingFeatures,
            linkerSettings: hookLinkerSettings
        ),
        .executableTarget(
            name: "hpc-obs-epilog",
            dependencies: ["SchedulerHooks"],
            swiftSettings: upcomingFeatures,
            linkerSettings: hookLinkerSettings
        ),
        // Prometheus and OpenMetrics text, and the job families rendered from the store's state.
        .target(
            name: "MetricsExposition",
            dependencies: [
                "ObservabilityCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Types, the server protocol and the client generated from openapi.yaml (symlinked into
        // the target), so the server and `hpc-obs` cannot disagree.
        // The generator emits one file per component kind, empty ones included, each with
        // `public import`s that Swift 6 flags as unused; those warnings are in generated code
        // we cannot change, so they are silenced for this target alone.
        .target(
            name: "ObservabilityAPI",
            dependencies: [
                "ObservabilityCore",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])] + sanitizers,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "ObservabilityServer",
            dependencies: [
                "ObservabilityCore", "StorageBackends", "ObservabilityAPI", "MetricsExposition", "SlurmBridge", "SlurmPolling", "PBSPolling",
                "NodeAgent", "EventTransport",
                "CurlTransport", "BackgroundWork", "LocalFiles", "WebPages",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcomingFeatures
        ),

        .executableTarget(
            name: "hpc-obs-server",
            dependencies: [
                "ObservabilityServer", "ObservabilityCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // `hpc-obs`'s way to the service: the generated client over async-http-client, with
        // the token and CA file the hooks use, and the service's answers as typed errors.
        .target(
            name: "ServiceClient",
            dependencies: [
                "ObservabilityAPI", "ObservabilityCore", "LocalFiles", "SchedulerHooks",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // What `hpc-obs` prints: a job's report, tables of jobs and statistics, bars and
        // sparklines, for a terminal or a pipe. No I/O.
        .target(
            name: "JobReports",
            dependencies: ["ObservabilityAPI"],
            swiftSettings: upcomingFeatures
        ),
        // `hpc-obs doctor`'s checks of a host's setup; reads, never changes.
        .target(
            name: "SetupDoctor",
            dependencies: ["LocalFiles", "SchedulerHooks", "EventTransport", "NodeCollector", "SlurmBridge", "ObservabilityCore", "JobReports"],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "hpc-obs",
            dependencies: [
                "ServiceClient", "JobReports", "SetupDoctor", "ObservabilityAPI", "ObservabilityCore", "EventTransport", "NodeCollector",
                "SlurmBridge", "SlurmPolling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Append-throughput and poll-cycle benchmarks, and a second writer process for the
        // multi-process tests.
        .executableTarget(
            name: "hpc-obs-storebench",
            dependencies: [
                "ObservabilityCore", "StorageBackends", "SlurmBridge", "SlurmPolling",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),

        // The API answered from openapi.yaml's examples, validated against its schemas.
        .target(
            name: "APIMock",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "hpc-obs-mockserver",
            dependencies: [
                "APIMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Collection-cycle benchmark (bench/collector-cycle.sh).
        .executableTarget(
            name: "hpc-obs-collectbench",
            dependencies: [
                "NodeCollector",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcomingFeatures
        ),

        // Test backends and scratch stores, shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "ObservabilityCore", "SQLJobStore", "SQLiteStore", "PostgresStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: upcomingFeatures
        ),
        // The server plus a trivial route, for bench/api-load.sh.
        .executableTarget(
            name: "hpc-obs-httpbench",
            dependencies: [
                "ObservabilityServer", "ObservabilityCore", "StorageBackends",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ObservabilityCoreTests",
            dependencies: ["ObservabilityCore"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "SchedulerFormatsTests",
            dependencies: ["SchedulerFormats"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "NodeCollectorTests",
            dependencies: ["NodeCollector", "ObservabilityCore"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "APIMockTests",
            dependencies: ["APIMock"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "PBSPollingTests",
            dependencies: [
                "PBSPolling", "ObservabilityCore", "SchedulerFormats", "SQLJobStore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "SlurmPollingTests",
            dependencies: [
                "SlurmPolling", "ObservabilityCore", "SQLJobStore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "SlurmBridgeTests",
            dependencies: [
                "SlurmBridge", "SlurmPolling", "ObservabilityCore", "SQLJobStore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "EventTransportTests",
            dependencies: ["EventTransport", "ObservabilityCore", "TestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "NodeAgentTests",
            dependencies: [
                "NodeAgent", "NodeCollector", "EventTransport", "ObservabilityCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "SchedulerHooksTests",
            dependencies: [
                // The process tests also run hpc-obs-prolog, -epilog, -hook and -server, which
                // `swift build --build-tests` builds beside the test bundle.
                "SchedulerHooks", "EventTransport", "SchedulerFormats", "ObservabilityCore", "StorageBackends", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "MetricsExpositionTests",
            dependencies: [
                "MetricsExposition", "ObservabilityCore",
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "JobStoreTests",
            dependencies: [
                "ObservabilityCore", "SQLJobStore", "PostgresStore", "StorageBackends", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ObservabilityServerTests",
            dependencies: [
                "ObservabilityServer", "ObservabilityCore", "StorageBackends", "TestSupport", "MetricsExposition", "SQLJobStore", "EventTransport",
                "ObservabilityAPI",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["JobReports", "SetupDoctor", "ServiceClient", "ObservabilityAPI", "ObservabilityCore"],
            swiftSettings: upcomingFeatures
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets for the parsers of outside input, built only by Tests/Fuzz/run: libFuzzer
// brings its own `main`.
if fuzzing {
    package.products.append(.executable(name: "hpc-obs-fuzz", targets: ["hpc-obs-fuzz"]))
    package.targets.append(.target(name: "CFuzzDriver", path: "Tests/Fuzz/Driver"))
    package.targets.append(
        .executableTarget(
            name: "hpc-obs-fuzz",
            dependencies: [
                "CFuzzDriver", "ObservabilityCore", "SchedulerFormats", "SchedulerHooks", "EventTransport", "MetricsExposition", "ObservabilityAPI",
                "ObservabilityServer", "PBSPolling",
            ],
            path: "Tests/Fuzz/Sources",
            swiftSettings: upcomingFeatures + [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
        )
    )
}
