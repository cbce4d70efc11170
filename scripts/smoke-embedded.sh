#!/usr/bin/env bash
# Smoke test of the embedded default, as a newcomer would meet it: `npm start` with no
# DATABASE_URL, wait for SERVING, create an agent with `buf curl` using the printed key, then
# SIGTERM to npm and expect exit code 0 and the port closed.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SMOKE_PORT:-18099}
base="http://127.0.0.1:$port"
log=$(mktemp)
buf() { timeout 20 npx --no-install buf curl --http2-prior-knowledge "$@"; }

env -u DATABASE_URL PORT="$port" CHIMERA_DATA="${SMOKE_DATA:-memory}" npm start >"$log" 2>&1 &
pid=$!
cleanup() {
  # The service's own pid from its "serving" line: if it outlived npm, it was orphaned and no
  # longer npm's child.
  local server_pid
  server_pid=$(grep -o '"msg":"serving","port":[0-9]*,"pid":[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
  kill "$pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
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

# SIGTERM to npm itself, as a container runtime or process manager sends it: npm forwards it to its
# script's process, which must be node (`exec` in the start script), so the service drains, npm
# exits 0 and nothing keeps the port.
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
if [ "$status" -ne 0 ]; then cat "$log"; echo "smoke: npm exited $status after SIGTERM" >&2; exit 1; fi
grep -q '"msg":"stopped"' "$log" || { cat "$log"; echo "smoke: the service did not stop gracefully" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "smoke: port $port still open after npm exited" >&2
  exit 1
fi
echo "smoke: embedded default OK (SERVING, CreateAgent via buf curl, reflection, npm exits 0 on SIGTERM, port closed)"
