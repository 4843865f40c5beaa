// The monthly ranking over HTTP on both engines, against a hand-built city whose every number is
// worked out in handCity.ts: exact rates, scores, ties, rank changes, classes and red zone; Beijing
// month boundaries; drill-downs that return exactly the tickets behind each figure; an independent
// SQL recomputation; unit profiles, what-if, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { configureRanking } from '../../../server/ranking/service.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { D1, D2, HAND_POLICY, handClock, loadHandCity, S1, S2, S3, S4, S5 } from './handCity.ts';
import { independentRanking, type IndependentTable } from './independent.ts';

const TABLES: IndependentTable[] = ['street', 'district', 'department', 'utility'];

describe.each(ENGINES)('ranking API on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  /** Every request signs in (an admin: the whole city), as the dashboard does. */
  let client: Client;
  const get = async (path: string) => {
    const res = await client.request(path);
    return { status: res.status, body: (await res.json()) as any };
  };
  const ids = async (path: string) => (await get(path)).body.tickets.map((t: { id: number }) => t.id);

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_ranking_api');
    await loadHandCity(db);
    configureRanking(db, { policy: HAND_POLICY, now: handClock });
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('ranks the streets of October exactly: rates, scores, tied first places, rank change, classes, red zone', async () => {
    const { status, body } = await get('/api/ranking?month=2026-10&table=street');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      table: 'street',
      month: '2026-10',
      status: 'closed',
      units: 5,
      ranked: 4,
      governanceBasis: 'per10k',
      hasData: true,
    });
    expect(body.period).toEqual({ from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' });
    const line = (r: any) => [r.code, r.rank, r.score, r.previousRank, r.rankChange, r.classes, r.redZone];
    expect(body.rows.map(line)).toEqual([
      [S2, 1, 100, 2, 1, ['advanced', 'progressing'], false],
      [S5, 1, 100, null, null, ['advanced'], false],
      [S1, 3, 72.75, 1, -2, ['governance'], false],
      [S3, 4, 42.33, 3, -1, ['rectification'], true],
      [S4, null, null, null, null, [], false],
    ]);
    const s1 = body.rows.find((r: any) => r.code === S1);
    expect(s1.counts).toEqual({
      volume: 5,
      dispatched: 4,
      respondedInTime: 3,
      calledBack: 4,
      solved: 3,
      satisfied: 2,
      basic: 1,
      dissatisfied: 1,
      unjustifiedReturns: 0,
      unrated: 0,
    });
    expect([s1.response.percent, s1.resolution.percent, s1.satisfaction.percent, s1.satisfaction.numerator]).toEqual([
      75, 75, 70, 2.8,
    ]);
    expect([s1.nameZh, s1.nameEn, s1.parentCode, s1.parentNameZh, s1.population, s1.volumePer10k]).toEqual([
      '东一街道',
      'East One',
      D1,
      '东区',
      10_000,
      5,
    ]);
    const s3 = body.rows.find((r: any) => r.code === S3);
    expect(s3.composite).toBeCloseTo(42.333333333, 8);
    expect(s3.satisfaction.percent).toBeCloseTo(160 / 3, 10);
    expect(s3.rectificationStreak).toBe(2);
    const s2 = body.rows.find((r: any) => r.code === S2);
    // Ticket 14 was returned without reason and sent back: one ticket, one unjustified return.
    expect([s2.counts.dispatched, s2.counts.respondedInTime, s2.counts.unjustifiedReturns]).toEqual([3, 3, 1]);
    expect(body.classes).toEqual({ advanced: [S2, S5], progressing: [S2], rectification: [S3], governance: [S1] });
    expect(body.redZone).toEqual([S3]);
    expect(body.movers.up.map((m: any) => [m.code, m.rankChange])).toEqual([[S2, 1]]);
    expect(body.movers.down.map((m: any) => [m.code, m.rankChange])).toEqual([
      [S1, -2],
      [S3, -1],
    ]);
  });

  it('ranks districts, departments and utilities on their own tables', async () => {
    const d = (await get('/api/ranking?month=2026-10&table=district')).body;
    expect(
      d.rows.map((r: any) => [
        r.code,
        r.rank,
        r.score,
        r.counts.dispatched,
        r.counts.respondedInTime,
        r.counts.calledBack,
        r.counts.solved,
        r.volume,
        r.volumePer10k,
      ]),
    ).toEqual([
      [D1, 1, 84.43, 7, 6, 7, 6, 8, 0.8],
      [D2, 2, 65.4, 5, 3, 5, 3, 5, 1],
    ]);
    expect(d.rows[0].composite).toBeCloseTo(591 / 7, 10);
    const dept = (await get('/api/ranking?month=2026-10&table=department')).body;
    expect(dept.rows.map((r: any) => [r.code, r.rank, r.score, r.volume, r.counts.dispatched])).toEqual([
      ['dept_a', 1, 0, 1, 1],
    ]);
    expect(dept.governanceBasis).toBe('volume');
    const util = (await get('/api/ranking?month=2026-10&table=utility')).body;
    expect(util.rows.map((r: any) => [r.code, r.rank, r.score, r.nameZh])).toEqual([['util_w', 1, 100, '自来水公司']]);
  });

  it('puts 2026-10-31T15:59:59Z in October and 16:00:00Z in November (Beijing months), fact by fact', async () => {
    const drill = (month: string, rate: string, part = 'denominator', code = S1) =>
      ids(`/api/ranking/units/${code}/drill?month=${month}&rate=${rate}&part=${part}`);
    // Ticket 4: received and dispatched 15:59:59Z → October demand and response; called back in November.
    // Ticket 6: received and dispatched 16:00:00Z → November. Ticket 5: called back 15:59:59Z → October.
    expect(await drill('2026-10', 'volume')).toEqual([1, 2, 3, 4, 18]);
    expect(await drill('2026-11', 'volume')).toEqual([6]);
    expect(await drill('2026-10', 'response')).toEqual([1, 2, 3, 4]);
    expect(await drill('2026-11', 'response')).toEqual([6]);
    expect(await drill('2026-10', 'resolution')).toEqual([1, 2, 3, 5]);
    expect(await drill('2026-11', 'resolution')).toEqual([4, 6]);
    expect(await drill('2026-09', 'response')).toEqual([5, 16]);
  });

  it('drills every figure of every unit down to exactly the tickets behind it', async () => {
    for (const table of TABLES) {
      const { rows } = (await get(`/api/ranking?month=2026-10&table=${table}`)).body;
      for (const row of rows) {
        for (const [rate, part, expected] of [
          ['response', 'denominator', row.response.denominator],
          ['response', 'numerator', row.response.numerator],
          ['resolution', 'denominator', row.resolution.denominator],
          ['resolution', 'numerator', row.resolution.numerator],
          ['satisfaction', 'denominator', row.satisfaction.denominator],
          ['satisfaction', 'numerator', row.satisfaction.numerator],
          ['volume', 'denominator', row.volume],
          ['returns', 'denominator', row.counts.unjustifiedReturns],
        ] as const) {
          const res = await get(`/api/ranking/units/${row.code}/drill?month=2026-10&rate=${rate}&part=${part}`);
          expect(res.status).toBe(200);
          expect(res.body.value, `${table} ${row.code} ${rate} ${part}`).toBeCloseTo(expected, 10);
          expect(res.body.tickets.reduce((a: number, t: any) => a + t.contribution, 0)).toBeCloseTo(expected, 10);
        }
      }
    }
    // The exact tickets, by hand (handCity.ts).
    const drill = (code: string, rate: string, part: string) =>
      get(`/api/ranking/units/${code}/drill?month=2026-10&rate=${rate}&part=${part}`);
    expect((await drill(S1, 'response', 'numerator')).body.tickets.map((t: any) => t.id)).toEqual([1, 3, 4]);
    expect((await drill(S1, 'resolution', 'numerator')).body.tickets.map((t: any) => t.id)).toEqual([1, 3, 5]);
    const sat = (await drill(S1, 'satisfaction', 'numerator')).body;
    expect(sat.tickets.map((t: any) => [t.id, t.satisfaction, t.contribution])).toEqual([
      [1, 'satisfied', 1],
      [3, 'basic', 0.8],
      [5, 'satisfied', 1],
    ]);
    // S5 got ticket 13 after S3's justified return: its deadline runs from its own dispatch.
    const s5 = (await drill(S5, 'response', 'numerator')).body.tickets;
    expect(s5.map((t: any) => [t.id, t.dispatchedAt, t.respondDueAt, t.respondedInTime])).toEqual([
      [9, '2026-10-12T02:10:00.000Z', '2026-10-12T04:00:00.000Z', true],
      [13, '2026-10-16T03:30:00.000Z', '2026-10-16T05:20:00.000Z', true],
    ]);
    expect(await ids(`/api/ranking/units/${S3}/drill?month=2026-10&rate=response`)).toEqual([10, 11, 12]);
    expect(await ids(`/api/ranking/units/${S2}/drill?month=2026-10&rate=returns`)).toEqual([14]);
    expect(await ids(`/api/ranking/units/${D2}/drill?month=2026-10&rate=response&part=numerator`)).toEqual([9, 10, 13]);
    expect(await ids(`/api/ranking/units/dept_a/drill?month=2026-10&rate=satisfaction`)).toEqual([12]);
    // No personal data, and pages by ticket id.
    const page = (await get(`/api/ranking/units/${S1}/drill?month=2026-10&rate=volume&limit=2&offset=2`)).body;
    expect([page.total, page.tickets.map((t: any) => t.id)]).toEqual([5, [3, 4]]);
    expect(Object.keys(page.tickets[0])).not.toContain('description');
    expect(Object.keys(page.tickets[0])).not.toContain('address');
    expect(Object.keys(page.tickets[0])).not.toContain('phone');
  });

  it('agrees with an independent SQL recomputation of the month for every table', async () => {
    for (const month of ['2026-09', '2026-10']) {
      for (const table of TABLES) {
        const api = (await get(`/api/ranking?month=${month}&table=${table}`)).body.rows;
        const ind = await independentRanking(db, table, month, { minCallbacksToRank: HAND_POLICY.minCalledBackToRank });
        const byCode = new Map(api.map((r: any) => [r.code, r]));
        expect([...byCode.keys()].sort()).toEqual(ind.map((r) => r.code));
        for (const want of ind) {
          const got: any = byCode.get(want.code);
          const c = got.counts;
          expect(
            [
              c.volume,
              c.dispatched,
              c.respondedInTime,
              c.calledBack,
              c.solved,
              c.satisfied,
              c.basic,
              c.dissatisfied,
              c.unjustifiedReturns,
              got.score,
              got.rank,
            ],
            `${month} ${table} ${want.code}`,
          ).toEqual([
            want.volume,
            want.dispatched,
            want.inTime,
            want.calledBack,
            want.solved,
            want.satisfied,
            want.basic,
            want.dissatisfied,
            want.returns,
            want.score,
            want.rank,
          ]);
          for (const [a, b] of [
            [got.response.percent, want.response],
            [got.resolution.percent, want.resolution],
            [got.satisfaction.percent, want.satisfaction],
            [got.volumePer10k, want.per10k],
          ]) {
            if (b === null) expect(a).toBeNull();
            else expect(a).toBeCloseTo(b, 9);
          }
        }
      }
    }
  });

  it('follows a non-default policy: a return penalty breaks the tie at the top', async () => {
    configureRanking(db, { policy: { ...HAND_POLICY, unjustifiedReturnPenalty: 5 }, now: handClock });
    try {
      const rows = (await get('/api/ranking?month=2026-10')).body.rows;
      expect(rows.slice(0, 2).map((r: any) => [r.code, r.rank, r.score, r.penalty])).toEqual([
        [S5, 1, 100, 0],
        [S2, 2, 95, 5],
      ]);
      configureRanking(db, { now: handClock });
      const def = (await get('/api/ranking?month=2026-10')).body;
      // Default policy: nobody has 5 callbacks, so nobody is ranked and there are no score classes;
      // governance needs no sample. Its places scale with the table: 20 % of the 4 streets with
      // demand rounds to 1 place (the floor), the top one.
      expect(def.classes).toEqual({ advanced: [], progressing: [], rectification: [], governance: [S1] });
      expect(def.classPlaces).toEqual({ advanced: 0, progressing: 0, rectification: 0, governance: 1 });
      expect([def.ranked, def.rows.filter((r: any) => r.unranked === 'smallSample').length]).toEqual([0, 4]);
      expect(def.redZone).toEqual([]);
    } finally {
      configureRanking(db, { policy: HAND_POLICY, now: handClock });
    }
  });

  it('serves a unit profile: 13 months of rates, score, rank and classes', async () => {
    const { status, body } = await get(`/api/ranking/units/${S1}?months=13&to=2026-11`);
    expect(status).toBe(200);
    expect(body.unit).toMatchObject({ code: S1, table: 'street', nameZh: '东一街道' });
    expect(body.months).toHaveLength(13);
    expect(body.months[0]).toBe('2025-11');
    const tail = body.series
      .slice(-3)
      .map((p: any) => [
        p.month,
        p.status,
        p.rank,
        p.score,
        p.rankChange,
        p.counts.dispatched,
        p.counts.calledBack,
        p.unitsInTable,
        p.rankedInTable,
      ]);
    expect(tail).toEqual([
      ['2026-09', 'closed', 1, 100, null, 2, 1, 5, 3],
      ['2026-10', 'closed', 3, 72.75, -2, 4, 4, 5, 4],
      ['2026-11', 'open', 1, 100, 2, 1, 2, 5, 1],
    ]);
    expect(body.series[0]).toMatchObject({ rank: null, score: null, classes: [] });
    const district = (await get(`/api/ranking/units/${D2}?months=2&to=2026-10`)).body;
    expect(district.series.map((p: any) => [p.month, p.rank, p.score, p.redZone, p.rectificationStreak])).toEqual([
      ['2026-09', 2, 0, false, 1],
      ['2026-10', 2, 65.4, true, 2],
    ]);
  });

  it('shows what would move a unit up, with the tickets to fix', async () => {
    const { body } = await get(`/api/ranking/units/${S1}/what-if?month=2026-10`);
    expect([body.score, body.rank, body.ranked, body.pointsToNextPlace]).toEqual([72.75, 3, 4, 27.25]);
    expect(body.scenarios.map((s: any) => [s.fix, s.k, s.score, s.pointsGained, s.placesGained])).toEqual([
      ['respondInTime', 1, 75.25, 2.5, 0],
      ['solve', 1, 84, 11.25, 0],
      ['satisfy', 1, 84, 11.25, 0],
      ['basicToSatisfied', 1, 75, 2.25, 0],
    ]);
    expect(body.levers.map((l: any) => [l.fix, l.pool, l.pointsPerTicket, l.tickets.map((t: any) => t.id)])).toEqual([
      ['respondInTime', 1, 2.5, [2]],
      ['solve', 1, 11.25, [2]],
      ['satisfy', 1, 11.25, [2]],
      ['basicToSatisfied', 1, 2.25, [3]],
    ]);
    // S3 at the bottom: solving its two unsolved tickets is worth 30 points, not enough to pass S1.
    const s3 = (await get(`/api/ranking/units/${S3}/what-if?month=2026-10`)).body;
    expect(s3.scenarios.find((s: any) => s.fix === 'solve' && s.all)).toMatchObject({
      k: 2,
      score: 72.33,
      placesGained: 0,
    });
    expect(s3.levers.find((l: any) => l.fix === 'solve').tickets.map((t: any) => t.id)).toEqual([11, 12]);
  });

  it('lists the months with data, and defaults to the latest closed month', async () => {
    const { body } = await get('/api/ranking/months');
    expect(body).toMatchObject({
      timeZone: 'Asia/Shanghai',
      first: '2026-09',
      last: '2026-11',
      latestClosed: '2026-10',
    });
    expect(body.months.map((m: any) => [m.month, m.status])).toEqual([
      ['2026-09', 'closed'],
      ['2026-10', 'closed'],
      ['2026-11', 'open'],
    ]);
    expect((await get('/api/ranking')).body).toMatchObject({ month: '2026-10', table: 'street' });
  });

  it('reads a settled month from its stored counts, and recounts it after a correction touches it', async () => {
    const stored = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ranking_months WHERE tbl = 'street' AND month = '2026-10'`,
        )
      )[0]!.n;
    const s1 = async () => {
      configureRanking(db, { policy: HAND_POLICY, now: handClock }); // a fresh service: nothing in memory
      return (await get('/api/ranking?month=2026-10')).body.rows.find((r: any) => r.code === S1);
    };
    // October ended before the hand clock's 20 November: its counts were stored when first read,
    // and November (open) was not.
    expect((await s1()).counts.volume).toBe(5);
    expect(await stored()).toBe(1);
    expect(
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ranking_months WHERE month = '2026-11'`))[0]!.n,
    ).toBe(0);
    // A fresh service reads the stored rows, not the tickets: mark them and see the mark.
    await db.query(
      `UPDATE ranking_month_counts SET volume = volume + 1000 WHERE tbl = 'street' AND month = '2026-10' AND unit = $1`,
      [S1],
    );
    expect((await s1()).counts.volume).toBe(1005);
    // A correction of an October verdict drops the stored month; the next read recounts it.
    const [{ id }] = await db.query<{ id: number }>(
      `SELECT id::int AS id FROM tickets WHERE street_code = $1 AND satisfaction = 'satisfied'
         AND callback_at >= '2026-09-30T16:00:00Z' AND callback_at < '2026-10-31T16:00:00Z' ORDER BY id LIMIT 1`,
      [S1],
    );
    await db.query(`UPDATE tickets SET satisfaction = 'dissatisfied' WHERE id = $1`, [id]);
    expect(await stored()).toBe(0);
    const corrected = await s1();
    expect([
      corrected.counts.volume,
      corrected.counts.satisfied,
      corrected.counts.dissatisfied,
      corrected.satisfaction.numerator,
    ]).toEqual([5, 1, 2, 1.8]);
    const ind = (
      await independentRanking(db, 'street', '2026-10', { minCallbacksToRank: HAND_POLICY.minCalledBackToRank })
    ).find((r) => r.code === S1)!;
    expect([ind.satisfied, ind.dissatisfied]).toEqual([1, 2]);
    expect(await stored()).toBe(1);
    // A dispatch change (an acceptance moved) drops it too; then put the verdict back.
    await db.query(
      `UPDATE dispatches SET accepted_at = accepted_at WHERE id = (SELECT min(d.id) FROM dispatches d WHERE d.unit_code = $1
         AND d.dispatched_at >= '2026-09-30T16:00:00Z' AND d.dispatched_at < '2026-10-31T16:00:00Z')`,
      [S1],
    );
    expect(await stored()).toBe(0);
    await db.query(`UPDATE tickets SET satisfaction = 'satisfied' WHERE id = $1`, [id]);
    expect((await s1()).counts.satisfied).toBe(2);
  });

  it('rejects bad input with 400 naming the field, and unknown units with 404', async () => {
    for (const [path, status, field] of [
      ['/api/ranking?month=2026-13', 400, 'month'],
      ['/api/ranking?month=2026-1', 400, 'month'],
      ['/api/ranking?table=foo', 400, 'table'],
      [`/api/ranking/units/${S1}?months=0`, 400, 'months'],
      [`/api/ranking/units/${S1}/drill?month=2026-10&rate=speed`, 400, 'rate'],
      [`/api/ranking/units/${S1}/drill?month=2026-10&rate=response&part=half`, 400, 'part'],
      [`/api/ranking/units/${S1}/what-if?month=13-2026`, 400, 'month'],
      ['/api/ranking/units/no-such-unit', 404, 'code'],
      ['/api/ranking/units/no-such-unit/drill?month=2026-10&rate=response', 404, 'code'],
      ['/api/ranking/units/no-such-unit/what-if?month=2026-10', 404, 'code'],
      ['/api/ranking/units/bad%20code', 400, 'code'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(res.body.error.field, path).toBe(field);
    }
  });
});
