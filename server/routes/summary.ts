import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import type { Queryable } from '../../db/client.ts';
import { validQuery } from '../validate.ts';
import { resolveFilter, ticketFilterSchema, type ResolvedFilter } from '../filters.ts';
import { cityTimeZone } from '../time.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import { backlog, overdueNowSql } from '../measures.ts';

/** The level below a region, and the ticket column that names it; the city's children are districts. */
async function childLevel(db: Queryable, region: string | undefined) {
  if (!region) return { level: 'district', column: 'district_code', parent: null as string | null };
  const rows = await db.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [region]);
  const level = rows[0]?.level;
  if (level === 'district') return { level: 'street', column: 'street_code', parent: region };
  if (level === 'street') return { level: 'grid', column: 'grid_code', parent: region };
  return null; // a grid cell has no children on the map
}

/** Counts per child region of the filtered region (every child listed, zero included). */
async function childCounts(db: Queryable, f: ResolvedFilter, region: string | undefined) {
  const child = await childLevel(db, region);
  if (!child) return { level: null, items: [] };
  const p = f.params.length + 1;
  const items = await db.query(
    `SELECT r.code, r.name_zh AS name, r.name_en AS "nameEn", count(t.id)::int AS count
     FROM regions r LEFT JOIN tickets t ON t.${child.column} = r.code AND ${f.where}
     WHERE r.level = $${p} AND ($${p + 1}::text IS NULL OR r.parent_code = $${p + 1})
     GROUP BY r.code, r.name_zh, r.name_en ORDER BY count DESC, r.code`,
    [...f.params, child.level, child.parent],
  );
  return { level: child.level, items };
}

/** Figures an official compares period to period; each is a count of tickets received in the window. */
function figures(db: Queryable, f: ResolvedFilter) {
  return db.query<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE t.dispatched_at IS NOT NULL)::int AS dispatched,
            count(*) FILTER (WHERE ${overdueNowSql('t')})::int AS overdue,
            count(*) FILTER (WHERE t.return_count > 0)::int AS returned,
            count(*) FILTER (WHERE t.replied_at IS NOT NULL)::int AS replied,
            count(*) FILTER (WHERE t.callback_at IS NOT NULL)::int AS "calledBack",
            count(*) FILTER (WHERE t.solved)::int AS solved,
            count(*) FILTER (WHERE t.satisfaction = 'satisfied')::int AS satisfied
     FROM tickets t WHERE ${f.where}`,
    f.params,
  );
}

/** First and last receipt in the principal's jurisdiction (the whole city for city scope). */
function dataRange(db: Queryable, scope: Scope) {
  const params: unknown[] = [];
  const own = scopeClause(scope, params);
  return db.query<{ first: Date | null; last: Date | null }>(
    `SELECT min(t.received_at) AS first, max(t.received_at) AS last FROM tickets t${own ? ` WHERE ${own}` : ''}`,
    params,
  );
}

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
    const [totals, byDistrict, byGroup, byStatus, range, fig, children, now] = await Promise.all([
      db.query<{ total: number; located: number; unlocated: number; outside: number }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE t.location_status = 'located')::int AS located,
                count(*) FILTER (WHERE t.location_status = 'unlocated')::int AS unlocated,
                count(*) FILTER (WHERE t.location_status = 'outside')::int AS outside
         FROM tickets t WHERE ${f.where}`,
        f.params,
      ),
      db.query(
        `SELECT r.code, r.name_zh AS name, r.name_en AS "nameEn", count(t.id)::int AS count
         FROM regions r LEFT JOIN tickets t ON t.district_code = r.code AND ${f.where}
         WHERE r.level = 'district' GROUP BY r.code, r.name_zh, r.name_en ORDER BY count DESC, r.code`,
        f.params,
      ),
      db.query(
        `SELECT g.code, g.name_zh AS "nameZh", g.name_en AS "nameEn", count(t.id)::int AS count
         FROM category_groups g JOIN categories k ON k.group_code = g.code
         LEFT JOIN tickets t ON t.category_code = k.code AND ${f.where}
         GROUP BY g.code, g.name_zh, g.name_en ORDER BY count DESC, g.code`,
        f.params,
      ),
      db.query(
        `SELECT t.status, count(*)::int AS count FROM tickets t WHERE ${f.where} GROUP BY t.status ORDER BY count DESC, t.status`,
        f.params,
      ),
      dataRange(db, scope),
      figures(db, f),
      childCounts(db, f, f.region),
      backlog(db, scope, null, open),
    ]);
    const synthetic = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM regions WHERE synthetic');
    return c.json({
      from: f.from,
      to: f.to,
      ...totals[0]!,
      figures: { total: totals[0]!.total, ...fig[0]! },
      byDistrict,
      byCategoryGroup: byGroup,
      byStatus,
      children,
      dataRange: range[0],
      backlog: now,
      synthetic: synthetic[0]!.n > 0,
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
    const z = f.params.length + 1;
    // buckets in the city's zone: a month boundary in UTC would move a night's tickets
    const bucket = `date_trunc($${z + 1}::text, t.received_at AT TIME ZONE $${z})`;
    const column = child ? `t.${child.column}` : `NULL::text`;
    const rows = await db.query<{ b: string; code: string | null; n: number }>(
      `SELECT to_char(${bucket}, 'YYYY-MM-DD') AS b, ${column} AS code, count(*)::int AS n
       FROM tickets t WHERE ${f.where} GROUP BY 1, 2 ORDER BY 1, 2`,
      [...f.params, cityTimeZone(), q.step],
    );
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
