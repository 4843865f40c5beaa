// Surge alerts through the database, on both engines: the scan reads the rollups and the last
// hours (server/alerts/scan.ts) exactly — a cluster's expected count equals the permutation
// expectation counted in SQL —, a planted surge (30 water-outage tickets in 2 hours in one street)
// is raised within 30 minutes of its 10th ticket on the server's 5-minute grid, an ongoing
// episode updates its alert instead of adding one, null days raise nothing, GET /api/alerts and
// the state change (validated, audited, scoped), and the live feed's `event: alert`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import type { Database } from '../../../db/client.ts';
import { Rng } from '../../../data/demo/random.ts';
import { createApp } from '../../../server/app.ts';
import { clearBaselineCache, defaultScanSettings, runScan } from '../../../server/alerts/scan.ts';
import { scanAndRecord } from '../../../server/alerts/scheduler.ts';
import { scanWorkerCount } from '../../../server/alerts/scanWorkers.ts';
import { advanceDemoSurge, startDemoSurge } from '../../../server/demoFeed.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';

const NOISE = 'noise.night_construction';
const OUTAGE = 'water.outage';
const LEAK = 'water.pipe_leak';
const CATS = [NOISE, NOISE, NOISE, LEAK, LEAK, OUTAGE];
const SURGE_STREET = '900001002';
const DAY = 86_400_000;
/** The end of the background: 2026-11-20 00:00 Beijing. */
const END = Date.parse('2026-11-19T16:00:00Z');
const BASELINE_DAYS = 30;
const SURGE_START = END + 10 * 3600_000; // 10:00 Beijing
const SURGE_MINUTES = 4; // one ticket every 4 minutes: 30 in 2 hours
const EVERY_5_MIN = defaultScanSettings(288);

interface Row {
  cat: string;
  lon: number;
  lat: number;
  at: number;
}

function place(lon: number): [string, string] {
  return lon < 116.1 ? ['900001', '900001001'] : lon < 116.2 ? ['900001', '900001002'] : ['900002', '900002001'];
}

async function insert(db: Database, rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const part = rows.slice(i, i + 2000);
    const where = part.map((r) => place(r.lon));
    await db.query(
      `INSERT INTO tickets (kind, channel, category_code, urgency, description, geom, h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, received_at)
       SELECT 'complaint', 'phone', c, 'ordinary', '', ST_SetSRID(ST_MakePoint(x, y), 4326), r7, r8, r9, 'located', d, s, to_timestamp(t / 1000.0)
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[]) AS u(c, x, y, r7, r8, r9, d, s, t)`,
      [
        part.map((r) => r.cat),
        part.map((r) => r.lon),
        part.map((r) => r.lat),
        part.map((r) => latLngToCell(r.lat, r.lon, 7)),
        part.map((r) => latLngToCell(r.lat, r.lon, 8)),
        part.map((r) => latLngToCell(r.lat, r.lon, 9)),
        where.map((w) => w[0]),
        where.map((w) => w[1]),
        part.map((r) => r.at),
      ],
    );
  }
}

/** Background: ~240 tickets a day over the tiny city, busier by day, for the baseline and 3 days after. */
function background(rng: Rng, from: number, to: number): Row[] {
  const out: Row[] = [];
  for (let t = from; t < to; t += 3600_000) {
    const hour = new Date(t + 8 * 3600_000).getUTCHours();
    const n = Math.round(10 * (0.6 + 0.4 * Math.cos(((hour - 10) * Math.PI) / 12)) * (0.5 + rng.next()));
    for (let i = 0; i < n; i++) {
      const lon = 116.0 + 0.4 * rng.next() ** 1.5;
      out.push({
        cat: CATS[Math.floor(rng.next() * CATS.length)]!,
        lon,
        lat: 39.0 + 0.1 * rng.next(),
        at: t + rng.next() * 3600_000,
      });
    }
  }
  return out;
}

const surge = (rng: Rng): Row[] =>
  Array.from({ length: 30 }, (_, i) => ({
    cat: OUTAGE,
    lon: 116.15 + (rng.next() - 0.5) * 0.004,
    lat: 39.05 + (rng.next() - 0.5) * 0.004,
    at: SURGE_START + i * SURGE_MINUTES * 60_000 + 1000,
  }));

