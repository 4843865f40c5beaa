// Reads of the H3 rollups. Every query is grouped in SQL and returns one row per cell (or per
// cell and step / month): the analyses never see individual tickets. All-category requests read
// rollup_h3_daily_total, category requests rollup_h3_daily through its (res, category, day) key.
//
// A street (a street official's jurisdiction) is read from the street's own tickets instead: the
// H3 rollups are keyed by district, so a cell on the street's border also holds the neighbouring
// street's tickets, and those must not reach the official. The street's tickets come through the
// (street_code, received_at) index, grouped into the same rows the rollups give, with days cut in
// the rollups' zone (hotline_city_zone()) so a street's figures add up to its district's.
import type { Queryable } from '../../../db/client.ts';
import { scopeClause } from '../../auth/scope.ts';
import { addDays, decomposeWindow, type Step } from '../calendar.ts';

export type H3Res = 7 | 8 | 9;

export interface H3Scope {
  res: H3Res;
  /** Category codes, or null for all. */
  categories: string[] | null;
  district: string | null;
  /** A street: only its tickets are counted (read from tickets, see the header). */
  street?: string | null;
}

/** The start of city day `$p` as an instant, in the rollups' zone: an index range on received_at. */
const dayStart = (p: number) => `($${p}::date::timestamp AT TIME ZONE hotline_city_zone())`;
/** The city day of a ticket, as the rollups cut it. */
export const TICKET_DAY = `(t.received_at AT TIME ZONE hotline_city_zone())::date`;

/** The ticket's cell column at a resolution (validated 7..9, so safe to name). */
export function cellColumn(res: number): string {
  if (res !== 7 && res !== 8 && res !== 9) throw new Error(`no H3 column at resolution ${res}`);
  return `t.h3_r${res}`;
}

/**
 * `tickets t WHERE …` for a street's located tickets over [$fromP, $endP) (city days; either may be
 * omitted), of some categories; the street is the scope clause of server/auth/scope.ts.
 */
export function streetTickets(scope: H3Scope, params: unknown[], window: { fromP?: number; endP?: number }): string {
  const clauses = [
    scopeClause({ level: 'street', code: scope.street!, district: scope.district ?? '' }, params)!,
    `${cellColumn(scope.res)} IS NOT NULL`,
  ];
  if (window.fromP !== undefined) clauses.push(`t.received_at >= ${dayStart(window.fromP)}`);
  if (window.endP !== undefined) clauses.push(`t.received_at < ${dayStart(window.endP)}`);
  if (scope.categories !== null) {
    params.push(scope.categories);
    clauses.push(`t.category_code = ANY($${params.length}::text[])`);
  }
  return `tickets t WHERE ${clauses.join(' AND ')}`;
}

/** The rollup and its filter for a scope; $1 = res, $2 = first day, $3 = day after the last. */
function source(scope: H3Scope, params: unknown[]): string {
  const clauses = ['res = $1', 'day >= $2::date', 'day < $3::date'];
  if (scope.district !== null) {
    params.push(scope.district);
    clauses.push(`district_code = $${params.length}`);
  }
  if (scope.categories !== null) {
    params.push(scope.categories);
    clauses.push(`category_code = ANY($${params.length}::text[])`);
    return `rollup_h3_daily WHERE ${clauses.join(' AND ')}`;
  }
  return `rollup_h3_daily_total WHERE ${clauses.join(' AND ')}`;
}

/**
 * The study area: every cell with a ticket of any category on or before `lastDay` (in the
 * district, if one is given). Places people call from; cells never called from (mountains,
 * water) are outside it rather than zeros that would make the whole city look hot.
 */
export async function studyCells(
  db: Queryable,
  scope: Pick<H3Scope, 'res' | 'district' | 'street'>,
  lastDay: string,
): Promise<string[]> {
  if (scope.street) {
    const params: unknown[] = [addDays(lastDay, 1)];
    const from = streetTickets({ ...scope, categories: null }, params, { endP: 1 });
    const rows = await db.query<{ cell: string }>(
      `SELECT DISTINCT ${cellColumn(scope.res)} AS cell FROM ${from} ORDER BY cell`,
      params,
    );
    return rows.map((r) => r.cell);
  }
  const rows = await db.query<{ cell: string }>(
    `SELECT DISTINCT cell FROM rollup_h3_cells
      WHERE res = $1 AND first_day <= $2::date AND tickets > 0 AND ($3::text IS NULL OR district_code = $3)
      ORDER BY cell`,
    [scope.res, lastDay, scope.district],
  );
  return rows.map((r) => r.cell);
}

/**
 * Tickets per cell over [from, end) (city days; end exclusive). All categories: whole months from
 * the monthly rollup, whole weeks from the weekly one, the rest from the daily one.
 */
