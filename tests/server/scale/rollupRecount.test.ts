// Every rollup provably equals a recount from the raw tickets, on both engines, after a mixed set of
// writes: intake and life-cycle actions through the API, and corrections in SQL (a verdict, a
// return's ruling, a receipt time moved across months, a category, a deletion). The rollups are
// the trigger-kept H3 and region tables (compared with tests/helpers/rollupRecount.ts) and the
// saved monthly ranking counts of every table (compared with tests/server/ranking/independent.ts,
// a recount written apart from server/ranking/sql.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { configureRanking, rankingService } from '../../../server/ranking/service.ts';
import { readStoredMonths } from '../../../server/ranking/rollup.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { postOk, signIn, type Client } from '../../helpers/auth.ts';
import { rollupsVersusRaw } from '../../helpers/rollupRecount.ts';
import { HAND_POLICY, handClock, loadHandCity, S1, S3 } from '../ranking/handCity.ts';
import { independentRanking, type IndependentTable } from '../ranking/independent.ts';

const TABLES: IndependentTable[] = ['street', 'district', 'department', 'utility'];
/** Months the hand city's clock (20 November 2026) counts as settled, and the open one. */
const SETTLED = ['2026-09', '2026-10'];
const MONTHS = [...SETTLED, '2026-11'];
const ZONE = 'Asia/Shanghai';

type Counts = {
  volume: number;
  dispatched: number;
  respondedInTime: number;
  calledBack: number;
  solved: number;
  satisfied: number;
  basic: number;
  dissatisfied: number;
  unjustifiedReturns: number;
};

