#!/usr/bin/env bash
# The seed's plan-preview load: `maestro serve` on a benchmark data
# directory, the top-20 operations registered, each operation's cases run a
# few times through runOp (so the dataset's latency calibration has seen
# real statements), then wrk posting planPreview requests that cycle
# through every (operation, case) — at 4 connections for throughput and at
# 1 for latency. Prints the figures and writes them as JSON.
# Usage: scripts/bench-planpreview.sh DATA_DIR GEN_DIR OUT_JSON [DURATION=10s]
#   DATA_DIR  a data directory with tenant `bench`, dataset `graph` (bench-planner.sh's)
#   GEN_DIR   the `maestro gen` output (params.json)
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1
gen=$2
out=$3
duration=${4:-10s}
bin=${MAESTRO_BIN:-build/maestro}
workload=${MAESTRO_SHARED_DIR:-../shared}/bench/top20.cypher
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/install-deps.sh" >&2; exit 1; }

dir=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
dataset=$("$bin" dataset list --data-dir "$data" --tenant bench --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
token=$("$bin" token issue --data-dir "$data" --tenant bench --scopes graph.read,admin.write --ttl 1h)
"$bin" serve --listen 127.0.0.1:0 --data-dir "$data" --log-level warn >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 100); do grep -q "serving on" "$dir/out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out" | head -1)
[ -n "$url" ] || { cat "$dir/err" >&2; exit 1; }

# Registers the operations, calibrates, checks every preview answers, and
# writes the request bodies wrk cycles through.
python3 - "$url" "$token" "$dataset" "$workload" "$gen/params.json" "$dir/bodies.lua" <<'PY'
import json, sys, time, urllib.request
url, token, dataset, workload, params_file, lua = sys.argv[1:]

def gql(query, variables):
    req = urllib.request.Request(url + "/graphql", json.dumps({"query": query, "variables": variables}).encode(),
                                 {"content-type": "application/json", "authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=600) as r:
        answer = json.load(r)
    if answer.get("errors"):
        raise RuntimeError("%s: %s" % (query[:60], answer["errors"][0]["message"]))
    return answer["data"]

ops, op_id = {}, None
for line in open(workload):
    line = line.rstrip("\n")
    if line.startswith("// opId:"):
        op_id = line.split(":", 1)[1].strip()
        ops[op_id] = []
    elif op_id and line.strip() and not line.startswith("//"):
        ops[op_id].append(line)
params = json.load(open(params_file))["queries"]
for op, lines in ops.items():
    gql("mutation($o: String!, $d: ID!, $q: String!) { registerOperation(opId: $o, datasetId: $d, query: $q) { version } }",
        {"o": op, "d": dataset, "q": "\n".join(lines)})
# Calibration: run the cases that take under 100 ms (by their first run) three times more.
runs = 0
for op in ops:
    for case in params.get(op, [{"params": {}}]):
        for i in range(4):
            start = time.time()
            try:
                gql("query($o: String!, $v: JSON) { runOp(opId: $o, vars: $v) { rowCount } }", {"o": op, "v": case["params"]})
            except RuntimeError as e:  # e.g. v1 over the request's time limit: calibrate without it
                print("bench-planpreview: calibration run skipped: %s" % e, file=sys.stderr)
                break
            runs += 1
            if time.time() - start > 0.1:
                break
bodies, previews = [], []
for op in ops:
    for case in params.get(op, [{"params": {}}]):
        q = "query($o: String!, $v: JSON!) { planPreview(opId: $o, vars: $v) { cost estP95Ms hints } }"
        v = {"o": op, "v": case["params"]}
        p = gql(q, v)["planPreview"]
        previews.append({"opId": op, "case": case.get("case", "default"), "cost": p["cost"],
                         "estP95Ms": p["estP95Ms"], "exactEstP95Ms": p["hints"]["latency"]["estP95Ms"],
                         "calibrated": p["hints"]["latency"]["calibrated"]})
        bodies.append(json.dumps({"query": q, "variables": v}))
with open(lua, "w") as f:
    f.write("bodies = {%s}\n" % ", ".join(json.dumps(b) for b in bodies))
    f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
    f.write('wrk.headers["Authorization"] = "Bearer %s"\n' % token)
    f.write("i = 0\nrequest = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n")
json.dump({"calibration_runs": runs, "previews": previews}, open(lua + ".json", "w"))
PY

measure() {  # connections → "rps p50 p99 non2xx"
  wrk -t1 -c"$1" -d"$duration" --latency -s "$dir/bodies.lua" "$url/graphql" >"$dir/wrk"
  awk '/Requests\/sec/ {rps=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2} /Non-2xx/ {bad=$NF}
       END {print rps, p50, p99, bad + 0}' "$dir/wrk"
}
read -r rps4 p50_4 p99_4 bad4 < <(measure 4)
read -r rps1 p50_1 p99_1 bad1 < <(measure 1)
python3 - "$dir/bodies.lua.json" "$out" "$duration" "$rps4" "$p50_4" "$p99_4" "$bad4" "$rps1" "$p50_1" "$p99_1" "$bad1" <<'PY'
import json, sys
pre = json.load(open(sys.argv[1]))
def ms(t):  # wrk's "1.23ms" / "456.00us" / "1.02s"
    for unit, f in (("us", 1e-3), ("ms", 1), ("s", 1e3)):
        if t.endswith(unit) and t[:-len(unit)].replace(".", "").isdigit():
            return float(t[:-len(unit)]) * f
    return None
out = {"duration": sys.argv[3], "requests_cycled": len(pre["previews"]), "calibration_runs": pre["calibration_runs"],
       "c4": {"rps": float(sys.argv[4]), "p50_ms": ms(sys.argv[5]), "p99_ms": ms(sys.argv[6]), "non_2xx": int(sys.argv[7])},
       "c1": {"rps": float(sys.argv[8]), "p50_ms": ms(sys.argv[9]), "p99_ms": ms(sys.argv[10]), "non_2xx": int(sys.argv[11])},
       "previews": pre["previews"]}
json.dump(out, open(sys.argv[2], "w"), indent=2)
print("planPreview under wrk (%s, cycling %d operation cases): c=4 %.0f req/s p50 %.2f ms p99 %.2f ms; "
      "c=1 %.0f req/s p50 %.2f ms p99 %.2f ms; the seed's load is 15 req/s"
      % (out["duration"], out["requests_cycled"], out["c4"]["rps"], out["c4"]["p50_ms"], out["c4"]["p99_ms"],
         out["c1"]["rps"], out["c1"]["p50_ms"], out["c1"]["p99_ms"]))
PY
