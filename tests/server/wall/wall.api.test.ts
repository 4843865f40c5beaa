// The wall's own endpoints on a hand-built set of tickets, on both engines: today's figures
// against the same day last week up to the same time of day, top categories, the ticket list
// (never caller data), bad input, and the demo feed's path through normal intake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { fileDemoTicket } from '../../../server/demoFeed.ts';
import { wallWindows } from '../../../server/wall/windows.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { kioskClient } from './kiosk.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';

// "Now" for every request: Thursday 2026-11-26 12:00 in Beijing.
const AT = '2026-11-26T04:00:00Z';

const NOISE = 'noise.night_construction';
const OUTAGE = 'water.outage';
const LEAK = 'water.pipe_leak';
const A1 = ['900001', '900001001', 116.05, 39.05] as const; // 甲区 甲一街道
const A2 = ['900001', '900001002', 116.15, 39.05] as const; // 甲区 甲二街道
const B1 = ['900002', '900002001', 116.3, 39.05] as const; // 乙区 乙一街道

interface Hand {
  id: number;
  cat: string;
  where: readonly [string, string, number, number];
  received: string;
  dispatched?: string;
  accepted?: string;
  respondDue?: string;
  overdue?: string;
  callback?: string;
  solved?: boolean;
  satisfaction?: 'satisfied' | 'basic' | 'dissatisfied';
}

const HAND: Hand[] = [
  // today (from 2026-11-25T16:00Z)
  {
    id: 10,
    cat: NOISE,
    where: A1,
    received: '2026-11-26T01:00:00Z',
    dispatched: '2026-11-26T01:05:00Z',
    accepted: '2026-11-26T01:20:00Z',
    respondDue: '2026-11-26T03:05:00Z',
  },
  // received at midnight exactly: in; accepted after its limit: dispatched but not in time
  {
    id: 11,
    cat: OUTAGE,
    where: A2,
    received: '2026-11-25T16:00:00Z',
    dispatched: '2026-11-25T16:10:00Z',
    accepted: '2026-11-25T19:00:00Z',
    respondDue: '2026-11-25T18:10:00Z',
  },
  // received one second before midnight (yesterday), dispatched after it (today)
  { id: 12, cat: LEAK, where: B1, received: '2026-11-25T15:59:59Z', dispatched: '2026-11-25T16:00:30Z' },
  // received at "now" exactly: the window is [from, now), so not yet
  { id: 13, cat: LEAK, where: B1, received: AT },
  {
    id: 14,
    cat: NOISE,
    where: A1,
    received: '2026-11-10T02:00:00Z',
    overdue: '2026-11-26T02:00:00Z',
    callback: '2026-11-26T03:00:00Z',
    solved: true,
    satisfaction: 'satisfied',
  },
  {
    id: 15,
    cat: OUTAGE,
    where: A2,
    received: '2026-11-12T02:00:00Z',
    callback: '2026-11-26T03:30:00Z',
    solved: false,
    satisfaction: 'basic',
  },
  {
    id: 16,
    cat: NOISE,
    where: A1,
    received: '2026-11-14T02:00:00Z',
    callback: '2026-11-26T03:59:59Z',
    solved: true,
    satisfaction: 'basic',
  },
  // called back after "now"
  {
    id: 17,
    cat: NOISE,
    where: A1,
    received: '2026-11-14T02:00:00Z',
    callback: '2026-11-26T05:00:00Z',
    solved: true,
    satisfaction: 'satisfied',
  },
  { id: 18, cat: NOISE, where: B1, received: '2026-11-26T02:00:00Z' },
  // this week (from Monday 2026-11-23 00:00 Beijing = 2026-11-22T16:00Z), not today
  { id: 19, cat: LEAK, where: B1, received: '2026-11-23T01:00:00Z' },
  // Sunday 23:59:59 Beijing: last week
  { id: 20, cat: LEAK, where: B1, received: '2026-11-22T15:59:59Z' },
  // same day last week (2026-11-18T16:00Z) up to the same time (2026-11-19T04:00Z)
  {
    id: 30,
    cat: NOISE,
    where: A1,
    received: '2026-11-19T03:59:00Z',
    dispatched: '2026-11-19T03:59:30Z',
    accepted: '2026-11-19T04:30:00Z',
    respondDue: '2026-11-19T05:59:30Z',
  },
  // at 12:00 last week exactly: the whole day would count it, the same-time rule does not
  { id: 31, cat: NOISE, where: A1, received: '2026-11-19T04:00:00Z', dispatched: '2026-11-19T04:01:00Z' },
  {
    id: 32,
    cat: OUTAGE,
    where: A2,
    received: '2026-11-18T20:00:00Z',
    dispatched: '2026-11-18T20:05:00Z',
    accepted: '2026-11-18T20:10:00Z',
    respondDue: '2026-11-18T22:05:00Z',
    overdue: '2026-11-19T01:00:00Z',
  },
  {
    id: 33,
    cat: LEAK,
    where: B1,
    received: '2026-11-05T02:00:00Z',
    callback: '2026-11-19T02:00:00Z',
    solved: true,
    satisfaction: 'satisfied',
  },
];

