// Integration tests run the same suite on both engines: embedded PGlite and real PostgreSQL + PostGIS.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dumpPglite, MIGRATIONS_DIR, openDatabase, type Database, type Engine } from '../../db/client.ts';

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

/**
 * A fresh in-memory PGlite with every migration applied. Creating the cluster, PostGIS and the
 * migrations costs 10-20 s a database; the first file of a run that needs one dumps the result to
 * a file named by the migrations' contents, and every later open loads that file (a few seconds).
 * A changed migration changes the name, so a stale dump is never loaded.
 */
export async function openMigratedPglite(): Promise<Database> {
  const file = migratedDumpFile();
  if (fs.existsSync(file))
    return openDatabase({
      databaseUrl: '',
      pgliteDir: 'memory://',
      pgliteLoadDataDir: new Blob([fs.readFileSync(file)]),
      migrate: false,
    });
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  const bytes = Buffer.from(await (await dumpPglite(db)).arrayBuffer());
  const part = `${file}.${process.pid}.part`;
  fs.writeFileSync(part, bytes);
  fs.renameSync(part, file); // atomic: a parallel file reads a whole dump or none
  return db;
}

function migratedDumpFile(): string {
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
    const full = path.join(MIGRATIONS_DIR, name);
    if (fs.statSync(full).isFile()) hash.update(name).update(fs.readFileSync(full));
  }
  return path.join(os.tmpdir(), `hotline-pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
}

async function openFresh(engine: Engine, fileName: string): Promise<Database> {
  if (engine === 'pglite') return openMigratedPglite();
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
