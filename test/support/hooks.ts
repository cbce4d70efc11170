// Root hooks: one database and one server for the whole run. Against DATABASE_URL when set (a real
// PostgreSQL, migrated here), else an in-memory embedded PGlite.
import { startTestEnvironment, stopTestEnvironment } from './environment.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startTestEnvironment();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestEnvironment();
  },
};
