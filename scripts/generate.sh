#!/usr/bin/env bash
# Regenerates everything under src/gen/: protobuf-es code from proto/ and pgtyped query
# functions from sql/ (typed against a freshly migrated database). Usage: npm run generate
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.}

npx --no-install buf generate --output "$out"

eval "$(SCHEMA_FILE="$out/db/schema.sql" bash scripts/codegen-db.sh)"
rm -rf "$out/src/gen/sql"
log=$(mktemp)
root=$PWD
(cd "$out" && "$root/node_modules/.bin/pgtyped" -c pgtyped.config.json) 2>&1 | tee "$log" >&2
# pgtyped exits 0 even when a query is invalid: its output is the only signal.
if grep -qiE 'error|invalid' "$log"; then
  echo "generate: pgtyped reported invalid queries (see above)" >&2
  exit 1
fi
