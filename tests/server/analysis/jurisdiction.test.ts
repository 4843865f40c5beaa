// Jurisdiction of the analysis, ranking and wall endpoints on Beijing with 10k demo tickets, on both
// engines: a street official of 三里屯街道 (110105004) gets cells, counts and ticket ids of that
// street only, each checked against independent SQL over the street's tickets; a district official
// of 朝阳区 (110105) gets exactly what the city gets for that district; another region is a 403
// naming the field; the ranking still lists every street's score, but drilling into another unit is
// refused; a district wall counts its district's tickets only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import type { Database } from '../../../db/client.ts';
import { loadBeijing } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../../data/zones/importer.ts';
import { generateDemo } from '../../../data/demo/index.ts';
import { createApp } from '../../../server/app.ts';
import { measureIntervention } from '../../../server/analysis/forecast.ts';
import { OutOfScope } from '../../../server/auth/scope.ts';
import { configureRanking } from '../../../server/ranking/service.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { kioskClient } from '../wall/kiosk.ts';

const NOW = new Date('2026-11-20T10:00:00+08:00');
const STREET = '110105004'; // 三里屯街道
const OTHER_STREET = '110105001'; // 建外街道, same district
const DISTRICT = '110105'; // 朝阳区
const OTHER_DISTRICT = '110101'; // 东城区
const ZONE = 'Asia/Shanghai';
const DAY = `(received_at AT TIME ZONE '${ZONE}')::date`;

type Json = any;

