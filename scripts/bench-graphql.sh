#!/usr/bin/env bash
# The GraphQL benchmark: benchmark data at a scale in a fresh data directory,
# `maestro serve` on it, q01_person_by_id registered as a persisted
# operation, then wrk on loopback against
#   1. /healthz                     (the HTTP baseline),
#   2. runOp(q01_person_by_id)      (persisted operation, authenticated),
#   3. the standard introspection query,
# printing req/s and p50/p99 of each, and the engine's own time for q01.
# Usage: scripts/bench-graphql.sh [SCALE=1] [DURATION=10s] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
duration=${2:-10s}
connections=${3:-16}
bin=build/maestro
shared=${MAESTRO_SHARED_DIR:-../shared}
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/install-deps.sh" >&2; exit 1; }

dir=$(mktemp -d)
d="$dir/data"
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
"$bin" tenant create bench --data-dir "$d" >/dev/null
"$bin" dataset create graph --tenant bench --data-dir "$d" >/dev/null
"$bin" gen --scale "$scale" --seed 42 --out "$dir/gen" >/dev/null
"$bin" import --data-dir "$d" --dataset bench/graph "$dir"/gen/*.csv >/dev/null
"$bin" query --data-dir "$d" --dataset bench/graph --file "$dir/gen/schema.cypher" >/dev/null 2>&1
dataset=$("$bin" dataset list --data-dir "$d" --tenant bench --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
token=$("$bin" token issue --data-dir "$d" --tenant bench --scopes graph.read,admin.write --ttl 1h)
hub=$(python3 -c 'import json,sys; q=json.load(open(sys.argv[1]))["queries"]["q01_person_by_id"]; print(json.dumps(q[0]["params"]))' "$dir/gen/params.json")

"$bin" serve --listen 127.0.0.1:0 --data-dir "$d" --log-level warn >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 100); do grep -q "serving on" "$dir/out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out" | head -1)
[ -n "$url" ] || { cat "$dir/err" >&2; exit 1; }

gql() {  # POST a GraphQL request body (JSON) and print the answer
  curl -sf -H "Authorization: Bearer $token" -H 'content-type: application/json' -d "$1" "$url/graphql"
}
query=$(awk '/opId: q01_person_by_id/ {f=1; next} f && NF == 0 {exit} f {print}' "$shared/bench/top20.cypher")
python3 - "$dataset" "$query" >"$dir/register.json" <<'PY'
import json, sys
print(json.dumps({"query": "mutation($d: ID!, $q: String!) { registerOperation(opId: \"q01_person_by_id\", datasetId: $d, query: $q) { opId version } }",
                  "variables": {"d": sys.argv[1], "q": sys.argv[2]}}))
PY
gql "$(cat "$dir/register.json")" >/dev/null
runop=$(python3 -c 'import json,sys; print(json.dumps({"query": "query($v: JSON) { runOp(opId: \"q01_person_by_id\", vars: $v) { rows compileMs executeMs } }", "variables": {"v": json.loads(sys.argv[1])}}))' "$hub")
gql "$runop" >"$dir/first.json"  # loads the dataset
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["data"]["runOp"]["rows"], r' "$dir/first.json"
introspection=$(node -e "
  const { getIntrospectionQuery } = require('$PWD/build/conformance/node_modules/graphql');
  console.log(JSON.stringify({ query: getIntrospectionQuery() }));" 2>/dev/null || true)
[ -n "$introspection" ] || introspection='{"query":"{ __schema { types { name kind fields { name args { name type { name kind ofType { name kind } } } type { name kind ofType { name kind ofType { name kind } } } } } } }"}'

run_wrk() {  # name, connections, path, [body]
  local name=$1 conns=$2 path=$3 body=${4:-}
  local lua="$dir/lua"
  if [ -n "$body" ]; then
    python3 - "$body" "$token" >"$lua" <<'PY'
import json, sys
print('wrk.method = "POST"')
print('wrk.body = ' + json.dumps(sys.argv[1]))
print('wrk.headers["Content-Type"] = "application/json"')
print('wrk.headers["Authorization"] = "Bearer ' + sys.argv[2] + '"')
PY
  else
    echo "" >"$lua"
  fi
  local threads=2
  [ "$conns" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$lua" "$url$path" >"$dir/wrk"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk")
  printf '%-26s c=%-3s %10s req/s   p50 %8s   p99 %8s %s\n' "$name" "$conns" "$rps" "$p50" "$p99" \
    "${non2xx:+  (non-2xx: $non2xx)}"
}
echo "wrk -d$duration on loopback, scale $scale, $(nproc) cores shared by wrk and the server"
echo "throughput (c=$connections):"
run_wrk healthz "$connections" /healthz
run_wrk "runOp q01_person_by_id" "$connections" /graphql "$runop"
run_wrk introspection "$connections" /graphql "$introspection"
echo "latency of one request at a time (c=1):"
run_wrk healthz 1 /healthz
run_wrk "runOp q01_person_by_id" 1 /graphql "$runop"
# The engine's own time for the statement, as the answer reports it
# (compile + execute), median of 50 sequential requests.
for _ in $(seq 50); do gql "$runop"; echo; done | python3 -c '
import json, statistics, sys
t = [r["data"]["runOp"]["compileMs"] + r["data"]["runOp"]["executeMs"]
     for r in map(json.loads, filter(None, sys.stdin.read().splitlines()))]
print("engine time of q01 (compile + execute, median of %d): %.3f ms" % (len(t), statistics.median(t)))'
