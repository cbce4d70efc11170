import fc from 'fast-check';
import { expect } from 'chai';
import utils from 'pg/lib/utils.js';
import { flatArrayLiteral, runPipelined } from '../src/db/pipeline.js';
import { testEnv } from './support/environment.js';

describe('pipelined statements: array parameters', () => {
  const element = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\\"', 'NULL', '', ' ', '{a,b}'), fc.integer(), fc.boolean(), fc.constant(null));

  it("the fast path builds exactly pg's own array literal", () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 20 }), (values) => {
        expect(flatArrayLiteral(values)).to.equal(utils.prepareValue(values));
      }),
      { numRuns: 500 },
    );
  });

  it("builds pg's own literal for arrays of strings only, escaped or not", () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.uuid(), fc.constantFrom('"', '\\', 'a,b', ''));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 20 }), (values) => {
        expect(flatArrayLiteral(values)).to.equal(utils.prepareValue(values));
      }),
      { numRuns: 500 },
    );
  });

  it('sends the holes of a sparse array as NULL, as pg does', () => {
    const sparse = ['a', 'b', 'c'];
    delete sparse[1];
    expect(flatArrayLiteral(sparse)).to.equal(utils.prepareValue(sparse)).and.to.equal('{"a",NULL,"c"}');
  });

  it('leaves arrays of other kinds (nested, dates, objects) to pg', () => {
    expect(flatArrayLiteral([[1]])).to.equal(undefined);
    expect(flatArrayLiteral([new Date()])).to.equal(undefined);
    expect(flatArrayLiteral([{ a: 1 }])).to.equal(undefined);
  });

  it('PostgreSQL reads back every string it was sent', async () => {
    const strings = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000')), fc.constant(null)), { maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(strings, async (values) => {
        const { rows } = await testEnv().pool.query('SELECT $1::text[] AS v', [flatArrayLiteral(values)]);
        expect(rows[0].v).to.deep.equal(values);
      }),
      { numRuns: 100 },
    );
  });
});

describe('pipelined statements: results', () => {
  it("each statement's rows, with pgtyped's nullability hints dropped from the column names and values parsed as pg parses them", async () => {
    const client = await testEnv().pool.connect();
    try {
      const results = await runPipelined(client, [
        { text: `SELECT 1::int AS "a!", NULL::text AS "b?", 'x' AS c, true AS "why!?"`, values: [] },
        { text: 'SELECT g AS "n!" FROM generate_series(1, $1::int) g', values: [3] },
        { text: 'SELECT 1 WHERE false', values: [] },
      ]);
      expect(results).to.deep.equal([[{ a: 1, b: null, c: 'x', 'why!': true }], [{ n: 1 }, { n: 2 }, { n: 3 }], []]);
    } finally {
      client.release();
    }
  });
});