describe.each(ENGINES)('surge alerts on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let dispatcher: Client;
  const tenth = SURGE_START + 9 * SURGE_MINUTES * 60_000 + 1000;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_alerts');
    await loadTinyCity(db);
    await db.query(`DELETE FROM tickets`);
    const rng = new Rng(5);
    await insert(db, [...background(rng, END - BASELINE_DAYS * DAY, END + 3 * DAY), ...surge(rng)]);
    clearBaselineCache();
    app = createApp({ db });
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
  }, 600_000); // opening a migrated PGlite takes a minute on a loaded machine; the data ~10 s
  afterAll(async () => {
    await db?.close();
  });

  it('null hours raise nothing: scans on the day before the surge', async () => {
    for (const h of [3, 9, 15, 21]) {
      const s = await scanAndRecord(db, new Date(END - DAY + h * 3600_000), EVERY_5_MIN);
      expect(s.alerts).toEqual([]);
    }
    expect((await db.query(`SELECT count(*)::int AS n FROM alerts`))[0]).toEqual({ n: 0 });
  });

  it("reads the study exactly: the street cluster's expected count is C_zone·C_window/C counted in SQL", async () => {
    const now = new Date(tenth);
    const run = await runScan(db, now, { ...EVERY_5_MIN, seed: 1 }, 1);
    // the replicas ran on the worker threads (a failed thread would fall back to this one)
    expect(run.workers).toBe(scanWorkerCount());
    expect(run.workers).toBeGreaterThan(0);
    const street = run.clusters.find(
      (c) => c.family === 'street' && c.category === OUTAGE && c.places[0] === SURGE_STREET,
    )!;
    expect(street).toBeDefined();
    // study = the 56 city days before D0 (D0 = the day holding now − 24 h) and D0 up to now
    const [q] = await db.query<{ zone: number; win: number; total: number; inwin: number }>(
      `WITH b AS (SELECT ((($1::timestamptz - interval '24 hours') AT TIME ZONE 'Asia/Shanghai')::date - 56)::timestamp AT TIME ZONE 'Asia/Shanghai' AS start)
       SELECT count(*) FILTER (WHERE street_code = $2)::int AS zone,
              count(*) FILTER (WHERE received_at > $1::timestamptz - make_interval(secs => $3::float8 * 3600))::int AS win,
              count(*)::int AS total,
              count(*) FILTER (WHERE street_code = $2 AND received_at > $1::timestamptz - make_interval(secs => $3::float8 * 3600))::int AS inwin
       FROM tickets, b WHERE category_code = $4 AND street_code IS NOT NULL AND received_at >= b.start AND received_at <= $1::timestamptz`,
      [now.toISOString(), SURGE_STREET, street.windowHours, OUTAGE],
    );
    expect(street.observed).toBe(q!.inwin);
    expect(street.expected).toBeCloseTo((q!.zone * q!.win) / q!.total, 9);
    expect(street.tickets.length).toBe(q!.inwin);
    expect(street.observed).toBeGreaterThanOrEqual(10);
  });

  it('raises the planted surge within 30 minutes of its 10th ticket, one alert for the episode', async () => {
    let raisedAt: number | null = null;
    const written = new Set<number>();
    // the server's grid: every 5 minutes, from the first scan after the 10th ticket to the surge's end + 1 h
    for (let now = Math.ceil(tenth / 300_000) * 300_000; now <= SURGE_START + 3 * 3600_000; now += 300_000) {
      const s = await scanAndRecord(db, new Date(now), EVERY_5_MIN);
      for (const id of s.alerts) written.add(id);
      if (s.alerts.length && raisedAt === null) raisedAt = now;
      if (now > tenth + 45 * 60_000 && now % 1_800_000 !== 0) now += 1_500_000; // then every 30 min, to stay fast
    }
    expect(raisedAt).not.toBeNull();
    const minutes = (raisedAt! - tenth) / 60_000;
    console.log(`${engine}: surge raised ${minutes.toFixed(1)} min after its 10th ticket`);
    expect(minutes).toBeLessThanOrEqual(30);
    const rows = await db.query<{ id: number; category: string; streets: string[]; observed: number; state: string }>(
      `SELECT id::int AS id, category_code AS category, street_codes AS streets, observed, state FROM alerts`,
    );
    expect(rows.length).toBe(1);
    expect([...written]).toEqual([rows[0]!.id]);
    expect(rows[0]).toMatchObject({ category: OUTAGE, streets: [SURGE_STREET], state: 'new' });
    expect(rows[0]!.observed).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it('GET /api/alerts lists it; the state moves new → acknowledged → handled, audited; bad input changes nothing', async () => {
    const list = (await (await dispatcher.request('/api/alerts')).json()) as any;
    expect(list.alerts).toHaveLength(1);
    const a = list.alerts[0];
    expect(a).toMatchObject({
      category: OUTAGE,
      categoryZh: '停水',
      state: 'new',
      streets: [{ code: SURGE_STREET, zh: '甲二街道' }],
      districts: [{ code: '900001' }],
    });
    expect(a.recurrenceDays).toBeGreaterThanOrEqual(100);
    expect(list.lastScan.scansPerDay).toBe(288);
    const post = (body: unknown, id = a.id) =>
      dispatcher.request(`/api/alerts/${id}/state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    let res = await post({ state: 'solved' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.field).toBe('state');
    res = await post({ state: 'acknowledged', note: 'x'.repeat(501) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.field).toBe('note');
    res = await post({ state: 'acknowledged' }, 999999);
    expect(res.status).toBe(404);
    expect((await db.query(`SELECT state FROM alerts`))[0]).toEqual({ state: 'new' });
    res = await post({ state: 'acknowledged', note: '已通知自来水集团' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: 'acknowledged',
      stateBy: dispatcher.username,
      stateNote: '已通知自来水集团',
    });
    res = await post({ state: 'handled' });
    expect(res.status).toBe(200);
    res = await post({ state: 'dismissed' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error).toMatchObject({
      code: 'illegal_transition',
      status: 'handled',
      allowed: [],
    });
    const audit = await db.query<{ action: string; username: string; detail: any }>(
      `SELECT action, username, detail FROM audit_log WHERE action = 'alert.state' ORDER BY id`,
    );
    expect(audit.map((r) => [r.username, r.detail.from, r.detail.to])).toEqual([
      [dispatcher.username, 'new', 'acknowledged'],
      [dispatcher.username, 'acknowledged', 'handled'],
    ]);
    // handled is no longer open; state=all still shows it
    expect(((await (await dispatcher.request('/api/alerts')).json()) as any).alerts).toHaveLength(0);
    expect(
      ((await (await dispatcher.request('/api/alerts?state=handled,dismissed')).json()) as any).alerts,
    ).toHaveLength(1);
    expect((await dispatcher.request('/api/alerts?state=bogus')).status).toBe(400);
    expect((await dispatcher.request('/api/alerts?limit=0')).status).toBe(400);
  });

  it('officials see the alerts of their region only; a CSRF-less write is refused', async () => {
    const own = await signIn(app, db, { role: 'district_official', regionCode: '900001' });
    const other = await signIn(app, db, { role: 'district_official', regionCode: '900002' });
    const street = await signIn(app, db, { role: 'street_official', regionCode: '900001001' });
    expect(((await (await own.request('/api/alerts?state=all')).json()) as any).alerts).toHaveLength(1);
    expect(((await (await other.request('/api/alerts?state=all')).json()) as any).alerts).toHaveLength(0);
    expect(((await (await street.request('/api/alerts?state=all')).json()) as any).alerts).toHaveLength(0);
    const res = await dispatcher.request(`/api/alerts/1/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': 'wrong' },
      body: '{"state":"dismissed"}',
    });
    expect(res.status).toBe(403);
  });

  it('pushes a written alert over the live feed to the city and to the official whose district holds it', async () => {
    const own = await signIn(app, db, { role: 'district_official', regionCode: '900001' });
    const other = await signIn(app, db, { role: 'district_official', regionCode: '900002' });
    const open = async (c: Client) => {
      const res = await c.request('/api/live');
      expect(res.status).toBe(200);
      return readAlerts(res);
    };
    const readers = await Promise.all([open(dispatcher), open(own), open(other)]);
    await new Promise((r) => setTimeout(r, 300)); // the streams have taken their cursor
    // a second surge, two days later (past the 24-hour episode gap), in the same street: a new episode
    const rng = new Rng(9);
    await insert(
      db,
      surge(rng).map((r) => ({ ...r, at: r.at + 2 * DAY })),
    );
    const s = await scanAndRecord(db, new Date(SURGE_START + 2 * DAY + 90 * 60_000), EVERY_5_MIN);
    expect(s.alerts).toHaveLength(1);
    const [city, mine, theirs] = await Promise.all(
      readers.map((p, i) => p(i < 2 ? 10_000 : 1500, (evs) => evs.length > 0)),
    );
    expect(city!.map((e) => e.id)).toEqual(s.alerts);
    expect(mine!.map((e) => e.id)).toEqual(s.alerts);
    expect(theirs).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM alerts`))[0]).toEqual({ n: 2 });
  }, 60_000);

  it("the demo feed's surge files one ticket every 4 minutes at one spot, through intake", async () => {
    const t0 = new Date(END + 2 * DAY + 20 * 3600_000);
    const surge = (await startDemoSurge(db, t0))!;
    expect(surge).toMatchObject({ category: OUTAGE, left: 30 });
    expect(await advanceDemoSurge(db, surge, new Date(t0.getTime() + 10 * 60_000))).toHaveLength(3); // at 0, 4 and 8 minutes
    expect(surge.left).toBe(27);
    const rows = await db.query<{ category: string; street: string }>(
      `SELECT category_code AS category, street_code AS street FROM tickets WHERE received_at = $1::timestamptz + interval '10 minutes'`,
      [t0.toISOString()],
    );
    expect(rows.map((r) => r.category)).toEqual([OUTAGE, OUTAGE, OUTAGE]);
  });
});

/** Returns a reader of `event: alert` data from an SSE response: waits up to `ms` or until `until`. */
function readAlerts(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: any[] = [];
  let buffer = '';
  return async (ms: number, until: (evs: any[]) => boolean): Promise<any[]> => {
    const deadline = Date.now() + ms;
    try {
      while (Date.now() < deadline && !until(events)) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
        ]);
        if (chunk === null || chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const lines = block.split('\n');
          if (lines.includes('event: alert'))
            events.push(JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)));
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    return events;
  };
}
