#!/usr/bin/env bash
# Measures /healthz throughput and latency with wrk on loopback against a
# fresh `maestro serve` (its own temporary data directory).
# Usage: [LOG_LEVEL=info] scripts/bench-http.sh [DURATION=10s] [CONNECTIONS=64] [WRK_THREADS=2]
# (default log level warn: the per-request info lines are then not written)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-64}
threads=${3:-2}
bin=build/maestro
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/install-deps.sh" >&2; exit 1; }

dir=$(mktemp -d)
"$bin" serve --listen 127.0.0.1:0 --data-dir "$dir" --log-level "${LOG_LEVEL:-warn}" >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do grep -q "serving on" "$dir/out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out" | head -1)
[ -n "$url" ] || { cat "$dir/err" >&2; exit 1; }

echo "wrk -t$threads -c$connections -d$duration --latency $url/healthz (server: $(nproc) I/O threads)"
wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url/healthz" | tee "$dir/wrk"
rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk")
p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk")
echo "healthz: ${rps} req/s, p99 ${p99}"
