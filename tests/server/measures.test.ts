// One definition each of open, overdue, today and this week (server/measures.ts): the pure calendar
// rules, and, on both engines, the same moment's figures read from every page that shows them — the
// wall, the workspace summary, the official's backlog, the queue and the daily and weekly reports —
// agreeing with each other and with the hand-counted truth of a small set of tickets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { runClock } from '../../server/lifecycle/clock.ts';
import {
  backlog,
  cityDateOf,
  lastCompleteDay,
  lastCompleteWeekMonday,
  sameTimeToDate,
  thisWeek,
  today,
} from '../../server/measures.ts';
import { isoWeekOf } from '../../server/ranking/periods.ts';
import { ENGINES, openTestDatabase } from '../helpers/engines.ts';
import { signIn, type Client } from '../helpers/auth.ts';
import { loadTinyCity } from '../helpers/tinyCity.ts';

describe('today, this week and the last complete period', () => {
  const SH = 'Asia/Shanghai';
  it('cut the day and the ISO week in the city zone', () => {
    const at = new Date('2026-11-26T04:00:00Z'); // Thursday 12:00 in Beijing
    expect(today(at, SH)).toEqual({ date: '2026-11-26', from: new Date('2026-11-25T16:00:00Z'), to: at });
    expect(thisWeek(at, SH)).toEqual({ monday: '2026-11-23', from: new Date('2026-11-22T16:00:00Z'), to: at });
    // Sunday 23:59:59 in Beijing is still the week that began on Monday the 16th
    expect(thisWeek(new Date('2026-11-22T15:59:59Z'), SH).monday).toBe('2026-11-16');
  });

  it('compare an unfinished period with the same stretch of the one before, a finished one whole', () => {
    const day = { from: new Date('2026-11-25T16:00:00Z'), to: new Date('2026-11-26T16:00:00Z') };
    const before = { from: new Date('2026-11-24T16:00:00Z'), to: new Date('2026-11-25T16:00:00Z') };
    expect(sameTimeToDate(day, new Date('2026-11-26T04:00:00Z'), before)).toEqual({
      from: before.from,
      to: new Date('2026-11-25T04:00:00Z'),
    });
    expect(sameTimeToDate(day, day.to, before)).toEqual(before);
  });

  it('open reports on yesterday and last week, or on the last day of data when it ends earlier', () => {
    const now = new Date('2026-11-26T04:00:00Z');
    expect(lastCompleteDay(now, new Date('2026-11-26T03:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-25');
    expect(lastCompleteDay(now, new Date('2026-10-02T03:00:00Z'), 'Asia/Shanghai')).toBe('2026-10-02');
    expect(lastCompleteWeekMonday(now, new Date('2026-11-26T03:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-16');
    expect(lastCompleteWeekMonday(now, new Date('2026-10-02T03:00:00Z'), 'Asia/Shanghai')).toBe('2026-09-28');
  });
});

const A1 = ['900001', '900001001', 116.05, 39.05] as const; // 甲区 甲一街道
const B1 = ['900002', '900002001', 116.3, 39.05] as const; // 乙区 乙一街道
const H = 3_600_000;
const D = 24 * H;

interface Hand {
  id: number;
  where: typeof A1 | typeof B1;
  status: string;
  received: number;
  urgency?: string;
  resolveDue?: number;
  overdue?: number | null;
  replied?: number;
  closed?: number;
  deferredUntil?: number;
  /** [at, type] ledger events */
  events?: [number, 'deferred' | 'undeferred'][];
}

describe.each(ENGINES)('one moment, one figure everywhere on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let admin: Client;
  let official: Client;
  const now = Date.now();
  const todayStart = today(new Date(now)).from.getTime();
  // inside today however early in the city's day the test runs
  const earlyToday = todayStart + Math.floor((now - todayStart) / 3);
  const laterToday = todayStart + Math.floor(((now - todayStart) * 2) / 3);
  const HAND: Hand[] = [
    // overdue and open: past the deadline a day ago, still in progress
    { id: 101, where: A1, status: 'in_progress', received: now - 3 * D, resolveDue: now - D, overdue: now - D },
    // open emergency, deadline ahead
    { id: 102, where: A1, status: 'dispatched', received: earlyToday, urgency: 'emergency', resolveDue: now + 5 * D },
    // replied two days ago, after its deadline: overdue then, neither open nor overdue now
    {
      id: 103,
      where: A1,
      status: 'replied',
      received: now - 10 * D,
      resolveDue: now - 3 * D,
      overdue: now - 3 * D,
      replied: now - 2 * D,
    },
    // overdue, then put on the ledger (挂账): neither open nor overdue while there
    {
      id: 104,
      where: A1,
      status: 'deferred',
      received: now - 20 * D,
      resolveDue: now - 15 * D,
      overdue: now - 15 * D,
      deferredUntil: now + 30 * D,
      events: [[now - 12 * D, 'deferred']],
    },
    // received 200 days ago, returned by its unit, overdue ever since: a backlog has no look-back limit
    {
      id: 105,
      where: B1,
      status: 'returned',
      received: now - 200 * D,
      resolveDue: now - 190 * D,
      overdue: now - 190 * D,
    },
    // received today, waiting
    { id: 106, where: B1, status: 'received', received: laterToday },
    // answered on the call today: closed
    { id: 107, where: A1, status: 'closed', received: earlyToday, closed: laterToday },
    // deadline passed an hour ago; the clock has not run yet (marked below)
    { id: 108, where: A1, status: 'accepted', received: now - 2 * D, resolveDue: now - H, overdue: null },
    // overdue two days ago, still open, in the other district
    { id: 109, where: B1, status: 'in_progress', received: now - 4 * D, resolveDue: now - 2 * D, overdue: now - 2 * D },
    // deferred and brought back from the ledger (which clears deferred_until): open and overdue again
    {
      id: 110,
      where: A1,
      status: 'in_progress',
      received: now - 30 * D,
      resolveDue: now - 25 * D,
      overdue: now - 25 * D,
      events: [
        [now - 20 * D, 'deferred'],
        [now - 5 * D, 'undeferred'],
      ],
    },
  ];
  // hand-counted truth now: open 101 102 105 106 108 109 110; overdue 101 105 108 109 110; urgent 102
  const CITY = { open: 7, overdue: 5, urgent: 1 };
  // 甲区 alone: open 101 102 108 110; overdue 101 108 110; urgent 102
  const DISTRICT = { open: 4, overdue: 3, urgent: 1 };
  const receivedToday = (district?: string) =>
    HAND.filter((t) => t.received >= todayStart && (!district || t.where[0] === district)).length;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_measures');
    await loadTinyCity(db);
    await db.query('DELETE FROM tickets');
    const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
    for (const t of HAND) {
      const [district, street, lon, lat] = t.where;
      await db.query(
        `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, geom, location_status, district_code, street_code, status,
                              received_at, resolve_due_at, overdue_at, replied_at, closed_at, deferred_until)
         VALUES ($1, 'complaint', 'phone', 'noise.night_construction', $2, '测试', ST_SetSRID(ST_MakePoint($3, $4), 4326), 'located', $5, $6, $7,
                 $8, $9, $10, $11, $12, $13)`,
        [
          t.id,
          t.urgency ?? 'ordinary',
          lon,
          lat,
          district,
          street,
          t.status,
          iso(t.received),
          iso(t.resolveDue),
          iso(t.overdue),
          iso(t.replied),
          iso(t.closed),
          iso(t.deferredUntil),
        ],
      );
      for (const [at, type] of t.events ?? []) {
        await db.query(`INSERT INTO ticket_events (ticket_id, at, type, actor) VALUES ($1, $2, $3, 'system')`, [
          t.id,
          iso(at),
          type,
        ]);
      }
    }
    await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1000)`);
    // the clock marks 108: the live lists and the instant form then agree to the ticket
    expect((await runClock(db, new Date(now))).overdue).toBe(1);
    app = createApp({ db });
    admin = await signIn(app, db);
    official = await signIn(app, db, { role: 'district_official', regionCode: '900001' });
  });
  afterAll(async () => {
    await db?.close();
  });

  const get = async (c: Client, path: string) => {
    const res = await c.request(path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return res.json();
  };

  /** Every page's open / overdue / urgent / received-today, read at the same moment. */
  async function everyPage(c: Client) {
    const date = cityDateOf(new Date());
    const [wall, summary, backlogApi, queue, daily, weekly, todaySummary] = await Promise.all([
      get(c, '/api/wall/today'),
      get(c, '/api/summary'),
      get(c, '/api/summary/backlog'),
      get(c, '/api/queue?kind=overdue'),
      get(c, `/api/reports/daily?date=${date}`),
      get(c, `/api/reports/weekly?week=${isoWeekOf(date)}`),
      get(c, `/api/summary?from=${date}&to=${date}`),
    ]);
    const pick = (b: { open: number; overdue: number; urgent: number }) => ({
      open: b.open,
      overdue: b.overdue,
      urgent: b.urgent,
    });
    return {
      backlog: {
        wall: pick(wall.backlog),
        workspace: pick(summary.backlog),
        official: pick(backlogApi),
        daily: pick(daily.backlog),
        weekly: pick(weekly.backlog),
      },
      overdue: {
        queue: queue.tickets.length,
        queueTotal: queue.tickets[0]?.total ?? 0,
        daily: daily.overdueOpen,
        weekly: weekly.overdueOpen,
      },
      receivedToday: { wall: wall.figures.received.today, workspace: todaySummary.total, daily: daily.intake.total },
      comparison: [daily.comparison, weekly.comparison],
    };
  }

  it('the wall, the workspace, the queue and both reports give the same open, overdue and urgent counts', async () => {
    const seen = await everyPage(admin);
    expect(seen.backlog).toEqual({ wall: CITY, workspace: CITY, official: CITY, daily: CITY, weekly: CITY });
    expect(seen.overdue).toEqual({
      queue: CITY.overdue,
      queueTotal: CITY.overdue,
      daily: CITY.overdue,
      weekly: CITY.overdue,
    });
    const n = receivedToday();
    expect(seen.receivedToday).toEqual({ wall: n, workspace: n, daily: n });
    // today and this week are unfinished: their reports compare the same stretch of the day and week before
    expect(seen.comparison).toEqual(['same-time-to-date', 'same-time-to-date']);
  });

  it("an official's pages agree on their own district's figures", async () => {
    const seen = await everyPage(official);
    expect(seen.backlog).toEqual({
      wall: DISTRICT,
      workspace: DISTRICT,
      official: DISTRICT,
      daily: DISTRICT,
      weekly: DISTRICT,
    });
    expect(seen.overdue).toEqual({
      queue: DISTRICT.overdue,
      queueTotal: DISTRICT.overdue,
      daily: DISTRICT.overdue,
      weekly: DISTRICT.overdue,
    });
    const n = receivedToday('900001');
    expect(seen.receivedToday).toEqual({ wall: n, workspace: n, daily: n });
  });

  it('the instant form agrees with the live form now, and reconstructs an earlier instant', async () => {
    const city = { level: 'city' } as const;
    const live = await backlog(db, city, null);
    const instant = await backlog(db, city, new Date());
    expect({ ...instant, asOf: null }).toEqual({ ...live, asOf: null });
    // 2.5 days ago: open 101 103 105 109 110 (104 on the ledger; 110 back from it 5 days ago);
    // overdue 103 (since 3 days ago) 105 110 (101 and 109 only later)
    const earlier = await backlog(db, city, new Date(now - 2.5 * D));
    expect({ open: earlier.open, overdue: earlier.overdue }).toEqual({ open: 5, overdue: 3 });
    // 8 days ago 110 was on the ledger and 104 too; 103 open, not yet overdue; 101 109 108 not yet received
    const before = await backlog(db, city, new Date(now - 8 * D));
    expect({ open: before.open, overdue: before.overdue }).toEqual({ open: 2, overdue: 1 });
  });

  it('reports open on the last complete day and week, compared whole with the one before', async () => {
    const daily = await get(admin, '/api/reports/daily');
    const weekly = await get(admin, '/api/reports/weekly');
    const yesterday = lastCompleteDay(new Date(), new Date(now));
    expect(daily.date).toBe(yesterday);
    expect(daily.comparison).toBe('full-period');
    expect(weekly.week).toBe(isoWeekOf(lastCompleteWeekMonday(new Date(), new Date(now))));
    expect(weekly.comparison).toBe('full-period');
    // the backlog of a finished day is the one at its end
    const atEnd = await backlog(db, { level: 'city' }, new Date(daily.period.to));
    expect(daily.backlog.overdue).toBe(atEnd.overdue);
    expect(daily.backlog.open).toBe(atEnd.open);
  });
});
