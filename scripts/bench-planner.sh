#!/usr/bin/env bash
# Planner v1 against v2 on the graph benchmark: generates the data of
# ../shared/bench at a scale, imports it into a fresh data directory,
# creates its indexes, computes the planner statistics, and runs the top-20
# operations with both planners interleaved (maestro bench --planner both),
# writing bench/results/latest.json.
# Usage: scripts/bench-planner.sh [SCALE=1] [RUNS=10] [WARMUP=2] [SEED=42]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
runs=${2:-10}
warmup=${3:-2}
seed=${4:-42}
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
"$bin" import --data-dir "$d" --dataset bench/graph "$dir"/gen/*.csv
"$bin" query --data-dir "$d" --dataset bench/graph --file "$dir/gen/schema.cypher" 2>/dev/null
"$bin" planner stats --data-dir "$d" --dataset bench/graph
mkdir -p bench/results
"$bin" bench --data-dir "$d" --dataset bench/graph --workload "$workload" \
  --params "$dir/gen/params.json" --runs "$runs" --warmup "$warmup" --planner both \
  --out bench/results/latest.json
