// A property (issue 15, H2 and M1): whatever a district or street official sends — any action, any
// ticket, any `at`, `actor`, `unitCode`, reason, deferral — no time, actor or outcome that counts in
// a ranking changes except as the server's own record of what they did just now, for their own unit:
//   - receipt, deadlines, dispatch times, callbacks (solved, satisfaction), rulings and closing never change;
//   - a dispatch row changes only if it is their own unit's, and only to the time of the request;
//   - every event they cause is the unit's (actor 'unit'), of their own unit, at the time of the request;
//   - every unit's ranking counts of every month before the current one stay what they were.
// Seeded random requests on both engines, after tickets were taken through every state by an admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { unitCounts } from '../../../server/ranking/sql.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { makeRng } from '../robust/generators.ts';

const STREET = '900001001';
const SISTER = '900001002';
const DISTRICT = '900001';
const FAR = '900002001';
const POINT: Record<string, [number, number]> = {
  [STREET]: [116.02, 39.05],
  [SISTER]: [116.15, 39.05],
  [FAR]: [116.3, 39.05],
};
const H = 3_600_000;
const STEPS = 200;
const JSON_HEADERS = { 'content-type': 'application/json' };

interface Snapshot {
  tickets: Map<number, Record<string, unknown>>;
  dispatches: Map<number, Record<string, unknown>>;
  events: Map<number, { ticket: number; at: string; actor: string | null; unit: string | null }>;
  ranking: string;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

describe.each(ENGINES)('no official’s request changes what counts in a ranking, on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let admin: Client;
  let officials: { client: Client; units: string[] }[];
  const ids: number[] = [];

  const post = (c: Client, path: string, body: unknown) =>
    c.request(path, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  async function file(where: string, category: string, receivedAt?: string): Promise<number> {
    const [lon, lat] = POINT[where]!;
    const res = await post(admin, '/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category,
      description: '性质测试',
      lon,
      lat,
      ...(receivedAt ? { receivedAt } : {}),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const id = ((await res.json()) as { id: number }).id;
    ids.push(id);
    return id;
  }
  async function act(id: number, action: string, body: Record<string, unknown>) {
    const res = await post(admin, `/api/tickets/${id}/${action}`, body);
    expect(res.status, `${action} ${id}: ${await res.clone().text()}`).toBe(200);
  }
  const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

  /** Every unit's counts per month, January 2026 up to the start of the current month (city time). */
  async function pastRanking(): Promise<string> {
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 8 * H);
    const period = { from: new Date('2025-12-31T16:00:00Z'), to: monthStart };
    const out: unknown[] = [];
    for (const [table, dispatchCodes, unitCodes] of [
      ['street', [STREET, SISTER, FAR], [STREET, SISTER, FAR]],
      ['district', [STREET, SISTER, FAR], [DISTRICT, '900002']],
      ['utility', ['water_group'], ['water_group']],
      ['city', [STREET, SISTER, FAR], ['city']],
    ] as const) {
      const rows = await unitCounts(db, { table, period, bucket: 'YYYY-MM', dispatchCodes, unitCodes });
      out.push(
        table,
        rows.sort((a, b) => (a.unit + a.bucket < b.unit + b.bucket ? -1 : 1)),
      );
    }
    return JSON.stringify(out);
  }

  async function snapshot(): Promise<Snapshot> {
    const tickets = await db.query<Record<string, unknown> & { id: number }>(
      `SELECT id::int AS id, status, received_at, respond_due_at, resolve_due_at, dispatched_at, accepted_at, replied_at, callback_at,
              closed_at, solved, satisfaction, return_count FROM tickets`,
    );
    const dispatches = await db.query<Record<string, unknown> & { id: number }>(
      `SELECT id::int AS id, ticket_id::int AS ticket, unit_code, unit_kind, role, dispatched_at, accepted_at, returned_at,
              return_justified, ruled_at, active FROM dispatches`,
    );
    const events = await db.query<{
      id: number;
      ticket: number;
      at: string;
      actor: string | null;
      unit: string | null;
    }>(`SELECT id::int AS id, ticket_id::int AS ticket, at, actor, unit_code AS unit FROM ticket_events`);
    const norm = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
    return {
      tickets: new Map(tickets.map((t) => [t.id, norm(t)])),
      dispatches: new Map(dispatches.map((d) => [d.id, norm(d)])),
      events: new Map(events.map((e) => [e.id, { ticket: e.ticket, at: iso(e.at)!, actor: e.actor, unit: e.unit }])),
      ranking: await pastRanking(),
    };
  }

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_security_property');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db });
    admin = await signIn(app, db, { role: 'admin' });
    // September and October: tickets taken through every state by the hotline and the units
    const noise = 'noise.night_construction';
    await file(STREET, noise, '2026-09-10T02:00:00Z'); // dispatched, never accepted (a late accept is late)
    await file(STREET, 'water.outage', '2026-09-11T02:00:00Z'); // the street and the water group in parallel
    const c = await file(STREET, noise, '2026-09-12T02:00:00Z');
    await act(c, 'accept', { at: plus('2026-09-12T02:00:00Z', H) });
    await act(c, 'progress', { at: plus('2026-09-12T02:00:00Z', 2 * H) });
    const d = await file(STREET, noise, '2026-09-13T02:00:00Z');
    await act(d, 'accept', { at: plus('2026-09-13T02:00:00Z', H) });
    await act(d, 'reply', { at: plus('2026-09-13T02:00:00Z', 24 * H) });
    await act(d, 'callback', { at: plus('2026-09-13T02:00:00Z', 48 * H), solved: false, satisfaction: 'dissatisfied' });
    const e = await file(SISTER, noise, '2026-09-14T02:00:00Z');
    await act(e, 'whistle', { at: plus('2026-09-14T02:00:00Z', H), summon: [STREET, 'water_group'] });
    await file(FAR, noise, '2026-09-15T02:00:00Z');
    const g = await file(STREET, noise, '2026-09-16T02:00:00Z');
    await act(g, 'return', { at: plus('2026-09-16T02:00:00Z', H), reason: '非本辖区' });
    await act(g, 'rule-return', { at: plus('2026-09-16T02:00:00Z', 2 * H), justified: false });
    const h = await file(STREET, noise, '2026-10-05T02:00:00Z');
    await act(h, 'accept', { at: plus('2026-10-05T02:00:00Z', H / 2) });
    const k = await file(SISTER, 'water.outage', '2026-10-06T02:00:00Z');
    await act(k, 'return', { at: plus('2026-10-06T02:00:00Z', H), reason: '非本辖区', unitCode: SISTER });
    await act(k, 'redispatch', { at: plus('2026-10-06T02:00:00Z', 2 * H), unitCode: STREET, justified: true });
    // and today's, several per street, so there is work for every official to do
    for (const where of [STREET, STREET, SISTER, SISTER, FAR, FAR]) await file(where, noise);
    await file(STREET, 'water.outage');
    await file(SISTER, 'water.outage');
    officials = [
      { client: await signIn(app, db, { role: 'street_official', regionCode: STREET }), units: [STREET] },
      { client: await signIn(app, db, { role: 'district_official', regionCode: DISTRICT }), units: [STREET, SISTER] },
      { client: await signIn(app, db, { role: 'street_official', regionCode: FAR }), units: [FAR] },
    ];
  });
  afterAll(async () => {
    await db?.close();
  });

