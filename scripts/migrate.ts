// `npm run migrate`: applies the pending migrations, as the schema's owner (CHIMERA_MIGRATION_URL,
// else DATABASE_URL), with the same dbmate call that `npm start` makes, for deployments that start
// with CHIMERA_AUTO_MIGRATE=false and migrate as a step of their own. Exits 0 when the schema is
// current, 1 when migrating failed, 2 when misused.
import { applyMigrations, expectedVersions, pendingMigrations } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { silentLogger } from '../src/lib/log.js';

const url = process.env.CHIMERA_MIGRATION_URL || process.env.DATABASE_URL;
if (!url) {
  console.error('migrate: neither CHIMERA_MIGRATION_URL nor DATABASE_URL is set; one names the PostgreSQL database to migrate, as its owner');
  process.exit(2);
}
// Where, as a person would name it: never the password.
const parsed = new URL(url);
const where = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;

const pool = createPool(url, 1, silentLogger);
try {
  const pending = await pendingMigrations(pool).catch((err: { code?: string }) => {
    // dbmate creates a database that does not exist yet; everything is pending in it.
    if (err.code === '3D000') return expectedVersions();
    throw err;
  });
  if (pending.length === 0) {
    console.log(`migrate: ${where} is up to date (${expectedVersions().length} migrations applied)`);
  } else {
    console.log(`migrate: applying ${pending.length} pending migration(s) to ${where}`);
    await applyMigrations(url, (line) => console.log(`  ${line}`));
    console.log(`migrate: ${where} is up to date`);
  }
} catch (err) {
  console.error(`migrate: migrating ${where} failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
