#!/usr/bin/env bash
# Runs every test of healthgate: real TLS on 127.0.0.1, real SQLite files, real HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift test "$@"
