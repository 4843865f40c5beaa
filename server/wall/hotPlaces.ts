// The hot spot scene's names (issue 16: "scenes that name the top places × categories"): the
// streets × categories of the last 30 days with the largest excess over what was expected of them.
// Expected, as the excess maps (server/analysis/README.md "Signal, not density") but by street ×
// category: E = W_k · (H_sk + ½·π_s) / (H_k + ½), the category's tickets in the window (city or
// region) times the street's share of the category over the 365 days before the window, shrunk
// toward the street's share of all tickets (π_s) with half a pseudo-ticket — so a city-wide rise or a
// season is nobody's hot spot, and a busy street is not news for being busy. Kept: at least 5
// tickets and Poisson mid-p significant after Benjamini–Hochberg (q = 0.05) across every street ×
// category with a ticket; ranked by excess (O − E). SQL reads the street rollup; the rule is pure.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { countMidP } from '../analysis/distributions.ts';
import { benjaminiHochberg } from '../analysis/fdr.ts';

export const WINDOW_DAYS = 30;
export const HISTORY_DAYS = 365;
export const MIN_TICKETS = 5;
export const FDR_Q = 0.05;

export interface PairCounts {
  street: string;
  category: string;
  /** tickets in the window */
  observed: number;
  /** tickets of the street × category in the history */
  history: number;
}

export interface HotPlace {
  street: string;
  category: string;
  observed: number;
  expected: number;
  excess: number;
  ratio: number;
  p: number;
}

/**
 * Pure: the pairs' expected counts, tests and ranking. `streetHistory` = each street's tickets over
 * all categories in the history (its prior share).
 */
export function rankHotPlaces(
  pairs: readonly PairCounts[],
  streetHistory: ReadonlyMap<string, number>,
  limit: number,
): HotPlace[] {
  const windowByCat = new Map<string, number>();
  const historyByCat = new Map<string, number>();
  for (const x of pairs) {
    windowByCat.set(x.category, (windowByCat.get(x.category) ?? 0) + x.observed);
    historyByCat.set(x.category, (historyByCat.get(x.category) ?? 0) + x.history);
  }
  let all = 0;
  for (const n of streetHistory.values()) all += n;
  const scored = pairs
    .filter((x) => x.observed > 0)
    .map((x) => {
      const prior = all > 0 ? (streetHistory.get(x.street) ?? 0) / all : 0;
      const expected =
        (windowByCat.get(x.category)! * (x.history + 0.5 * prior)) / (historyByCat.get(x.category)! + 0.5);
      const p = countMidP(x.observed, expected).upper;
      return {
        street: x.street,
        category: x.category,
        observed: x.observed,
        expected,
        excess: x.observed - expected,
        ratio: expected > 0 ? x.observed / expected : Infinity,
        p,
      };
    });
  if (scored.length === 0) return [];
  const bh = benjaminiHochberg(
    scored.map((x) => x.p),
    FDR_Q,
  );
  return scored
    .filter((x, i) => bh.rejected[i] && x.observed >= MIN_TICKETS && x.excess > 0)
    .sort((a, b) => b.excess - a.excess || a.street.localeCompare(b.street) || a.category.localeCompare(b.category))
    .slice(0, limit);
}

export interface HotPlaceRow extends HotPlace {
  streetZh: string;
  streetEn: string;
  districtZh: string | null;
  districtEn: string | null;
  categoryZh: string;
  categoryEn: string;
}

/** The top places of the scope over the 30 days ending with the latest day with data. */
export async function hotPlaces(
  db: Queryable,
  scope: Scope,
  limit: number,
): Promise<{ from: string | null; to: string | null; places: HotPlaceRow[] }> {
  const params: unknown[] = [];
  let streets = `SELECT code FROM regions WHERE level = 'street'`;
  if (scope.level === 'district') streets += ` AND parent_code = $${params.push(scope.code)}`;
  if (scope.level === 'street') streets += ` AND code = $${params.push(scope.code)}`;
  const [span] = await db.query<{ to: string | null }>(
    `SELECT max(day)::text AS "to" FROM rollup_region_daily WHERE level = 'street' AND region_code IN (${streets})`,
    params,
  );
  if (!span?.to) return { from: null, to: null, places: [] };
  const to = span.to;
  const rows = await db.query<{ street: string; category: string; observed: number; history: number }>(
    `SELECT region_code AS street, category_code AS category,
            COALESCE(sum(tickets) FILTER (WHERE day > $${params.length + 1}::date - ${WINDOW_DAYS}), 0)::int AS observed,
            COALESCE(sum(tickets) FILTER (WHERE day <= $${params.length + 1}::date - ${WINDOW_DAYS}), 0)::int AS history
     FROM rollup_region_daily
     WHERE level = 'street' AND region_code IN (${streets}) AND day > $${params.length + 1}::date - ${WINDOW_DAYS + HISTORY_DAYS} AND day <= $${params.length + 1}::date
     GROUP BY 1, 2`,
    [...params, to],
  );
  const streetHistory = new Map<string, number>();
  for (const r of rows) streetHistory.set(r.street, (streetHistory.get(r.street) ?? 0) + r.history);
  const top = rankHotPlaces(rows, streetHistory, limit);
  if (top.length === 0) return { from: null, to, places: [] };
  const names = await db.query<{ code: string; zh: string; en: string; dzh: string | null; den: string | null }>(
    `SELECT s.code, s.name_zh AS zh, s.name_en AS en, d.name_zh AS dzh, d.name_en AS den FROM regions s LEFT JOIN regions d ON d.code = s.parent_code WHERE s.code = ANY($1::text[])`,
    [top.map((x) => x.street)],
  );
  const cats = await db.query<{ code: string; zh: string; en: string }>(
    `SELECT code, name_zh AS zh, name_en AS en FROM categories WHERE code = ANY($1::text[])`,
    [top.map((x) => x.category)],
  );
  const byStreet = new Map(names.map((n) => [n.code, n]));
  const byCat = new Map(cats.map((c) => [c.code, c]));
  const [{ from }] = (await db.query<{ from: string }>(`SELECT ($1::date - ${WINDOW_DAYS - 1})::text AS "from"`, [
    to,
  ])) as [{ from: string }];
  return {
    from,
    to,
    places: top.map((x) => ({
      ...x,
      streetZh: byStreet.get(x.street)?.zh ?? x.street,
      streetEn: byStreet.get(x.street)?.en ?? x.street,
      districtZh: byStreet.get(x.street)?.dzh ?? null,
      districtEn: byStreet.get(x.street)?.den ?? null,
      categoryZh: byCat.get(x.category)?.zh ?? x.category,
      categoryEn: byCat.get(x.category)?.en ?? x.category,
    })),
  };
}
