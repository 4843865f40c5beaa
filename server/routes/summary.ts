import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { validQuery } from '../validate.ts';
import { resolveFilter, ticketFilterSchema } from '../filters.ts';

/** GET /api/summary — totals for the filtered window: by district, category group and status. */
export const summary = new Hono<AppEnv>().get('/', validQuery(ticketFilterSchema), async (c) => {
  const db = c.get('db');
  const f = await resolveFilter(db, c.req.valid('query'));
  const [totals, byDistrict, byGroup, byStatus, range] = await Promise.all([
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
    db.query<{ first: Date | null; last: Date | null }>('SELECT min(received_at) AS first, max(received_at) AS last FROM tickets'),
  ]);
  const synthetic = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM regions WHERE synthetic');
  return c.json({
    from: f.from,
    to: f.to,
    ...totals[0]!,
    byDistrict,
    byCategoryGroup: byGroup,
    byStatus,
    dataRange: range[0],
    synthetic: synthetic[0]!.n > 0,
  });
});
