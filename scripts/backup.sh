#!/usr/bin/env bash
# Backs up one chimera-core database to FILE in pg_dump's custom format (compressed; pg_restore
# can restore all of it or single tables). The dump is one consistent snapshot, taken without
# blocking the service. Roles are not in it: they belong to the cluster (see scripts/restore.sh
# and docs/operations.md). Use a pg_dump at least as new as the server, and a direct URL, not one
# through PgBouncer in transaction mode (pg_dump needs its session).
#
#   bash scripts/backup.sh postgres://postgres@127.0.0.1:5432/chimera?sslmode=disable chimera.dump
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 DATABASE_URL FILE" >&2
  exit 2
fi
url=$1
file=$2

# Written beside FILE and renamed when complete: FILE is never a partial dump.
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --compress=6 --file="$partial" --dbname="$url"
mv "$partial" "$file"
echo "backup: $(du -h "$file" | cut -f1) written to $file ($(pg_restore --list "$file" | grep -c ' TABLE DATA ') tables)" >&2
