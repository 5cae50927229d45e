#!/usr/bin/env bash
# One command for a new user: install the Debian packages, build, and run the local federation demo on 127.0.0.1
# (three simulated cities and a Shanghai gateway). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
Deploy/install-deps.sh
swift build --product healthgate
exec .build/debug/healthgate demo "$@"
