// The workspace summary's queries (GET /api/summary, /api/summary/series): counts of the filtered
// tickets by location status, district, category group, status and child region, the comparison
// figures, the data range and the series per week or month. Every one reads `f` (filters.ts
// resolveFilter: window, categories, region and the principal's jurisdiction) as its WHERE.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import type { ResolvedFilter } from '../filters.ts';
import { overdueNowSql } from '../measures.ts';

export interface ChildLevel {
  level: 'street' | 'district' | 'grid';
  /** the ticket column that names the child */
  column: 'district_code' | 'street_code' | 'grid_code';
  parent: string | null;
}

/** The level below a region, and the ticket column that names it; the city's children are districts. */
export async function childLevel(db: Queryable, region: string | undefined): Promise<ChildLevel | null> {
  if (!region) return { level: 'district', column: 'district_code', parent: null };
  const rows = await db.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [region]);
  const level = rows[0]?.level;
  if (level === 'district') return { level: 'street', column: 'street_code', parent: region };
  if (level === 'street') return { level: 'grid', column: 'grid_code', parent: region };
  return null; // a grid cell has no children on the map
}

/** Counts per child region of the filtered region (every child listed, zero included). */
export async function childCounts(db: Queryable, f: ResolvedFilter, region: string | undefined) {
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
export async function figures(db: Queryable, f: ResolvedFilter): Promise<Record<string, number>> {
  const rows = await db.query<Record<string, number>>(
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
  return rows[0]!;
}

/** First and last receipt in the principal's jurisdiction (the whole city for city scope). */
export async function dataRange(db: Queryable, scope: Scope) {
  const params: unknown[] = [];
  const own = scopeClause(scope, params);
  const rows = await db.query<{ first: Date | null; last: Date | null }>(
    `SELECT min(t.received_at) AS first, max(t.received_at) AS last FROM tickets t${own ? ` WHERE ${own}` : ''}`,
    params,
  );
  return rows[0];
}

/** How many of the filtered tickets are located, waiting for a place, or outside the city. */
export async function locationTotals(db: Queryable, f: ResolvedFilter) {
  const rows = await db.query<{ total: number; located: number; unlocated: number; outside: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE t.location_status = 'located')::int AS located,
            count(*) FILTER (WHERE t.location_status = 'unlocated')::int AS unlocated,
            count(*) FILTER (WHERE t.location_status = 'outside')::int AS outside
     FROM tickets t WHERE ${f.where}`,
    f.params,
  );
  return rows[0]!;
}

/** The filtered tickets per district (every district, zero included), most first. */
export function byDistrict(db: Queryable, f: ResolvedFilter) {
  return db.query(
    `SELECT r.code, r.name_zh AS name, r.name_en AS "nameEn", count(t.id)::int AS count
     FROM regions r LEFT JOIN tickets t ON t.district_code = r.code AND ${f.where}
     WHERE r.level = 'district' GROUP BY r.code, r.name_zh, r.name_en ORDER BY count DESC, r.code`,
    f.params,
  );
}

/** The filtered tickets per category group (every group, zero included), most first. */
export function byCategoryGroup(db: Queryable, f: ResolvedFilter) {
  return db.query(
    `SELECT g.code, g.name_zh AS "nameZh", g.name_en AS "nameEn", count(t.id)::int AS count
     FROM category_groups g JOIN categories k ON k.group_code = g.code
     LEFT JOIN tickets t ON t.category_code = k.code AND ${f.where}
     GROUP BY g.code, g.name_zh, g.name_en ORDER BY count DESC, g.code`,
    f.params,
  );
}

/** The filtered tickets per status, most first. */
export function byStatus(db: Queryable, f: ResolvedFilter) {
  return db.query(
    `SELECT t.status, count(*)::int AS count FROM tickets t WHERE ${f.where} GROUP BY t.status ORDER BY count DESC, t.status`,
    f.params,
  );
}

/** Whether any region is synthetic (a generated grid, not an official boundary). */
export async function hasSyntheticRegions(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM regions WHERE synthetic');
  return rows[0]!.n > 0;
}

/**
 * The filtered tickets per bucket (week or month in `timeZone`: a boundary in UTC would move a
 * night's tickets) and child region of `child` (code null without one).
 */
export function seriesRows(
  db: Queryable,
  f: ResolvedFilter,
  child: ChildLevel | null,
  timeZone: string,
  step: 'week' | 'month',
) {
  const z = f.params.length + 1;
  const bucket = `date_trunc($${z + 1}::text, t.received_at AT TIME ZONE $${z})`;
  const column = child ? `t.${child.column}` : `NULL::text`;
  return db.query<{ b: string; code: string | null; n: number }>(
    `SELECT to_char(${bucket}, 'YYYY-MM-DD') AS b, ${column} AS code, count(*)::int AS n
     FROM tickets t WHERE ${f.where} GROUP BY 1, 2 ORDER BY 1, 2`,
    [...f.params, timeZone, step],
  );
}
