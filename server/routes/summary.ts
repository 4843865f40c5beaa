import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { resolveFilter, ticketFilterSchema } from '../filters.ts';
import { cityTimeZone } from '../time.ts';
import { backlog } from '../measures.ts';
import {
  byCategoryGroup,
  byDistrict,
  byStatus,
  childCounts,
  childLevel,
  dataRange,
  figures,
  hasSyntheticRegions,
  locationTotals,
  seriesRows,
} from '../summary/sql.ts';

export const seriesQuery = ticketFilterSchema.extend({ step: z.enum(['week', 'month']).default('month') });

/**
 * GET /api/summary — totals for the filtered window: by district, category group and status,
 * the comparison figures, and counts for each child of the filtered region (the drill-down).
 * GET /api/summary/series?step=week|month — the same children's counts per week or month
 * (city time zone), so a player can fix one colour scale over the whole span first.
 */
export const summary = new Hono<AppEnv>()
  .get('/', validQuery(ticketFilterSchema), async (c) => {
    const db = c.get('db');
    const q = c.req.valid('query');
    const scope = c.get('principal').scope;
    const f = await resolveFilter(db, q, scope);
    // open and overdue now (server/measures.ts) in the same region and categories, whenever received:
    // the queue's and the wall's figures, not only the window's tickets
    const open = await resolveFilter(db, { ...q, status: undefined, flag: undefined }, scope, { window: false });
    const [totals, districts, groups, statuses, range, fig, children, now, synthetic] = await Promise.all([
      locationTotals(db, f),
      byDistrict(db, f),
      byCategoryGroup(db, f),
      byStatus(db, f),
      dataRange(db, scope),
      figures(db, f),
      childCounts(db, f, f.region),
      backlog(db, scope, null, open),
      hasSyntheticRegions(db),
    ]);
    return c.json({
      from: f.from,
      to: f.to,
      ...totals,
      figures: { total: totals.total, ...fig },
      byDistrict: districts,
      byCategoryGroup: groups,
      byStatus: statuses,
      children,
      dataRange: range,
      backlog: now,
      synthetic,
    });
  })
  /** GET /api/summary/backlog — open, overdue and urgent now in the filtered region and categories (server/measures.ts). */
  .get('/backlog', validQuery(ticketFilterSchema), async (c) => {
    const db = c.get('db');
    const q = c.req.valid('query');
    const scope = c.get('principal').scope;
    const open = await resolveFilter(db, { ...q, status: undefined, flag: undefined }, scope, { window: false });
    return c.json(await backlog(db, scope, null, open));
  })
  .get('/series', validQuery(seriesQuery), async (c) => {
    const db = c.get('db');
    const q = c.req.valid('query');
    const f = await resolveFilter(db, q, c.get('principal').scope);
    const child = await childLevel(db, f.region);
    const rows = await seriesRows(db, f, child, cityTimeZone(), q.step);
    const buckets = [...new Set(rows.map((r) => r.b))].sort();
    const at = new Map(buckets.map((b, i) => [b, i]));
    const byCode = new Map<string, number[]>();
    const totals = buckets.map(() => 0);
    for (const r of rows) {
      totals[at.get(r.b)!]! += r.n;
      if (!r.code) continue;
      let counts = byCode.get(r.code);
      if (!counts) byCode.set(r.code, (counts = buckets.map(() => 0)));
      counts[at.get(r.b)!] = r.n;
    }
    let max = 0;
    for (const counts of byCode.values()) for (const n of counts) if (n > max) max = n;
    return c.json({
      step: q.step,
      level: child?.level ?? null,
      buckets,
      totals,
      regions: [...byCode].map(([code, counts]) => ({ code, counts })),
      max,
    });
  });
