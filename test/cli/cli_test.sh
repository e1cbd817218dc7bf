#!/usr/bin/env bash
# End-to-end tests of the maestro binary: exit codes, messages, the audit
# verifier against a tampered store, and `serve` answering and stopping.
# Usage: cli_test.sh MAESTRO_BINARY   (MAESTRO_TEST_PG_URI_FILE for PostgreSQL)
set -uo pipefail

MAESTRO=$1
WORK=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill -9 $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
failures=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; failures=$((failures + 1)); }

# expect NAME WANT_EXIT WANT_TEXT CMD... : runs CMD, checks exit status and
# that stdout+stderr contain WANT_TEXT.
expect() {
  local name=$1 want=$2 text=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, want $want; output: $out"
  elif [[ "$out" != *"$text"* ]]; then
    fail "$name: output lacks '$text': $out"
  else
    pass "$name"
  fi
}

D="$WORK/data"
jwt='^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
uuid='^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'

expect "version" 0 "maestro 0." "$MAESTRO" version
expect "no command is a usage error" 2 "" "$MAESTRO"
expect "unknown flag exits 2 naming it" 2 "--bogus" "$MAESTRO" serve --bogus
expect "bad --listen exits 2" 2 "--listen: expected HOST:PORT" \
  "$MAESTRO" serve --data-dir "$D" --listen nonsense
expect "bad --store exits 2" 2 "--store: expected postgresql://" \
  "$MAESTRO" tenant list --data-dir "$D" --store "mysql://root:hunter2@db/x"
out=$("$MAESTRO" tenant list --data-dir "$D" --store "mysql://root:hunter2@db/x" 2>&1)
[[ "$out" != *hunter2* ]] && pass "store password not echoed" || fail "store password echoed: $out"

printf 'listen: 127.0.0.1:0\nbogus_key: 1\n' > "$WORK/bad1.yaml"
expect "unknown config key exits 2 naming it" 2 "bogus_key: unknown key" \
  "$MAESTRO" tenant list --data-dir "$D" --config "$WORK/bad1.yaml"
printf 'http:\n  max_body_bytes: lots\n' > "$WORK/bad2.yaml"
expect "mistyped config value names its path" 2 "http.max_body_bytes: expected an integer" \
  "$MAESTRO" tenant list --data-dir "$D" --config "$WORK/bad2.yaml"
printf 'graphql:\n  max_depth: 0\n' > "$WORK/bad5.yaml"
expect "a GraphQL limit out of range names its path" 2 "graphql.max_depth: must be between 1 and 256" \
  "$MAESTRO" tenant list --data-dir "$D" --config "$WORK/bad5.yaml"
printf 'regions:\n  "Bad Region": {}\n' > "$WORK/bad3.yaml"
expect "bad region name exits 2" 2 "regions.Bad Region" \
  "$MAESTRO" tenant list --data-dir "$D" --config "$WORK/bad3.yaml"
printf 'http: [unclosed\n' > "$WORK/bad4.yaml"
expect "unparsable config exits 2 with a position" 2 "is not valid YAML or JSON: line 2, column 1" \
  "$MAESTRO" tenant list --data-dir "$D" --config "$WORK/bad4.yaml"

id=$("$MAESTRO" tenant create acme --data-dir "$D" 2>&1)
[[ "$id" =~ $uuid ]] && pass "tenant create prints a UUIDv7" || fail "tenant create printed: $id"
expect "duplicate tenant is a conflict" 1 "already exists" "$MAESTRO" tenant create acme --data-dir "$D"
expect "bad tenant name exits 2" 2 "name: must be" "$MAESTRO" tenant create "Bad Name" --data-dir "$D"
expect "dataset create" 0 "" "$MAESTRO" dataset create graph --tenant acme --region eu-west --data-dir "$D"
expect "dataset in an unknown region exits 2" 2 "unknown region 'mars'" \
  "$MAESTRO" dataset create g2 --tenant acme --region mars --data-dir "$D"
expect "dataset of an unknown tenant" 1 "tenant not found" \
  "$MAESTRO" dataset create g3 --tenant nobody --data-dir "$D"
