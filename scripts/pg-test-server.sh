#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the tests.
#
#   pg-test-server.sh start DIR   initdb in a new temporary directory, start
#                                 on a free loopback port, write its URI to
#                                 DIR/uri and the server's directory to DIR/server
#   pg-test-server.sh stop DIR    stop it and remove both directories
#
# The server's own directory lives under $TMPDIR (default /tmp), not in DIR,
# so that the unprivileged server user can reach it wherever the build
# directory is (a private home directory, say).
#
# The server trusts every local connection (user `maestro`, no password),
# listens on 127.0.0.1 only and runs with fsync off: it is for tests and
# holds nothing worth keeping. PostgreSQL refuses to run as root, so as
# root the server runs as the `postgres` system user (from the Debian
# `postgresql` package). PG_BIN overrides the directory of initdb/pg_ctl.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
action=$1
dir=$2
case "$dir" in
  "" | "/") echo "pg-test-server: refusing to use '$dir' as the server directory" >&2; exit 2 ;;
esac
dir=$(realpath -m -- "$dir")

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$newest" ] || [ ! -x "$newest/pg_ctl" ]; then
    echo "pg-test-server: no PostgreSQL server found under /usr/lib/postgresql/*/bin" \
      "(install the 'postgresql' package: scripts/install-deps.sh)" >&2
    exit 1
  fi
  echo "$newest"
}

# Runs a command as the user that owns the server: `postgres` when we are
# root, otherwise ourselves. From / so that the server user need not be able
# to read our working directory.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# The server's directory recorded by `start`, if any.
server_dir() {
  [ -f "$dir/server" ] && cat "$dir/server" || true
}

# Stops the postmaster whose data directory is $1/data, if it runs.
stop_postmaster() {
  local data="$1/data"
  if [ -f "$data/postmaster.pid" ]; then
    local bin
    bin=$(find_bin)
    # Fast shutdown: roll back open transactions, disconnect clients.
    as_server_user "$bin/pg_ctl" -D "$data" -w -t 30 -m fast stop >/dev/null 2>&1 || true
    if [ -f "$data/postmaster.pid" ]; then
      # pg_ctl could not stop it (or it was already dead): end the postmaster
      # by the pid it recorded, if that process still exists.
      local pid
      pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
    fi
  fi
}

# Stops the server `start` recorded and removes its directory.
stop_server() {
  local sdir
  sdir=$(server_dir)
  [ -n "$sdir" ] || return 0
  stop_postmaster "$sdir"
  rm -rf -- "$sdir"
  rm -f -- "$dir/server"
}

port_in_use() {
  # Bash's /dev/tcp: connecting succeeds only if something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_server() {
  local bin
  bin=$(find_bin)
  stop_server
  rm -rf -- "$dir"
  mkdir -p -- "$dir"
  local sdir
  sdir=$(mktemp -d "${TMPDIR:-/tmp}/maestro-pgtest.XXXXXX")
  echo "$sdir" >"$dir/server"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "pg-test-server: running as root but there is no 'postgres' user to run the server" >&2
      exit 1
    fi
    chown postgres: "$sdir"
    if ! runuser -u postgres -- test -w "$sdir"; then
      echo "pg-test-server: user postgres cannot write to $sdir" >&2
      exit 1
    fi
  fi

  if ! as_server_user "$bin/initdb" -D "$sdir/data" -A trust -U maestro -E UTF8 --no-sync \
    >"$sdir/initdb.log" 2>&1; then
    cat "$sdir/initdb.log" >&2
    echo "pg-test-server: initdb failed" >&2
    exit 1
  fi

  # The socket path must fit in sun_path (107 bytes); tests use TCP anyway.
  local socket_dir="$sdir"
  if [ $((${#sdir} + 20)) -gt 107 ]; then socket_dir=""; fi

  local port attempt
  for attempt in $(seq 10); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    if port_in_use "$port"; then continue; fi
    if as_server_user "$bin/pg_ctl" -D "$sdir/data" -w -t 30 -l "$sdir/log" start \
      -o "-p $port -k '$socket_dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      >/dev/null 2>&1; then
      echo "postgresql://maestro@127.0.0.1:$port/postgres" >"$dir/uri"
      echo "pg-test-server: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on port $port"
      return 0
    fi
    echo "pg-test-server: start on port $port failed (attempt $attempt)" >&2
    stop_postmaster "$sdir"
  done
  echo "pg-test-server: could not start PostgreSQL; server log follows" >&2
  cat "$sdir/log" >&2 || true
  exit 1
}

case "$action" in
  start) start_server ;;
  stop)
    stop_server
    rm -rf -- "$dir"
    ;;
  *) usage ;;
esac
