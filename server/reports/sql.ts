// The few report figures that are not unit counts: demand by category (for the top list and the
// warnings) and the intake mix (the backlog is server/measures.ts's). Same engines rule as server/ranking/sql.ts:
// casts on every output so PGlite and PostgreSQL agree.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import type { Period } from '../ranking/periods.ts';

const CITY: Scope = { level: 'city' };
/** ` AND t.street_code = $n` (or district) for a scoped reader, '' for the city. */
const and = (scope: Scope, params: unknown[]) => {
  const clause = scopeClause(scope, params);
  return clause ? ` AND ${clause}` : '';
};

export interface CategoryDistrictCount {
  categoryCode: string;
  districtCode: string | null;
  current: number;
  baseline: number;
}

/**
 * Tickets received per (category, district) in the period and in the baseline window just before
 * it ([baselineFrom, period.from)). Praise is not a demand and is left out. Both windows are one
 * index range on received_at.
 */
export async function categoryDistrictCounts(
  db: Queryable,
  period: Period,
  baselineFrom: Date,
  scope: Scope = CITY,
): Promise<CategoryDistrictCount[]> {
  const params: unknown[] = [baselineFrom, period.from, period.to];
  const own = and(scope, params);
  const rows = await db.query<{
    category_code: string;
    district_code: string | null;
    current: number;
    baseline: number;
  }>(
    `SELECT t.category_code, t.district_code,
            count(*) FILTER (WHERE t.received_at >= $2)::int AS current,
            count(*) FILTER (WHERE t.received_at < $2)::int AS baseline
     FROM tickets t
     WHERE t.received_at >= $1 AND t.received_at < $3 AND t.kind NOT IN ('praise','proactive')${own}
     GROUP BY t.category_code, t.district_code
     ORDER BY t.category_code, t.district_code`,
    params,
  );
  return rows.map((r) => ({
    categoryCode: r.category_code,
    districtCode: r.district_code,
    current: r.current,
    baseline: r.baseline,
  }));
}

/** The first ticket's receipt (null without tickets): whether a year before a period is in the data. */
export async function firstReceived(db: Queryable): Promise<Date | null> {
  const [r] = await db.query<{ first: Date | string | null }>('SELECT min(received_at) AS first FROM tickets');
  return r?.first ? new Date(r.first) : null;
}

export interface IntakeMix {
  total: number;
  byKind: Record<string, number>;
  byChannel: Record<string, number>;
}

/** Everything received in the period (praise included: it is counted, just not as a demand). */
export async function intakeMix(db: Queryable, period: Period, scope: Scope = CITY): Promise<IntakeMix> {
  const params: unknown[] = [period.from, period.to];
  const own = and(scope, params);
  const rows = await db.query<{ kind: string; channel: string; n: number }>(
    `SELECT t.kind, t.channel, count(*)::int AS n FROM tickets t WHERE t.received_at >= $1 AND t.received_at < $2${own}
     GROUP BY t.kind, t.channel ORDER BY t.kind, t.channel`,
    params,
  );
  const mix: IntakeMix = { total: 0, byKind: {}, byChannel: {} };
  for (const r of rows) {
    mix.total += r.n;
    mix.byKind[r.kind] = (mix.byKind[r.kind] ?? 0) + r.n;
    mix.byChannel[r.channel] = (mix.byChannel[r.channel] ?? 0) + r.n;
  }
  return mix;
}

export interface Named {
  nameZh: string;
  nameEn: string;
}

export async function categoryNames(db: Queryable): Promise<Map<string, Named & { groupCode: string }>> {
  const rows = await db.query<{ code: string; name_zh: string; name_en: string; group_code: string }>(
    'SELECT code, name_zh, name_en, group_code FROM categories',
  );
  return new Map(rows.map((r) => [r.code, { nameZh: r.name_zh, nameEn: r.name_en, groupCode: r.group_code }]));
}

export async function districtNames(db: Queryable): Promise<Map<string, Named>> {
  const rows = await db.query<{ code: string; name_zh: string; name_en: string }>(
    `SELECT code, name_zh, name_en FROM regions WHERE level = 'district'`,
  );
  return new Map(rows.map((r) => [r.code, { nameZh: r.name_zh, nameEn: r.name_en }]));
}
