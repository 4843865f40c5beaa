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
  /**
   * A transaction that only reads (SET TRANSACTION READ ONLY first; SET LOCAL is allowed). It runs
   * where `query` runs: on a replica for `reads`.
   */
  readTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Where dashboards and analyses read. With DATABASE_READ_URL (one or more replicas) `query`, `orm`
   * and `readTransaction` go to the replicas, round robin; `transaction`, `exec`, `copyCsv` and
   * `listen` still go to the primary, so a read path that must write (a stored ranking month) still
   * can. Without replicas it is this database itself.
   */
  reads: Database;
  /** The primary: this database itself, unless this is another database's `reads`. */
  primary: Database;
  /** Whether `query` reads a replica (which may lag the primary). */
  replica: boolean;
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
  /** A PGlite data folder dumped earlier (dumpPglite) to start from, e.g. a prepared test city. */
  pgliteLoadDataDir?: Blob;
  /**
   * postgres:// URLs of read replicas (streaming standbys, or PgBouncer in front of them). Absent:
   * DATABASE_READ_URL (comma-separated) when the primary also came from the environment.
   */
  readUrls?: string[];
}

/** DATABASE_READ_URL's URLs: one or more, separated by commas. */
export function parseReadUrls(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

export function defaultPgliteDir(): string {
  return process.env.PGLITE_DIR ?? path.resolve(process.cwd(), '.data/pglite');
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  const readUrls =
    opts.readUrls ?? (opts.databaseUrl === undefined ? parseReadUrls(process.env.DATABASE_READ_URL) : []);
  if (readUrls.length > 0 && !url)
    throw new Error('DATABASE_READ_URL names read replicas of a PostgreSQL primary: set DATABASE_URL too');
  const db = url
    ? await openPostgres(url, readUrls)
    : await openPglite(opts.pgliteDir ?? defaultPgliteDir(), opts.pgliteLoadDataDir);
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

async function openPglite(dir: string, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!dir.startsWith('memory://')) fs.mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir, { extensions: { postgis }, ...(loadDataDir ? { loadDataDir } : {}) });
  const orm = drizzle(pg, { schema }) as unknown as Database['orm'];
  // SLOW_QUERY_MS=N (diagnosis): statements slower than N ms, their wait for the engine included, are logged.
  const slowMs = Number(process.env.SLOW_QUERY_MS ?? 0);
  const wrap = (q: { query: typeof pg.query }): Queryable => ({
    async query<T>(text: string, params?: unknown[]) {
      if (!(slowMs > 0)) return (await q.query<T>(text, params as unknown[])).rows;
      const t0 = performance.now();
      const rows = (await q.query<T>(text, params as unknown[])).rows;
      const ms = performance.now() - t0;
      if (ms >= slowMs)
        console.log(
          `[slow query] ${Math.round(ms)} ms, ${rows.length} rows: ${text.replace(/\s+/g, ' ').slice(0, 140)}`,
        );
      return rows;
    },
  });
  const db: Database = {
    engine: 'pglite',
    orm,
    ...wrap(pg),
    async exec(text) {
      await pg.exec(text);
    },
    transaction(fn) {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    readTransaction(fn) {
      return pg.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        return fn(wrap(tx));
      });
    },
    reads: undefined as unknown as Database,
    primary: undefined as unknown as Database,
    replica: false,
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
  // The embedded engine has no replica: it reads where it writes.
  db.reads = db;
  db.primary = db;
  return db;
}

