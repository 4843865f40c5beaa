// Integration tests run the same suite on both engines: embedded PGlite and real PostgreSQL + PostGIS.
import pg from 'pg';
import { openDatabase, type Database, type Engine } from '../../db/client.ts';

export const ENGINES: Engine[] = ['pglite', 'postgres'];

/** The PostgreSQL server tests use; missing means the suite fails loudly rather than skipping. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set. Start PostgreSQL + PostGIS and export TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db (see README "Tests").',
    );
  }
  return url;
}

/**
 * A fresh, migrated database for one test file. On PostgreSQL each file gets its own database
 * (`name`) so files can run in parallel; its schema is dropped and rebuilt on every open.
 */
export async function openTestDatabase(engine: Engine, name: string): Promise<Database> {
  return withSuiteZone(await openFresh(engine, name));
}

/**
 * The database cuts days in the city's zone (meta 'city.time_zone', written by a city package's
 * import); a test database that imports no package gets the suite's zone (tests/vitest.config.ts).
 */
async function withSuiteZone(db: Database): Promise<Database> {
  const zone = process.env.CITY_TIME_ZONE;
  if (zone)
    await db.query(
      `INSERT INTO meta (key, value) VALUES ('city.time_zone', to_jsonb($1::text)) ON CONFLICT (key) DO NOTHING`,
      [zone],
    );
  return db;
}

/** A test file's PostgreSQL database; TEST_DB_PREFIX lets two checkouts run one file at once. */
export function testDatabaseName(fileName: string): string {
  return `${process.env.TEST_DB_PREFIX ?? ''}${fileName}`;
}

async function openFresh(engine: Engine, fileName: string): Promise<Database> {
  if (engine === 'pglite') return openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  const name = testDatabaseName(fileName);
  const base = new URL(testDatabaseUrl());
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const reset = new pg.Client({ connectionString: url.toString() });
  await reset.connect();
  await reset.query(
    'DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; CREATE SCHEMA public;',
  );
  await reset.end();
  return openDatabase({ databaseUrl: url.toString() });
}
