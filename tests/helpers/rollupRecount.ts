// Every trigger-kept rollup (db/migrations/0004, 0006: rollup_h3_daily, _daily_total, _weekly_total,
// _monthly_total, rollup_h3_cells, rollup_region_daily) recounted from the raw tickets by SQL written
// apart from the triggers', beside the stored rows, for tests to compare after their writes.
import type { Database } from '../../db/client.ts';

const ZONE = 'Asia/Shanghai';

/** Rollups recomputed from raw tickets by independent SQL, and the stored ones, for comparison. */
export async function rollupsVersusRaw(db: Database) {
  const q = (sql: string) => db.query<{ k: string; n: number }>(sql);
  const raw = {
    h3: await q(`SELECT concat_ws('|', r.res, t.category_code, (t.received_at AT TIME ZONE '${ZONE}')::date, r.cell, COALESCE(t.district_code, '')) AS k, count(*)::int AS n
                   FROM tickets t, LATERAL (VALUES (7, t.h3_r7), (8, t.h3_r8), (9, t.h3_r9)) r(res, cell) WHERE r.cell IS NOT NULL GROUP BY 1 ORDER BY 1`),
    total:
      await q(`SELECT concat_ws('|', r.res, (t.received_at AT TIME ZONE '${ZONE}')::date, r.cell, COALESCE(t.district_code, '')) AS k, count(*)::int AS n
                   FROM tickets t, LATERAL (VALUES (7, t.h3_r7), (8, t.h3_r8), (9, t.h3_r9)) r(res, cell) WHERE r.cell IS NOT NULL GROUP BY 1 ORDER BY 1`),
    weekly:
      await q(`SELECT concat_ws('|', r.res, date_trunc('week', (t.received_at AT TIME ZONE '${ZONE}'))::date, r.cell, COALESCE(t.district_code, '')) AS k, count(*)::int AS n
                   FROM tickets t, LATERAL (VALUES (7, t.h3_r7), (8, t.h3_r8), (9, t.h3_r9)) r(res, cell) WHERE r.cell IS NOT NULL GROUP BY 1 ORDER BY 1`),
    monthly:
      await q(`SELECT concat_ws('|', r.res, date_trunc('month', (t.received_at AT TIME ZONE '${ZONE}'))::date, r.cell, COALESCE(t.district_code, '')) AS k, count(*)::int AS n
                   FROM tickets t, LATERAL (VALUES (7, t.h3_r7), (8, t.h3_r8), (9, t.h3_r9)) r(res, cell) WHERE r.cell IS NOT NULL GROUP BY 1 ORDER BY 1`),
    cells: await q(`SELECT concat_ws('|', r.res, r.cell, COALESCE(t.district_code, '')) AS k, count(*)::int AS n
                   FROM tickets t, LATERAL (VALUES (7, t.h3_r7), (8, t.h3_r8), (9, t.h3_r9)) r(res, cell) WHERE r.cell IS NOT NULL GROUP BY 1 ORDER BY 1`),
    region:
      await q(`SELECT concat_ws('|', level, category_code, day, code, called_back, solved, satisfied, basic, repeats) AS k, n FROM (
                       SELECT r.level, t.category_code, (t.received_at AT TIME ZONE '${ZONE}')::date AS day, r.code,
                              count(*) FILTER (WHERE t.callback_at IS NOT NULL) AS called_back,
                              count(*) FILTER (WHERE t.callback_at IS NOT NULL AND t.solved) AS solved,
                              count(*) FILTER (WHERE t.callback_at IS NOT NULL AND t.satisfaction = 'satisfied') AS satisfied,
                              count(*) FILTER (WHERE t.callback_at IS NOT NULL AND t.satisfaction = 'basic') AS basic,
                              count(t.repeat_of) AS repeats, count(*)::int AS n
                         FROM tickets t, LATERAL (VALUES ('district', t.district_code), ('street', t.street_code), ('grid', t.grid_code)) r(level, code)
                        WHERE r.code IS NOT NULL GROUP BY 1, 2, 3, 4) g ORDER BY 1`),
  };
  const stored = {
    h3: await q(
      `SELECT concat_ws('|', res, category_code, day, cell, district_code) AS k, tickets AS n FROM rollup_h3_daily ORDER BY 1`,
    ),
    total: await q(
      `SELECT concat_ws('|', res, day, cell, district_code) AS k, tickets AS n FROM rollup_h3_daily_total ORDER BY 1`,
    ),
    weekly: await q(
      `SELECT concat_ws('|', res, week, cell, district_code) AS k, tickets AS n FROM rollup_h3_weekly_total ORDER BY 1`,
    ),
    monthly: await q(
      `SELECT concat_ws('|', res, month, cell, district_code) AS k, tickets AS n FROM rollup_h3_monthly_total ORDER BY 1`,
    ),
    cells: await q(
      `SELECT concat_ws('|', res, cell, district_code) AS k, tickets AS n FROM rollup_h3_cells ORDER BY 1`,
    ),
    region:
      await q(`SELECT concat_ws('|', level, category_code, day, region_code, called_back, solved, satisfied, basic, repeats) AS k, tickets AS n
                       FROM rollup_region_daily ORDER BY 1`),
  };
  return { raw, stored };
}
