#!/usr/bin/env bash
# Lint + typecheck + "generated code is fresh": regenerates into a scratch directory and diffs it
# against src/gen and db/schema.sql. Usage: npm run check
set -euo pipefail
cd "$(dirname "$0")/.."

npx --no-install buf lint
npx --no-install tsc --noEmit -p tsconfig.json

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bash scripts/generate.sh "$scratch"
if ! diff -r "$scratch/src/gen" src/gen >/dev/null || ! diff "$scratch/db/schema.sql" db/schema.sql >/dev/null; then
  diff -r "$scratch/src/gen" src/gen | head -40 >&2
  diff "$scratch/db/schema.sql" db/schema.sql | head -40 >&2
  echo "check: src/gen or db/schema.sql is stale; run 'npm run generate' and commit the result" >&2
  exit 1
fi
echo "check: ok (buf lint, tsc, generated code fresh)"
