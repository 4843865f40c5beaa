// An INDEPENDENT recomputation of one month's ranking straight from the raw tables, written apart
// from server/ranking/sql.ts and sharing none of its code or its shape: the month window is
// computed in SQL (not by the server's time helpers), responsibility pairs come from DISTINCT +
// LATERAL aggregates (not window functions and GROUP BY), counts are FILTERed joins per unit,
// rates and the score are exact numeric arithmetic with round(…, 2), and ranks come from RANK().
// The rules it encodes are the documented ones (server/ranking/README.md, sql.ts header) with the
// default weights 0.10 / 0.45 / 0.45 and "basically satisfied" = 0.8.
import type { Queryable } from '../../../db/client.ts';

export type IndependentTable = 'street' | 'district' | 'department' | 'utility';

export interface IndependentRow {
  code: string;
  volume: number;
  dispatched: number;
  inTime: number;
  calledBack: number;
  solved: number;
  satisfied: number;
  basic: number;
  dissatisfied: number;
  returns: number;
  response: number | null;
  resolution: number | null;
  satisfaction: number | null;
  per10k: number | null;
  score: number | null;
  rank: number | null;
}

interface Shape {
  units: string;
  /** Joins that give dispatch row `alias` its unit as `<alias>_unit`. */
  unitOf: (alias: string) => { join: string; unit: string; kind: string };
  volume: string;
}

const SHAPES: Record<IndependentTable, Shape> = {
  street: {
    units: `SELECT code, population FROM regions WHERE level = 'street'`,
    unitOf: (a) => ({
      join: '',
      unit: `${a}.unit_code`,
      kind: `${a}.unit_kind = 'street' AND ${a}.role = 'territorial'`,
    }),
    volume: `(SELECT count(*) FROM tickets v, win WHERE v.street_code = c.code AND v.kind <> 'praise' AND v.received_at >= win.a AND v.received_at < win.b)`,
  },
  district: {
    units: `SELECT code, population FROM regions WHERE level = 'district'`,
    unitOf: (a) => ({
      join: `JOIN regions ${a}_s ON ${a}_s.code = ${a}.unit_code AND ${a}_s.level = 'street'`,
      unit: `${a}_s.parent_code`,
      kind: `${a}.unit_kind = 'street' AND ${a}.role = 'territorial'`,
    }),
    volume: `(SELECT count(*) FROM tickets v, win WHERE v.district_code = c.code AND v.kind <> 'praise' AND v.received_at >= win.a AND v.received_at < win.b)`,
  },
  department: {
    units: `SELECT code, NULL::int AS population FROM departments WHERE kind = 'department'`,
    unitOf: (a) => ({ join: '', unit: `${a}.unit_code`, kind: `${a}.unit_kind = 'department'` }),
    volume: 'NULL',
  },
  utility: {
    units: `SELECT code, NULL::int AS population FROM departments WHERE kind = 'utility'`,
    unitOf: (a) => ({ join: '', unit: `${a}.unit_code`, kind: `${a}.unit_kind = 'utility'` }),
    volume: 'NULL',
  },
};

