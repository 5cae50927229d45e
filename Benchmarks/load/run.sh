#!/usr/bin/env bash
# The gateway under load, side by side with nginx doing the nearest job, in one run on this machine.
#
#   Benchmarks/load/run.sh [seconds per row (10)] [connections (64)] [memory-row connections (256)]
#
# Starts, all on 127.0.0.1: a Hangzhou city mock (nginx, mutual TLS with ssl_verify_client on, a fixed Hangzhou
# answer whose refresh_time is the current time), the gateway (release build) in front of it, and an nginx reference
# with the same certificates: a POST cache keyed on the body (the nearest job to a cached verify) and a mutual-TLS
# keep-alive pass-through to the same mock (the nearest job to a verify that calls the city). wrk drives each with a
# client certificate (../shared/tools/wrk-mtls.c preloaded). Prints one table: req/s, p50, p99, errors, the server's
# CPU time per request (utime + stime from /proc), upstream connections the mock accepted during the row, peak RSS,
# and the ratio gateway/nginx per row. Installs wrk and nginx (Debian) when missing.
# PERF=<dir> records a perf profile of the gateway during each of its rows into that folder (perf report -i …).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_PER_ROW=${1:-10}
CONNECTIONS=${2:-64}
MEMORY_CONNECTIONS=${3:-256}
THREADS=2

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v cc >/dev/null || need+=(gcc)
[ -e /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/healthgate-load.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$WORK/mock/nginx.pid" ] && kill "$(cat "$WORK/mock/nginx.pid")" 2>/dev/null || true
    [ -f "$WORK/ref/nginx.pid" ] && kill "$(cat "$WORK/ref/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

echo "building (release)…" >&2
swift build -c release --product healthgate >&2
HG="$(swift build -c release --show-bin-path)/healthgate"
cc -shared -fPIC -O2 -o "$WORK/wrk-mtls.so" "$ROOT/../shared/tools/wrk-mtls.c" -ldl -lssl

"$HG" pki dev --out "$WORK/pki" >/dev/null
PKI="$WORK/pki"
head -c 32 /dev/urandom >"$WORK/pseudonym.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/audit.pem" 2>/dev/null
cp "$ROOT/Config/shanghai-keys.json" "$WORK/shanghai-keys.json"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MOCK_PORT=$(free_port); MOCK_STATUS=$(free_port); GATEWAY_PORT=$(free_port); OPS_PORT=$(free_port)
REF_CACHE_PORT=$(free_port); REF_PASS_PORT=$(free_port)

# The Hangzhou city mock: mutual TLS, one fixed answer, refresh_time = now (Asia/Shanghai) so the answer may be cached.
mkdir -p "$WORK/mock" "$WORK/ref/cache" "$WORK/ref/tmp"
# nginx's workers run as another user when started by root: they must be able to write the reference's cache.
chmod a+x "$WORK"
chmod -R a+rwx "$WORK/ref"
cat >"$WORK/mock/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/mock/nginx.pid;
error_log $WORK/mock/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    map \$time_iso8601 \$hz_now { "~^(?<d>[0-9-]+)T(?<t>[0-9:]+)" "\$d \$t"; }
    server {
        listen 127.0.0.1:$MOCK_PORT ssl;
        ssl_certificate $PKI/cities/hangzhou/server.pem;
        ssl_certificate_key $PKI/cities/hangzhou/server.key;
        ssl_client_certificate $PKI/cities/hangzhou/ca.pem;
        ssl_verify_client on;
        keepalive_requests 1000000;
        location = /open/healthcode/v2/verify {
            default_type "application/json; charset=utf-8";
            return 200 '{"result_code":"SUCCESS","result_msg":"ok","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","user_name":"刘*","id_no_masked":"330106********123X","refresh_time":"\$hz_now","color_time":"2026-11-01 10:00:00","color_reason":"R00","quarantine_until":null,"travel_history":[{"city":"温州","date":"2026-11-20"}]}}';
        }
    }
    server {
        listen 127.0.0.1:$MOCK_STATUS;
        location / { stub_status; }
    }
}
EOF
TZ=Asia/Shanghai nginx -c "$WORK/mock/nginx.conf" -p "$WORK/mock" 2>/dev/null

