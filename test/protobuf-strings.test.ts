// protobuf-es encoding strings with Buffer.from (src/lib/protobuf-strings.ts) gives exactly the
// bytes of its own TextEncoder, lone surrogates included.
import { create, toBinary } from '@bufbuild/protobuf';
import { configureTextEncoding, getTextEncoding } from '@bufbuild/protobuf/wire';
import { expect } from 'chai';
import fc from 'fast-check';
import { encodeProtobufStringsWithBuffer } from '../src/lib/protobuf-strings.js';
import { GetAgentResponseSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';

describe('protobuf strings encoded with Buffer.from', () => {
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('\ud800', 'a\udfffb', '\udbff\ud800', '€𝄞'));
  const response = (s: string) =>
    create(GetAgentResponseSchema, {
      agent: { id: s, handle: s, displayName: s, persona: { name: s, voiceTraits: [s, s] }, metadata: { [s]: s, n: 1 } },
    });

  it('are the bytes TextEncoder gives, alone and in a whole response', () => {
    encodeProtobufStringsWithBuffer();
    const viaBuffer = getTextEncoding();
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(text, (s) => {
        expect(Buffer.compare(Buffer.from(viaBuffer.encodeUtf8(s)), Buffer.from(encoder.encode(s)))).to.equal(0);
        const withBuffer = toBinary(GetAgentResponseSchema, response(s));
        configureTextEncoding({ ...viaBuffer, encodeUtf8: (t) => encoder.encode(t) });
        try {
          expect(Buffer.from(withBuffer).equals(Buffer.from(toBinary(GetAgentResponseSchema, response(s))))).to.equal(true);
        } finally {
          configureTextEncoding(viaBuffer);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
