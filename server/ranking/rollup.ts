// Stored counts of settled months (tables ranking_months / ranking_month_counts, migrations
// 0010–0011): read instead of recounting a month of tickets, written after a recount. The counts
// are exactly what sql.ts's unitCounts returned, so stored and recounted figures cannot differ;
// triggers drop a stored month when a change touches it (see the migration), and an epoch guards
// a recount that raced such a change (it is then simply not stored).
import type { Database, Queryable } from '../../db/client.ts';
import type { FactTable } from './sql.ts';
import type { Period } from './periods.ts';
import type { UnitCountsInput } from './rates.ts';

type Counts = Required<UnitCountsInput>;

interface StoredRow {
  month: string;
  unit: string | null;
  volume: number;
  dispatched: number;
  responded_in_time: number;
  called_back: number;
  solved: number;
  satisfied: number;
  basic: number;
  dissatisfied: number;
  unjustified_returns: number;
}

/** Stored counts of the given months (only months that are stored appear in the result). */
export async function readStoredMonths(
  db: Queryable,
  table: FactTable,
  timeZone: string,
  months: readonly string[],
): Promise<Map<string, Map<string, Counts>>> {
  const out = new Map<string, Map<string, Counts>>();
  if (months.length === 0) return out;
  const rows = await db.query<StoredRow>(
    `SELECT m.month, c.unit, c.volume, c.dispatched, c.responded_in_time, c.called_back, c.solved, c.satisfied, c.basic,
            c.dissatisfied, c.unjustified_returns
     FROM ranking_months m
     LEFT JOIN ranking_month_counts c ON c.tbl = m.tbl AND c.time_zone = m.time_zone AND c.month = m.month
     WHERE m.tbl = $1 AND m.time_zone = $2 AND m.month = ANY($3::text[])`,
    [table, timeZone, [...months]],
  );
  for (const r of rows) {
    const byUnit = out.get(r.month) ?? new Map<string, Counts>();
    out.set(r.month, byUnit);
    if (r.unit === null) continue; // a stored month with no facts at all
    byUnit.set(r.unit, {
      volume: r.volume,
      dispatched: r.dispatched,
      respondedInTime: r.responded_in_time,
      calledBack: r.called_back,
      solved: r.solved,
      satisfied: r.satisfied,
      basic: r.basic,
      dissatisfied: r.dissatisfied,
      unjustifiedReturns: r.unjustified_returns,
    });
  }
  return out;
}

/** The change counter to read BEFORE recounting; pass it to storeMonths. */
export async function rollupEpoch(db: Queryable): Promise<number | null> {
  const rows = await db.query<{ epoch: number | string }>('SELECT epoch FROM ranking_rollup_state WHERE id = 1');
  return rows[0] ? Number(rows[0].epoch) : null;
}

/**
 * Store recounted months, unless a change that may touch a settled month committed since `epoch`
 * was read (then the recount may be stale; the next read recounts again). Needs a Database
 * (a transaction); inside someone else's transaction nothing is stored.
 */
export async function storeMonths(
  db: Queryable,
  table: FactTable,
  timeZone: string,
  epoch: number | null,
  months: readonly { month: string; period: Period; counts: Map<string, Counts> }[],
): Promise<boolean> {
  const full = db as Partial<Database>;
  if (epoch === null || months.length === 0 || typeof full.transaction !== 'function') return false;
  return full.transaction(async (tx) => {
    const now = await tx.query<{ epoch: number | string }>(
      'SELECT epoch FROM ranking_rollup_state WHERE id = 1 FOR UPDATE',
    );
    if (now[0] === undefined || Number(now[0].epoch) !== epoch) return false;
    const names = months.map((m) => m.month);
    await tx.query('DELETE FROM ranking_months WHERE tbl = $1 AND time_zone = $2 AND month = ANY($3::text[])', [
      table,
      timeZone,
      names,
    ]);
    await tx.query(
      `INSERT INTO ranking_months (tbl, time_zone, month, period_from, period_to)
       SELECT $1, $2, m, f, t FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) AS x(m, f, t)`,
      [
        table,
        timeZone,
        names,
        months.map((m) => m.period.from.toISOString()),
        months.map((m) => m.period.to.toISOString()),
      ],
    );
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    for (const m of months) {
      for (const [unit, c] of m.counts) {
        const values = [
          m.month,
          unit,
          c.volume,
          c.dispatched,
          c.respondedInTime,
          c.calledBack,
          c.solved,
          c.satisfied,
          c.basic,
          c.dissatisfied,
          c.unjustifiedReturns,
        ];
        values.forEach((v, i) => cols[i]!.push(v));
      }
    }
    if (cols[0]!.length > 0) {
      await tx.query(
        `INSERT INTO ranking_month_counts (tbl, time_zone, month, unit, volume, dispatched, responded_in_time, called_back, solved,
                                           satisfied, basic, dissatisfied, unjustified_returns)
         SELECT $1, $2, x.* FROM unnest($3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[],
                                        $11::int[], $12::int[], $13::int[]) AS x`,
        [table, timeZone, ...cols],
      );
    }
    return true;
  });
}

/** Forget every stored month (after a bulk load that ran with the triggers off). */
export async function resetRankingRollup(db: Queryable): Promise<void> {
  await db.query('UPDATE ranking_rollup_state SET epoch = epoch + 1 WHERE id = 1');
  await db.query('DELETE FROM ranking_months');
}