/** `minCallbacksToRank`: callbacks a unit needs to get a rank (the policy's minimum sample). */
export async function independentRanking(
  db: Queryable,
  table: IndependentTable,
  month: string,
  opts: { minCallbacksToRank: number; timeZone?: string },
): Promise<IndependentRow[]> {
  const timeZone = opts.timeZone ?? 'Asia/Shanghai';
  const s = SHAPES[table];
  const d = s.unitOf('d');
  const x = s.unitOf('x');
  const r = s.unitOf('r');
  const rows = await db.query<Record<string, number | string | null>>(
    `WITH win AS (
       SELECT (($1::text || '-01')::timestamp AT TIME ZONE $2::text) AS a,
              ((($1::text || '-01')::date + interval '1 month')::timestamp AT TIME ZONE $2::text) AS b
     ),
     u AS (${s.units}),
     pairs AS (
       SELECT DISTINCT d.ticket_id, ${d.unit} AS unit
       FROM dispatches d ${d.join}
       WHERE ${d.kind} AND (d.return_justified IS NULL OR d.return_justified = false)
     ),
     pf AS (
       SELECT p.ticket_id, p.unit, own.first_at, own.accept_at, clock.start_at
       FROM pairs p
       CROSS JOIN LATERAL (
         SELECT min(x.dispatched_at) AS first_at, min(x.accepted_at) AS accept_at
         FROM dispatches x ${x.join}
         WHERE x.ticket_id = p.ticket_id AND ${x.unit} = p.unit AND ${x.kind}
           AND (x.return_justified IS NULL OR x.return_justified = false)
       ) own
       CROSS JOIN LATERAL (SELECT min(y.dispatched_at) AS start_at FROM dispatches y WHERE y.ticket_id = p.ticket_id) clock
     ),
     counted AS (
       SELECT u.code, u.population,
         count(t.id) FILTER (WHERE pf.first_at >= w.a AND pf.first_at < w.b) AS dispatched,
         count(t.id) FILTER (WHERE pf.first_at >= w.a AND pf.first_at < w.b
                               AND pf.accept_at <= t.respond_due_at + (pf.first_at - pf.start_at)) AS in_time,
         count(t.id) FILTER (WHERE t.callback_at >= w.a AND t.callback_at < w.b) AS called_back,
         count(t.id) FILTER (WHERE t.callback_at >= w.a AND t.callback_at < w.b AND t.solved) AS solved,
         count(t.id) FILTER (WHERE t.callback_at >= w.a AND t.callback_at < w.b AND t.satisfaction = 'satisfied') AS satisfied,
         count(t.id) FILTER (WHERE t.callback_at >= w.a AND t.callback_at < w.b AND t.satisfaction = 'basic') AS basic,
         count(t.id) FILTER (WHERE t.callback_at >= w.a AND t.callback_at < w.b AND t.satisfaction = 'dissatisfied') AS dissatisfied
       FROM u CROSS JOIN win w
       LEFT JOIN pf ON pf.unit = u.code
       LEFT JOIN tickets t ON t.id = pf.ticket_id
       GROUP BY u.code, u.population
     ),
     full_counts AS (
       SELECT c.*,
         COALESCE(${s.volume}, c.dispatched) AS volume,
         (SELECT count(*) FROM dispatches r ${r.join}, win
           WHERE ${r.unit} = c.code AND ${r.kind} AND r.return_justified = false
             AND COALESCE(r.ruled_at, r.returned_at) >= win.a AND COALESCE(r.ruled_at, r.returned_at) < win.b) AS returns
       FROM counted c
     ),
     rated AS (
       SELECT f.*,
         CASE WHEN dispatched > 0 THEN 100.0 * in_time / dispatched END AS response,
         CASE WHEN called_back > 0 THEN 100.0 * solved / called_back END AS resolution,
         CASE WHEN called_back > 0 THEN (100.0 * satisfied + 80.0 * basic) / called_back END AS satisfaction
       FROM full_counts f
     ),
     scored AS (SELECT rated.*, round(0.10 * response + 0.45 * resolution + 0.45 * satisfaction, 2) AS score FROM rated)
     SELECT code, volume::int AS volume, dispatched::int AS dispatched, in_time::int AS "inTime", called_back::int AS "calledBack",
            solved::int AS solved, satisfied::int AS satisfied, basic::int AS basic, dissatisfied::int AS dissatisfied,
            returns::int AS returns, response::float8 AS response, resolution::float8 AS resolution, satisfaction::float8 AS satisfaction,
            CASE WHEN population > 0 THEN (volume * 10000.0 / population)::float8 END AS per10k,
            score::float8 AS score,
            CASE WHEN score IS NOT NULL AND called_back >= $3::int THEN (rank() OVER (PARTITION BY score IS NOT NULL AND called_back >= $3::int ORDER BY score DESC))::int END AS rank
     FROM scored
     ORDER BY code`,
    [month, timeZone, opts.minCallbacksToRank],
  );
  return rows as unknown as IndependentRow[];
}