async function insertHand(db: Database): Promise<void> {
  for (const t of HAND) {
    const [district, street, lon, lat] = t.where;
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, address, geom, location_status, district_code, street_code, status,
                            received_at, dispatched_at, accepted_at, respond_due_at, overdue_at, callback_at, solved, satisfaction)
       VALUES ($1, 'complaint', 'phone', $2, 'ordinary', '楼下施工太吵', '某小区3号楼2单元501', ST_SetSRID(ST_MakePoint($3, $4), 4326), 'located', $5, $6, 'dispatched',
               $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        t.id,
        t.cat,
        lon,
        lat,
        district,
        street,
        t.received,
        t.dispatched ?? null,
        t.accepted ?? null,
        t.respondDue ?? null,
        t.overdue ?? null,
        t.callback ?? null,
        t.solved ?? null,
        t.satisfaction ?? null,
      ],
    );
  }
  await db.query(`INSERT INTO ticket_callers (ticket_id, name, phone) VALUES (18, '王秀英', '13800138000')`);
  // explicit ids above: move the identity on so intake's own ids do not collide
  await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1000)`);
}

describe('the wall windows', () => {
  it('compare today with the same weekday last week up to the same time of day, in the city zone', () => {
    const w = wallWindows(new Date(AT), 'Asia/Shanghai');
    expect(w.date).toBe('2026-11-26');
    expect([w.today.from.toISOString(), w.today.to.toISOString()]).toEqual([
      '2026-11-25T16:00:00.000Z',
      AT.replace('Z', '.000Z'),
    ]);
    expect([w.lastWeek.date, w.lastWeek.from.toISOString(), w.lastWeek.to.toISOString()]).toEqual([
      '2026-11-19',
      '2026-11-18T16:00:00.000Z',
      '2026-11-19T04:00:00.000Z',
    ]);
    expect(w.week.from.toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });

  it('keep the same clock time across a summer-time change (10:00 against 10:00)', () => {
    // Berlin leaves summer time on 2026-10-25: 2026-10-28 10:00 CET = 09:00Z; 2026-10-21 10:00 CEST = 08:00Z.
    const w = wallWindows(new Date('2026-10-28T09:00:00Z'), 'Europe/Berlin');
    expect(w.lastWeek.from.toISOString()).toBe('2026-10-20T22:00:00.000Z');
    expect(w.lastWeek.to.toISOString()).toBe('2026-10-21T08:00:00.000Z');
    expect(w.week.from.toISOString()).toBe('2026-10-25T23:00:00.000Z'); // Monday 26th, 00:00 CET (UTC+1)
  });
});

describe.each(ENGINES)('wall API on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  /** Every request signs in (an admin: the whole city), as the dashboard does. */
  let client: Client;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_wall');
    await loadTinyCity(db);
    await insertHand(db);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("counts today's figures against the same day last week up to the same time", async () => {
    const res = await client.request(`/api/wall/today?at=${AT}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.timeZone).toBe('Asia/Shanghai');
    expect(body.date).toBe('2026-11-26');
    expect(body.comparison).toBe('same-time-last-week');
    expect(body.windows.lastWeek).toEqual({
      from: '2026-11-18T16:00:00.000Z',
      to: '2026-11-19T04:00:00.000Z',
      date: '2026-11-19',
    });
    expect(body.figures).toEqual({
      received: { today: 3, lastWeek: 2 }, // 10, 11, 18 | 30, 32 (31 came at 12:00)
      dispatched: { today: 3, lastWeek: 2 }, // 10, 11, 12 | 30, 32
      respondedInTime: { today: 1, lastWeek: 1 }, // 10 (11 was late) | 32 (30 accepted after 12:00)
      overdue: { today: 1, lastWeek: 1 }, // 14 | 32
      calledBack: { today: 3, lastWeek: 1 }, // 14, 15, 16 (17 after now) | 33
      solved: { today: 2, lastWeek: 1 }, // 14, 16 | 33
      satisfied: { today: 1, lastWeek: 1 }, // 14 (16 only basically) | 33
    });
  });

  it('ranks the categories of today and of this week', async () => {
    const body = await (await client.request(`/api/wall/today?at=${AT}`)).json();
    const pairs = (xs: { code: string; count: number }[]) => xs.map((x) => [x.code, x.count]);
    expect(pairs(body.topCategories.today)).toEqual([
      [NOISE, 2],
      [OUTAGE, 1],
    ]);
    expect(pairs(body.topCategories.week)).toEqual([
      [NOISE, 2],
      [LEAK, 2],
      [OUTAGE, 1],
    ]);
    expect(body.topCategories.today[0]).toMatchObject({ nameZh: '夜间施工噪声', groupCode: 'noise' });
    expect(pairs((await (await client.request(`/api/wall/today?at=${AT}&top=1`)).json()).topCategories.week)).toEqual([
      [NOISE, 2],
    ]);
  });

  it('lists the latest tickets with place, category and time, and never caller data, address or description', async () => {
    const res = await client.request(`/api/wall/tickets?limit=3&at=${AT}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.tickets.map((t: { id: number }) => t.id)).toEqual([18, 10, 11]);
    expect(body.tickets[0]).toEqual({
      id: 18,
      receivedAt: '2026-11-26T02:00:00.000Z',
      lon: 116.3,
      lat: 39.05,
      categoryCode: NOISE,
      categoryZh: '夜间施工噪声',
      categoryEn: 'Night construction noise',
      groupCode: 'noise',
      districtCode: '900002',
      districtZh: '乙区',
      districtEn: '900002',
      streetCode: '900002001',
      streetZh: '乙一街道',
      streetEn: '900002001',
    });
    for (const secret of ['王秀英', '13800138000', '某小区', '楼下施工']) expect(text).not.toContain(secret);
    const byId = await (await client.request('/api/wall/tickets?ids=11,18,999')).json();
    expect(byId.tickets.map((t: { id: number }) => t.id)).toEqual([18, 11]);
  });

  it('refuses bad input naming the field', async () => {
    for (const [path, field] of [
      ['/api/wall/today?at=yesterday', 'at'],
      ['/api/wall/today?at=2026-11-26T04:00:00', 'at'], // no zone: ambiguous
      ['/api/wall/today?at=2999-01-01T00:00:00Z', 'at'],
      ['/api/wall/today?top=0', 'top'],
      ['/api/wall/tickets?ids=1,two', 'ids'],
      ['/api/wall/tickets?limit=500', 'limit'],
    ] as const) {
      const res = await client.request(path);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_input', field });
    }
  });

  it("a district's wall (kiosk bound to 甲区) counts only its tickets; the two districts' walls add up to the city's", async () => {
    const wallA = await kioskClient(app, db, '甲区大屏', '900001');
    const wallB = await kioskClient(app, db, '乙区大屏', '900002');
    const [a, b, city] = await Promise.all(
      [wallA, wallB, client].map(async (c) => (await c.request(`/api/wall/today?at=${AT}`)).json()),
    );
    expect(a.figures).toEqual({
      received: { today: 2, lastWeek: 2 }, // 10, 11 | 30, 32 (18 is 乙区)
      dispatched: { today: 2, lastWeek: 2 }, // 10, 11 (12 is 乙区) | 30, 32
      respondedInTime: { today: 1, lastWeek: 1 }, // 10 | 32
      overdue: { today: 1, lastWeek: 1 }, // 14 | 32
      calledBack: { today: 3, lastWeek: 0 }, // 14, 15, 16 | (33 is 乙区)
      solved: { today: 2, lastWeek: 0 },
      satisfied: { today: 1, lastWeek: 0 },
    });
    for (const f of Object.keys(city.figures)) {
      for (const when of ['today', 'lastWeek'])
        expect(a.figures[f][when] + b.figures[f][when], `${f} ${when}`).toBe(city.figures[f][when]);
    }
    const pairs = (xs: { code: string; count: number }[]) => xs.map((x) => [x.code, x.count]);
    expect(pairs(a.topCategories.today)).toEqual([
      [NOISE, 1],
      [OUTAGE, 1],
    ]);
    expect(pairs(a.topCategories.week)).toEqual([
      [NOISE, 1],
      [OUTAGE, 1],
    ]);
    expect(pairs(b.topCategories.week)).toEqual([
      [LEAK, 2],
      [NOISE, 1],
    ]); // 12, 19 | 18
    const list = await (await wallA.request(`/api/wall/tickets?limit=3&at=${AT}`)).json();
    expect(list.tickets.map((t: { id: number }) => t.id)).toEqual([10, 11, 31]);
    // An id of another district announced by mistake is simply not found.
    expect(
      (await (await wallA.request('/api/wall/tickets?ids=11,18,999')).json()).tickets.map((t: { id: number }) => t.id),
    ).toEqual([11]);
  });

  it("a street official's wall shows that street's tickets only", async () => {
    const official = await signIn(app, db, { role: 'street_official', regionCode: '900001001' });
    const body = await (await official.request(`/api/wall/today?at=${AT}`)).json();
    expect(body.figures.received).toEqual({ today: 1, lastWeek: 1 }); // 10 | 30 (11 and 32 are 甲二街道)
    expect(body.figures.calledBack).toEqual({ today: 2, lastWeek: 0 }); // 14, 16
    const list = await (await official.request('/api/wall/tickets?ids=10,11,12,18,30')).json();
    expect(list.tickets.map((t: { id: number; streetCode: string }) => [t.id, t.streetCode])).toEqual([
      [10, '900001001'],
      [30, '900001001'],
    ]);
  });

  it('files a demo ticket through normal intake: located, dispatched, with the events the live feed announces', async () => {
    const now = new Date();
    const [{ before }] = await db.query<{ before: number }>(`SELECT count(*)::int AS before FROM tickets`);
    const id = await fileDemoTicket(db, now);
    expect(id).not.toBeNull();
    const [t] = await db.query<{
      n: number;
      location_status: string;
      status: string;
      street_code: string;
      received_at: Date | string;
    }>(
      `SELECT (SELECT count(*)::int FROM tickets) AS n, location_status, status, street_code, received_at FROM tickets WHERE id = $1`,
      [id],
    );
    expect(t.n).toBe(before + 1);
    expect(t.location_status).toBe('located');
    expect(t.status).toBe('dispatched');
    expect(['900001001', '900001002', '900002001']).toContain(t.street_code);
    expect(new Date(t.received_at).getTime()).toBe(now.getTime());
    const events = await db.query<{ type: string }>(`SELECT type FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [
      id,
    ]);
    expect(events.map((e) => e.type)).toEqual(['received', 'dispatched']);
  });
});
