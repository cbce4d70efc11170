import fc from 'fast-check';
import { expect } from 'chai';
import { binary, encodeArray, type BinaryElement } from '../src/db/binary-arrays.js';
import { runPipelined } from '../src/db/pipeline.js';
import { testEnv } from './support/environment.js';

/** What PostgreSQL reads from `values` sent as a binary array of `type`, as text[]. */
async function roundTrip(type: BinaryElement, values: unknown[]): Promise<(string | null)[]> {
  const client = await testEnv().pool.connect();
  try {
    const [rows] = await runPipelined(client, [{ text: `SELECT $1::${type}[]::text[] AS "v!"`, values: [binary(type, values)] }]);
    return rows[0].v as (string | null)[];
  } finally {
    client.release();
  }
}

/** The same values sent as text, the way every other parameter goes. */
async function asText(type: BinaryElement, values: unknown[]): Promise<(string | null)[]> {
  const { rows } = await testEnv().pool.query(`SELECT $1::${type}[]::text[] AS v`, [values]);
  return rows[0].v as (string | null)[];
}

describe('binary array parameters', () => {
  it('PostgreSQL reads numerics of up to 38 digits, signed or not, and zeros as it reads their text', async () => {
    const integer = fc.oneof(
      fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }).map(String),
      fc.constantFrom('0', '-0', '0007', '10000', '100000000', '99999999999999999999999999999999999999', '1230000'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(integer, fc.constant(null)), { maxLength: 30 }), async (values) => {
        expect(await roundTrip('numeric', values)).to.deep.equal(await asText('numeric', values));
      }),
      { numRuns: 150 },
    );
  });

  it('PostgreSQL reads uuids in either case, and NULLs', async () => {
    const id = fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(id, fc.constant(null)), { maxLength: 30 }), async (values) => {
        expect(await roundTrip('uuid', values)).to.deep.equal(await asText('uuid', values));
      }),
      { numRuns: 100 },
    );
  });

  it('PostgreSQL reads bigints, integers, booleans and text', async () => {
    const cases: Array<[BinaryElement, unknown[]]> = [
      ['int8', ['0', '-1', '9223372036854775807', '-9223372036854775808', 42n, null]],
      ['int4', [0, -1, 2147483647, -2147483648, null]],
      ['bool', [true, false, null]],
      ['text', ['', 'plain', 'comma, "quote" and \\ backslash', 'ünïcødé 😀', 'NULL', null]],
    ];
    for (const [type, values] of cases) expect(await roundTrip(type, values), type).to.deep.equal(await asText(type, values));
  });

  it('sends an empty array as one with no dimensions', async () => {
    for (const type of ['uuid', 'numeric', 'int8', 'int4', 'bool', 'text'] as const) expect(await roundTrip(type, [])).to.deep.equal([]);
  });

  it('refuses values that are not of the element type before anything is sent', () => {
    expect(() => encodeArray('uuid', ['not-a-uuid'])).to.throw(TypeError, /not a uuid/);
    expect(() => encodeArray('uuid', ['0000000g-0000-4000-8000-000000000000'])).to.throw(TypeError, /not a uuid/);
    expect(() => encodeArray('numeric', ['1.5'])).to.throw(TypeError, /not an integer/);
    expect(() => encodeArray('numeric', ['1e3'])).to.throw(TypeError, /not an integer/);
    expect(() => encodeArray('numeric', [''])).to.throw(TypeError, /not an integer/);
    expect(() => encodeArray('numeric', ['-'])).to.throw(TypeError, /not an integer/);
    expect(() => encodeArray('numeric', ['12-3'])).to.throw(TypeError, /not an integer/);
    expect(() => encodeArray('int4', [2 ** 31])).to.throw(RangeError);
    for (const notInteger of ['', ' 12 ', '0x10', '1.0', true]) {
      expect(() => encodeArray('int8', [notInteger]), String(notInteger)).to.throw(TypeError);
      expect(() => encodeArray('int4', [notInteger]), String(notInteger)).to.throw(TypeError);
    }
    expect(() => encodeArray('int8', ['9223372036854775808'])).to.throw(RangeError);
    expect(() => encodeArray('bool', ['true'])).to.throw(TypeError);
  });

  it('a value that cannot be encoded fails its call alone, and the connection goes on working', async () => {
    const client = await testEnv().pool.connect();
    try {
      const bad = runPipelined(client, [
        { text: 'SELECT 1 AS "one!"', values: [] },
        { text: 'SELECT cardinality($1::uuid[]) AS "n!"', values: [binary('uuid', ['not-a-uuid'])] },
      ]);
      await bad.then(
        () => expect.fail('should have been refused'),
        (err: unknown) => expect(String(err)).to.match(/not a uuid/),
      );
      const [rows] = await runPipelined(client, [{ text: 'SELECT cardinality($1::uuid[]) AS "n!"', values: [binary('uuid', ['00000000-0000-4000-8000-000000000000'])] }]);
      expect(rows).to.deep.equal([{ n: 1 }]);
    } finally {
      client.release();
    }
  });

  it('keeps the marked array an ordinary array for everything else', () => {
    const values = binary('uuid', ['00000000-0000-4000-8000-000000000000']);
    expect(values).to.deep.equal(['00000000-0000-4000-8000-000000000000']);
    expect(JSON.stringify(values)).to.equal('["00000000-0000-4000-8000-000000000000"]');
  });
});
