// The responses that carry one Agent (Get, Create, Update, Archive), encoded by hand for the lean
// gRPC path: protobuf-es's reflective toBinary took about 18 µs for a GetAgent response, this about
// 3 µs, for the same bytes (test/agent-encoding.test.ts compares them over generated agents, and
// fails when the .proto gains a field this file does not write). Messages with unknown fields go
// to toBinary.
import type { DescMessage, JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import {
  ArchiveAgentResponseSchema,
  CreateAgentResponseSchema,
  GetAgentResponseSchema,
  UpdateAgentResponseSchema,
  type Agent,
} from '../../gen/proto/chimera/agents/v1/agents_pb.js';
import { ProtobufWriter } from '../../lib/protobuf-writer.js';

/** A response message of one of these types: an Agent in field 1, nothing else. */
interface AgentResponse {
  agent?: Agent;
  $unknown?: unknown[];
}

/** The bytes of `response`, or undefined when it is one this encoder leaves to toBinary. */
export function encodeAgentResponse(response: AgentResponse): Uint8Array | undefined {
  const agent = response.agent;
  if (response.$unknown?.length || (agent && hasUnknownFields(agent))) return undefined;
  const w = new ProtobufWriter();
  if (agent) {
    const at = w.begin(1);
    writeAgent(w, agent);
    w.end(at);
  }
  return w.finish();
}

/** The response types encodeAgentResponse writes. */
export const AGENT_RESPONSES: readonly DescMessage[] = [GetAgentResponseSchema, CreateAgentResponseSchema, UpdateAgentResponseSchema, ArchiveAgentResponseSchema];

// Fields in field-number order, and proto3's defaults (empty, zero) left out, as toBinary writes them.
function writeAgent(w: ProtobufWriter, a: Agent): void {
  if (a.id !== '') w.string(1, a.id);
  if (a.handle !== '') w.string(2, a.handle);
  if (a.displayName !== '') w.string(3, a.displayName);
  if (a.status !== 0) w.int32(4, a.status);
  if (a.persona) {
    const p = a.persona;
    const at = w.begin(5);
    if (p.name !== '') w.string(1, p.name);
    if (p.backstory !== '') w.string(2, p.backstory);
    for (const s of p.voiceTraits) w.string(3, s);
    for (const s of p.coreBeliefs) w.string(4, s);
    for (const s of p.directives) w.string(5, s);
    w.end(at);
  }
  w.packedFloats(6, a.personaEmbedding);
  if (a.wallet) {
    const at = w.begin(7);
    if (a.wallet.network !== '') w.string(1, a.wallet.network);
    if (a.wallet.address !== '') w.string(2, a.wallet.address);
    w.end(at);
  }
  if (a.metadata) {
    const at = w.begin(8);
    writeStruct(w, a.metadata);
    w.end(at);
  }
  writeTimestamp(w, 9, a.createTime);
  writeTimestamp(w, 10, a.updateTime);
  if (a.etag !== '') w.string(11, a.etag);
}

function writeTimestamp(w: ProtobufWriter, field: number, t: Timestamp | undefined): void {
  if (!t) return;
  const at = w.begin(field);
  if (t.seconds !== 0n) w.int64(1, t.seconds);
  if (t.nanos !== 0) w.int32(2, t.nanos);
  w.end(at);
}

/** google.protobuf.Struct: one map entry (key 1, Value 2) per property, in the object's order. */
function writeStruct(w: ProtobufWriter, object: JsonObject): void {
  for (const [key, value] of Object.entries(object)) {
    // protobuf-es drops this key (its assignment to a plain object sets the prototype instead).
    if (key === '__proto__') continue;
    const entry = w.begin(1);
    w.string(1, key);
    const at = w.begin(2);
    writeValue(w, value);
    w.end(at);
    w.end(entry);
  }
}

/** google.protobuf.Value: a oneof, so even a zero, an empty string or false is written. */
function writeValue(w: ProtobufWriter, value: JsonValue): void {
  if (value === null) w.int32(1, 0);
  else if (typeof value === 'number') w.double(2, value);
  else if (typeof value === 'string') w.string(3, value);
  else if (typeof value === 'boolean') w.bool(4, value);
  else if (Array.isArray(value)) {
    const list = w.begin(6);
    for (const item of value) {
      const at = w.begin(1);
      writeValue(w, item);
      w.end(at);
    }
    w.end(list);
  } else {
    const at = w.begin(5);
    writeStruct(w, value);
    w.end(at);
  }
}

function hasUnknownFields(a: Agent): boolean {
  const nested = [a, a.persona, a.wallet, a.createTime, a.updateTime] as Array<{ $unknown?: unknown[] } | undefined>;
  return nested.some((m) => m?.$unknown?.length);
}
