#!/bin/sh
# Builds the transport benchmark in release mode and prints its table:
# library vs the curl CLI, sequential and 64-way concurrent, against a local mutual-TLS server.
# Usage: Benchmarks/transport/run.sh [sequential requests] [concurrent requests] [rounds]
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product TransportBenchmark >&2
exec "$(swift build -c release --show-bin-path)/TransportBenchmark" "$@"