describe.each(ENGINES)('jurisdiction of analyses, ranking and wall on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let admin: Client;
  let street: Client;
  let district: Client;
  /** Tickets planted at one spot of the street, weekly; the sixth repeats a ticket of 建外街道. */
  let planted: number[];
  let earlier: number;
  const get = async (c: Client, path: string, status = 200): Promise<Json> => {
    const res = await c.request(path);
    const body = await res.json();
    expect(res.status, `${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(status);
    return body;
  };
  /** Independent count of the street's located tickets per cell over [from, to] (city days). */
  const streetCells = async (res: number, from: string, to: string, category?: string) => {
    const rows = await db.query<{ cell: string; n: number }>(
      `SELECT h3_r${res} AS cell, count(*)::int AS n FROM tickets
        WHERE street_code = $1 AND h3_r${res} IS NOT NULL AND ${DAY} BETWEEN $2::date AND $3::date
          AND ($4::text IS NULL OR category_code IN (SELECT code FROM categories WHERE code = $4 OR group_code = $4))
        GROUP BY 1`,
      [STREET, from, to, category ?? null],
    );
    return new Map(rows.map((r) => [r.cell, r.n]));
  };
  /** Every cell the street ever had a ticket in, up to a day: its study area. */
  const streetStudy = async (res: number, to: string) =>
    new Set(
      (
        await db.query<{ cell: string }>(
          `SELECT DISTINCT h3_r${res} AS cell FROM tickets WHERE street_code = $1 AND h3_r${res} IS NOT NULL AND ${DAY} <= $2::date`,
          [STREET, to],
        )
      ).map((r) => r.cell),
    );

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_analysis_jurisdiction');
    await loadBeijing(db);
    await seedTaxonomy(db);
    await loadBeijingZones(db);
    await generateDemo(db, { tickets: 10_000, seed: 7, now: NOW });
    const [tpl] = await db.query<{ id: number }>(
      `SELECT id::int FROM tickets WHERE street_code = $1 AND location_status = 'located' ORDER BY id LIMIT 1`,
      [STREET],
    );
    [{ id: earlier }] = await db.query<{ id: number }>(
      `SELECT id::int FROM tickets WHERE street_code = $1 ORDER BY id LIMIT 1`,
      [OTHER_STREET],
    );
    planted = [];
    for (let k = 0; k < 8; k++) {
      const [r] = await db.query<{ id: number }>(
        `INSERT INTO tickets (kind, channel, category_code, urgency, description, address, geom, h3_r7, h3_r8, h3_r9, location_status,
                              district_code, street_code, grid_code, status, received_at, repeat_of)
         SELECT kind, channel, category_code, urgency, description, address, geom, h3_r7, h3_r8, h3_r9, location_status,
                district_code, street_code, grid_code, 'received', $2::timestamptz, $3::bigint FROM tickets WHERE id = $1
         RETURNING id::int`,
        [tpl.id, new Date(Date.UTC(2026, 8, 1 + 7 * k, 2)), k === 5 ? earlier : null],
      );
      planted.push(r.id);
    }
    for (const id of [planted[2], planted[6]])
      await db.query(`INSERT INTO ticket_callers (ticket_id, name, phone) VALUES ($1, '测试', '13900000000')`, [id]);
    configureRanking(db, { now: () => NOW });
    app = createApp({ db });
    admin = await signIn(app, db);
    street = await signIn(app, db, { role: 'street_official', regionCode: STREET });
    district = await signIn(app, db, { role: 'district_official', regionCode: DISTRICT });
  }, 240_000);
  afterAll(async () => {
    await db?.close();
  });

  it("hot spots: a street official's cells and counts are the street's own tickets, even in cells shared with the next street", async () => {
    const body = await get(street, '/api/hotspots?res=7&from=2025-11-21&to=2026-11-20&all=true');
    expect(body.street).toBe(STREET);
    const want = await streetCells(7, body.from, body.to);
    const study = await streetStudy(7, body.to);
    expect(body.studyCells).toBe(study.size);
    expect(body.cells.map((c: Json) => c.cell).sort()).toEqual([...study].sort());
    for (const c of body.cells) expect(c.count, c.cell).toBe(want.get(c.cell) ?? 0);
    expect(body.tickets).toBe([...want.values()].reduce((a, b) => a + b, 0));
    expect(body.tickets).toBeGreaterThan(0);
    // A border cell: the city counts the neighbours' tickets there too, the official does not.
    const city = await get(admin, `/api/hotspots?res=7&from=2025-11-21&to=2026-11-20&all=true`);
    const cityCount = new Map(city.cells.map((c: Json) => [c.cell, c.count]));
    const shared = body.cells.filter((c: Json) => (cityCount.get(c.cell) as number) > c.count);
    expect(shared.length).toBeGreaterThan(0);

    const noise = await get(street, '/api/hotspots?res=9&category=noise');
    const wantNoise = await streetCells(9, noise.from, noise.to, 'noise');
    for (const c of noise.cells) expect(c.count, c.cell).toBe(wantNoise.get(c.cell) ?? 0);
    expect(noise.tickets).toBe([...wantNoise.values()].reduce((a, b) => a + b, 0));
  });

  it("hot spots: a district official gets exactly the city's answer for that district", async () => {
    for (const path of [
      '/api/hotspots?res=8',
      '/api/hotspots/emerging?res=8&step=month',
      '/api/hotspots/regions?level=street',
    ]) {
      const own = await get(district, path);
      const city = await get(admin, `${path}&district=${DISTRICT}`);
      delete own.timing;
      delete city.timing;
      expect(own, path).toEqual(city);
      expect(own.district).toBe(DISTRICT);
    }
  });

  it('region hot spots: grid cells of the street only, counted from its tickets; districts are wider than a street', async () => {
    const body = await get(street, '/api/hotspots/regions?level=grid&from=2025-11-21&to=2026-11-20');
    expect(body.regions.length).toBeGreaterThan(0);
    for (const r of body.regions) expect(r.parentCode).toBe(STREET);
    const rows = await db.query<{ code: string; n: number }>(
      `SELECT grid_code AS code, count(*)::int AS n FROM tickets WHERE street_code = $1 AND grid_code IS NOT NULL AND ${DAY} BETWEEN '2025-11-21' AND '2026-11-20' GROUP BY 1`,
      [STREET],
    );
    const want = new Map(rows.map((r) => [r.code, r.n]));
    for (const r of body.regions) expect(r.count, r.code).toBe(want.get(r.code) ?? 0);
    expect(body.tickets).toBe(
      rows.filter((r) => body.regions.some((g: Json) => g.code === r.code)).reduce((a, r) => a + r.n, 0),
    );
    const refused = await get(street, '/api/hotspots/regions?level=district', 403);
    expect(refused.error.field).toBe('level');
  });

  it("emerging hot spots: only the street's cells, with its own monthly totals", async () => {
    const body = await get(street, '/api/hotspots/emerging?res=8&step=month&all=true');
    const study = await streetStudy(8, body.to);
    expect(body.cells.map((c: Json) => c.cell).sort()).toEqual([...study].sort());
    const want = await streetCells(8, body.from, body.to);
    for (const c of body.cells) expect(c.total, c.cell).toBe(want.get(c.cell) ?? 0);
    const weeks = await get(street, '/api/hotspots/emerging?res=9&step=week&category=noise&all=true');
    const wantWeeks = await streetCells(9, weeks.from, weeks.to, 'noise');
    for (const c of weeks.cells) expect(c.total, c.cell).toBe(wantWeeks.get(c.cell) ?? 0);
  });

  it('clusters: every ticket id and street a scoped principal sees lies in its region', async () => {
    const loose =
      '/api/clusters?from=2025-11-21&to=2026-11-20&minLift=0&alpha=1&minWeeks=1&minPoints=2&eps=400&maxRadius=5000';
    for (const [who, column, code] of [
      [street, 'street_code', STREET],
      [district, 'district_code', DISTRICT],
    ] as const) {
      const body = await get(who, loose);
      expect(body.clusters.length, code).toBeGreaterThan(0);
      const ids = new Set<number>();
      for (const c of body.clusters) {
        for (const s of c.streets) if (code === STREET) expect(s.code).toBe(STREET);
        for (const r of c.repeats.repeatOf) {
          ids.add(r.id);
          if (r.repeatOf !== null) ids.add(r.repeatOf);
        }
        for (const g of [...c.repeats.sameAddress, ...c.repeats.sameCaller]) for (const id of g) ids.add(id);
      }
      expect(ids.size, code).toBeGreaterThan(0);
      for (const id of planted) expect(ids.has(id), `${code} ${id}`).toBe(true);
      // The earlier ticket of 建外街道 is named to the district (it is inside), not to the street.
      expect(ids.has(earlier), code).toBe(code === DISTRICT);
      const entry = body.clusters.flatMap((c: Json) => c.repeats.repeatOf).find((r: Json) => r.id === planted[5]);
      expect(entry, code).toEqual({
        id: planted[5],
        repeatOf: code === DISTRICT ? earlier : null,
        repeatOfInside: false,
      });
      const outside = await db.query(
        `SELECT id FROM tickets WHERE id = ANY($1::bigint[]) AND ${column} IS DISTINCT FROM $2`,
        [[...ids], code],
      );
      expect(outside, code).toEqual([]);
    }
    // The city sees the earlier ticket's id, as before.
    const city = await get(admin, loose);
    expect(city.clusters.flatMap((c: Json) => c.repeats.repeatOf).find((r: Json) => r.id === planted[5])).toEqual({
      id: planted[5],
      repeatOf: earlier,
      repeatOfInside: false,
    });
  });

  it("topics: the street's own tickets per category, its own street only", async () => {
    const body = await get(street, '/api/topics?minTickets=1&limit=100');
    expect(body.candidates.length).toBeGreaterThan(0);
    const rows = await db.query<{ category: string; n: number }>(
      `SELECT category_code AS category, count(*)::int AS n FROM tickets WHERE street_code = $1 AND ${DAY} BETWEEN $2::date AND $3::date GROUP BY 1`,
      [STREET, body.window.from, body.window.to],
    );
    const want = new Map(rows.map((r) => [r.category, r.n]));
    for (const c of body.candidates) {
      expect(c.tickets.window, c.category.code).toBe(want.get(c.category.code));
      expect(c.topStreets.map((s: Json) => s.code)).toEqual([STREET]);
      expect(c.map).not.toContain('district=');
      const cells = await streetCells(8, body.window.from, body.window.to, c.category.code);
      for (const t of c.topCells) expect(t.tickets, t.cell).toBe(cells.get(t.cell));
    }
    const own = await get(district, '/api/topics');
    const city = await get(admin, `/api/topics?district=${DISTRICT}`);
    expect(own).toEqual(city);
  });

  it("forecast and backtest: only cells the street's tickets came from", async () => {
    const body = await get(street, '/api/forecast?res=8');
    expect(body.street).toBe(STREET);
    const study = await streetStudy(8, '2026-11-20');
    expect(body.cells.length).toBeGreaterThan(0);
    for (const c of body.cells) expect(study.has(c.cell), c.cell).toBe(true);
    for (const w of body.workList) expect(study.has(w.cell), w.cell).toBe(true);
    const bt = await get(street, '/api/forecast/backtest?res=8&k=5');
    expect(bt.street).toBe(STREET);
    expect(bt.months.length).toBeGreaterThan(0);
    const own = await get(district, '/api/forecast?res=8');
    const city = await get(admin, `/api/forecast?res=8&district=${DISTRICT}`);
    expect(own).toEqual(city);
  });

  it('intervention effect: treated and control cells count the street’s tickets; a cell elsewhere is out of scope', async () => {
    const scope = { level: 'street', code: STREET, district: DISTRICT } as const;
    const [busiest] = await db.query<{ cell: string }>(
      `SELECT h3_r8 AS cell FROM tickets WHERE street_code = $1 AND h3_r8 IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      [STREET],
    );
    const r = await measureIntervention(
      db,
      { cells: [busiest.cell], date: '2026-08-01', windowDays: 60, perTreated: 3 },
      scope,
    );
    const [want] = await db.query<{ before: number; after: number }>(
      `SELECT count(*) FILTER (WHERE ${DAY} < '2026-08-01')::int AS before, count(*) FILTER (WHERE ${DAY} >= '2026-08-01')::int AS after
         FROM tickets WHERE street_code = $1 AND h3_r8 = $2 AND ${DAY} >= '2026-06-02' AND ${DAY} < '2026-09-30'`,
      [STREET, busiest.cell],
    );
    expect(r.treatedCells).toEqual([{ id: busiest.cell, before: want.before, after: want.after }]);
    const study = await streetStudy(8, '2026-11-20');
    for (const id of r.control.ids) expect(study.has(id), id).toBe(true);
    const elsewhere = latLngToCell(39.9, 116.25, 8); // 西城 / 丰台, far from 三里屯
    await expect(
      measureIntervention(
        db,
        { cells: [busiest.cell, elsewhere], date: '2026-08-01', windowDays: 60, perTreated: 3 },
        scope,
      ),
    ).rejects.toMatchObject({
      field: 'cells.1',
    });
    await expect(
      measureIntervention(db, { cells: [elsewhere], date: '2026-08-01', windowDays: 60, perTreated: 3 }, scope),
    ).rejects.toBeInstanceOf(OutOfScope);
  });

  it('a district outside the jurisdiction is a 403 naming it, on every analysis', async () => {
    const paths = [
      '/api/hotspots',
      '/api/hotspots/regions?level=grid',
      '/api/hotspots/emerging',
      '/api/clusters',
      '/api/topics',
      '/api/forecast',
      '/api/forecast/backtest',
    ];
    for (const path of paths) {
      const sep = path.includes('?') ? '&' : '?';
      for (const [who, code] of [
        [street, OTHER_DISTRICT],
        [street, DISTRICT], // the street's own district is wider than the street
        [district, OTHER_DISTRICT],
      ] as const) {
        const body = await get(who, `${path}${sep}district=${code}`, 403);
        expect(body.error, path).toMatchObject({ code: 'forbidden', field: 'district' });
      }
      // An unknown code is still a 400, before the jurisdiction is looked at.
      expect((await get(street, `${path}${sep}district=999999`, 400)).error.field).toBe('district');
    }
  });

  it('ranking: every street’s score for a street official, tickets only of its own street', async () => {
    const month = '2026-10';
    const table = await get(street, `/api/ranking?month=${month}&table=street`);
    expect(table.rows.length).toBe(339);
    expect(table).toEqual(await get(admin, `/api/ranking?month=${month}&table=street`));
    const mine = table.rows.find((r: Json) => r.code === STREET);

    const volume = await get(
      street,
      `/api/ranking/units/${STREET}/drill?month=${month}&rate=volume&part=denominator&limit=10000`,
    );
    expect(volume.total).toBe(mine.counts.volume);
    expect(volume.tickets.length).toBe(mine.counts.volume);
    for (const rate of ['response', 'resolution', 'satisfaction', 'returns']) {
      const d = await get(street, `/api/ranking/units/${STREET}/drill?month=${month}&rate=${rate}&limit=10000`);
      for (const t of d.tickets) expect(t.streetCode, `${rate} ${t.id}`).toBe(STREET);
      const ids = d.tickets.map((t: Json) => t.id);
      expect(
        await db.query(`SELECT id FROM tickets WHERE id = ANY($1::bigint[]) AND street_code IS DISTINCT FROM $2`, [
          ids,
          STREET,
        ]),
      ).toEqual([]);
    }
    // Another street, the street's own district, a city department: all outside the street.
    for (const code of [OTHER_STREET, DISTRICT, 'housing']) {
      const refused = await get(street, `/api/ranking/units/${code}/drill?month=${month}&rate=resolution`, 403);
      expect(refused.error, code).toMatchObject({ code: 'forbidden', field: 'code' });
    }
    // A district official may drill into its streets, and sees that district's tickets only.
    const inDistrict = await get(district, `/api/ranking/units/${OTHER_STREET}/drill?month=${month}&rate=volume`);
    expect(inDistrict.total).toBe(table.rows.find((r: Json) => r.code === OTHER_STREET).counts.volume);
    for (const t of inDistrict.tickets) expect(t.districtCode).toBe(DISTRICT);

    // What-if of another street: its scenarios (scores), no tickets; of its own: its tickets only.
    const theirs = await get(street, `/api/ranking/units/${OTHER_STREET}/what-if?month=${month}`);
    const asAdmin = await get(admin, `/api/ranking/units/${OTHER_STREET}/what-if?month=${month}`);
    expect(theirs.scenarios).toEqual(asAdmin.scenarios);
    expect(asAdmin.levers.some((l: Json) => l.tickets.length > 0)).toBe(true);
    for (const l of theirs.levers) expect(l.tickets).toEqual([]);
    const own = await get(street, `/api/ranking/units/${STREET}/what-if?month=${month}`);
    for (const l of own.levers) for (const t of l.tickets) expect(t.streetCode).toBe(STREET);
    // Profiles and reports are scores and counts, no tickets: the same for everyone.
    expect(await get(street, `/api/ranking/units/${OTHER_STREET}?months=3&to=${month}`)).toEqual(
      await get(admin, `/api/ranking/units/${OTHER_STREET}?months=3&to=${month}`),
    );
    const report = async (c: Client) => {
      const { generatedAt: _, ...rest } = await get(c, '/api/reports/daily?date=2026-11-19');
      return rest;
    };
    // Reports are scoped like every other read (issue "Trust, hardened" M3; tests/server/security):
    // the street official's daily report is its own street's, the admin's the city's.
    const [mineReport, cityReport] = [await report(street), await report(admin)];
    expect(mineReport.jurisdiction).toEqual({ level: 'street', code: STREET });
    expect(cityReport.jurisdiction).toEqual({ level: 'city' });
  });

  it("a district kiosk's wall counts the district's tickets exactly; a street official's wall lists its street's", async () => {
    const at = NOW.toISOString();
    const kiosk = await kioskClient(app, db, '朝阳区指挥中心', DISTRICT);
    const wall = await get(kiosk, `/api/wall/today?at=${at}`);
    const [w] = [wall.windows];
    const figures = async (code: string | null) =>
      (
        await db.query<Record<string, number>>(
          `SELECT ${['today', 'lastWeek']
            .map((k, i) => {
              const [f, t] = [`$${2 * i + 2}::timestamptz`, `$${2 * i + 3}::timestamptz`];
              const inW = (col: string) => `${col} >= ${f} AND ${col} < ${t}`;
              return [
                `count(*) FILTER (WHERE ${inW('received_at')})::int AS "received_${k}"`,
                `count(*) FILTER (WHERE ${inW('dispatched_at')})::int AS "dispatched_${k}"`,
                `count(*) FILTER (WHERE ${inW('accepted_at')} AND accepted_at <= respond_due_at)::int AS "respondedInTime_${k}"`,
                `count(*) FILTER (WHERE ${inW('overdue_at')})::int AS "overdue_${k}"`,
                `count(*) FILTER (WHERE ${inW('callback_at')})::int AS "calledBack_${k}"`,
                `count(*) FILTER (WHERE ${inW('callback_at')} AND solved)::int AS "solved_${k}"`,
                `count(*) FILTER (WHERE ${inW('callback_at')} AND satisfaction = 'satisfied')::int AS "satisfied_${k}"`,
              ].join(', ');
            })
            .join(', ')} FROM tickets WHERE $1::text IS NULL OR district_code = $1`,
          [code, w.today.from, w.today.to, w.lastWeek.from, w.lastWeek.to],
        )
      )[0];
    const want = await figures(DISTRICT);
    for (const [f, v] of Object.entries(wall.figures as Record<string, { today: number; lastWeek: number }>)) {
      expect([f, v.today, v.lastWeek]).toEqual([f, want[`${f}_today`], want[`${f}_lastWeek`]]);
    }
    expect(wall.figures.received.today).toBeGreaterThan(0);
    const city = await get(admin, `/api/wall/today?at=${at}`);
    expect(city.figures.received.today).toBe((await figures(null)).received_today);
    expect(city.figures.received.today).toBeGreaterThan(wall.figures.received.today);

    const list = await get(kiosk, `/api/wall/tickets?limit=50&at=${at}`);
    expect(list.tickets.length).toBe(50);
    for (const t of list.tickets) expect(t.districtCode).toBe(DISTRICT);
    const cityList = await get(admin, `/api/wall/tickets?limit=50&at=${at}`);
    const ids = cityList.tickets.map((t: Json) => t.id).join(',');
    const mine = await get(street, `/api/wall/tickets?ids=${ids}`);
    for (const t of mine.tickets) expect(t.streetCode).toBe(STREET);
    expect(mine.tickets.length).toBe(cityList.tickets.filter((t: Json) => t.streetCode === STREET).length);
  });
});
