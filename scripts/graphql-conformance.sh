#!/usr/bin/env bash
# Starts `maestro serve` on a free port with a temporary data directory and
# runs the GraphQL conformance checks (test/conformance) against it.
# Usage: scripts/graphql-conformance.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: graphql-conformance.sh BUILD_DIR}" && pwd)"
work="$build/conformance"

mkdir -p "$work"
cp "$root/test/conformance/package.json" "$root/test/conformance/package-lock.json" \
   "$root/test/conformance/graphql_conformance.mjs" "$work/"
# npm ci once per lockfile: the stamp is the lockfile it installed.
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.maestro-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$work/package-lock.json" "$work/node_modules/.maestro-lock"
fi

data="$(mktemp -d)"
out="$data/serve.out"
"$build/maestro" serve --listen 127.0.0.1:0 --data-dir "$data" >"$out" 2>"$data/serve.err" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127.0.0.1:[0-9]*' "$out" | head -1 || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "graphql-conformance: the server did not start" >&2; exit 1; }

node "$work/graphql_conformance.mjs" "$url/graphql"
