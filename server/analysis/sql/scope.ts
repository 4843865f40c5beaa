// What an analysis request is about, resolved against the database: categories (a category code
// or a group code, as everywhere in the API), a district, and the span of days the rollups hold.
import type { Queryable } from '../../../db/client.ts';
import type { Scope } from '../../auth/principal.ts';
import { scopedRegion } from '../../auth/scope.ts';
import { UnknownCodeError } from '../../filters.ts';

export interface CategoryInfo {
  code: string;
  groupCode: string;
  nameZh: string;
  nameEn: string;
  departmentCode: string | null;
  /** The line department's names, for lists planners read (null when the category has none). */
  departmentZh: string | null;
  departmentEn: string | null;
}

/** Category codes of a category or group code; null = all. Unknown code → 400 naming `field`. */
export async function resolveCategories(
  db: Queryable,
  code: string | undefined,
  field = 'category',
): Promise<string[] | null> {
  if (code === undefined) return null;
  const rows = await db.query<{ code: string }>(
    'SELECT code FROM categories WHERE code = $1 OR group_code = $1 ORDER BY code',
    [code],
  );
  if (rows.length === 0) throw new UnknownCodeError(field, code);
  return rows.map((r) => r.code);
}

export async function categoryInfo(db: Queryable): Promise<Map<string, CategoryInfo>> {
  const rows = await db.query<CategoryInfo>(
    `SELECT c.code, c.group_code AS "groupCode", c.name_zh AS "nameZh", c.name_en AS "nameEn", c.department_code AS "departmentCode",
            d.name_zh AS "departmentZh", d.name_en AS "departmentEn"
       FROM categories c LEFT JOIN departments d ON d.code = c.department_code`,
  );
  return new Map(rows.map((r) => [r.code, r]));
}

/** A district code, checked; unknown → 400 naming `field`. */
export async function resolveDistrict(
  db: Queryable,
  code: string | undefined,
  field = 'district',
): Promise<string | null> {
  if (code === undefined) return null;
  const rows = await db.query(`SELECT 1 FROM regions WHERE code = $1 AND level = 'district'`, [code]);
  if (rows.length === 0) throw new UnknownCodeError(field, code);
  return code;
}

/**
 * Where an analysis runs: the requested district (city principals), or the principal's own region.
 * `street` set = a street official's or street wall's street: the reads then count that street's
 * tickets only (the H3 rollups are keyed by district, not street; see sql/h3.ts).
 */
export interface AnalysisArea {
  district: string | null;
  street: string | null;
  /** Whether the principal is limited to a region (rules that hide ids from outside it apply). */
  scoped: boolean;
}

/**
 * The area of a request by a principal of `scope`. An unknown district is a 400 before anything
 * else; a district outside the jurisdiction is a 403 naming `field` (OutOfScope). A district
 * official asking nothing gets their district; a street official their street (any district is
 * wider than their street, so naming one is out of scope).
 */
export async function analysisArea(
  db: Queryable,
  scope: Scope,
  requested: string | undefined,
  field = 'district',
): Promise<AnalysisArea> {
  const district = await resolveDistrict(db, requested, field);
  if (scope.level === 'city') return { district, street: null, scoped: false };
  const region = await scopedRegion(db, scope, district ?? undefined, field);
  if (scope.level === 'street') return { district: scope.district, street: scope.code, scoped: true };
  return { district: region ?? scope.code, street: null, scoped: true };
}

export interface DataSpan {
  /** First and last city day with a located ticket in the rollups; null when there are none. */
  first: string | null;
  last: string | null;
}

/** Read from the all-category H3 rollup by its primary key (res 7 is the smallest level). */
/**
 * The first month of meaningful volume: the first with at least this share of the median month.
 * Real histories carry a few stray records years before the system went live (a mistyped year, a
 * migrated test ticket); a backtest that started there would average over empty months.
 */
export const MEANINGFUL_MONTH_SHARE = 0.05;

/** Monthly located-ticket totals → the first meaningful month and the tickets before it (pure). */
export function meaningfulStart(
  months: { month: string; tickets: number }[],
  share = MEANINGFUL_MONTH_SHARE,
): { first: string | null; strayTickets: number } {
  if (months.length === 0) return { first: null, strayTickets: 0 };
  const sorted = [...months].map((m) => m.tickets).sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const ordered = [...months].sort((a, b) => a.month.localeCompare(b.month));
  const k = ordered.findIndex((m) => m.tickets >= share * median);
  return { first: ordered[k].month, strayTickets: ordered.slice(0, k).reduce((n, m) => n + m.tickets, 0) };
}

/** First day of the first meaningful month (see meaningfulStart) and the stray tickets before it. */
export async function meaningfulSpan(db: Queryable): Promise<{ first: string | null; strayTickets: number }> {
  const rows = await db.query<{ month: string; tickets: number }>(
    `SELECT to_char(day, 'YYYY-MM') AS month, sum(tickets)::int AS tickets FROM rollup_h3_daily_total WHERE res = 7 GROUP BY 1`,
  );
  const m = meaningfulStart(rows);
  return { first: m.first === null ? null : `${m.first}-01`, strayTickets: m.strayTickets };
}

export async function dataSpan(db: Queryable): Promise<DataSpan> {
  const [r] = await db.query<{ first: string | null; last: string | null }>(
    `SELECT (SELECT min(day) FROM rollup_h3_daily_total WHERE res = 7)::text AS first,
            (SELECT max(day) FROM rollup_h3_daily_total WHERE res = 7)::text AS last`,
  );
  return { first: r?.first ?? null, last: r?.last ?? null };
}
