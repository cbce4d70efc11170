#!/usr/bin/env bash
# Run once by the PostgreSQL image on an empty data directory (/docker-entrypoint-initdb.d): the
# same roles, extension and database as everywhere else, made by scripts/provision-postgres.sh
# itself, then the password chimera_service logs in with. During initialisation the server listens
# on its Unix socket only, hence the default PGHOST. The image may source this file, so it sets no
# shell options. test/deployment.test.ts runs it against a cluster of its own.
export PGHOST=${PGHOST:-/var/run/postgresql} PGPORT=${PGPORT:-5432} PGUSER="$POSTGRES_USER"
CHIMERA_DB_NAME="$POSTGRES_DB" bash "${CHIMERA_PROVISION_SCRIPT:-/chimera/provision-postgres.sh}" >/dev/null || exit 1
if [ -z "${CHIMERA_SERVICE_PASSWORD:-}" ]; then
  echo "postgres-init: CHIMERA_SERVICE_PASSWORD is not set; chimera_service could not log in" >&2
  exit 1
fi
# From stdin, so that psql quotes the password (:'password'); -c would not interpolate it.
psql -X -v ON_ERROR_STOP=1 -q -d postgres -v password="$CHIMERA_SERVICE_PASSWORD" \
  <<<"ALTER ROLE chimera_service PASSWORD :'password';" || exit 1
