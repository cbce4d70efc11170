// The hand-written encoder of the responses that carry one Agent (src/services/agents/encoding.ts)
// writes exactly the bytes of protobuf-es's toBinary, and knows every field the .proto has.
import { create, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import fc from 'fast-check';
import { AgentSchema, GetAgentResponseSchema, PersonaSchema, WalletSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { encodeProtobufStringsWithBuffer } from '../src/lib/protobuf-strings.js';
import { AGENT_RESPONSES, encodeAgentResponse } from '../src/services/agents/encoding.js';

const fieldsOf = (schema: DescMessage) => schema.fields.map((f) => `${f.number} ${f.name}`);

const text = fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 300 }));
const float32 = fc.oneof(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 0.1, 1e-40));
const agentInit = fc.record(
  {
    id: text,
    handle: text,
    displayName: text,
    status: fc.constantFrom(0, 1, 2, 3, 7, -1),
    persona: fc.record({ name: text, backstory: fc.oneof(text, fc.constant('b'.repeat(20_000))), voiceTraits: fc.array(text, { maxLength: 3 }), coreBeliefs: fc.array(text, { maxLength: 3 }), directives: fc.array(text, { maxLength: 3 }) }, { requiredKeys: [] }),
    personaEmbedding: fc.oneof(fc.array(float32, { maxLength: 40 }), fc.constant(Array.from({ length: 1536 }, (_, i) => i / 1536))),
    wallet: fc.record({ network: text, address: text }, { requiredKeys: [] }),
    metadata: fc.dictionary(text, fc.jsonValue({ maxDepth: 3 })),
    createTime: fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }).map(timestampFromMs),
    updateTime: fc.constantFrom(0, 1, -1, 1_700_000_000_123).map(timestampFromMs),
    etag: text,
  },
  { requiredKeys: [] },
);

describe('the hand-written Agent response encoder', () => {
  before(encodeProtobufStringsWithBuffer);

  it('covers every field of the .proto: a new field must be written by the encoder first', () => {
    expect(fieldsOf(AgentSchema)).to.deep.equal([
      '1 id', '2 handle', '3 display_name', '4 status', '5 persona', '6 persona_embedding', '7 wallet', '8 metadata', '9 create_time', '10 update_time', '11 etag',
    ]);
    expect(fieldsOf(PersonaSchema)).to.deep.equal(['1 name', '2 backstory', '3 voice_traits', '4 core_beliefs', '5 directives']);
    expect(fieldsOf(WalletSchema)).to.deep.equal(['1 network', '2 address']);
    for (const schema of AGENT_RESPONSES) {
      expect(fieldsOf(schema), schema.typeName).to.deep.equal(['1 agent']);
      expect(schema.fields[0].message, schema.typeName).to.equal(AgentSchema);
    }
  });

  it("writes toBinary's bytes for every kind of agent, and for none", () => {
    fc.assert(
      fc.property(fc.option(agentInit, { nil: undefined }), fc.constantFrom(...AGENT_RESPONSES), (agent, schema) => {
        const response = create(schema, { agent } as never);
        const ours = encodeAgentResponse(response as never);
        expect(ours).to.not.equal(undefined);
        expect(Buffer.from(ours!).equals(Buffer.from(toBinary(schema, response)))).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a message with unknown fields to toBinary', () => {
    const response = create(GetAgentResponseSchema, { agent: { id: 'a' } });
    response.agent!.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];
    expect(encodeAgentResponse(response)).to.equal(undefined);
  });
});
