#!/usr/bin/env bash
# Planner v1 against v2, and both against Kùzu, on the graph benchmark:
# generates the data of ../shared/bench at a scale, imports it into a fresh
# data directory, creates its indexes, computes the planner statistics, and
# runs the top-20 operations with both planners interleaved (maestro bench
# --planner both); then loads the same CSVs into Kùzu and runs the same
# operations with the same parameters there (bench/kuzu/run.js); then
# compares the three engines' answers and writes bench/results/latest.json,
# report.md and p95.png (bench/kuzu/report.js), with the planPreview load
# under wrk (scripts/bench-planpreview.sh) and the error of planPreview's
# p95 estimates. The engines' raw results
# stay in bench/results/raw (git-ignored): report.js can be rerun on them.
# Usage: scripts/bench-planner.sh [SCALE=1] [RUNS=10] [WARMUP=2] [SEED=42]
# Environment: MAESTRO_BIN (default build/maestro), KUZU_THREADS (default 1,
# as maestro runs a query on one thread), KUZU_BUDGET (seconds, default 20:
# a Kùzu case slower than that is measured by one run), KUZU_TIMEOUT
# (seconds, default 120: a Kùzu run slower than that is killed and its case
# marked failed), MAESTRO_SHARED_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
runs=${2:-10}
warmup=${3:-2}
seed=${4:-42}
bin=${MAESTRO_BIN:-build/maestro}
workload=${MAESTRO_SHARED_DIR:-../shared}/bench/top20.cypher
[ -x "$bin" ] || { echo "$bin: not found; build first (make build) or set MAESTRO_BIN" >&2; exit 1; }
[ -f "$workload" ] || { echo "missing $workload" >&2; exit 1; }
for tool in node npm gnuplot; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done

# Kùzu (npm package kuzu, pinned in bench/kuzu/package-lock.json): installed
# when node_modules is missing or the lock changed since the last install.
# Its install script copies the prebuilt binary, so scripts must run.
kuzu=bench/kuzu
lock_sum=$(sha256sum "$kuzu/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$kuzu/node_modules/.lock-sha256" 2>/dev/null)" != "$lock_sum" ]; then
  echo "installing Kùzu in $kuzu (npm ci)"
  (cd "$kuzu" && npm ci --no-audit --no-fund)
  echo "$lock_sum" >"$kuzu/node_modules/.lock-sha256"
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
raw=bench/results/raw
mkdir -p "$raw"
rm -f "$raw"/*.json
d="$dir/data"
"$bin" tenant create bench --data-dir "$d" >/dev/null
"$bin" dataset create graph --tenant bench --data-dir "$d" >/dev/null
"$bin" gen --scale "$scale" --seed "$seed" --out "$dir/gen"
"$bin" import --data-dir "$d" --dataset bench/graph "$dir"/gen/*.csv
"$bin" query --data-dir "$d" --dataset bench/graph --file "$dir/gen/schema.cypher" 2>/dev/null
"$bin" planner stats --data-dir "$d" --dataset bench/graph
# Exit status 1 means v1 and v2 answered differently (or it failed): the
# three-way comparison below decides, as long as the results were written.
"$bin" bench --data-dir "$d" --dataset bench/graph --workload "$workload" \
  --params "$dir/gen/params.json" --runs "$runs" --warmup "$warmup" --planner both \
  --out "$raw/maestro.json" --answers "$raw/answers.json" || status=$?
[ -s "$raw/answers.json" ] || { echo "maestro bench failed (status ${status:-?})" >&2; exit 1; }
# The seed's plan-preview load: planPreview over HTTP under wrk, on this data.
MAESTRO_BIN=$bin bash scripts/bench-planpreview.sh "$d" "$dir/gen" "$raw/plan_preview.json"
rm -rf "$d"  # the maestro data directory: Kùzu's database takes the room
TMPDIR=$dir node "$kuzu/run.js" --data "$dir/gen" --workload "$workload" \
  --runs "$runs" --warmup "$warmup" --threads "${KUZU_THREADS:-1}" --budget "${KUZU_BUDGET:-20}" \
  --timeout "${KUZU_TIMEOUT:-120}" --out "$raw/kuzu.json"
cp "$dir/gen/params.json" "$raw/params.json"
node "$kuzu/report.js" --maestro "$raw/maestro.json" --answers "$raw/answers.json" \
  --kuzu "$raw/kuzu.json" --workload "$workload" --params "$raw/params.json" \
  --preview "$raw/plan_preview.json" --out bench/results