async function openPostgres(url: string, readUrls: string[]): Promise<Database> {
  const pgMod = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { from: copyFrom } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  // No connect timeout: under load requests queue for a pooled connection, and a wait there is not
  // an outage. A server that is down refuses connections at once (ECONNREFUSED → 503).
  const pool = new pgMod.default.Pool({
    connectionString: url,
    max: Number(process.env.PG_POOL_MAX ?? 10),
    keepAlive: true,
  });
  // Transactions (intake, actions, the clock, imports) get connections of their own: a queue of
  // heavy dashboard reads must never hold a caller's ticket back.
  const writePool = new pgMod.default.Pool({
    connectionString: url,
    max: Number(process.env.PG_WRITE_POOL_MAX ?? 4),
    keepAlive: true,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // drops it and opens fresh connections on demand, so service resumes once the server is back.
  // A checked-out client has no pool listener: its connection dying between two statements of a
  // transaction would be an uncaught 'error' event and kill the process. The failing statement
  // reports it instead (503), and the pool discards the client on release.
  // Replicas: plain pooled connections that keep no session state (no SET, no LISTEN, no temporary
  // table, no named prepared statement: node-postgres sends each parameterised query as an unnamed
  // statement inside its own round trip), so PgBouncer in transaction mode may sit in front of them.
  const readPools = readUrls.map(
    (u) =>
      new pgMod.default.Pool({
        connectionString: u,
        max: Number(process.env.PG_READ_POOL_MAX ?? 10),
        keepAlive: true,
      }),
  );
  for (const p of [pool, writePool, ...readPools]) {
    p.on('error', () => {});
    p.on('connect', (client) => {
      client.on('error', () => {});
    });
  }
  const orm = drizzle(pool, { schema }) as unknown as Database['orm'];
  const db: Database = {
    engine: 'postgres',
    orm,
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(text) {
      await pool.query(text);
    },
    transaction: (fn) => inTransaction(writePool, false, fn),
    readTransaction: (fn) => inTransaction(pool, true, fn),
    reads: undefined as unknown as Database,
    primary: undefined as unknown as Database,
    replica: false,
    async copyCsv(table, columns, csv) {
      const client = await writePool.connect();
      try {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        client.release();
      }
    },
    listen(channel, onPayload) {
      return listenForever(() => new pgMod.default.Client({ connectionString: url }), channel, onPayload);
    },
    async close() {
      await Promise.all([pool.end(), writePool.end(), ...readPools.map((p) => p.end())]);
    },
  };
  db.primary = db;
  db.reads = readPools.length === 0 ? db : replicaView(db, readPools, drizzle);
  return db;
}

type Pool = import('pg').Pool;

/** BEGIN … COMMIT on one pooled connection; a read-only one may run SET LOCAL but writes nothing. */
async function inTransaction<T>(pool: Pool, readOnly: boolean, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    const result = await fn({
      async query<T>(text: string, params?: unknown[]) {
        return (await client.query(text, params)).rows as T[];
      },
    });
    await client.query('COMMIT');
    return result;
  } catch (e) {
    broken = !hasSqlState(e);
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    // A connection that failed (rather than a statement the server refused) is discarded.
    client.release(broken || undefined);
  }
}

/**
 * The primary as seen by dashboards: reads (query, orm, readTransaction) on the replicas, one
 * statement or read-only transaction per replica in turn; everything else on the primary.
 * A replica that cannot be reached (connection refused or lost, not a statement it refused) is set
 * aside for `REPLICA_RETRY_MS` (default 5 s) and the read is retried on the next replica, or on the
 * primary when none is left: a dead standby slows dashboards down but never fails them. Only reads
 * are retried, so a retry changes nothing.
 */
function replicaView(
  primary: Database,
  readPools: Pool[],
  drizzle: (typeof import('drizzle-orm/node-postgres'))['drizzle'],
): Database {
  let next = 0;
  const retryMs = Number(process.env.REPLICA_RETRY_MS ?? 5000);
  const downUntil = readPools.map(() => 0);
  /** The replicas to try, in round-robin order from the next one, skipping those set aside. */
  const order = (): number[] => {
    const now = Date.now();
    const start = next++;
    const out: number[] = [];
    for (let i = 0; i < readPools.length; i++) {
      const k = (start + i) % readPools.length;
      if (downUntil[k]! <= now) out.push(k);
    }
    return out;
  };
  const tryReplicas = async <T>(onReplica: (p: Pool) => Promise<T>, onPrimary: () => Promise<T>): Promise<T> => {
    for (const k of order()) {
      try {
        return await onReplica(readPools[k]!);
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        downUntil[k] = Date.now() + retryMs;
      }
    }
    return onPrimary();
  };
  const orms = readPools.map((p) => drizzle(p, { schema }) as unknown as Database['orm']);
  const view: Database = {
    ...primary,
    replica: true,
    get orm() {
      return orms[order()[0] ?? -1] ?? primary.orm;
    },
    query<T>(text: string, params?: unknown[]) {
      return tryReplicas(
        async (p) => (await p.query(text, params)).rows as T[],
        () => primary.query<T>(text, params),
      );
    },
    readTransaction: (fn) =>
      tryReplicas(
        (p) => inTransaction(p, true, fn),
        () => primary.readTransaction(fn),
      ),
  };
  view.reads = view;
  view.primary = primary;
  return view;
}

/** The server could not be reached or went away (not a statement it refused, not the caller's own error). */
export function isConnectionError(e: unknown): boolean {
  const code = String((e as { code?: unknown } | null)?.code ?? '');
  if (/^(08|57P0)/.test(code)) return true;
  if (/^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|PIPE|TIMEDOUT|AI_AGAIN)$|^ENOTFOUND$/.test(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  return /^Connection terminated|^Client has encountered a connection error|^connect ECONNREFUSED/.test(msg);
}

const hasSqlState = (e: unknown) =>
  /^[0-9A-Z]{5}$/.test(String((e as { code?: unknown } | null)?.code ?? '')) &&
  !/^(08|57P)/.test(String((e as { code: string }).code));

interface ListenClient {
  on(event: 'error' | 'end', fn: () => void): unknown;
  on(event: 'notification', fn: (n: { channel: string; payload?: string }) => void): unknown;
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}

/**
 * A LISTEN that survives the server going away: the dedicated connection is re-opened with
 * back-off until it works, and each re-listen calls onPayload('') once, because notifications sent
 * while nobody listened are gone and subscribers must re-read what they missed.
 */
async function listenForever(
  make: () => ListenClient,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  let current: ListenClient | null = null;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = async () => {
    const c = make();
    c.on('error', () => {});
    c.on('notification', (n) => {
      if (n.channel === channel) onPayload(n.payload ?? '');
    });
    c.on('end', () => {
      if (current !== c || stopped) return;
      current = null;
      retry(250);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (e) {
      await c.end().catch(() => {});
      throw e;
    }
    if (stopped) await c.end().catch(() => {});
    else current = c;
  };
  const retry = (delay: number) => {
    timer = setTimeout(() => {
      connect().then(
        () => onPayload(''),
        () => {
          if (!stopped) retry(Math.min(delay * 2, 5_000));
        },
      );
    }, delay);
    timer.unref?.();
  };
  // Joining while the database is down is not an error: the listener arrives when it comes back.
  await connect().catch(() => retry(250));
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const c = current;
    current = null;
    await c?.end().catch(() => {});
  };
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** The whole PGlite data folder as a tar (uncompressed), to open again with pgliteLoadDataDir. */
export async function dumpPglite(db: Database): Promise<Blob> {
  if (db.engine !== 'pglite') throw new Error('dumpPglite: only an embedded PGlite database can be dumped');
  const client = (db.orm as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  return client.dumpDataDir('none');
}
