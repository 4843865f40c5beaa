// The demo year of the second bundled city, New York, on both engines: the package imported as a
// city would import it (boroughs → community districts, its 311 taxonomy, America/New_York), then
// generateDemo with nothing but a size, a seed and `now` — zone, policy and profile come from the
// stored city. Every ticket is in a New York category and, located, in exactly one community
// district; months are New York months; due times follow each request type's service level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Engine } from '../../../db/client.ts';
import { formatProblems, importCityPackage } from '../../../data/city/import.ts';
import { readCityPackage } from '../../../data/city/package.ts';
import { generateDemo, readDemoTruth, type DemoSummary } from '../../../data/demo/index.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { NYC_DIR } from './fixtures.ts';

const TICKETS = 20_000;
// A year over both daylight-saving changes (9 Mar and 2 Nov 2025), ending in March 2026.
const NOW = new Date('2026-03-20T14:00:00-04:00');
const ZONE = 'America/New_York';

describe.each(ENGINES)('the New York demo on %s', (engine: Engine) => {
  let db: Database;
  let summary: DemoSummary;
  const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params))[0]!.n;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_nyc_demo');
    const report = await importCityPackage(db, NYC_DIR);
    if (!report.ok) throw new Error(formatProblems(report.problems).join('\n'));
    summary = await generateDemo(db, { tickets: TICKETS, seed: 311, now: NOW });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('takes zone, policy and profile from the stored city package', () => {
    expect(summary).toMatchObject({
      tickets: TICKETS,
      city: 'nyc',
      timeZone: ZONE,
      profileFile: 'data/cities/nyc/demo.json',
      warnings: [],
    });
  });

  it('files every ticket under one of New York’s request types', async () => {
    const codes = readCityPackage(NYC_DIR).pkg!.taxonomy.categories.map((c) => c.code);
    expect(await count(`SELECT count(*)::int n FROM tickets WHERE category_code = ANY($1::text[])`, [codes])).toBe(
      TICKETS,
    );
    expect(await count(`SELECT count(DISTINCT category_code)::int n FROM tickets`)).toBeGreaterThan(25);
  });

  it('puts every located ticket in exactly one community district, the one it is filed under, in its borough', async () => {
    const located = await count(`SELECT count(*)::int n FROM tickets WHERE location_status = 'located'`);
    expect(located).toBeGreaterThan(TICKETS * 0.98);
    const wellPlaced = await count(`
      SELECT count(*)::int n FROM tickets t
      JOIN regions s ON s.code = t.street_code AND s.level = 'street' AND s.parent_code = t.district_code
      WHERE t.location_status = 'located' AND ST_Covers(s.geom, t.geom)
        AND (SELECT count(*) FROM regions c WHERE c.level = 'street' AND ST_Covers(c.geom, t.geom)) = 1`);
    // A point rounded onto a shared border, or into a published sliver (located by tolerance), may miss by a hair.
    expect(located - wellPlaced).toBeLessThanOrEqual(3);
    expect(await count(`SELECT count(*)::int n FROM tickets WHERE location_status = 'outside'`)).toBe(
      summary.truth.outside.count,
    );
    expect(await count(`SELECT count(*)::int n FROM tickets WHERE location_status = 'unlocated'`)).toBe(
      summary.truth.unlocated.count,
    );
  });

  it('cuts months in New York: a ticket at 23:xx on the last day of a month counts in that month, not in the UTC one', async () => {
    const late = await db.query<{ id: number; local: string; utc: string }>(`
      SELECT id, to_char(received_at AT TIME ZONE '${ZONE}', 'YYYY-MM-DD') AS local, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS utc
      FROM tickets
      WHERE extract(hour FROM received_at AT TIME ZONE '${ZONE}') = 23
        AND date_trunc('month', received_at AT TIME ZONE '${ZONE}') <> date_trunc('month', (received_at AT TIME ZONE '${ZONE}') + interval '1 hour')`);
    expect(late.length).toBeGreaterThan(5);
    for (const t of late) expect(t.utc.slice(0, 7)).not.toBe(t.local.slice(0, 7));
    // The rollups every monthly view reads: those days hold exactly the tickets of their New York day.
    const days = [...new Set(late.map((t) => t.local))];
    const rollup = await db.query<{ day: string; n: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(tickets)::int n FROM rollup_region_daily WHERE level = 'district' AND to_char(day, 'YYYY-MM-DD') = ANY($1::text[]) GROUP BY 1 ORDER BY 1`,
      [days],
    );
    const local = await db.query<{ day: string; n: number }>(
      `SELECT to_char(received_at AT TIME ZONE '${ZONE}', 'YYYY-MM-DD') AS day, count(*)::int n FROM tickets
       WHERE district_code IS NOT NULL AND to_char(received_at AT TIME ZONE '${ZONE}', 'YYYY-MM-DD') = ANY($1::text[]) GROUP BY 1 ORDER BY 1`,
      [days],
    );
    expect(rollup).toEqual(local);
    expect(summary.truth.timeZone).toBe(ZONE);
    // 25 months: March 2024 to March 2026.
    expect(summary.truth.months).toHaveLength(25);
    expect([summary.truth.months[0], summary.truth.months[12], summary.truth.months[24]]).toEqual([
      '2024-03',
      '2025-03',
      '2026-03',
    ]);
    expect(await count(`SELECT count(*)::int n FROM tickets WHERE received_at < '2024-03-01T00:00:00-05:00'`)).toBe(0);
    expect(
      await count(`SELECT count(*)::int n FROM tickets WHERE received_at < '2024-04-01T00:00:00-04:00'`),
    ).toBeGreaterThan(0);
  });

  it('sets due times by each request type’s service level: bulk pickup 90 days, the policy’s response limit capped by it', async () => {
    expect(
      await count(
        `SELECT count(*)::int n FROM tickets WHERE category_code = 'sanitation.bulk_pickup' AND resolve_due_at IS NOT NULL`,
      ),
    ).toBeGreaterThan(10);
    expect(
      await count(
        `SELECT count(*)::int n FROM tickets WHERE category_code = 'sanitation.bulk_pickup' AND resolve_due_at IS NOT NULL AND resolve_due_at - received_at <> interval '90 days'`,
      ),
    ).toBe(0);
    // Every dispatched ticket: resolve = the type's level; respond = the policy's for its urgency, never past resolve.
    const policy = readCityPackage(NYC_DIR).pkg!.policy as { respondWithinMinutes: Record<string, number> };
    const wrong = await count(
      `SELECT count(*)::int n FROM tickets t JOIN categories c ON c.code = t.category_code
       WHERE t.resolve_due_at IS NOT NULL AND (
         t.resolve_due_at - t.received_at <> make_interval(mins => c.resolve_minutes)
         OR t.respond_due_at - t.received_at <> make_interval(mins => least(c.resolve_minutes, ($1::jsonb ->> t.urgency)::int)))`,
      [JSON.stringify(policy.respondWithinMinutes)],
    );
    expect(wrong).toBe(0);
  });

  it('records the planted truth: hotspots and clusters in New York categories and community districts', async () => {
    const truth = await readDemoTruth(db);
    expect(truth).toEqual(summary.truth);
    expect(truth!.hotspots).toHaveLength(13);
    expect(truth!.clusters.length).toBeGreaterThanOrEqual(5);
    const [{ cds }] = await db.query<{ cds: string[] }>(
      `SELECT array_agg(code) cds FROM regions WHERE level = 'street'`,
    );
    for (const h of truth!.hotspots) {
      expect(cds).toContain(h.streetCode);
      expect(await count(`SELECT count(*)::int n FROM tickets WHERE h3_r8 = $1`, [h.h3r8])).toBeGreaterThanOrEqual(
        h.planted,
      );
    }
    for (const c of truth!.clusters) {
      // Every planted ticket of the cluster within its radius of the centre, at its one address.
      const far = await count(
        `SELECT count(*)::int n FROM tickets WHERE address = $1 AND category_code = $2 AND repeat_of IS NULL AND NOT ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, $5)`,
        [c.address, c.categoryCode, c.centre[0], c.centre[1], c.radiusMetres + 1],
      );
      expect(far, c.id).toBe(0);
      expect(
        await count(`SELECT count(*)::int n FROM tickets WHERE address = $1 AND category_code = $2`, [
          c.address,
          c.categoryCode,
        ]),
      ).toBeGreaterThanOrEqual(c.planted);
    }
  });

  it('writes English callers with US numbers', async () => {
    const rows = await db.query<{ name: string; phone: string }>(
      `SELECT name, phone FROM ticket_callers ORDER BY ticket_id LIMIT 200`,
    );
    for (const r of rows) {
      expect(r.name).toMatch(/^[A-Z][a-z]+ [A-Z][A-Za-z']+$/);
      expect(r.phone).toMatch(/^\(\d{3}\) [2-9]\d{2}-\d{4}$/);
    }
  });
});
