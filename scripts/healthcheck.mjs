// The container's health probe (Dockerfile HEALTHCHECK): asks grpc.health.v1.Health/Check over
// Connect JSON on this host's PORT and exits 0 only for SERVING. Plain JavaScript so that a probe
// every few seconds costs one node start, without tsx.
const port = process.env.PORT || '8080';
const url = `http://127.0.0.1:${port}/grpc.health.v1.Health/Check`;

try {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(4000),
  });
  const body = await res.json();
  if (res.ok && body.status === 'SERVING') process.exit(0);
  console.error(`healthcheck: ${url} answered ${res.status} ${JSON.stringify(body)}`);
} catch (err) {
  console.error(`healthcheck: ${url} did not answer: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(1);
