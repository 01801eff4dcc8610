#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster on a private port, then removes it.
# Used by `make test` so the suite passes on PostgreSQL as well as SQLite.
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
PORT=${PG_TEST_PORT:-55432}
DIR=$(mktemp -d /tmp/coproduce-pg.XXXXXX)
chmod 755 "$DIR"
# initdb refuses to run as root: run the server as an unprivileged user.
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$DIR"
  RUN=(runuser -u postgres --)
fi
cleanup() {
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUN[@]}" "$PG_BIN/initdb" -D "$DIR/data" -U coproduce --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export DATABASE_URL="postgres://coproduce@/coproduce?host=$DIR&port=$PORT"
"${RUN[@]}" "$PG_BIN/createdb" -h "$DIR" -p "$PORT" -U coproduce coproduce
echo "PostgreSQL test cluster on $DIR (port $PORT)"
"$@"