  it(`${STEPS} random requests by officials: only their own unit’s record of now changes, past rankings never`, async () => {
    const rng = makeRng(engine === 'pglite' ? 1501 : 1502);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const maybe = <T>(p: number, v: () => T): T | undefined => (rng() < p ? v() : undefined);
    // mostly a unit's own actions, some of the hotline's (refused by role), and manual locating
    const ACTIONS = [
      'accept',
      'accept',
      'accept',
      'progress',
      'progress',
      'return',
      'report',
      'report',
      'defer',
      'reply',
      'reply',
      'callback',
      'close',
      'rule-return',
      'redispatch',
      'dispatch',
      'locate',
    ] as const;
    let before = await snapshot();
    const violations: string[] = [];
    const outcomes = new Map<number, number>();
    for (let step = 0; step < STEPS && violations.length < 10; step++) {
      const who = pick(officials);
      const id = pick(ids);
      const action = pick(ACTIONS);
      const body: Record<string, unknown> = {};
      const at = maybe(0.2, () =>
        pick([
          '2026-09-10T03:00:00Z',
          '2026-01-01T00:00:00Z',
          new Date(Date.now() - H).toISOString(),
          new Date().toISOString(),
          new Date(Date.now() + 60_000).toISOString(),
          '2026-09-30T15:59:59.999Z',
        ]),
      );
      if (at !== undefined) body.at = at;
      const actor = maybe(0.15, () => pick(['hotline', 'unit', 'system', 'citizen', 'grid_worker']));
      if (actor !== undefined) body.actor = actor;
      const unitCode = maybe(0.4, () => pick([STREET, SISTER, FAR, 'water_group', DISTRICT, '900001001G001']));
      if (unitCode !== undefined) body.unitCode = unitCode;
      if (action === 'return') body.reason = '不属于本单位职责';
      if (action === 'defer')
        Object.assign(body, { until: pick(['2027-03-01T00:00:00Z', '2026-09-01T00:00:00Z']), plan: '纳入年度计划' });
      if (action === 'callback') Object.assign(body, { solved: true, satisfaction: 'satisfied' });
      if (action === 'redispatch' || action === 'dispatch') body.unitCode ??= STREET;
      if (action === 'locate') Object.assign(body, { lon: 116.02, lat: 39.05 });
      if (rng() < 0.2) body.note = '说明';
      const t0 = Date.now();
      const res = await post(who.client, `/api/tickets/${id}/${action}`, body);
      const t1 = Date.now();
      outcomes.set(res.status, (outcomes.get(res.status) ?? 0) + 1);
      const label = `step ${step}: ${who.client.username} ${action} #${id} ${JSON.stringify(body)} → ${res.status}`;
      if (res.status >= 500) violations.push(`${label} ${await res.text()}`);
      const after = await snapshot();
      const now = (v: unknown) => {
        const ms = Date.parse(v as string);
        return ms >= t0 - 5 && ms <= t1 + 5;
      };
      for (const [tid, t] of after.tickets) {
        const b = before.tickets.get(tid);
        if (!b) {
          violations.push(`${label}: a new ticket ${tid}`);
          continue;
        }
        for (const col of [
          'received_at',
          'respond_due_at',
          'resolve_due_at',
          'dispatched_at',
          'callback_at',
          'closed_at',
          'solved',
          'satisfaction',
        ]) {
          if (t[col] !== b[col]) violations.push(`${label}: ticket ${tid}.${col} ${b[col]} → ${t[col]}`);
        }
        for (const col of ['accepted_at', 'replied_at']) {
          if (t[col] !== b[col] && !now(t[col]))
            violations.push(`${label}: ticket ${tid}.${col} ${b[col]} → ${t[col]}, not the time of the request`);
        }
      }
      for (const [did, d] of after.dispatches) {
        const b = before.dispatches.get(did);
        if (!b) {
          violations.push(`${label}: a new dispatch ${did} to ${d.unit_code}`);
          continue;
        }
        const changed = Object.keys(d).filter((k) => d[k] !== b[k]);
        if (changed.length === 0) continue;
        if (!who.units.includes(d.unit_code as string))
          violations.push(`${label}: dispatch ${did} of ${d.unit_code} changed (${changed.join(', ')}), not theirs`);
        for (const col of changed) {
          if (['accepted_at', 'returned_at'].includes(col)) {
            if (!now(d[col]))
              violations.push(`${label}: dispatch ${did}.${col} ${b[col]} → ${d[col]}, not the time of the request`);
          } else if (col !== 'active' && col !== 'return_reason')
            violations.push(`${label}: dispatch ${did}.${col} ${b[col]} → ${d[col]}`);
        }
      }
      for (const [eid, e] of after.events) {
        if (before.events.has(eid)) continue;
        if (e.actor !== 'unit') violations.push(`${label}: event ${eid} by ${e.actor}`);
        if (!now(e.at)) violations.push(`${label}: event ${eid} at ${e.at}, not the time of the request`);
        if (!who.units.includes(e.unit ?? '')) violations.push(`${label}: event ${eid} for unit ${e.unit}`);
      }
      if (after.ranking !== before.ranking) violations.push(`${label}: a past month's ranking counts changed`);
      before = after;
    }
    expect(violations).toEqual([]);
    // the storm was real: officials' own actions went through, and refusals were refusals
    expect(outcomes.get(200) ?? 0, JSON.stringify([...outcomes])).toBeGreaterThanOrEqual(10);
    expect([...outcomes.keys()].every((s) => s < 500)).toBe(true);
  });
});