export async function windowCounts(
  db: Queryable,
  scope: H3Scope,
  from: string,
  end: string,
): Promise<Map<string, number>> {
  if (scope.street) {
    const params: unknown[] = [from, end];
    const rows = await db.query<{ cell: string; n: number }>(
      `SELECT ${cellColumn(scope.res)} AS cell, count(*)::int AS n FROM ${streetTickets(scope, params, { fromP: 1, endP: 2 })} GROUP BY 1`,
      params,
    );
    return new Map(rows.map((r) => [r.cell, r.n]));
  }
  if (scope.categories !== null) {
    const params: unknown[] = [scope.res, from, end];
    const rows = await db.query<{ cell: string; n: number }>(
      `SELECT cell, sum(tickets)::int AS n FROM ${source(scope, params)} GROUP BY cell`,
      params,
    );
    return new Map(rows.map((r) => [r.cell, r.n]));
  }
  const parts = decomposeWindow(from, end);
  const district = scope.district === null ? '' : ' AND district_code = $5';
  const params: unknown[] = [scope.res, parts.months, parts.weeks, parts.days];
  if (scope.district !== null) params.push(scope.district);
  const rows = await db.query<{ cell: string; n: number }>(
    `SELECT cell, sum(n)::int AS n FROM (
       SELECT cell, tickets AS n FROM rollup_h3_monthly_total WHERE res = $1 AND month = ANY($2::date[])${district}
       UNION ALL SELECT cell, tickets FROM rollup_h3_weekly_total WHERE res = $1 AND week = ANY($3::date[])${district}
       UNION ALL SELECT cell, tickets FROM rollup_h3_daily_total WHERE res = $1 AND day = ANY($4::date[])${district}
     ) x GROUP BY cell`,
    params,
  );
  return new Map(rows.map((r) => [r.cell, r.n]));
}

export interface CellSeries {
  cell: string;
  /** Step indexes with tickets, and their counts. */
  steps: number[];
  counts: number[];
}

/**
 * Tickets per cell and step over [start, end); step 0 starts at `start`, which must start a step.
 * A step may appear twice in one cell's series (a cell split between districts): add them up.
 * All categories read the weekly / monthly rollup; categories group the daily one. One row per
 * cell comes back with its series packed as 'step:n,…': a year of weeks is ~30k rows at res 8,
 * not ~1.2 M.
 */
export async function stepCounts(
  db: Queryable,
  scope: H3Scope,
  start: string,
  end: string,
  step: Step,
): Promise<CellSeries[]> {
  // The street read names no resolution parameter (the cell column is chosen instead).
  const params: unknown[] = scope.street ? [start, end] : [scope.res, start, end];
  const s = scope.street ? '$1' : '$2';
  let grouped: string;
  if (scope.street) {
    const period =
      step === 'week' ? `date_trunc('week', ${TICKET_DAY})::date` : `date_trunc('month', ${TICKET_DAY})::date`;
    grouped = `SELECT ${cellColumn(scope.res)} AS cell, ${period} AS period, count(*) AS n FROM ${streetTickets(scope, params, { fromP: 1, endP: 2 })} GROUP BY 1, 2`;
  } else if (scope.categories === null) {
    const period = step === 'week' ? 'week' : 'month';
    const table = step === 'week' ? 'rollup_h3_weekly_total' : 'rollup_h3_monthly_total';
    let where = `res = $1 AND ${period} >= $2::date AND ${period} < $3::date`;
    if (scope.district !== null) {
      params.push(scope.district);
      where += ` AND district_code = $${params.length}`;
    }
    // One row per (cell, period, district): the few border cells split across districts come back
    // as two pairs for one step, and the caller adds them up (grouping 1.2 M rows here costs 1.4 s).
    grouped = `SELECT cell, ${period} AS period, tickets AS n FROM ${table} WHERE ${where}`;
  } else {
    const period = step === 'week' ? `date_trunc('week', day)::date` : `date_trunc('month', day)::date`;
    grouped = `SELECT cell, ${period} AS period, sum(tickets) AS n FROM ${source(scope, params)} GROUP BY 1, 2`;
  }
  const stepExpr =
    step === 'week'
      ? `((period - ${s}::date) / 7)`
      : `((extract(year FROM period)::int * 12 + extract(month FROM period)::int) - (extract(year FROM ${s}::date)::int * 12 + extract(month FROM ${s}::date)::int))`;
  const rows = await db.query<{ cell: string; series: string }>(
    `SELECT cell, string_agg(${stepExpr}::int || ':' || n, ',') AS series FROM (${grouped}) g GROUP BY cell`,
    params,
  );
  return rows.map((r) => {
    const steps: number[] = [];
    const counts: number[] = [];
    for (const pair of r.series.split(',')) {
      const i = pair.indexOf(':');
      steps.push(Number(pair.slice(0, i)));
      counts.push(Number(pair.slice(i + 1)));
    }
    return { cell: r.cell, steps, counts };
  });
}

/** Tickets per cell, category and month index (year·12 + month − 1) over [start, end). */
export async function monthlyCellCategoryCounts(
  db: Queryable,
  scope: H3Scope,
  start: string,
  end: string,
): Promise<{ cell: string; category: string; month: number; n: number }[]> {
  if (scope.street) {
    const params: unknown[] = [start, end];
    return db.query(
      `SELECT ${cellColumn(scope.res)} AS cell, t.category_code AS category,
              (extract(year FROM ${TICKET_DAY})::int * 12 + extract(month FROM ${TICKET_DAY})::int - 1) AS month, count(*)::int AS n
         FROM ${streetTickets(scope, params, { fromP: 1, endP: 2 })} GROUP BY 1, 2, 3`,
      params,
    );
  }
  const params: unknown[] = [scope.res, start, end];
  const clauses = ['res = $1', 'day >= $2::date', 'day < $3::date'];
  if (scope.district !== null) {
    params.push(scope.district);
    clauses.push(`district_code = $${params.length}`);
  }
  if (scope.categories !== null) {
    params.push(scope.categories);
    clauses.push(`category_code = ANY($${params.length}::text[])`);
  }
  return db.query(
    `SELECT cell, category_code AS category, (extract(year FROM day)::int * 12 + extract(month FROM day)::int - 1) AS month,
            sum(tickets)::int AS n
       FROM rollup_h3_daily WHERE ${clauses.join(' AND ')} GROUP BY 1, 2, 3`,
    params,
  );
}
