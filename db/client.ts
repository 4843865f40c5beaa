// Two engines, one SQL: embedded PGlite+PostGIS when DATABASE_URL is absent, PostgreSQL+PostGIS through pg otherwise.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';

export type Engine = 'pglite' | 'postgres';
export type Row = Record<string, unknown>;

/** What every caller needs from a database, whichever engine is behind it. */
export interface Queryable {
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  engine: Engine;
  /** drizzle over the same connection, for typed reads and writes. */
  orm: PgDatabase<PgQueryResultHKT, typeof schema>;
  /** Several statements separated by semicolons, no parameters. */
  exec(text: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Bulk load CSV text (no header) into table(columns) with COPY. */
  copyCsv(table: string, columns: string[], csv: string): Promise<void>;
  /** LISTEN on a channel; returns the function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** postgres:// URL; absent means embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data folder; 'memory://' keeps it in memory. */
  pgliteDir?: string;
  /** Run migrations on open (default true). */
  migrate?: boolean;
}

export function defaultPgliteDir(): string {
  return process.env.PGLITE_DIR ?? path.resolve(process.cwd(), '.data/pglite');
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  const db = url ? await openPostgres(url) : await openPglite(opts.pgliteDir ?? defaultPgliteDir());
  if (opts.migrate !== false) await runMigrations(db);
  return db;
}

export async function runMigrations(db: Database): Promise<void> {
  if (db.engine === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(db.orm as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(db.orm as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}

async function openPglite(dir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!dir.startsWith('memory://')) fs.mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir, { extensions: { postgis } });
  const orm = drizzle(pg, { schema }) as unknown as Database['orm'];
  const wrap = (q: { query: typeof pg.query }): Queryable => ({
    async query<T>(text: string, params?: unknown[]) {
      return (await q.query<T>(text, params as unknown[])).rows;
    },
  });
  return {
    engine: 'pglite',
    orm,
    ...wrap(pg),
    async exec(text) {
      await pg.exec(text);
    },
    transaction(fn) {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    async copyCsv(table, columns, csv) {
      await pg.query(`COPY ${table} (${columns.join(',')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
    },
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return unsub;
    },
    async close() {
      await pg.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pgMod = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { from: copyFrom } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const pool = new pgMod.default.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX ?? 10) });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const orm = drizzle(pool, { schema }) as unknown as Database['orm'];
  return {
    engine: 'postgres',
    orm,
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(text) {
      await pool.query(text);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<T>(text: string, params?: unknown[]) {
            return (await client.query(text, params)).rows as T[];
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = new pgMod.default.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel === channel) onPayload(n.payload ?? '');
      });
      await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    async close() {
      await pool.end();
    },
  };
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