describe.each(ENGINES)('rollups against a recount on %s', (engine) => {
  let db: Database;
  let client: Client;
  const post = (path: string, body: unknown) => postOk<{ id: number; status: string }>(client, path, body);

  /** A fresh ranking service (nothing in memory) that saves settled months, as the server's does. */
  const service = () => configureRanking(db, { policy: HAND_POLICY, now: handClock });

  /** The saved months of every table, each beside the independent recount of its units. */
  async function savedVersusRecount(): Promise<{ saved: number; mismatches: string[] }> {
    let saved = 0;
    const mismatches: string[] = [];
    for (const table of TABLES) {
      const stored = await readStoredMonths(db, table, ZONE, MONTHS);
      for (const [month, byUnit] of stored) {
        saved++;
        const recount = await independentRanking(db, table, month, {
          minCallbacksToRank: HAND_POLICY.minCalledBackToRank,
        });
        const expected = new Map<string, Counts>();
        for (const r of recount) {
          if (r.volume + r.dispatched + r.calledBack + r.returns === 0) continue; // a unit with no facts is not stored
          expected.set(r.code, {
            volume: r.volume,
            dispatched: r.dispatched,
            respondedInTime: r.inTime,
            calledBack: r.calledBack,
            solved: r.solved,
            satisfied: r.satisfied,
            basic: r.basic,
            dissatisfied: r.dissatisfied,
            unjustifiedReturns: r.returns,
          });
        }
        const got = Object.fromEntries([...byUnit].filter(([u]) => expected.has(u) || nonZero(byUnit.get(u)!)));
        if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(Object.fromEntries(expected))))
          mismatches.push(
            `${table} ${month}: saved ${JSON.stringify(sorted(got))} recount ${JSON.stringify(sorted(Object.fromEntries(expected)))}`,
          );
      }
    }
    return { saved, mismatches };
  }

  const savedMonths = async () =>
    (await db.query<{ k: string }>(`SELECT tbl || ' ' || month AS k FROM ranking_months ORDER BY 1`)).map((r) => r.k);

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_rollup_recount');
    await loadHandCity(db);
    // The hand city's explicit ids: move the identities on so intake's own ids do not collide.
    await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1000)`);
    await db.query(`SELECT setval(pg_get_serial_sequence('dispatches', 'id'), 1000)`);
    const app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('keeps every saved ranking month and every H3 and region rollup equal to a recount through mixed writes', async () => {
    // Save September and October of every table (November is open: never saved).
    for (const table of TABLES) await service().monthCounts(table, MONTHS);
    expect(await savedMonths()).toEqual(TABLES.flatMap((t) => SETTLED.map((m) => `${t} ${m}`)).sort());
    let check = await savedVersusRecount();
    expect(check.mismatches).toEqual([]);
    expect(check.saved).toBe(TABLES.length * SETTLED.length);

    // Writes that touch October (and November), never September.
    const filed = await post('/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.construction',
      description: '工地夜间施工',
      lon: 116.05,
      lat: 39.05,
      receivedAt: '2026-10-20T02:00:00Z',
    });
    await post(`/api/tickets/${filed.id}/accept`, { at: '2026-10-20T02:30:00Z' });
    await post(`/api/tickets/${filed.id}/reply`, { at: '2026-10-21T02:00:00Z', note: '已协调' });
    await post(`/api/tickets/${filed.id}/callback`, {
      at: '2026-10-22T02:00:00Z',
      solved: true,
      satisfaction: 'basic',
    });
    const inNovember = await post('/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.construction',
      description: '噪声',
      lon: 116.25,
      lat: 39.05,
      receivedAt: '2026-11-10T02:00:00Z',
    });
    const oct = (extra: string) =>
      db.query<{ id: number }>(
        `SELECT id::int AS id FROM tickets WHERE received_at >= '2026-09-30T16:00:00Z' AND received_at < '2026-10-31T16:00:00Z'
           AND id <> $1 ${extra} ORDER BY id LIMIT 1`,
        [filed.id],
      );
    const [verdict] = await oct(`AND satisfaction = 'satisfied' AND callback_at < '2026-10-31T16:00:00Z'`);
    await db.query(`UPDATE tickets SET satisfaction = 'dissatisfied', solved = false WHERE id = $1`, [verdict!.id]);
    await db.query(
      `UPDATE dispatches SET return_justified = NOT return_justified
        WHERE id = (SELECT min(id) FROM dispatches WHERE return_justified IS NOT NULL
                      AND ruled_at >= '2026-09-30T16:00:00Z' AND ruled_at < '2026-10-31T16:00:00Z')`,
    );
    const [moved] = await oct(`AND street_code = '${S3}'`);
    await db.query(`UPDATE tickets SET received_at = '2026-11-02T02:00:00Z' WHERE id = $1`, [moved!.id]);
    const [gone] = await oct(`AND street_code = '${S1}' AND id <> ${verdict!.id}`);
    await db.query(`DELETE FROM tickets WHERE id = $1`, [gone!.id]);
    await db.query(`UPDATE tickets SET category_code = 'noise.construction' WHERE id = $1`, [inNovember.id]);

    // Whatever the writes left saved is still right, and they dropped October, not September.
    check = await savedVersusRecount();
    expect(check.mismatches).toEqual([]);
    expect(await savedMonths()).toEqual(TABLES.map((t) => `${t} 2026-09`).sort());
    let { raw, stored } = await rollupsVersusRaw(db);
    expect(stored).toEqual(raw);
    expect(stored.region.length).toBeGreaterThan(0);
    expect(stored.h3.length).toBeGreaterThan(0); // the filed tickets have H3 cells

    // A fresh read recounts October and saves it again: equal to the recount.
    for (const table of TABLES) await service().monthCounts(table, MONTHS);
    check = await savedVersusRecount();
    expect(check.mismatches).toEqual([]);
    expect(check.saved).toBe(TABLES.length * SETTLED.length);
    // …and the ranking the page shows counts the filed ticket: S1's October volume is its recount.
    const s1 = (await rankingService(db).monthCounts('street', ['2026-10'])).get('2026-10')!.get(S1)!;
    const ind = (
      await independentRanking(db, 'street', '2026-10', { minCallbacksToRank: HAND_POLICY.minCalledBackToRank })
    ).find((r) => r.code === S1)!;
    expect([s1.volume, s1.basic]).toEqual([ind.volume, ind.basic]);
    ({ raw, stored } = await rollupsVersusRaw(db));
    expect(stored).toEqual(raw);
  });
});

const nonZero = (c: Counts) => Object.values(c).some((v) => v !== 0);
const sorted = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