expect "tenant list" 0 "acme" "$MAESTRO" tenant list --data-dir "$D"
expect "dataset list shows region" 0 "eu-west" "$MAESTRO" dataset list --data-dir "$D"
expect "dataset list --json" 0 '"home_region": "eu-west"' "$MAESTRO" dataset list --json --data-dir "$D"

# Blueprinted tenants: create from a template, drift (exit 3), ignore, fix.
B="$WORK/bp"
expect "blueprint list shows the shipped templates" 0 "high-assurance@1" \
  "$MAESTRO" blueprint list --data-dir "$B"
expect "blueprint show prints the template" 0 "read_p95_ms: 350" \
  "$MAESTRO" blueprint show default-secure --data-dir "$B"
bp_id=$("$MAESTRO" blueprint create gold1 --template default-secure@1 --set slo.read_p95_ms=500 \
  --region eu-west --data-dir "$B" 2>&1)
[[ "$bp_id" =~ $uuid ]] && pass "blueprint create prints the tenant id" || fail "blueprint create printed: $bp_id"
expect "blueprint create twice is a conflict" 1 "already exists" \
  "$MAESTRO" blueprint create gold1 --template default-secure --data-dir "$B"
expect "an override out of bounds exits 2 naming its path" 2 \
  "overrides.slo.read_p95_ms: must be ≤ 1000, got 5000" \
  "$MAESTRO" blueprint create gold2 --template default-secure --set slo.read_p95_ms=5000 --data-dir "$B"
expect "an unknown template exits 1" 1 "no template named 'nope'" \
  "$MAESTRO" blueprint create gold2 --template nope --data-dir "$B"
printf 'name: mine\nversion: 1\nprivacy: {k: 1}\n' > "$WORK/badbp.yaml"
expect "an invalid template exits 2 naming the path" 2 "privacy.k: must be ≥ 2, got 1" \
  "$MAESTRO" blueprint register "$WORK/badbp.yaml" --data-dir "$B"
expect "no drift right after creation" 0 "no drift" "$MAESTRO" blueprint drift --tenant gold1 --data-dir "$B"
expect "fix needs a tenant" 2 "--tenant" "$MAESTRO" blueprint fix --data-dir "$B"
expect "ignore needs a JSON Pointer" 2 "path: expected a JSON Pointer" \
  "$MAESTRO" blueprint ignore --tenant gold1 --path budgets --reason promo --data-dir "$B"
expect "ignore a path" 0 "ignores /budgets until" \
  "$MAESTRO" blueprint ignore --tenant gold1 --path /budgets --reason promo --expires 2d --data-dir "$B"
expect "fix with nothing to fix" 0 "no drift" "$MAESTRO" blueprint fix --tenant gold1 --data-dir "$B"
expect "drift cycle over every tenant" 0 '"tenants":1' "$MAESTRO" blueprint drift --data-dir "$B"
expect "upgrade preview with no newer version" 0 "default-secure@1 → default-secure@1" \
  "$MAESTRO" blueprint upgrade-preview --tenant gold1 --data-dir "$B"
expect "small drift benchmark" 0 '"tenants_checked": 20' \
  "$MAESTRO" blueprint bench-drift --tenants 20 --drifted-pct 50 --data-dir "$WORK/bpbench" --log-level error

token=$("$MAESTRO" token issue --data-dir "$D" --tenant acme --scopes graph.read,admin.read \
  --clearance medium --purpose investigation --ttl 30m 2>/dev/null)
[[ "$token" =~ $jwt ]] && pass "token issue prints only a JWT" || fail "token issue printed: $token"
expect "unknown scope exits 2" 2 "unknown scope 'root'" \
  "$MAESTRO" token issue --data-dir "$D" --tenant acme --scopes root
expect "tenant and platform together exit 2" 2 "" \
  "$MAESTRO" token issue --data-dir "$D" --tenant acme --platform --scopes graph.read
