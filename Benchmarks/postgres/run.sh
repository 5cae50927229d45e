#!/usr/bin/env bash
# PostgreSQL audit benchmark: audit records committed per second by two replicas at once (each its own pool, writer
# loop and hash chain; group commit with synchronous_commit = on; P-256 head signatures every 1,000 records), with 1,
# 16 and 256 writers per replica, beside the SQLite trail's figures for the same writer counts (Benchmarks/storage).
# The server is a throwaway cluster in a temporary folder with the durability defaults (fsync on), on a unix socket.
# Usage: Benchmarks/postgres/run.sh [seconds-per-run [writers…]]   (default 3 s; 1, 16 and 256 writers)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-3}"
shift || true
writers=("$@")
[ ${#writers[@]} -eq 0 ] && writers=(1 16 256)

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
swift build -c release --product StorageBenchmark >&2

folder=$(mktemp -d /tmp/hg-pgbench-XXXXXX)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$folder"
cleanup() { as_postgres "$bin/pg_ctl" stop -m fast -D "$folder/data" >/dev/null 2>&1 || true; rm -rf "$folder"; }
trap cleanup EXIT
as_postgres "$bin/initdb" -D "$folder/data" -U postgres -A trust >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_postgres "$bin/pg_ctl" start -w -D "$folder/data" -l "$folder/server.log" \
    -o "-c listen_addresses='' -p $port -k $folder -c max_connections=50" >/dev/null

echo "healthgate audit on PostgreSQL $("$bin/postgres" --version | awk '{print $3}') (fsync on, synchronous_commit on), $seconds s per run"
echo
.build/release/StorageBenchmark postgres "$folder/.s.PGSQL.$port" "$seconds" "${writers[@]}"
echo
echo "the same writer counts on SQLite (one process, one chain; Benchmarks/storage):"
echo
.build/release/StorageBenchmark "$seconds" "${writers[@]}" | sed -n '/^| audit writers/,$p'
