#!/usr/bin/env bash
# Creates a fresh, fully migrated database for pgtyped to type queries against, and prints
# libpq environment variables for it (eval them). Uses CHIMERA_CODEGEN_URL, else DATABASE_URL's
# server, else the local server at 127.0.0.1:5432. CHIMERA_CODEGEN_DB names the scratch database
# (default chimera_codegen), so that two checkouts can generate at once.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${CHIMERA_CODEGEN_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}}
db=${CHIMERA_CODEGEN_DB:-chimera_codegen}
admin_url=$(node -e 'const u=new URL(process.argv[1]); u.pathname="/postgres"; console.log(u.toString())' "$base")
codegen_url=$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$base" "$db")

psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >&2
npx --no-install dbmate --url "$codegen_url" --migrations-dir db/migrations --no-dump-schema up >&2
# db/schema.sql is dbmate's dump of exactly this freshly migrated database.
schema_file=${SCHEMA_FILE:-db/schema.sql}
npx --no-install dbmate --url "$codegen_url" --schema-file "$schema_file" dump >&2
# pg_dump >= 15.14 wraps dumps in \restrict/\unrestrict lines with a random key: drop them so the
# committed file is reproducible.
sed -i -e '/^\\restrict /d' -e '/^\\unrestrict /d' "$schema_file"

node -e '
const u = new URL(process.argv[1]);
const env = { PGHOST: u.hostname, PGPORT: u.port || "5432", PGUSER: decodeURIComponent(u.username) || "postgres",
  PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1) };
for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${JSON.stringify(v)}`);
' "$codegen_url"
