// Monthly reads for the planning analyses (topics, forecast): category totals and callback
// verdicts per month, tickets per street, and the recurring-place share. All from the rollups,
// except the H3 reads of a street (a street official's jurisdiction): the H3 rollups are keyed by
// district, so those come from the street's own tickets (as in sql/h3.ts).
import type { Queryable } from '../../../db/client.ts';
import { cellColumn, streetTickets, TICKET_DAY } from './h3.ts';

/** District (or null: the city) and, for a street official, the street. */
export interface MonthlyArea {
  district: string | null;
  street: string | null;
}

const monthExpr = `(extract(year FROM day)::int * 12 + extract(month FROM day)::int - 1)`;

export interface CategoryMonth {
  category: string;
  month: number;
  tickets: number;
  calledBack: number;
  solved: number;
  satisfied: number;
  basic: number;
  repeats: number;
}

/** Per category and month over [start, end): located tickets (district level of the region rollup; a street's own row). */
export async function categoryMonths(
  db: Queryable,
  start: string,
  end: string,
  area: MonthlyArea,
): Promise<CategoryMonth[]> {
  const [level, code] = area.street !== null ? ['street', area.street] : ['district', area.district];
  return db.query<CategoryMonth>(
    `SELECT category_code AS category, ${monthExpr} AS month, sum(tickets)::int AS tickets,
            sum(called_back)::int AS "calledBack", sum(solved)::int AS solved, sum(satisfied)::int AS satisfied,
            sum(basic)::int AS basic, sum(repeats)::int AS repeats
       FROM rollup_region_daily
      WHERE level = $4 AND day >= $1::date AND day < $2::date AND ($3::text IS NULL OR region_code = $3)
      GROUP BY 1, 2`,
    [start, end, code, level],
  );
}

/** Tickets per category and street over [start, end), streets of the district when given. */
export async function categoryStreets(
  db: Queryable,
  start: string,
  end: string,
  area: MonthlyArea,
): Promise<{ category: string; street: string; tickets: number }[]> {
  return db.query(
    `SELECT x.category_code AS category, x.region_code AS street, sum(x.tickets)::int AS tickets
       FROM rollup_region_daily x
      WHERE x.level = 'street' AND x.day >= $1::date AND x.day < $2::date
        AND ($3::text IS NULL OR x.region_code IN (SELECT code FROM regions WHERE level = 'street' AND parent_code = $3))
        AND ($4::text IS NULL OR x.region_code = $4)
      GROUP BY 1, 2`,
    [start, end, area.district, area.street],
  );
}

export async function streetsInScope(
  db: Queryable,
  area: MonthlyArea,
): Promise<Map<string, { name: string; nameEn: string }>> {
  const rows = await db.query<{ code: string; name: string; nameEn: string }>(
    `SELECT code, name_zh AS name, name_en AS "nameEn" FROM regions
      WHERE level = 'street' AND ($1::text IS NULL OR parent_code = $1) AND ($2::text IS NULL OR code = $2)`,
    [area.district, area.street],
  );
  return new Map(rows.map((r) => [r.code, { name: r.name, nameEn: r.nameEn }]));
}

/**
 * Per category over [start, end): tickets in H3 res-9 cells, the recurring places — cells where the
 * category came in at least `minMonths` distinct months — and their tickets. The one definition of a
 * recurring place the topics and their briefs use (README "Recurring places").
 */
export async function recurringPlaceShare(
  db: Queryable,
  start: string,
  end: string,
  area: MonthlyArea,
  minMonths: number,
): Promise<Map<string, { tickets: number; recurring: number; places: number }>> {
  // Each read names only the parameters it uses (PostgreSQL must infer every parameter's type).
  const params: unknown[] = [start, end, minMonths];
  let cells: string;
  if (area.street !== null) {
    cells = `SELECT t.category_code, ${cellColumn(9)} AS cell, count(DISTINCT date_trunc('month', ${TICKET_DAY})) AS months, count(*) AS n
               FROM ${streetTickets({ res: 9, categories: null, district: area.district, street: area.street }, params, { fromP: 1, endP: 2 })}
              GROUP BY 1, 2`;
  } else {
    params.push(area.district);
    cells = `SELECT category_code, cell, count(DISTINCT ${monthExpr}) AS months, sum(tickets) AS n
               FROM rollup_h3_daily
              WHERE res = 9 AND day >= $1::date AND day < $2::date AND ($4::text IS NULL OR district_code = $4)
              GROUP BY 1, 2`;
  }
  const rows = await db.query<{ category: string; tickets: number; recurring: number; places: number }>(
    `WITH c AS (${cells})
     SELECT category_code AS category, sum(n)::int AS tickets, COALESCE(sum(n) FILTER (WHERE months >= $3), 0)::int AS recurring,
            count(*) FILTER (WHERE months >= $3)::int AS places
       FROM c GROUP BY 1`,
    params,
  );
  return new Map(rows.map((r) => [r.category, { tickets: r.tickets, recurring: r.recurring, places: r.places }]));
}

/** The busiest H3 cells of some categories over [start, end). */
export async function topCells(
  db: Queryable,
  res: number,
  categories: string[],
  start: string,
  end: string,
  area: MonthlyArea,
  limit: number,
): Promise<{ cell: string; tickets: number }[]> {
  if (area.street !== null) {
    const params: unknown[] = [start, end, limit];
    const from = streetTickets(
      { res: res as 7 | 8 | 9, categories, district: area.district, street: area.street },
      params,
      { fromP: 1, endP: 2 },
    );
    return db.query(
      `SELECT ${cellColumn(res)} AS cell, count(*)::int AS tickets FROM ${from} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3`,
      params,
    );
  }
  const district = area.district;
  return db.query(
    `SELECT cell, sum(tickets)::int AS tickets FROM rollup_h3_daily
      WHERE res = $1 AND category_code = ANY($2::text[]) AND day >= $3::date AND day < $4::date
        AND ($5::text IS NULL OR district_code = $5)
      GROUP BY cell ORDER BY 2 DESC, cell LIMIT $6`,
    [res, categories, start, end, district, limit],
  );
}
