#!/usr/bin/env bash
# Creates a fresh, fully migrated database for pgtyped to type queries against, dumps its schema to
# SCHEMA_FILE (default db/schema.sql), and prints libpq environment variables for it (assign the
# output to a variable, then eval it: a failure inside `eval "$(…)"` escapes set -e). Uses
# CHIMERA_CODEGEN_URL, else DATABASE_URL's server, else the local server at 127.0.0.1:5432.
# CHIMERA_CODEGEN_DB names the scratch database (default chimera_codegen), so that two checkouts
# can generate at once.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${CHIMERA_CODEGEN_URL:-}" ]; then
  base=$CHIMERA_CODEGEN_URL source=CHIMERA_CODEGEN_URL
elif [ -n "${DATABASE_URL:-}" ]; then
  base=$DATABASE_URL source=DATABASE_URL
else
  base='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' source='the default (no CHIMERA_CODEGEN_URL or DATABASE_URL)'
fi
db=${CHIMERA_CODEGEN_DB:-chimera_codegen}
url_with() { node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$base" "$1"; }
admin_url=$(url_with postgres)
codegen_url=$(url_with "$db")
# The server as a person would name it, without the password.
server=$(node -e 'const u=new URL(process.argv[1]); console.log(`${u.hostname}:${u.port || 5432}`)' "$base")

fail() {
  echo "codegen-db: $1" >&2
  exit 1
}

command -v psql >/dev/null || fail "psql is not installed; it creates the scratch database (apt-get install postgresql-client)"
if ! out=$(psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>&1); then
  fail "cannot create the scratch database $db: the PostgreSQL server at $server (from $source) refused or did not answer:
$out
Point CHIMERA_CODEGEN_URL (or DATABASE_URL) at a PostgreSQL server that answers; the scratch database is created on it."
fi
npx --no-install dbmate --url "$codegen_url" --migrations-dir db/migrations --no-dump-schema up >&2 \
  || fail "migrating the scratch database $db on $server failed (see above)"
# db/schema.sql is dbmate's dump of exactly this freshly migrated database.
schema_file=${SCHEMA_FILE:-db/schema.sql}
npx --no-install dbmate --url "$codegen_url" --schema-file "$schema_file" dump >&2 \
  || fail "dumping the schema of $db on $server failed (see above)"
# pg_dump >= 15.14 wraps dumps in \restrict/\unrestrict lines with a random key: drop them so the
# committed file is reproducible.
sed -i -e '/^\\restrict /d' -e '/^\\unrestrict /d' "$schema_file"

node -e '
const u = new URL(process.argv[1]);
const env = { PGHOST: u.hostname, PGPORT: u.port || "5432", PGUSER: decodeURIComponent(u.username) || "postgres",
  PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1) };
for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${JSON.stringify(v)}`);
' "$codegen_url"