expect "neither tenant nor platform exits 2" 2 "exactly one of --tenant T or --platform" \
  "$MAESTRO" token issue --data-dir "$D" --scopes graph.read
expect "bad ttl exits 2" 2 "--ttl: expected a duration" \
  "$MAESTRO" token issue --data-dir "$D" --platform --scopes graph.read --ttl forever

expect "audit log verifies" 0 "audit log OK: 3 entries" "$MAESTRO" audit verify-log --data-dir "$D"
expect "verify-log of a missing directory" 1 "no control store" \
  "$MAESTRO" audit verify-log --data-dir "$WORK/nowhere"
cp -r "$D" "$WORK/tampered"
sqlite3 "$WORK/tampered/control.db" \
  "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 2;"
expect "edited entry is named" 1 "INVALID at sequence number 2" \
  "$MAESTRO" audit verify-log --data-dir "$WORK/tampered"
cp -r "$D" "$WORK/deleted"
sqlite3 "$WORK/deleted/control.db" \
  "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3;"
expect "deleted entry is named" 1 "INVALID at sequence number 3" \
  "$MAESTRO" audit verify-log --data-dir "$WORK/deleted"

# Graphs: query, import, gen.
expect "query writes" 0 "" "$MAESTRO" query --data-dir "$D" --dataset acme/graph \
  "CREATE (:P {name: 'Ann'})-[:KNOWS]->(:P {name: 'Bob'})"
expect "query reads a table" 0 "| 'Ann'  | 'Bob'  |" "$MAESTRO" query --data-dir "$D" --dataset acme/graph \
  "MATCH (a:P)-[:KNOWS]->(b) RETURN a.name, b.name"
expect "query --json with a parameter" 0 '"rows": [' "$MAESTRO" query --data-dir "$D" --dataset acme/graph \
  --json 'MATCH (p:P {name: $n}) RETURN p.name' --param n='"Bob"'
expect "a syntax error exits 2 with a caret" 2 "^" "$MAESTRO" query --data-dir "$D" --dataset acme/graph \
  "MATCH (n RETURN n"
expect "a bad --param exits 2" 2 "--param: expected NAME=VALUE" "$MAESTRO" query --data-dir "$D" \
  --dataset acme/graph "RETURN 1" --param nonsense
expect "an unknown dataset" 1 "dataset not found" "$MAESTRO" query --data-dir "$D" --dataset acme/nope "RETURN 1"
expect "gen writes the data set" 0 "relationships to" "$MAESTRO" gen --scale 0.01 --seed 7 --out "$WORK/gen"
expect "dataset for the import" 0 "" "$MAESTRO" dataset create bench --tenant acme --data-dir "$D"
printf ':ID,:LABEL,name\nx1,Thing,one\n' > "$WORK/bad_nodes.csv"
printf ':START_ID,:END_ID,:TYPE\nx1,nope,R\n' > "$WORK/bad_rels.csv"
expect "a bad row names its file and line" 2 "bad_rels.csv:2" \
  "$MAESTRO" import --data-dir "$D" --dataset acme/bench "$WORK/bad_nodes.csv" "$WORK/bad_rels.csv"
expect "a failed import leaves nothing" 0 "| 0        |" "$MAESTRO" query --data-dir "$D" \
  --dataset acme/bench "MATCH (n) RETURN count(n)"