# The nginx reference: a POST cache keyed on the body, and a keep-alive mutual-TLS pass-through, both to the mock.
cat >"$WORK/ref/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/ref/nginx.pid;
error_log $WORK/ref/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    proxy_cache_path $WORK/ref/cache keys_zone=verify:10m;
    proxy_temp_path $WORK/ref/tmp;
    client_body_temp_path $WORK/ref/tmp;
    upstream city { server 127.0.0.1:$MOCK_PORT; keepalive 64; }
    ssl_certificate $PKI/gateways/310000/server.pem;
    ssl_certificate_key $PKI/gateways/310000/server.key;
    ssl_client_certificate $PKI/gateways/client-ca.pem;
    ssl_verify_client on;
    keepalive_requests 1000000;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_ssl_certificate $PKI/cities/hangzhou/clients/gateway-310000.pem;
    proxy_ssl_certificate_key $PKI/cities/hangzhou/clients/gateway-310000.key;
    proxy_ssl_trusted_certificate $PKI/cities/hangzhou/ca.pem;
    proxy_ssl_verify on;
    proxy_ssl_name localhost;  # nginx checks DNS names only; the mock's certificate names localhost and 127.0.0.1
    proxy_ssl_session_reuse on;
    client_body_buffer_size 16k;
    server {
        listen 127.0.0.1:$REF_CACHE_PORT ssl;
        location / {
            rewrite ^ /open/healthcode/v2/verify break;
            proxy_pass https://city;
            proxy_cache verify;
            proxy_cache_methods POST;
            proxy_cache_key "\$request_uri|\$request_body";
            proxy_cache_valid 200 30s;
            proxy_cache_lock on;
            add_header X-Cache \$upstream_cache_status;
        }
    }
    server {
        listen 127.0.0.1:$REF_PASS_PORT ssl;
        location / {
            rewrite ^ /open/healthcode/v2/verify break;
            proxy_pass https://city;
        }
    }
}
EOF
nginx -c "$WORK/ref/nginx.conf" -p "$WORK/ref" 2>/dev/null

# The gateway: the Shanghai gateway with Hangzhou at the mock (Shanghai's key refresher finds nothing there: harmless).
cat >"$WORK/healthgate.yaml" <<EOF
home: "310000"
listen:
  host: 127.0.0.1
  port: $GATEWAY_PORT
  certificate: pki/gateways/310000/server.pem
  key: pki/gateways/310000/server.key
  clientCAs: [pki/gateways/client-ca.pem]
  requestDeadlineMs: 8000
identities:
  - {role: checkpoint, subjectCN: checkpoint-310000-01, issuerCA: pki/gateways/client-ca.pem}
cities:
  hangzhou:
    region: "330100"
    kind: hangzhou
    baseURL: https://127.0.0.1:$MOCK_PORT
    clientCertificate: pki/cities/hangzhou/clients/gateway-310000.pem
    clientKey: pki/cities/hangzhou/clients/gateway-310000.key
    caBundle: pki/cities/hangzhou/ca.pem
    deadlineMs: 3000
    freshnessSeconds: 30
  shanghai:
    region: "310000"
    kind: shanghai
    baseURL: https://127.0.0.1:$MOCK_PORT
    clientCertificate: pki/cities/shanghai/clients/gateway-310000.pem
    clientKey: pki/cities/shanghai/clients/gateway-310000.key
    caBundle: pki/cities/shanghai/ca.pem
    keySetFile: shanghai-keys.json
database: healthgate.sqlite
pseudonymKeyFile: pseudonym.key
audit: {signingKeyFile: audit.pem}
ops: {host: 127.0.0.1, port: $OPS_PORT}
EOF
"$HG" serve --config "$WORK/healthgate.yaml" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$OPS_PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$OPS_PORT/readyz" >/dev/null || { echo "the gateway did not start:" >&2; cat "$WORK/gateway.log" >&2; exit 1; }

