#!/usr/bin/env bash
# The `postgresql` test fixture: a throw-away PostgreSQL server on loopback for the Iceberg
# catalog tests (tests/iceberg) and the Trino fixture's Iceberg catalog (tests/engines).
#
#   tests/iceberg/postgres.sh start DIR   stops what an earlier start in DIR left running,
#                                         wipes DIR, runs initdb in DIR/data, starts the
#                                         server on a free port of 127.0.0.1 and writes DIR/env:
#                                           PORT=N
#                                           URI=postgresql://streampro@127.0.0.1:N/streampro
#                                           PSQL=/usr/lib/postgresql/V/bin/psql
#   tests/iceberg/postgres.sh stop DIR    stops it and removes DIR/env
#
# Debian's `postgresql` package (scripts/bootstrap --test) provides the binaries. The
# cluster's superuser is `streampro`, its database `streampro`, and only loopback TCP
# connections are accepted (trust authentication: it lives as long as the test run).
# PostgreSQL refuses to run as root: as root the data folder belongs to the `postgres` user
# the package creates, and the server and initdb run as that user (runuser).
set -euo pipefail

# Seconds the start may take (ctest allows postgresql_start 60).
readonly start_timeout_s=${PG_START_TIMEOUT_S:-40}
# Written first into DIR: only a directory holding it (or an empty one) is ever wiped.
readonly marker=.postgres-fixture

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}
usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
dir=$(realpath -m "$2")

# The newest installed server version's binaries.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $bin && -x $bin/initdb && -x $bin/pg_ctl ]] ||
  die "no PostgreSQL server in /usr/lib/postgresql: install Debian's postgresql (scripts/bootstrap --test)"

# Runs a server binary as the user that owns the cluster.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (Debian's postgresql package)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -f "$dir/env"
}

start() {
  mkdir -p "$dir"
  if [[ -n $(ls -A "$dir") && ! -f $dir/$marker ]]; then
    die "$dir is not empty and was not made by this script; not wiping it"
  fi
  stop
  rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/run"
  touch "$dir/$marker"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (Debian's postgresql package)"
    chown postgres: "$dir/data" "$dir/run"
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U streampro --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 3 "$dir/initdb.log")"
  # Loopback TCP only; the socket lives in DIR/run, not in /var/run/postgresql.
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t "$start_timeout_s" \
    start >"$dir/pg_ctl.log" 2>&1 ||
    die "the server did not start: $(tail -n 5 "$dir/data/server.log" 2>/dev/null)"
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U streampro -d postgres \
    -c 'CREATE DATABASE streampro' >/dev/null || die "CREATE DATABASE failed"
  {
    echo "PORT=$port"
    echo "URI=postgresql://streampro@127.0.0.1:$port/streampro"
    echo "PSQL=$bin/psql"
  } >"$dir/env.part"
  mv "$dir/env.part" "$dir/env"
}

case $1 in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