expect "import loads the generated data" 0 "imported" \
  "$MAESTRO" import --data-dir "$D" --dataset acme/bench "$WORK"/gen/*.csv
expect "imported data answers queries" 0 "count(p)" "$MAESTRO" query --data-dir "$D" \
  --dataset acme/bench "MATCH (p:Person)-[:KNOWS]-() RETURN count(p)"

# serve: answers, reuses its data, stops gracefully on SIGTERM.
serve() {
  "$MAESTRO" serve --listen 127.0.0.1:0 --data-dir "$WORK/srv" --demo >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q "serving on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.out" | head -1)
}
stop() {
  kill -TERM "$SERVER_PID"
  local rc=1
  for _ in $(seq 100); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then wait "$SERVER_PID"; rc=$?; break; fi
    sleep 0.1
  done
  SERVER_PID=
  return $rc
}
serve
[ -n "$URL" ] && pass "serve prints its URL" || fail "serve printed no URL: $(cat "$WORK/serve.out" "$WORK/serve.err")"
demo_token=$(grep -E "$jwt" "$WORK/serve.out" | head -1)
[ -n "$demo_token" ] && pass "serve --demo prints an admin token" || fail "no admin token printed"
expect "/healthz" 0 '{"status":"ok"}' curl -sf "$URL/healthz"
expect "/readyz" 0 '{"status":"ready"}' curl -sf "$URL/readyz"
expect "/metrics counts requests" 0 'maestro_http_requests_total{method="GET",route="/healthz",status="200"}' \
  curl -sf "$URL/metrics"
expect "unknown path is a JSON 404" 0 '"code":"NOT_FOUND"' curl -s "$URL/nope"
expect "the demo token works on /graphql" 0 '{"data":{"me":{"platform":true},"tenants":[{"name":"demo"}]}}' \
  curl -sf -H "Authorization: Bearer $demo_token" -H 'content-type: application/json' \
  -d '{"query":"{ me { platform } tenants { name } }"}' "$URL/graphql"
expect "/graphql without a token is UNAUTHENTICATED per field" 0 '"code":"UNAUTHENTICATED"' \
  curl -s -H 'content-type: application/json' -d '{"query":"{ tenants { name } }"}' "$URL/graphql"
if grep -q "$demo_token" "$WORK/serve.err"; then fail "token appears in the logs"; else pass "no token in the logs"; fi
stop && pass "SIGTERM stops serve with status 0" || fail "serve did not stop cleanly"
serve
stop
count=$("$MAESTRO" tenant list --data-dir "$WORK/srv" | grep -c '^demo ')
[ "$count" = 1 ] && pass "a second serve reuses the data" || fail "demo tenant count $count"
expect "serve's audit log verifies, with a checkpoint at stop" 0 "signed checkpoints verified" \
  "$MAESTRO" audit verify-log --data-dir "$WORK/srv"

# PostgreSQL: the same commands against a shared server, two processes at once.
if [ -n "${MAESTRO_TEST_PG_URI_FILE:-}" ] && [ -s "$MAESTRO_TEST_PG_URI_FILE" ]; then
  PG=$(cat "$MAESTRO_TEST_PG_URI_FILE")
  P="$WORK/pg"
  name="pgco-$RANDOM$RANDOM"
  expect "tenant create on PostgreSQL" 0 "" "$MAESTRO" tenant create "$name" --data-dir "$P" --store "$PG"
  before=$("$MAESTRO" audit verify-log --data-dir "$P" --store "$PG" | grep -o '[0-9]* entries' | cut -d' ' -f1)
  for worker in 1 2; do
    ( for _ in $(seq 10); do
        "$MAESTRO" token issue --data-dir "$P" --store "$PG" --platform --scopes graph.read >/dev/null || exit 1
      done ) &
  done
  wait
  after=$("$MAESTRO" audit verify-log --data-dir "$P" --store "$PG" | grep -o '[0-9]* entries' | cut -d' ' -f1)
  [ "$((after - before))" = 20 ] && pass "two processes appended 20 entries to one chain" \
    || fail "entries before $before after $after"
  expect "PostgreSQL chain verifies" 0 "audit log OK" "$MAESTRO" audit verify-log --data-dir "$P" --store "$PG"
  expect "unreachable PostgreSQL fails" 1 "cannot connect" \
    "$MAESTRO" tenant list --data-dir "$P" --store "postgresql://u:secretpw@127.0.0.1:1/db"
  out=$("$MAESTRO" tenant list --data-dir "$P" --store "postgresql://u:secretpw@127.0.0.1:1/db" 2>&1)
  [[ "$out" != *secretpw* ]] && pass "PostgreSQL password not echoed" || fail "password echoed: $out"
else
  fail "no PostgreSQL test server (MAESTRO_TEST_PG_URI_FILE)"
fi

echo "cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]
