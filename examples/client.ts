// A TypeScript client of chimera-core: createChimeraClient gives one typed client per service over
// binary gRPC (HTTP/2), with the API key as a bearer token, and retries what is safe to retry.
// Run it against a server with `CHIMERA_API_KEY=chk_... npx tsx examples/client.ts`.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createChimeraClient } from 'chimera-core';
import type { Agent } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';

/** Creates an agent with the given handle and reads it back. */
export async function createAndGetAgent(baseUrl: string, apiKey: string, handle: string): Promise<Agent> {
  const { agents } = createChimeraClient({ baseUrl, apiKey, transport: 'grpc' });
  // A client-chosen id makes the create safe to retry: the same request returns the same agent.
  const { agent } = await agents.createAgent({
    agent: { id: randomUUID(), handle, displayName: 'Nova', persona: { name: 'Nova', voiceTraits: ['witty'] } },
  });
  const { agent: stored } = await agents.getAgent({ id: agent!.id });
  return stored!;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const baseUrl = process.env.CHIMERA_URL ?? 'http://localhost:8080';
  createAndGetAgent(baseUrl, process.env.CHIMERA_API_KEY ?? '', `nova_${Date.now()}`).then(
    (agent) => console.log(`created and read back agent ${agent.handle} (${agent.id}), etag ${agent.etag}`),
    (err: unknown) => {
      console.error(String(err));
      process.exitCode = 1;
    },
  );
}
