// What a client is told when the database connection under its call broke: Unavailable, which it
// retries, never Internal. Found by the reliability run (test/reliability/bank.test.ts): a
// statement sent on a client whose backend had just been terminated failed with pg's "not
// queryable" error, which was answered Internal.
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import pg from 'pg';
import { toClientError } from '../src/db/errors.js';
import { ErrorInfoSchema } from '../src/gen/proto/google/rpc/error_details_pb.js';
import { testEnv } from './support/environment.js';

describe('database connection errors', () => {
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs a real PostgreSQL server (pg_terminate_backend); set DATABASE_URL');
      this.skip();
    }
  });

  it('a statement sent on a connection whose backend was terminated is Unavailable (DATABASE_UNAVAILABLE), not Internal', async () => {
    const client = new pg.Client({ connectionString: testEnv().directUrl });
    await client.connect();
    const broke = new Promise<void>((resolve) => client.once('error', () => resolve()));
    try {
      const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
      await testEnv().pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await broke;
      const failure = await client.query('SELECT 1').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect((failure as Error).message, 'pg refuses the statement itself').to.match(/not queryable/);
      const mapped = toClientError(failure);
      expect(Code[mapped.code], mapped.rawMessage).to.equal('Unavailable');
      expect(mapped.findDetails(ErrorInfoSchema)[0]?.reason).to.equal('DATABASE_UNAVAILABLE');
    } finally {
      await client.end().catch(() => {});
    }
  });
});
