// Integration tests run the same suite on both engines: embedded PGlite and real PostgreSQL + PostGIS.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, openDatabase, type Database, type Engine } from '../../db/client.ts';
import { compactPgliteDump } from './pgliteDump.ts';

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
  const bytes = await compactPgliteDump(db);
  const part = `${file}.${process.pid}.part`;
  fs.writeFileSync(part, bytes);
  fs.renameSync(part, file); // atomic: a parallel file reads a whole dump or none
  return db;
}

function migratedDumpFile(): string {
  const hash = crypto.createHash('sha256').update('checkpointed dump'); // compactPgliteDump's
  for (const name of fs.readdirSync(MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
    const full = path.join(MIGRATIONS_DIR, name);
    if (fs.statSync(full).isFile()) hash.update(name).update(fs.readFileSync(full));
  }
  return path.join(os.tmpdir(), `hotline-pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
}

/**
 * The streaming standby of TEST_DATABASE_URL's server that replica tests read from (.ci/standby
 * makes it: port 5433). Missing means those tests fail loudly rather than skipping.
 */
export function testDatabaseReadUrl(): string {
  const url = process.env.TEST_DATABASE_READ_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_READ_URL is not set. Make the streaming standby of the test server (as root: bash .ci/standby) and export TEST_DATABASE_READ_URL=postgres://user:pass@127.0.0.1:5433/db (see README "Tests").',
    );
  }
  return url;
}

/** A server URL pointed at one test file's database. */
function fileDatabaseUrl(server: string, fileName: string): string {
  const url = new URL(server);
  url.pathname = `/${testDatabaseName(fileName)}`;
  return url.toString();
}

/**
 * A fresh, migrated PostgreSQL database for one test file whose dashboards read from the streaming
 * standby (TEST_DATABASE_READ_URL): `db` writes to the primary, `db.reads` reads the replica.
 * Returns once the standby has replayed the database's creation and migrations.
 */
export async function openReplicatedTestDatabase(name: string): Promise<Database> {
  await (await openTestDatabase('postgres', name)).close();
  const db = await openDatabase({
    databaseUrl: fileDatabaseUrl(testDatabaseUrl(), name),
    readUrls: [fileDatabaseUrl(testDatabaseReadUrl(), name)],
    migrate: false,
  });
  await waitForReplay(db);
  return db;
}

/**
 * Wait until the replica of `db` has replayed all the primary had flushed when this was called:
 * a state (pg_last_wal_replay_lsn), never a time. A database the standby has not created yet
 * (3D000) is "not yet".
 */
export async function waitForReplay(db: Database): Promise<void> {
  if (!db.reads.replica) return;
  const [{ lsn }] = (await db.primary.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn')) as [
    { lsn: string },
  ];
  for (;;) {
    const caught = await db.reads
      .query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn])
      .then(
        (r) => r[0]!.ok,
        (e: { code?: string }) => {
          if (e.code === '3D000') return false;
          throw e;
        },
      );
    if (caught) return;
    await new Promise((r) => setTimeout(r, 20));
  }
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
