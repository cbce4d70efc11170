#!/usr/bin/env bash
# `buf breaking` for proto/ against the previous commit (or the commit given), with buf.yaml's
# rules (FILE: no field, message, enum value or service removed or renumbered, no type changed,
# no file moved). CI runs it on a clean clone of main, so the previous commit is HEAD~1. A shallow
# clone lacks it: the script deepens the clone by one commit, and when that fails it says so and
# skips, unless BUF_BREAKING_REQUIRED=1 makes that an error.
# Usage: bash scripts/buf-breaking.sh [commit]   (exit 0: compatible or skipped; 100, buf's: breaking;
#        2: skipped while BUF_BREAKING_REQUIRED=1)
set -euo pipefail
cd "$(dirname "$0")/.."
against=${1:-HEAD~1}

has_commit() { git rev-parse --verify --quiet "$1^{commit}" >/dev/null; }

if ! has_commit "$against"; then
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    echo "buf-breaking: $against is not in this shallow clone; fetching one more commit" >&2
    git fetch --quiet --deepen=1 2>/dev/null || true
  fi
fi
if ! has_commit "$against"; then
  if [ "$against" = HEAD~1 ] && [ "$(git rev-parse --is-shallow-repository)" = false ] && [ "$(git rev-list --count HEAD)" = 1 ]; then
    echo "buf-breaking: HEAD is the first commit; nothing to compare with" >&2
    exit 0
  fi
  echo "buf-breaking: SKIPPED: $against is not in this clone and could not be fetched, so proto/ was NOT checked for breaking changes (clone with --depth 2 or more)" >&2
  [ "${BUF_BREAKING_REQUIRED:-0}" = 1 ] && exit 2
  exit 0
fi

commit=$(git rev-parse "$against^{commit}")
npx --no-install buf breaking proto --against ".git#ref=$commit,subdir=proto"
echo "buf-breaking: proto/ is compatible with ${commit:0:12} ($against)" >&2
