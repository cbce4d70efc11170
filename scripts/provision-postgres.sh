#!/usr/bin/env bash
# Idempotent: makes the local PostgreSQL ready for chimera-core (pgvector, database, roles)
# and prints the owner's URL (migrations, tests), or with --service the service's (the same
# database as chimera_service). Safe to run again; each step is skipped when already done.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
DB_NAME=${CHIMERA_DB_NAME:-chimera_test}
export PGHOST PGPORT PGUSER

log() { echo "provision: $*" >&2; }
psql_admin() { psql -X -v ON_ERROR_STOP=1 -qtA -d postgres "$@"; }

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  log "PostgreSQL is not answering on $PGHOST:$PGPORT; starting the local cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
fi

if [ "$(psql_admin -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")" = "0" ]; then
  major=$(psql_admin -c "SHOW server_version_num" | cut -c1-2)
  log "pgvector missing: building it from Debian's source package for PostgreSQL $major"
  echo 'deb-src http://deb.debian.org/debian trixie main' > /etc/apt/sources.list.d/pgvector-src.list
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$major" dpkg-dev make gcc >&2
  build=$(mktemp -d)
  (cd "$build" && apt-get source -qq pgvector >&2 && cd pgvector-*/ \
    && make -s PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >&2 \
    && make -s install PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >&2)
  rm -rf "$build"
fi

# The roles: chimera_app and chimera_admin (NOLOGIN, no BYPASSRLS, owning nothing; the migrations
# grant them what they need), and chimera_service, the role the service logs in as: no superuser,
# no BYPASSRLS, owning nothing, a member of the two that inherits nothing from them, so that it can
# read no table until a transaction switches to one of them (as every one does). Local connections
# use trust authentication: in production give chimera_service a password.
psql_admin -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_app') THEN
    CREATE ROLE chimera_app NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_admin') THEN
    CREATE ROLE chimera_admin NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_service') THEN
    CREATE ROLE chimera_service LOGIN;
  END IF;
  ALTER ROLE chimera_service LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
  GRANT chimera_app, chimera_admin TO chimera_service;
END \$\$"

if [ "$(psql_admin -c "SELECT count(*) FROM pg_database WHERE datname = '$DB_NAME'")" = "0" ]; then
  log "creating database $DB_NAME"
  psql_admin -c "CREATE DATABASE \"$DB_NAME\""
fi
psql -X -v ON_ERROR_STOP=1 -qtA -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null

if [ "${1:-}" = "--service" ]; then
  echo "postgres://chimera_service@$PGHOST:$PGPORT/$DB_NAME?sslmode=disable"
else
  echo "postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME?sslmode=disable"
fi