TICKS=$(getconf CLK_TCK)
cpu_ticks() {  # utime + stime of every pid given
    local total=0
    for pid in "$@"; do
        local fields
        fields=$(sed 's/^.*) //' "/proc/$pid/stat")
        total=$((total + $(echo "$fields" | awk '{print $12 + $13}')))
    done
    echo "$total"
}
peak_kb() { local total=0; for pid in "$@"; do total=$((total + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status"))); done; echo "$total"; }
accepted() { curl -s "http://127.0.0.1:$MOCK_STATUS/" | awk 'NR==3 {print $1}'; }
# The worker processes of an nginx (not its cache loader, which exits after start).
nginx_workers() { pgrep -P "$(cat "$1/nginx.pid")" -f "nginx: worker process" | tr '\n' ' '; }

# One row: name, URL, mode, connections, pids whose CPU counts. Prints a table line; stores req/s, cpu, p99 in ROW_*.
run_row() {
    local name=$1 url=$2 mode=$3 connections=$4
    shift 4
    local before_cpu before_conn out perf_pid=""
    if [ -n "${PERF:-}" ] && [ "$1" = "$GATEWAY_PID" ] && [ "$name" != warm-up ]; then
        perf record -F 499 -g -p "$GATEWAY_PID" -o "$PERF/perf-$mode-c$connections.data" >/dev/null 2>&1 &
        perf_pid=$!
    fi
    before_cpu=$(cpu_ticks "$@")
    before_conn=$(accepted)
    out=$(MODE=$mode WRK_CLIENT_CERT="$PKI/gateways/310000/checkpoint-01.pem" \
        WRK_CLIENT_KEY="$PKI/gateways/310000/checkpoint-01.key" LD_PRELOAD="$WORK/wrk-mtls.so" \
        wrk -t"$THREADS" -c"$connections" -d"${SECONDS_PER_ROW}s" --latency -s "$ROOT/Benchmarks/load/verify.lua" "$url" 2>&1 |
        grep '^RESULT') || { echo "wrk failed for $name" >&2; return 1; }
    local after_cpu after_conn
    after_cpu=$(cpu_ticks "$@")
    if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; fi
    after_conn=$(accepted)
    eval "$(echo "$out" | sed 's/^RESULT //' | tr ' ' '\n' | sed 's/^/local /')"
    local rps cpu_us p50 p99 rss
    rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN {printf "%.0f", r / (d / 1e6)}')
    cpu_us=$(awk -v t=$((after_cpu - before_cpu)) -v hz="$TICKS" -v r="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / r}')
    p50=$(awk -v v="$p50_us" 'BEGIN {printf "%.2f", v / 1000}')
    p99=$(awk -v v="$p99_us" 'BEGIN {printf "%.2f", v / 1000}')
    rss=$(awk -v k="$(peak_kb "$@")" 'BEGIN {printf "%.1f", k / 1024}')
    printf "| %-34s | %9s | %8s | %8s | %6s | %8s | %8s | %8s |\n" "$name" "$rps" "$p50" "$p99" "$((errors + non2xx))" \
        "$cpu_us" "$((after_conn - before_conn - 1))" "$rss"
    ROW_RPS=$rps ROW_CPU=$cpu_us ROW_P99=$p99
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

GW="https://127.0.0.1:$GATEWAY_PORT/v1/verify"
REF_CACHE="https://127.0.0.1:$REF_CACHE_PORT/"
REF_PASS="https://127.0.0.1:$REF_PASS_PORT/"
REF_PIDS=$(nginx_workers "$WORK/ref")

# Warm-up: every server has its upstream connections open and the hit row's code is cached.
for url in "$GW" "$REF_CACHE" "$REF_PASS"; do
    SECONDS_PER_ROW=2 run_row warm-up "$url" miss "$CONNECTIONS" "$GATEWAY_PID" >/dev/null
    SECONDS_PER_ROW=1 run_row warm-up "$url" hit 8 "$GATEWAY_PID" >/dev/null
done

echo
echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_PER_ROW}s per row, wrk -t$THREADS; CPU µs = server utime+stime / requests"
echo "| row                                | req/s     | p50 ms   | p99 ms   | errors | CPU µs   | upstream | peak MB  |"
echo "|------------------------------------|-----------|----------|----------|--------|----------|----------|----------|"
run_row "gateway hit (c$CONNECTIONS)" "$GW" hit "$CONNECTIONS" "$GATEWAY_PID"
g_rps=$ROW_RPS g_cpu=$ROW_CPU g_p99=$ROW_P99
# shellcheck disable=SC2086
run_row "nginx cache hit (c$CONNECTIONS)" "$REF_CACHE" hit "$CONNECTIONS" $REF_PIDS
echo "|   ratio gateway/nginx              | $(ratio "$g_rps" "$ROW_RPS") | | $(ratio "$g_p99" "$ROW_P99") | | $(ratio "$g_cpu" "$ROW_CPU") | | |"
run_row "gateway miss (c$CONNECTIONS)" "$GW" miss "$CONNECTIONS" "$GATEWAY_PID"
g_rps=$ROW_RPS g_cpu=$ROW_CPU g_p99=$ROW_P99
# shellcheck disable=SC2086
run_row "nginx mTLS pass-through (c$CONNECTIONS)" "$REF_PASS" miss "$CONNECTIONS" $REF_PIDS
echo "|   ratio gateway/nginx              | $(ratio "$g_rps" "$ROW_RPS") | | $(ratio "$g_p99" "$ROW_P99") | | $(ratio "$g_cpu" "$ROW_CPU") | | |"
run_row "gateway hit (c$MEMORY_CONNECTIONS)" "$GW" hit "$MEMORY_CONNECTIONS" "$GATEWAY_PID"
g_rps=$ROW_RPS g_cpu=$ROW_CPU g_p99=$ROW_P99
# shellcheck disable=SC2086
run_row "nginx cache hit (c$MEMORY_CONNECTIONS)" "$REF_CACHE" hit "$MEMORY_CONNECTIONS" $REF_PIDS
echo "|   ratio gateway/nginx              | $(ratio "$g_rps" "$ROW_RPS") | | $(ratio "$g_p99" "$ROW_P99") | | $(ratio "$g_cpu" "$ROW_CPU") | | |"
echo
echo "upstream = TLS connections the city mock accepted during the row (for nginx cache rows: its cache misses' connections)."
echo "peak MB = the server's VmHWM since it started (the gateway's after all its rows so far)."
