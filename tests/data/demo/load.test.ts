// Loading a small demo on BOTH engines: what lands in the tables is exactly what was generated,
// points are located by the shared SQL rule, and bulk mode leaves indexes and keys as it found them.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Engine } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { resolveDemoCity } from '../../../data/demo/city.ts';
import {
  createDemo,
  generateDemo,
  loadRegionModel,
  readDemoTruth,
  type DemoSummary,
  type DemoTicket,
} from '../../../data/demo/index.ts';
import { seedTaxonomy, TAXONOMY } from '../../../data/taxonomy/index.ts';
import { rollupsPaused } from '../../../server/analysis/rollups.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { fixtureFeatureCollection } from './fixtures.ts';

const NOW = new Date('2025-11-20T10:00:00+08:00');
const TICKETS = 3000;
const SEED = 7;
/** Digest of everything generated per engine: the same seed must give the same data on both. */
const digests = new Map<Engine, string>();

describe.each(ENGINES)('generateDemo on %s', (engine: Engine) => {
  let db: Database;
  let summary: DemoSummary;
  let expected: DemoTicket[];
  let indexesBefore: string[];
  let keysBefore: string[];
  const progress: string[] = [];
  let withoutTaxonomy: unknown;

  const catalogue = async () => ({
    indexes: (
      await db.query<{ i: string }>(
        `SELECT indexname AS i FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('tickets','ticket_events','dispatches','ticket_callers') ORDER BY 1`,
      )
    ).map((r) => r.i),
    keys: (
      await db.query<{ k: string }>(
        `SELECT conname AS k FROM pg_constraint WHERE contype IN ('f','p','u') AND conrelid::regclass::text IN ('tickets','ticket_events','dispatches','ticket_callers') ORDER BY 1`,
      )
    ).map((r) => r.k),
  });

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_data_demo');
    const report = await importRegions(db, fixtureFeatureCollection(), {
      crs: 'WGS84',
      replace: true,
      source: 'tests/data/demo/fixtures.ts',
    });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    ({ indexes: indexesBefore, keys: keysBefore } = await catalogue());
    withoutTaxonomy = await generateDemo(db, { tickets: 10, seed: SEED, now: NOW }).catch((e: unknown) => e);
    // The taxonomy a city package import would seed; with no package recorded, the demo finds the
    // bundled package whose taxonomy this is (Beijing's) and takes its zone and demo profile.
    await seedTaxonomy(db);
    summary = await generateDemo(db, {
      tickets: TICKETS,
      seed: SEED,
      now: NOW,
      chunkSize: 1000,
      onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`),
    });
    // The same generation, in memory, from the same stored regions.
    const city = await resolveDemoCity(db);
    const run = createDemo(await loadRegionModel(db), {
      tickets: TICKETS,
      seed: SEED,
      now: NOW,
      taxonomy: city.taxonomy,
      profile: city.profile,
      policy: city.policy,
    });
    expected = [...run.tickets()];
    digests.set(
      engine,
      createHash('sha256').update(JSON.stringify(expected)).update(JSON.stringify(summary.truth)).digest('hex'),
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  const count = async (sql: string) => (await db.query<{ n: number }>(sql))[0].n;

  it('refuses a database without categories, saying to import a city package', () => {
    expect(withoutTaxonomy).toBeInstanceOf(Error);
    expect((withoutTaxonomy as Error).message).toMatch(/no categories in the database: import a city package/);
  });

  it('generates for the bundled package whose taxonomy the database holds: its zone and profile', () => {
    expect(summary).toMatchObject({
      city: 'beijing',
      timeZone: 'Asia/Shanghai',
      profileFile: 'data/cities/beijing/demo.json',
      warnings: [],
    });
  });

  it('writes exactly the generated tickets, callers, events and dispatches', async () => {
    const events = expected.reduce((a, t) => a + t.events.length, 0);
    const dispatches = expected.reduce((a, t) => a + t.dispatches.length, 0);
    expect(summary).toMatchObject({ tickets: TICKETS, callers: TICKETS, events, dispatches });
    expect(await count('SELECT count(*)::int n FROM tickets')).toBe(TICKETS);
    expect(await count('SELECT count(*)::int n FROM ticket_callers')).toBe(TICKETS);
    expect(await count('SELECT count(*)::int n FROM ticket_events')).toBe(events);
    expect(await count('SELECT count(*)::int n FROM dispatches')).toBe(dispatches);
  });

  it('stores the generated values, timestamps and caller exactly', async () => {
    const t = expected[1234];
    const [row] = await db.query<Record<string, unknown>>(
      `SELECT t.category_code, t.status, t.received_at, t.closed_at, t.h3_r8, ST_X(t.geom) AS lon, c.phone
         FROM tickets t JOIN ticket_callers c ON c.ticket_id = t.id WHERE t.id = $1`,
      [t.id],
    );
    expect(row.category_code).toBe(t.categoryCode);
    expect(row.status).toBe(t.status);
    expect(new Date(row.received_at as string).getTime()).toBe(t.receivedAt);
    expect(row.closed_at === null ? null : new Date(row.closed_at as string).getTime()).toBe(t.closedAt);
    expect(row.h3_r8).toBe(t.h3r8);
    expect(row.lon === null ? null : Number(row.lon)).toBe(t.lon);
    expect(row.phone).toBe(t.caller.phone);
  });

  it('locates every point: inside → its planned street, the few outside → outside, address-only → unlocated', async () => {
    const rows = await db.query<{ id: number; location_status: string; street_code: string | null }>(
      'SELECT id, location_status, street_code FROM tickets ORDER BY id',
    );
    const mismatched = rows.filter((r, i) => {
      const t = expected[i];
      if (t.lon === null) return r.location_status !== 'unlocated';
      if (t.source === 'outside') return r.location_status !== 'outside';
      return r.location_status !== 'located' || r.street_code !== t.plannedStreetCode;
    });
    // Points exactly on a shared street border may go to the lower code: tolerate a handful.
    expect(mismatched.length).toBeLessThanOrEqual(3);
    expect(rows.filter((r) => r.location_status === 'outside').length).toBe(summary.truth.outside.count);
    expect(rows.filter((r) => r.location_status === 'unlocated').length).toBe(summary.truth.unlocated.count);
  });

  it('keeps event rows consistent with each ticket status', async () => {
    const bad = await count(`
      SELECT count(*)::int n FROM tickets t
      JOIN LATERAL (SELECT to_status FROM ticket_events e WHERE e.ticket_id = t.id AND e.to_status IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1) last ON true
      WHERE last.to_status <> t.status`);
    expect(bad).toBe(0);
    expect(
      await count(
        `SELECT count(*)::int n FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id)`,
      ),
    ).toBe(0);
  });

  it('rebuilds the indexes and keys it dropped for the load, and moves the id sequences past the data', async () => {
    const after = await catalogue();
    expect(after.indexes).toEqual(indexesBefore);
    expect(after.keys).toEqual(keysBefore);
    expect(await count(`SELECT count(*)::int n FROM meta WHERE key = 'demo_bulk_restore'`)).toBe(0);
    const [t] = await db.query<{ id: number }>(
      `INSERT INTO tickets (kind, channel, category_code, urgency, location_status, received_at) VALUES ('complaint','phone','noise.traffic','ordinary','unlocated', now()) RETURNING id`,
    );
    expect(Number(t.id)).toBe(TICKETS + 1);
    const [e] = await db.query<{ id: number }>(
      `INSERT INTO ticket_events (ticket_id, at, type) VALUES ($1, now(), 'received') RETURNING id`,
      [t.id],
    );
    expect(Number(e.id)).toBe(summary.events + 1);
  });

  it('re-enables the ticket triggers and leaves the rollups rebuilt, not paused', async () => {
    expect(
      await count(
        `SELECT count(*)::int n FROM pg_trigger WHERE tgrelid = 'tickets'::regclass AND NOT tgisinternal AND tgenabled = 'D'`,
      ),
    ).toBe(0);
    expect(await rollupsPaused(db)).toBe(false);
    const located = await count(`SELECT count(*)::int n FROM tickets WHERE district_code IS NOT NULL`);
    expect(
      await count(`SELECT COALESCE(sum(tickets), 0)::int n FROM rollup_region_daily WHERE level = 'district'`),
    ).toBe(located);
  });

  it('records the ground truth and the demo marker in meta', async () => {
    expect(await readDemoTruth(db)).toEqual(summary.truth);
    const [demo] = await db.query<{ value: { tickets: number; seed: number } }>(
      `SELECT value FROM meta WHERE key = 'demo'`,
    );
    expect(demo.value).toMatchObject({ tickets: TICKETS, seed: SEED });
    expect(summary.truth.hotspots.length).toBe(13); // 4 persistent, 3 new, 3 intensifying, 3 diminishing (data/demo/plan.ts)
  });

  it('reports progress through every phase', () => {
    expect(progress).toContain(`tickets:${TICKETS}/${TICKETS}`);
    expect(progress.some((p) => p.startsWith('locate:'))).toBe(true);
    expect(progress.some((p) => p.startsWith('indexes:'))).toBe(true);
    expect(progress[progress.length - 1]).toBe(`done:${TICKETS}/${TICKETS}`);
  });

  it('refuses to load over existing tickets unless asked to replace them', async () => {
    await expect(generateDemo(db, { tickets: 10, seed: 1, now: NOW })).rejects.toThrow(/replace/);
  });

  it('seeds the taxonomy idempotently', async () => {
    await seedTaxonomy(db);
    await seedTaxonomy(db);
    expect(await count('SELECT count(*)::int n FROM categories')).toBe(TAXONOMY.categories.length);
    expect(await count('SELECT count(*)::int n FROM departments')).toBe(TAXONOMY.departments.length);
    expect(await count('SELECT count(*)::int n FROM category_groups')).toBe(TAXONOMY.groups.length);
  });
});

describe('the same seed on both engines', () => {
  it('generates identical tickets and ground truth from the same stored regions', () => {
    expect(digests.get('pglite')).toBeDefined();
    expect(digests.get('postgres')).toBe(digests.get('pglite'));
  });
});
