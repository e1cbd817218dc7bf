#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of test/fuzz (see its README.md).
#
#   scripts/fuzz.sh build [TARGET...]            configure the fuzz tree (once) and
#                                                build TARGETs (default: all of them)
#   scripts/fuzz.sh run TARGET [SECONDS] [-- libFuzzer flags...]
#                                                fuzz TARGET on a fresh copy of its
#                                                committed corpus; fails on a finding
#   scripts/fuzz.sh repro TARGET FILE...         run TARGET once on each FILE
#
# The fuzz tree is a separate clang build ($MAESTRO_FUZZ_DIR, default
# build/fuzz; `make test` uses <build>/fuzz) configured with MAESTRO_FUZZ=ON:
# only common, the parsers and the targets, instrumented for libFuzzer, ASan
# and UBSan. Configuring and building it is serialised by a lock, so
# concurrent runs share one tree. A target named <lang>_<what>_fuzz seeds from
# test/fuzz/corpus/<lang>/ and uses test/fuzz/<lang>.dict when present.
# Findings (crash-*, leak-*, timeout-*, oom-*) are kept in
# <tree>/findings/<TARGET>/. Each run works in its own <tree>/work/<TARGET>.<pid>/
# (the grown corpus and the log), so runs may overlap; it is kept for a later
# `-merge=1` into the committed corpus unless MAESTRO_FUZZ_KEEP_WORK=0 and
# the run found nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tree=${MAESTRO_FUZZ_DIR:-$root/build/fuzz}
jobs=${MAESTRO_FUZZ_JOBS:-2}

die() {
  echo "fuzz: $*" >&2
  exit 1
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Configures the tree once: clang, MAESTRO_FUZZ=ON, warnings not fatal (the
# g++ build enforces them; a clang-only warning must not stop a fuzz run).
configure() {
  command -v clang++ >/dev/null && command -v clang >/dev/null ||
    die "clang++ not found: the fuzz targets need clang with libFuzzer (make deps installs clang and libclang-rt-14-dev)"
  if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer,address,undefined - -o /dev/null 2>/dev/null; then
    die "clang++ -fsanitize=fuzzer,address,undefined does not link: is the libFuzzer runtime (libclang-rt-14-dev) installed?"
  fi
  [ -f "$tree/build.ninja" ] && return 0
  echo "fuzz: configuring $tree"
  cmake -S "$root" -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DMAESTRO_FUZZ=ON -DMAESTRO_WERROR=OFF >"$tree.configure.log" 2>&1 ||
    { cat "$tree.configure.log" >&2; die "configuring $tree failed"; }
}

build() {
  local targets=("$@")
  [ ${#targets[@]} -eq 0 ] && targets=(fuzz_targets)
  mkdir -p "$(dirname "$tree")"
  (
    flock 9
    configure
    cmake --build "$tree" --target "${targets[@]}" -- -j "$jobs" >"$tree.build.log" 2>&1 ||
      { cat "$tree.build.log" >&2; die "building ${targets[*]} in $tree failed"; }
  ) 9>"$tree.lock"
}

seeds_of() {
  local lang=${1%%_*}
  echo "$root/test/fuzz/corpus/$lang"
}

run() {
  local target=${1:-}
  [ -n "$target" ] || usage
  shift
  local seconds=60
  if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    seconds=$1
    shift
  fi
  [ $# -gt 0 ] && [ "$1" = "--" ] && shift
  local extra=("$@")

  build "$target"
  local bin="$tree/test/fuzz/$target"
  local seeds dict work findings log
  seeds=$(seeds_of "$target")
  dict="$root/test/fuzz/${target%%_*}.dict"
  work="$tree/work/$target.$$"
  findings="$tree/findings/$target"
  log="$work/fuzz.log"
  [ -d "$seeds" ] || die "no seed corpus $seeds for $target"

  rm -rf "$work"
  mkdir -p "$work/corpus" "$findings"
  cp -R "$seeds/." "$work/corpus/"
  local flags=(
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$findings/"
  )
  [ -f "$dict" ] && flags+=(-dict="$dict")

  echo "fuzz: $target for ${seconds}s on a copy of ${seeds#"$root"/} (log: $log)"
  local rc=0
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    "$bin" "${flags[@]}" "${extra[@]}" "$work/corpus" >"$log" 2>&1 || rc=$?

  if [ $rc -ne 0 ]; then
    tail -n 80 "$log" >&2
    echo >&2
    local written
    written=$(grep -o 'written to [^ ]*' "$log" | sed 's/^written to //' || true)
    if [ -n "$written" ]; then
      for f in $written; do
        echo "fuzz: FINDING in $target, reproducer: $f" >&2
        echo "fuzz:   reproduce with: scripts/fuzz.sh repro $target $f" >&2
      done
    else
      echo "fuzz: $target failed (exit $rc) without writing a reproducer; see $log" >&2
    fi
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' ' || true
  echo
  echo "fuzz: $target: no findings in ${seconds}s; corpus grew from $(find "$seeds" -type f | wc -l) to $(find "$work/corpus" -type f | wc -l) inputs"
  if [ "${MAESTRO_FUZZ_KEEP_WORK:-1}" = 0 ]; then rm -rf "$work"; fi
}

repro() {
  local target=${1:-}
  [ -n "$target" ] && [ $# -ge 2 ] || usage
  shift
  build "$target"
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} "$tree/test/fuzz/$target" "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  build) build "$@" ;;
  run) run "$@" ;;
  repro) repro "$@" ;;
  *) usage ;;
esac
