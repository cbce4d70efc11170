#!/usr/bin/env bash
# Idempotent: runs PgBouncer in transaction mode in front of the local PostgreSQL and prints the
# owner's URL through it (with --service, chimera_service's). Installs Debian's package when
# missing, writes its configuration in a state directory, and starts it as a background process of
# its own (not the system service). `--stop` stops it. Any database name is passed through to
# PostgreSQL, so the suites' scratch databases work behind it as well.
#
#   PGBOUNCER_URL=$(CHIMERA_DB_NAME=chimera_test bash scripts/provision-pgbouncer.sh)
#
# PgBouncer before 1.21 cannot keep named prepared statements in transaction mode: the service
# behind it then needs CHIMERA_NAMED_STATEMENTS=false, and its LISTEN a direct DATABASE_LISTEN_URL.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
DB_NAME=${CHIMERA_DB_NAME:-chimera_test}
BOUNCER_PORT=${CHIMERA_PGBOUNCER_PORT:-6432}
STATE=${CHIMERA_PGBOUNCER_DIR:-${TMPDIR:-/tmp}/chimera-pgbouncer-$BOUNCER_PORT}
# Server connections per database and user: the suite's server runs at most 20 transactions at
# once. Idle ones are closed after 20 s, so that the pooler does not hold PostgreSQL's
# max_connections from the scratch databases the suite creates and drops.
POOL_SIZE=${CHIMERA_PGBOUNCER_POOL_SIZE:-20}

log() { echo "provision-pgbouncer: $*" >&2; }
pidfile="$STATE/pgbouncer.pid"
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; }

if [ "${1:-}" = "--stop" ]; then
  if running; then
    kill -INT "$(cat "$pidfile")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
    log "stopped"
  fi
  exit 0
fi

bin=$(command -v pgbouncer || true)
if [ -z "$bin" ] && [ -x /usr/sbin/pgbouncer ]; then bin=/usr/sbin/pgbouncer; fi
if [ -z "$bin" ]; then
  log "installing pgbouncer (apt)"
  # policy-rc.d 101: the package must not start its system service; this script runs its own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >&2
  bin=/usr/sbin/pgbouncer
fi
version=$("$bin" --version | head -1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
log "PgBouncer $version"
if [ "$(printf '%s\n1.21\n' "$version" | sort -V | head -1)" != "1.21" ]; then
  log "PgBouncer $version keeps no named prepared statements in transaction mode: run the service behind it with CHIMERA_NAMED_STATEMENTS=false"
fi

if ! running; then
  mkdir -p "$STATE"
  # Trust, as the local PostgreSQL does; the users must still be listed. In production use
  # auth_type = scram-sha-256 with an auth_file or auth_query.
  printf '"%s" ""\n"chimera_service" ""\n' "$PGUSER" > "$STATE/userlist.txt"
  cat > "$STATE/pgbouncer.ini" <<EOF
[databases]
* = host=$PGHOST port=$PGPORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $STATE/userlist.txt
pool_mode = transaction
default_pool_size = $POOL_SIZE
max_client_conn = 1000
server_idle_timeout = 20
; A client that waits this long for a server connection gets an error instead of waiting on.
query_wait_timeout = 30
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = $STATE/pgbouncer.log
pidfile = $pidfile
admin_users = $PGUSER
EOF
  # PgBouncer refuses to run as root.
  as=()
  if [ "$(id -u)" = "0" ]; then
    chown -R postgres: "$STATE"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin" -d "$STATE/pgbouncer.ini" >&2
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$BOUNCER_PORT" && break; sleep 0.1; done
  pg_isready -q -h 127.0.0.1 -p "$BOUNCER_PORT" || { log "PgBouncer did not start; see $STATE/pgbouncer.log"; exit 1; }
  log "listening on 127.0.0.1:$BOUNCER_PORT (state in $STATE)"
fi

if [ "${1:-}" = "--service" ]; then
  echo "postgres://chimera_service@127.0.0.1:$BOUNCER_PORT/$DB_NAME?sslmode=disable"
else
  echo "postgres://$PGUSER@127.0.0.1:$BOUNCER_PORT/$DB_NAME?sslmode=disable"
fi
