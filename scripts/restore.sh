#!/usr/bin/env bash
# Restores a dump written by scripts/backup.sh into a new database, all or nothing (one
# transaction). Creates NEW_DATABASE_URL's database, and refuses one that already exists: a
# restore never writes over data. Run it as a superuser, or as the role that owns the schema:
# the dump keeps every object's owner and grants.
#
# Roles belong to the cluster, not to a database dump. The roles the dump names (chimera_app,
# chimera_admin, chimera_service and the writer roles the migrations create) must exist on the
# target cluster first: scripts/provision-postgres.sh creates the first three; this script stops
# and names any that are missing.
#
#   bash scripts/restore.sh chimera.dump postgres://postgres@127.0.0.1:5432/chimera_restored?sslmode=disable
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 FILE NEW_DATABASE_URL" >&2
  exit 2
fi
file=$1
url=$2
[ -r "$file" ] || { echo "restore: cannot read $file" >&2; exit 2; }

name=$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).pathname.slice(1)))' "$url")
maintenance=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; console.log(u.toString())' "$url")
[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "restore: the database name must be a plain identifier, got \"$name\"" >&2; exit 2; }
psql_on() { psql -X -v ON_ERROR_STOP=1 -qtA "$@"; }

# The roles the dump grants to or makes owners, checked before anything is created.
needed=$(pg_restore --schema-only --file=- "$file" \
  | grep -oE '^(GRANT .* TO|ALTER .* OWNER TO|CREATE POLICY .* TO) [a-z_][a-z0-9_]*' | grep -oE '[a-z_][a-z0-9_]*$' | sort -u)
missing=()
for role in $needed; do
  [ "$(psql_on "$maintenance" -c "SELECT count(*) FROM pg_roles WHERE rolname = '$role'")" = "1" ] || missing+=("$role")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "restore: the target cluster lacks these roles, which the dump names: ${missing[*]}" >&2
  echo "restore: run scripts/provision-postgres.sh against it, and CREATE ROLE <name> NOLOGIN NOBYPASSRLS for the others" >&2
  exit 1
fi

if [ "$(psql_on "$maintenance" -c "SELECT count(*) FROM pg_database WHERE datname = '$name'")" != "0" ]; then
  echo "restore: database $name already exists; restore into a new one" >&2
  exit 1
fi
psql_on "$maintenance" -c "CREATE DATABASE \"$name\""
if ! pg_restore --exit-on-error --single-transaction --dbname="$url" "$file"; then
  psql_on "$maintenance" -c "DROP DATABASE IF EXISTS \"$name\"" || true
  echo "restore: failed; database $name was dropped again" >&2
  exit 1
fi
echo "restore: $file restored into $name" >&2
