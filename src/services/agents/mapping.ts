// Rows <-> messages for AgentService.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { embeddingFromSql } from '../../lib/vectors.js';
import { AgentSchema, AgentStatus, PersonaSchema, type Agent, type Persona } from '../../gen/proto/chimera/agents/v1/agents_pb.js';
import type { IGetAgentResult } from '../../gen/sql/agents/agents.queries.js';

export const agentStatusToRow: Partial<Record<AgentStatus, string>> = {
  [AgentStatus.ACTIVE]: 'ACTIVE',
  [AgentStatus.PAUSED]: 'PAUSED',
  [AgentStatus.ARCHIVED]: 'ARCHIVED',
};

const agentStatusFromRow: Record<string, AgentStatus> = {
  ACTIVE: AgentStatus.ACTIVE,
  PAUSED: AgentStatus.PAUSED,
  ARCHIVED: AgentStatus.ARCHIVED,
};

/** The persona as stored in the `persona` jsonb column. */
export type PersonaRow = {
  name: string;
  backstory: string;
  voice_traits: string[];
  core_beliefs: string[];
  directives: string[];
};

export function personaToRow(p: Persona | undefined): PersonaRow {
  return {
    name: p?.name ?? '',
    backstory: p?.backstory ?? '',
    voice_traits: p?.voiceTraits ?? [],
    core_beliefs: p?.coreBeliefs ?? [],
    directives: p?.directives ?? [],
  };
}

function personaFromRow(json: unknown): Persona {
  const p = { ...personaToRow(undefined), ...(json as Partial<PersonaRow>) };
  return create(PersonaSchema, {
    name: p.name,
    backstory: p.backstory,
    voiceTraits: p.voice_traits,
    coreBeliefs: p.core_beliefs,
    directives: p.directives,
  });
}

export function agentFromRow(row: IGetAgentResult): Agent {
  return create(AgentSchema, {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    status: agentStatusFromRow[row.status] ?? AgentStatus.UNSPECIFIED,
    persona: personaFromRow(row.persona),
    personaEmbedding: embeddingFromSql(row.persona_embedding),
    wallet: row.wallet_network || row.wallet_address ? { network: row.wallet_network, address: row.wallet_address } : undefined,
    metadata: row.metadata as JsonObject,
    createTime: timestampFromDate(row.create_time),
    updateTime: timestampFromDate(row.update_time),
    etag: row.version,
  });
}
