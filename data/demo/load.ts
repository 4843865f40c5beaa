// Load a generated demo into a database: tickets + callers + events + dispatches by COPY in chunks
// (constant memory at any size), then locate every point in SQL, rebuild indexes, set the id
// sequences and record the ground truth. The city — its regions, taxonomy, zone, policy and demo
// profile — is whatever the database holds (city.ts); this seeds nothing.
import type { Database } from '../../db/client.ts';
import { pauseRollups, rebuildRollupsInZone } from '../../db/rollups.ts';
import { locateTickets } from '../../db/locate.ts';
import type { Policy } from '../policy/index.ts';
import type { Taxonomy } from '../taxonomy/schema.ts';
import { enterBulkMode, leaveBulkMode } from './bulk.ts';
import { resolveDemoCity } from './city.ts';
import {
  CALLER_COLUMNS,
  callerCsv,
  DISPATCH_COLUMNS,
  dispatchCsv,
  EVENT_COLUMNS,
  eventCsv,
  TICKET_COLUMNS,
  ticketCsv,
} from './csv.ts';
import { createDemo } from './generator.ts';
import { resolveDemoProfile, type DemoProfile } from './profile.ts';
import { loadRegionModel } from './regions.ts';
import { writeDemoTruth, type DemoTruth } from './truth.ts';
import type { DemoTicket } from './types.ts';

export const DEFAULT_DEMO_TICKETS = 300_000;
export const DEFAULT_DEMO_SEED = 12345;

export interface DemoProgress {
  phase: 'tickets' | 'locate' | 'indexes' | 'rollups' | 'done';
  done: number;
  total: number;
  elapsedMs: number;
  /** Tickets per second so far (tickets phase). */
  rate: number;
  /** Estimated time left in this phase, ms; null when unknown. */
  etaMs: number | null;
}

export interface GenerateDemoOptions {
  tickets?: number;
  seed?: number;
  now?: Date;
  /** Calendar months covered, the current one included (default 25: two years before it). */
  months?: number;
  /** The demo profile; omitted: the city package's demo.json (none: defaults from the taxonomy); null: none. */
  profile?: DemoProfile | null;
  /** The zone days and months are cut in; default: the stored city's (meta 'city'). */
  timeZone?: string;
  /** Time limits; default: the stored city's policy. */
  policy?: Policy;
  /** Default: the taxonomy in the database. */
  taxonomy?: Taxonomy;
  /** Tickets per COPY batch. */
  chunkSize?: number;
  /** Empty the ticket tables first; without it a database that already has tickets is refused. */
  replace?: boolean;
  onProgress?: (p: DemoProgress) => void;
}

export interface DemoSummary {
  tickets: number;
  callers: number;
  events: number;
  dispatches: number;
  located: number;
  truth: DemoTruth;
  /** The city package the demo was made for (null: none recorded), its zone, and the profile used. */
  city: string | null;
  timeZone: string;
  profileFile: string | null;
  /** What in the profile did not fit the taxonomy. */
  warnings: string[];
  ms: { generateAndCopy: number; locate: number; indexes: number; rollups: number; total: number };
}

