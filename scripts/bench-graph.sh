#!/usr/bin/env bash
# The graph benchmark: generates the data set of ../shared/bench at a scale,
# imports it into a fresh data directory, creates its indexes, and runs the
# top-20 operations with parameters from both ends of the skew, printing
# import rate, load time, memory and p50/p95 per operation and case.
# Usage: scripts/bench-graph.sh [SCALE=1] [RUNS=10] [SEED=42]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
runs=${2:-10}
seed=${3:-42}
bin=build/maestro
workload=${MAESTRO_SHARED_DIR:-../shared}/bench/top20.cypher
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
[ -f "$workload" ] || { echo "missing $workload" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
d="$dir/data"
"$bin" tenant create bench --data-dir "$d" >/dev/null
"$bin" dataset create graph --tenant bench --data-dir "$d" >/dev/null
"$bin" gen --scale "$scale" --seed "$seed" --out "$dir/gen"
/usr/bin/time -f "import: %e s wall, %M KiB max RSS" \
  "$bin" import --data-dir "$d" --dataset bench/graph "$dir"/gen/*.csv
"$bin" query --data-dir "$d" --dataset bench/graph --file "$dir/gen/schema.cypher" 2>/dev/null
/usr/bin/time -f "bench: %M KiB max RSS" \
  "$bin" bench --data-dir "$d" --dataset bench/graph --workload "$workload" \
  --params "$dir/gen/params.json" --runs "$runs"
