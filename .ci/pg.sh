#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on a free port and prints its URL on the last line.
# Usage: source .ci/pg.sh; pg_start; ...; pg_stop
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_install() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL binaries not found in $PG_BIN: installing postgresql" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

pg_start() {
  pg_install
  PG_DIR=$(mktemp -d /tmp/kt-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  PG_PORT=$(free_port)
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  export PG_DIR PG_PORT
  export PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