export async function generateDemo(db: Database, opts: GenerateDemoOptions = {}): Promise<DemoSummary> {
  const t0 = Date.now();
  const total = opts.tickets ?? DEFAULT_DEMO_TICKETS;
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const now = opts.now ?? new Date();
  const chunkSize = opts.chunkSize ?? 20_000;
  const progress = (phase: DemoProgress['phase'], done: number, of: number, since: number) => {
    const elapsed = Date.now() - since;
    const rate = elapsed > 0 ? (done * 1000) / elapsed : 0;
    opts.onProgress?.({
      phase,
      done,
      total: of,
      elapsedMs: elapsed,
      rate,
      etaMs: rate > 0 ? ((of - done) * 1000) / rate : null,
    });
  };

  const city = await resolveDemoCity(db, {
    profile: opts.profile,
    timeZone: opts.timeZone,
    policy: opts.policy,
    taxonomy: opts.taxonomy,
  });
  const settings = resolveDemoProfile(city.profile, city.taxonomy, { locale: city.locale });
  const model = await loadRegionModel(db, { core: settings.core, regionWeights: settings.regionWeights });
  if (opts.replace) await db.exec('TRUNCATE ticket_events, dispatches, ticket_callers, tickets CASCADE');
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
  if (existing[0].n > 0)
    throw new Error(`tickets already holds ${existing[0].n} rows: pass replace to regenerate the demo`);

  const run = createDemo(model, {
    tickets: total,
    seed,
    now,
    months: opts.months,
    taxonomy: city.taxonomy,
    profile: settings,
    policy: city.policy,
    timeZone: city.timeZone,
  });
  // Rollups are rebuilt once at the end; the pause is stored, so a crash mid-load is repaired at start-up.
  await pauseRollups(db);
  const bulk = await enterBulkMode(db);
  let counts: { tickets: number; callers: number; events: number; dispatches: number };
  let located = 0;
  const ms = { generateAndCopy: 0, locate: 0, indexes: 0, rollups: 0, total: 0 };
  try {
    // On PostgreSQL each chunk is located right after its COPY, while its pages are still cached and
    // while Node generates the next chunk: one UPDATE of the whole table at the end costs several
    // times more once the table outgrows shared buffers. On PGlite (one thread, in memory) the
    // per-chunk id filter costs more than it saves, so it locates once at the end.
    const locateChunk = async (ids: number[]) => {
      if (db.engine !== 'postgres') return;
      const t = Date.now();
      located += await locateTickets(db, { onlyIds: ids });
      ms.locate += Date.now() - t;
    };
    counts = await copyAll(db, run.tickets(), chunkSize, locateChunk, (done) => progress('tickets', done, total, t0));
    ms.generateAndCopy = Date.now() - t0 - ms.locate;

    // Everything still unlocated with a point (all of it on PGlite, nothing on PostgreSQL).
    const tLocate = Date.now();
    progress('locate', 0, 1, tLocate);
    // Fresh statistics first: without them the planner guesses the size of the located set.
    await db.exec('ANALYZE tickets');
    located += await locateTickets(db);
    ms.locate += Date.now() - tLocate;
    progress('locate', 1, 1, tLocate);
  } finally {
    // Rebuild even after a failure, so a half-loaded database still has its indexes and keys.
    const tIdx = Date.now();
    await leaveBulkMode(db, bulk, (done, of) => progress('indexes', done, of, tIdx));
    ms.indexes = Date.now() - tIdx;
  }
  const tRollups = Date.now();
  progress('rollups', 0, 1, tRollups);
  await rebuildRollupsInZone(db, city.timeZone);
  ms.rollups = Date.now() - tRollups;
  progress('rollups', 1, 1, tRollups);
  for (const table of ['tickets', 'ticket_events', 'dispatches']) {
    // Explicit ids were copied in: move the identity sequences past them so live intake continues.
    await db.query(
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`,
    );
  }
  await db.exec('ANALYZE tickets; ANALYZE ticket_events; ANALYZE dispatches; ANALYZE ticket_callers');
  const truth = run.truth();
  await writeDemoTruth(db, truth);
  await db.query(
    `INSERT INTO meta (key, value) VALUES ('demo', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [
      JSON.stringify({
        tickets: counts.tickets,
        seed,
        now: now.toISOString(),
        city: city.code,
        timeZone: city.timeZone,
        profile: city.profileFile,
        generatedAt: new Date().toISOString(),
      }),
    ],
  );
  ms.total = Date.now() - t0;
  progress('done', counts.tickets, total, t0);
  return {
    ...counts,
    located,
    truth,
    ms,
    city: city.code,
    timeZone: city.timeZone,
    profileFile: city.profileFile,
    warnings: settings.warnings,
  };
}

/** COPY tickets chunk by chunk, then locate the chunk. The next chunk is generated meanwhile. */
async function copyAll(
  db: Database,
  tickets: Iterable<DemoTicket>,
  chunkSize: number,
  locate: (ids: number[]) => Promise<void>,
  onChunk: (done: number) => void,
) {
  const counts = { tickets: 0, callers: 0, events: 0, dispatches: 0 };
  let pending: Promise<void> = Promise.resolve();
  let t: string[] = [];
  let c: string[] = [];
  let e: string[] = [];
  let d: string[] = [];
  let withPoint: number[] = [];
  const flush = async () => {
    if (t.length === 0) return;
    const ids = withPoint;
    const batch = {
      t: t.join('\n') + '\n',
      c: c.join('\n') + '\n',
      e: e.join('\n') + '\n',
      d: d.length ? d.join('\n') + '\n' : '',
    };
    counts.tickets += t.length;
    counts.callers += c.length;
    counts.events += e.length;
    counts.dispatches += d.length;
    const done = counts.tickets;
    t = [];
    c = [];
    e = [];
    d = [];
    withPoint = [];
    await pending;
    // Foreign keys are off in bulk mode, so the four tables can load side by side on PostgreSQL;
    // PGlite has one connection and simply runs them in turn.
    pending = Promise.all([
      db.copyCsv('tickets', TICKET_COLUMNS, batch.t),
      db.copyCsv('ticket_callers', CALLER_COLUMNS, batch.c),
      db.copyCsv('ticket_events', EVENT_COLUMNS, batch.e),
      batch.d ? db.copyCsv('dispatches', DISPATCH_COLUMNS, batch.d) : Promise.resolve(),
    ])
      .then(() => locate(ids))
      .then(() => onChunk(done));
    // A failed COPY surfaces at the next `await pending`; until then it must not count as unhandled.
    pending.catch(() => {});
  };
  for (const ticket of tickets) {
    t.push(ticketCsv(ticket));
    if (ticket.lon !== null) withPoint.push(ticket.id);
    c.push(callerCsv(ticket));
    for (const ev of ticket.events) e.push(eventCsv(ev));
    for (const ds of ticket.dispatches) d.push(dispatchCsv(ds));
    if (t.length >= chunkSize) await flush();
  }
  await flush();
  await pending;
  return counts;
}
