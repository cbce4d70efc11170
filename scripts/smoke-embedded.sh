#!/usr/bin/env bash
# Smoke test of the embedded default, as a newcomer would meet it: `npm start` with no
# DATABASE_URL, wait for SERVING, create an agent with `buf curl` using the printed key, then
# SIGTERM and expect exit code 0.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SMOKE_PORT:-18099}
base="http://127.0.0.1:$port"
log=$(mktemp)
buf() { timeout 20 npx --no-install buf curl --http2-prior-knowledge "$@"; }

env -u DATABASE_URL PORT="$port" CHIMERA_DATA="${SMOKE_DATA:-memory}" npm start >"$log" 2>&1 &
pid=$!
cleanup() {
  pkill -TERM -P "$pid" 2>/dev/null || true   # npm's children (sh -> node)
  kill "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if [[ "$(buf "$base/grpc.health.v1.Health/Check" 2>/dev/null)" == *'"SERVING"'* ]]; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "smoke: server exited early" >&2; exit 1; }
  sleep 1
done
[[ "$(buf "$base/grpc.health.v1.Health/Check")" == *'"SERVING"'* ]] || { cat "$log"; echo "smoke: never SERVING" >&2; exit 1; }

key=$(grep -o 'chk_[A-Za-z0-9_-]\{43\}' "$log" | head -1)
[ -n "$key" ] || { cat "$log"; echo "smoke: no API key printed" >&2; exit 1; }
created=$(buf --header "Authorization: Bearer $key" --data '{"agent":{"handle":"smoke_agent","displayName":"Smoke"}}' \
  "$base/chimera.agents.v1.AgentService/CreateAgent")
[[ "$created" == *'"handle": "smoke_agent"'* ]] || { echo "$created"; echo "smoke: CreateAgent failed" >&2; exit 1; }
methods=$(buf --list-methods "$base")
[[ "$methods" == *'chimera.agents.v1.AgentService/SearchSimilarAgents'* ]] || { echo "$methods"; echo "smoke: reflection incomplete" >&2; exit 1; }

# The server's own pid (npm and tsx sit between us and it; npm does not forward SIGTERM).
server_pid=$(grep -o '"msg":"serving","port":[0-9]*,"pid":[0-9]*' "$log" | grep -o '[0-9]*$')
[ -n "$server_pid" ] || { cat "$log"; echo "smoke: no serving line with a pid" >&2; exit 1; }
kill -TERM "$server_pid"
status=0
wait "$pid" || status=$?
if [ "$status" -ne 0 ]; then cat "$log"; echo "smoke: exit code $status after SIGTERM" >&2; exit 1; fi
echo "smoke: embedded default OK (SERVING, CreateAgent via buf curl, reflection, exit 0 on SIGTERM)"
