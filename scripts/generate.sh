#!/usr/bin/env bash
# Regenerates src/gen/ (protobuf-es code from proto/, pgtyped query functions from sql/ typed
# against a freshly migrated database) and db/schema.sql. Everything is generated in a scratch
# directory and copied over only once every step has succeeded, so a failed run changes nothing.
# Usage: npm run generate           (updates this checkout)
#        bash scripts/generate.sh DIR (writes DIR/src/gen and DIR/db/schema.sql instead; check.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-$root}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/db"
cp -r sql pgtyped.config.json "$scratch/"

npx --no-install buf generate --output "$scratch"

# An assignment, not `eval "$(…)"`: only this way does set -e see codegen-db.sh fail.
libpq_env=$(SCHEMA_FILE="$scratch/db/schema.sql" bash scripts/codegen-db.sh)
eval "$libpq_env"

log="$scratch/pgtyped.log"
# pgtyped prefers PG* variables but falls back to DATABASE_URL: make sure it only sees the scratch database.
(cd "$scratch" && env -u DATABASE_URL -u PGURI "$root/node_modules/.bin/pgtyped" -c pgtyped.config.json) 2>&1 | tee "$log" >&2
# pgtyped exits 0 even when a query is invalid: its output is the only signal.
if grep -qiE 'error|invalid' "$log"; then
  echo "generate: pgtyped reported invalid queries (see above); nothing was changed" >&2
  exit 1
fi

mkdir -p "$out/src" "$out/db"
rm -rf "$out/src/gen.new"
cp -r "$scratch/src/gen" "$out/src/gen.new"
rm -rf "$out/src/gen"
mv "$out/src/gen.new" "$out/src/gen"
cp "$scratch/db/schema.sql" "$out/db/schema.sql"
echo "generate: src/gen and db/schema.sql written to $out" >&2
