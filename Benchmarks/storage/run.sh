#!/usr/bin/env bash
# Storage benchmark: audit records committed per second with 1, 16 and 256 concurrent writers (group commit,
# synchronous=FULL, hash chain, P-256 head signatures every 1,000 records), and the cost of a cache lookup (hit, miss).
# Usage: Benchmarks/storage/run.sh [seconds-per-audit-run [writers...]]   (default 3 s; 1, 16 and 256 writers and the
# cache runs; naming writer counts runs only those audit runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product StorageBenchmark >&2
exec .build/release/StorageBenchmark "$@"
