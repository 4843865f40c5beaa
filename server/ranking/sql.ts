// SQL near the data: per unit and period, the counts the pure ranking rules need, and the exact
// tickets behind each count (drill-down). One CTE chain (`factsCte`) defines what a unit is
// answerable for; the aggregation and the drill-down both read it, so a figure and its tickets
// cannot disagree. Runs unchanged on PostgreSQL 15 and PGlite; every output is cast so both
// engines return the same JS types.
//
// WHICH INSTANT PUTS A FACT IN A PERIOD — the fact's own event, in the city's time zone:
//   response (响应率)       the unit's FIRST dispatch of the ticket (dispatches.dispatched_at)
//   resolution (解决率)     the callback (tickets.callback_at)
//   satisfaction (满意率)   the callback (tickets.callback_at)
//   demand volume           receipt (tickets.received_at)
//   unjustified returns     the ruling on the return (dispatches.ruled_at; returned_at if unruled)
// Why not bucket everything by receipt: then October's table would keep changing well into
// November as late tickets are called back, and a ranking read out at the monthly meeting must
// not move afterwards. Counting each fact in the month it happened makes a month final once it
// ends (plus the response limit, for acceptances just after midnight), counts every fact exactly
// once, and lets a closed month be cached. The cost: one ticket can sit in October's response
// figures and November's resolution figures; the drill-down follows the same rule, so every
// number still traces to its tickets.
//
// WHO IS ANSWERABLE ("held"): a unit holds a ticket if it has a dispatch row for it that it did
// not return with good reason (return_justified true). A return still unruled, or ruled
// unjustified, leaves the ticket with the unit. Rows per (ticket, unit) collapse to one: the
// first dispatch and the first acceptance. Streets are assessed on territorial dispatches;
// departments and utilities on any dispatch to them (parallel "line" dispatch or a whistle call,
// 吹哨报到: both are assessed, 双派双考); a district holds what any of its streets holds (a ticket
// counts once per district); the city holds every territorial ticket once.
//
// RESPONDED IN TIME: the unit's first acceptance ≤ the ticket's respond_due_at, moved later by
// however much later the unit got its first dispatch than the ticket's first dispatch to anyone.
// A street that receives a ticket after another street's justified return gets the full limit,
// not the remains of the first street's clock; a unit re-dispatched after its own unjustified
// return gets no extra time (its first dispatch counts).
//
// VERDICTS: a held ticket called back in the period counts in the resolution and satisfaction
// denominators; solved = true counts in resolution; the verdict feeds satisfaction (weights in
// the policy). PROACTIVE WORK ORDERS (未诉先办, kind 'proactive', dispatch role 'proactive') are the
// hotline's own initiative, not a citizen's demand: no table counts them, in any rate or volume
// (they have their own "主动治理" figures, server/governance/proactive.ts).
// DEMAND VOLUME: streets and districts — tickets located there (except praise,
// which is not a demand); departments and utilities have no territory, so their demand is the
// tickets dispatched to them (= their response denominator).
import type { Database, Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import { cityTimeZone } from '../time.ts';
import type { Period } from './periods.ts';
import type { UnitCountsInput } from './rates.ts';

export const RANKING_TABLES = ['street', 'district', 'department', 'utility'] as const;
export type RankingTable = (typeof RANKING_TABLES)[number];
/** 'city' is one unit holding every territorial ticket: the reports' city-wide line. */
export type FactTable = RankingTable | 'city';

export const CITY_UNIT = 'city';

/** A unit of a ranking table as the catalogue (regions, departments) knows it. */
export interface UnitInfo {
  code: string;
  table: RankingTable;
  nameZh: string;
  nameEn: string;
  parentCode: string | null;
  parentNameZh: string | null;
  parentNameEn: string | null;
  population: number | null;
}

/** Counts of one unit in one bucket (a month 'YYYY-MM', a day, or one whole period). */
export interface UnitBucketCounts {
  unit: string;
  bucket: string;
  counts: Required<UnitCountsInput>;
}

/** to_char patterns for the buckets the API needs; '"P"' puts a whole period in one bucket. */
export const BUCKET = { month: 'YYYY-MM', day: 'YYYY-MM-DD', period: '"P"' } as const;
export type BucketFormat = (typeof BUCKET)[keyof typeof BUCKET];

interface TableSql {
  /** Which dispatch rows count for this table. */
  kind: string;
  /** Extra join to reach the unit from a dispatch row. */
  join: string;
  /** The unit a dispatch row belongs to. */
  unit: string;
  /** Demand volume source: 'location' (tickets by place) or 'dispatch' (tickets sent to the unit). */
  volume: { by: 'location'; column: string | null } | { by: 'dispatch' };
}

const TERRITORIAL = `d.unit_kind = 'street' AND d.role = 'territorial'`;
const TABLE_SQL: Record<FactTable, TableSql> = {
  street: { kind: TERRITORIAL, join: '', unit: 'd.unit_code', volume: { by: 'location', column: 't.street_code' } },
  district: {
    kind: TERRITORIAL,
    join: `JOIN regions r ON r.code = d.unit_code AND r.level = 'street'`,
    unit: 'r.parent_code',
    volume: { by: 'location', column: 't.district_code' },
  },
  department: {
    kind: `d.unit_kind = 'department' AND d.role <> 'proactive'`,
    join: '',
    unit: 'd.unit_code',
    volume: { by: 'dispatch' },
  },
  utility: {
    kind: `d.unit_kind = 'utility' AND d.role <> 'proactive'`,
    join: '',
    unit: 'd.unit_code',
    volume: { by: 'dispatch' },
  },
  city: { kind: TERRITORIAL, join: '', unit: `'${CITY_UNIT}'::text`, volume: { by: 'location', column: null } },
};

/** Above this many dispatch codes a query is "the whole table" and finds callbacks by scanning tickets. */
const FEW_UNITS = 40;

/**
 * Parameters shared by every statement here:
 *   $1 from, $2 to (timestamptz, [from, to)), $3 time zone, $4 bucket format,
 *   $5 dispatch unit codes (street codes for streets, districts and the city; department codes),
 *   $6 the table's unit codes (for volume by location).
 */
export interface FactScope {
  table: FactTable;
  period: Period;
  bucket: BucketFormat;
  /** Codes that appear in dispatches.unit_code for the units in scope. */
  dispatchCodes: readonly string[];
  /** The units of the table in scope (streets, districts, departments…; ['city'] for the city). */
  unitCodes: readonly string[];
  timeZone?: string;
}

/**
 * Names every parameter with its type, so each statement binds all six even when it reads only
 * some of them (unreferenced parameters are an error on both engines).
 */
const PARAMS_CTE = `typed_params AS (SELECT $1::timestamptz AS p_from, $2::timestamptz AS p_to, $3::text AS p_zone,
  $4::text AS p_bucket, $5::text[] AS p_dispatch_codes, $6::text[] AS p_unit_codes)`;

function params(s: FactScope): unknown[] {
  return [s.period.from, s.period.to, s.timeZone ?? cityTimeZone(), s.bucket, [...s.dispatchCodes], [...s.unitCodes]];
}

/**
 * The CTE chain of a unit's facts in the period:
 *   resp_facts  one row per (ticket, unit) whose first dispatch to the unit is in the period,
 *               with the unit's deadline, whether it responded in time, and the bucket;
 *   cb_facts    one row per (ticket, unit) held by the unit and called back in the period;
 *   facts       both, side by side (for the drill-down; the counts read the two parts directly).
 */
export function factsCte(s: Pick<FactScope, 'table' | 'dispatchCodes'>): string {
  const t = TABLE_SQL[s.table];
  const few = s.dispatchCodes.length <= FEW_UNITS;
  // For a whole table, the period's callbacks are found by one pass over tickets (there is no
  // index on callback_at: see the README). For a few units, through their own dispatch history,
  // which the (unit_code, dispatched_at) index serves; a callback always follows the dispatch.
  const callbacks = few
    ? `AND t.id IN (SELECT d0.ticket_id FROM dispatches d0 WHERE d0.unit_code = ANY($5::text[]) AND ${t.kind.replaceAll('d.', 'd0.')} AND d0.dispatched_at < $2)`
    : '';
  return `
  resp_rows AS (
    -- every dispatch row of the tickets a unit in scope was sent in the period: the ticket's clock
    -- starts at its first dispatch to anyone
    SELECT d.ticket_id, d.unit_code, d.unit_kind, d.role, d.dispatched_at, d.accepted_at, d.return_justified
    FROM dispatches d
    WHERE d.ticket_id IN (SELECT d0.ticket_id FROM dispatches d0
                          WHERE d0.unit_code = ANY($5::text[]) AND ${t.kind.replaceAll('d.', 'd0.')}
                            AND d0.dispatched_at >= $1 AND d0.dispatched_at < $2)
  ),
  resp_pairs AS (
    SELECT d.ticket_id, ${t.unit} AS unit, min(d.dispatched_at) AS first_dispatched, min(d.accepted_at) AS first_accepted
    FROM resp_rows d ${t.join}
    WHERE d.unit_code = ANY($5::text[]) AND ${t.kind} AND d.return_justified IS NOT TRUE
    GROUP BY d.ticket_id, ${t.unit}
    HAVING min(d.dispatched_at) >= $1 AND min(d.dispatched_at) < $2
  ),
  clock AS (SELECT ticket_id, min(dispatched_at) AS started FROM resp_rows GROUP BY ticket_id),
  resp_facts AS (
    SELECT p.ticket_id, p.unit, p.first_dispatched, p.first_accepted, due.respond_due,
           COALESCE(p.first_accepted <= due.respond_due, false) AS in_time,
           to_char(p.first_dispatched AT TIME ZONE $3, $4) AS dispatch_bucket
    FROM resp_pairs p JOIN clock k ON k.ticket_id = p.ticket_id
    -- OFFSET 0 keeps this a keyed lookup per pair: joined freely, PostgreSQL preferred to walk
    -- the whole tickets primary key in a merge join.
    CROSS JOIN LATERAL (SELECT tk.respond_due_at + (p.first_dispatched - k.started) AS respond_due
                        FROM tickets tk WHERE tk.id = p.ticket_id OFFSET 0) due
  ),
  cb_tickets AS (
    SELECT t.id, t.callback_at, t.solved, t.satisfaction FROM tickets t
    WHERE t.callback_at >= $1 AND t.callback_at < $2 ${callbacks}
  ),
  cb_facts AS (
    SELECT DISTINCT c.id AS ticket_id, ${t.unit} AS unit, c.callback_at, c.solved, c.satisfaction,
           to_char(c.callback_at AT TIME ZONE $3, $4) AS callback_bucket
    FROM cb_tickets c JOIN dispatches d ON d.ticket_id = c.id ${t.join}
    WHERE d.unit_code = ANY($5::text[]) AND ${t.kind} AND d.return_justified IS NOT TRUE
  ),
  facts AS (
    SELECT COALESCE(r.ticket_id, c.ticket_id) AS ticket_id, COALESCE(r.unit, c.unit) AS unit,
           r.first_dispatched, r.first_accepted, r.respond_due, r.in_time, r.dispatch_bucket,
           c.callback_bucket, c.solved, c.satisfaction
    FROM resp_facts r FULL JOIN cb_facts c ON c.ticket_id = r.ticket_id AND c.unit = r.unit
  )`;
}

function volumeSql(s: Pick<FactScope, 'table'>): string {
  const v = TABLE_SQL[s.table].volume;
  if (v.by === 'dispatch') return '';
  const unit = v.column ?? `'${CITY_UNIT}'::text`;
  const scope = v.column === null ? '' : `AND ${v.column} = ANY($6::text[])`;
  return `
    UNION ALL
    SELECT ${unit} AS unit, to_char(t.received_at AT TIME ZONE $3, $4) AS bucket,
           count(*) AS volume, 0, 0, 0, 0, 0, 0, 0, 0
    FROM tickets t
    WHERE t.received_at >= $1 AND t.received_at < $2 AND t.kind NOT IN ('praise','proactive') ${scope}
    GROUP BY 1, 2`;
}

/** Unjustified returns (无理退单), in the month the hotline ruled on them. */
function returnsSql(s: Pick<FactScope, 'table'>): string {
  const t = TABLE_SQL[s.table];
  return `
    SELECT ${t.unit} AS unit, to_char(COALESCE(d.ruled_at, d.returned_at) AT TIME ZONE $3, $4) AS bucket,
           0, 0, 0, 0, 0, 0, 0, 0, count(*) AS returns
    FROM dispatches d ${t.join}
    WHERE d.unit_code = ANY($5::text[]) AND ${t.kind} AND d.return_justified = false
      AND d.dispatched_at < $2
      AND COALESCE(d.ruled_at, d.returned_at) >= $1 AND COALESCE(d.ruled_at, d.returned_at) < $2
    GROUP BY 1, 2`;
}

/**
 * Run one aggregate statement with PostgreSQL's JIT off. These statements are costed high (a pass
 * over tickets) but return a few hundred rows; compiling them took longer than running them.
 * PGlite has no JIT, and a bare Queryable (inside someone else's transaction) runs as is.
 */
async function aggregateQuery<T>(db: Queryable, text: string, values: unknown[]): Promise<T[]> {
  const full = db as Partial<Database>;
  if (full.engine !== 'postgres' || typeof full.readTransaction !== 'function') return db.query<T>(text, values);
  // Read-only, so it runs where the caller reads (a replica for dashboards), on the read pool.
  return full.readTransaction(async (tx) => {
    await tx.query('SET LOCAL jit = off');
    return tx.query<T>(text, values);
  });
}

/** Counts per (unit, bucket) for the scope. Units with nothing in a bucket are absent. */
export async function unitCounts(db: Queryable, s: FactScope): Promise<UnitBucketCounts[]> {
  if (s.dispatchCodes.length === 0 && s.unitCodes.length === 0) return [];
  const dispatchVolume = TABLE_SQL[s.table].volume.by === 'dispatch' ? 'count(*)' : '0';
  const rows = await aggregateQuery<{
    unit: string;
    bucket: string;
    volume: number;
    dispatched: number;
    responded: number;
    called_back: number;
    solved: number;
    satisfied: number;
    basic: number;
    dissatisfied: number;
    returns: number;
  }>(
    db,
    `WITH ${PARAMS_CTE}, ${factsCte(s)}
     SELECT unit, bucket,
            sum(volume)::int AS volume, sum(dispatched)::int AS dispatched, sum(responded)::int AS responded,
            sum(called_back)::int AS called_back, sum(solved)::int AS solved, sum(satisfied)::int AS satisfied,
            sum(basic)::int AS basic, sum(dissatisfied)::int AS dissatisfied, sum(returns)::int AS returns
     FROM (
       SELECT unit, dispatch_bucket AS bucket, ${dispatchVolume} AS volume, count(*) AS dispatched,
              count(*) FILTER (WHERE in_time) AS responded, 0 AS called_back, 0 AS solved,
              0 AS satisfied, 0 AS basic, 0 AS dissatisfied, 0 AS returns
       FROM resp_facts GROUP BY 1, 2
       UNION ALL
       SELECT unit, callback_bucket, 0, 0, 0, count(*),
              count(*) FILTER (WHERE solved IS TRUE),
              count(*) FILTER (WHERE satisfaction = 'satisfied'),
              count(*) FILTER (WHERE satisfaction = 'basic'),
              count(*) FILTER (WHERE satisfaction = 'dissatisfied'), 0
       FROM cb_facts GROUP BY 1, 2
       ${volumeSql(s)}
       UNION ALL
       ${returnsSql(s)}
     ) x
     WHERE unit IS NOT NULL
     GROUP BY unit, bucket
     ORDER BY unit, bucket`,
    params(s),
  );
  return rows.map((r) => ({
    unit: r.unit,
    bucket: r.bucket,
    counts: {
      volume: r.volume,
      dispatched: r.dispatched,
      respondedInTime: r.responded,
      calledBack: r.called_back,
      solved: r.solved,
      satisfied: r.satisfied,
      basic: r.basic,
      dissatisfied: r.dissatisfied,
      unjustifiedReturns: r.returns,
    },
  }));
}

// ---- drill-down ---------------------------------------------------------------------------------

export const DRILL_RATES = ['response', 'resolution', 'satisfaction', 'volume', 'returns'] as const;
export type DrillRate = (typeof DRILL_RATES)[number];
export const DRILL_PARTS = ['numerator', 'denominator'] as const;
export type DrillPart = (typeof DRILL_PARTS)[number];

/** One ticket behind a figure. No caller, description or address: nothing personal. */
export interface DrillTicket {
  id: number;
  kind: string;
  categoryCode: string;
  categoryNameZh: string | null;
  categoryNameEn: string | null;
  urgency: string;
  status: string;
  receivedAt: string;
  streetCode: string | null;
  districtCode: string | null;
  /** The unit's first dispatch and first acceptance, and its effective response deadline. */
  dispatchedAt: string | null;
  acceptedAt: string | null;
  respondDueAt: string | null;
  respondedInTime: boolean | null;
  callbackAt: string | null;
  solved: boolean | null;
  satisfaction: string | null;
  /** What the ticket adds to the figure: 1 per ticket, the verdict weight for satisfaction, returns per ticket. */
  contribution: number;
}

/** The what-if levers' pools: tickets that did not go the better way (see whatIf.ts). */
export type LeverPick = 'respondInTime' | 'solve' | 'satisfy' | 'basicToSatisfied' | 'removeUnjustifiedReturns';

export interface DrillScope extends FactScope {
  /** A figure's numerator or denominator, or a what-if lever's pool. */
  pick: { rate: DrillRate; part: DrillPart } | { lever: LeverPick };
  /** Verdict weights, for the satisfaction numerator's contributions. */
  verdictWeights: { satisfied: number; basic: number; dissatisfied: number };
  limit: number;
  offset: number;
  /** The principal's jurisdiction: a scoped principal's drill lists only tickets inside it. */
  jurisdiction: Scope;
}

const ISO = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The exact tickets behind one figure of one unit in one period, ordered by ticket id, with the
 * total count and the sum of contributions (= the figure's numerator or denominator).
 */
export async function drillTickets(
  db: Queryable,
  s: DrillScope,
): Promise<{ total: number; sum: number; tickets: DrillTicket[] }> {
  const w = s.verdictWeights;
  const p: unknown[] = [...params(s), w.satisfied, w.basic, w.dissatisfied, Math.trunc(s.limit), Math.trunc(s.offset)];
  // The scope is a clause of every variant's WHERE below (tickets are `t` in each).
  const own = scopeClause(s.jurisdiction, p);
  const inScope = own ? ` AND ${own}` : '';
  const table = TABLE_SQL[s.table];
  const ticketCols = (f: string) =>
    `${f}.kind, ${f}.category_code, ${f}.urgency, ${f}.status, ${f}.received_at, ${f}.street_code, ${f}.district_code`;
  const fromFacts = (contribution: string, where: string) =>
    `${factsCte(s)}, picked AS (
       SELECT f.ticket_id, ${ticketCols('t')}, f.first_dispatched, f.first_accepted, f.respond_due,
              f.in_time, t.callback_at, t.solved, t.satisfaction, ${contribution} AS contribution
       FROM facts f JOIN tickets t ON t.id = f.ticket_id WHERE ${where}${inScope})`;
  const verdictWeight = `CASE f.satisfaction WHEN 'satisfied' THEN $7::float8 WHEN 'basic' THEN $8::float8 WHEN 'dissatisfied' THEN $9::float8 ELSE 0 END`;
  const pick = s.pick;
  // A lever is a figure's denominator minus its numerator (or a verdict), as whatIf.ts defines it.
  const rate: DrillRate =
    'rate' in pick
      ? pick.rate
      : pick.lever === 'respondInTime'
        ? 'response'
        : pick.lever === 'removeUnjustifiedReturns'
          ? 'returns'
          : 'resolution';
  const numerator = 'part' in pick && pick.part === 'numerator';
  const lever = 'lever' in pick ? pick.lever : null;

  let picked: string;
  if (lever === 'respondInTime') {
    picked = fromFacts('1', 'f.dispatch_bucket IS NOT NULL AND NOT f.in_time');
  } else if (lever === 'solve') {
    picked = fromFacts('1', 'f.callback_bucket IS NOT NULL AND f.solved IS NOT TRUE');
  } else if (lever === 'satisfy' || lever === 'basicToSatisfied') {
    picked = fromFacts(
      '1',
      `f.callback_bucket IS NOT NULL AND f.satisfaction = '${lever === 'satisfy' ? 'dissatisfied' : 'basic'}'`,
    );
  } else if (rate === 'response' || (rate === 'volume' && table.volume.by === 'dispatch')) {
    picked = fromFacts('1', `f.dispatch_bucket IS NOT NULL${numerator && rate === 'response' ? ' AND f.in_time' : ''}`);
  } else if (rate === 'resolution') {
    picked = fromFacts('1', `f.callback_bucket IS NOT NULL${numerator ? ' AND f.solved IS TRUE' : ''}`);
  } else if (rate === 'satisfaction') {
    picked = numerator
      ? fromFacts(verdictWeight, `f.callback_bucket IS NOT NULL AND ${verdictWeight} > 0`)
      : fromFacts('1', 'f.callback_bucket IS NOT NULL');
  } else if (rate === 'volume') {
    // Demand by place: the numerator and the denominator are the same tickets.
    const column = (table.volume as { column: string | null }).column;
    picked = `picked AS (
      SELECT t.id AS ticket_id, ${ticketCols('t')}, NULL::timestamptz AS first_dispatched, NULL::timestamptz AS first_accepted,
             NULL::timestamptz AS respond_due, NULL::boolean AS in_time, t.callback_at, t.solved, t.satisfaction, 1 AS contribution
      FROM tickets t
      WHERE t.received_at >= $1 AND t.received_at < $2 AND t.kind NOT IN ('praise','proactive') ${column === null ? '' : `AND ${column} = ANY($6::text[])`}${inScope})`;
  } else {
    // Unjustified returns: one row per ticket, contribution = how many such returns it had.
    picked = `picked AS (
      SELECT d.ticket_id, ${ticketCols('t')}, min(d.dispatched_at) AS first_dispatched, min(d.accepted_at) AS first_accepted,
             NULL::timestamptz AS respond_due, NULL::boolean AS in_time, t.callback_at, t.solved, t.satisfaction, count(*) AS contribution
      FROM dispatches d ${table.join} JOIN tickets t ON t.id = d.ticket_id
      WHERE d.unit_code = ANY($5::text[]) AND ${table.kind} AND d.return_justified = false AND d.dispatched_at < $2
        AND COALESCE(d.ruled_at, d.returned_at) >= $1 AND COALESCE(d.ruled_at, d.returned_at) < $2${inScope}
      GROUP BY d.ticket_id, ${ticketCols('t')}, t.callback_at, t.solved, t.satisfaction)`;
  }
  const rows = await db.query<{
    id: number | null;
    kind: string;
    category_code: string;
    name_zh: string | null;
    name_en: string | null;
    urgency: string;
    status: string;
    received_at: string;
    street_code: string | null;
    district_code: string | null;
    dispatched_at: string | null;
    accepted_at: string | null;
    respond_due: string | null;
    in_time: boolean | null;
    callback_at: string | null;
    solved: boolean | null;
    satisfaction: string | null;
    contribution: number;
    total: number;
    sum: number;
  }>(
    `WITH ${PARAMS_CTE}, drill_params AS (SELECT $7::float8 AS w1, $8::float8 AS w2, $9::float8 AS w3),
     ${picked},
     agg AS (SELECT count(*)::int AS total, COALESCE(sum(contribution), 0)::float8 AS sum FROM picked),
     page AS (SELECT * FROM picked ORDER BY ticket_id LIMIT $10::int OFFSET $11::int)
     SELECT p.ticket_id::float8 AS id, p.kind, p.category_code, c.name_zh, c.name_en, p.urgency, p.status,
            ${ISO('p.received_at')} AS received_at, p.street_code, p.district_code,
            ${ISO('p.first_dispatched')} AS dispatched_at, ${ISO('p.first_accepted')} AS accepted_at,
            ${ISO('p.respond_due')} AS respond_due, p.in_time, ${ISO('p.callback_at')} AS callback_at,
            p.solved, p.satisfaction, p.contribution::float8 AS contribution, agg.total, agg.sum
     FROM agg LEFT JOIN page p ON true
     LEFT JOIN categories c ON c.code = p.category_code
     ORDER BY p.ticket_id`,
    p,
  );
  const total = rows[0]?.total ?? 0;
  const sum = rows[0]?.sum ?? 0;
  const tickets: DrillTicket[] = rows
    .filter((r) => r.id !== null)
    .map((r) => ({
      id: r.id as number,
      kind: r.kind,
      categoryCode: r.category_code,
      categoryNameZh: r.name_zh,
      categoryNameEn: r.name_en,
      urgency: r.urgency,
      status: r.status,
      receivedAt: r.received_at,
      streetCode: r.street_code,
      districtCode: r.district_code,
      dispatchedAt: r.dispatched_at,
      acceptedAt: r.accepted_at,
      respondDueAt: r.respond_due,
      respondedInTime: r.in_time,
      callbackAt: r.callback_at,
      solved: r.solved,
      satisfaction: r.satisfaction,
      contribution: r.contribution,
    }));
  return { total, sum, tickets };
}

// ---- catalogue and data range -------------------------------------------------------------------

/** The units of a table, in code order, with names, parent and population. */
export async function tableUnits(db: Queryable, table: RankingTable): Promise<UnitInfo[]> {
  const rows =
    table === 'street' || table === 'district'
      ? await db.query<Omit<UnitInfo, 'table'>>(
          `SELECT r.code, r.name_zh AS "nameZh", r.name_en AS "nameEn", r.parent_code AS "parentCode",
                  p.name_zh AS "parentNameZh", p.name_en AS "parentNameEn", r.population::int AS population
           FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
           WHERE r.level = $1 ORDER BY r.code`,
          [table],
        )
      : await db.query<Omit<UnitInfo, 'table'>>(
          `SELECT code, name_zh AS "nameZh", name_en AS "nameEn", NULL::text AS "parentCode",
                  NULL::text AS "parentNameZh", NULL::text AS "parentNameEn", NULL::int AS population
           FROM departments WHERE kind = $1 ORDER BY code`,
          [table],
        );
  // Plain code-unit order, as rank.ts sorts: the database's collation must not decide it.
  return rows.map((r) => ({ ...r, table })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Which table a unit code belongs to, or null when no region or department has that code. */
export async function findUnit(db: Queryable, code: string): Promise<UnitInfo | null> {
  const rows = await db.query<{ table: RankingTable }>(
    `SELECT level AS table FROM regions WHERE code = $1 AND level IN ('street', 'district')
     UNION ALL SELECT kind FROM departments WHERE code = $1`,
    [code],
  );
  const table = rows[0]?.table;
  if (table === undefined) return null;
  return (await tableUnits(db, table)).find((u) => u.code === code) ?? null;
}

/** Street codes under the given districts (what district figures are built from). */
export async function streetsOf(db: Queryable, districts: readonly string[] | null): Promise<string[]> {
  const rows = await db.query<{ code: string }>(
    `SELECT code FROM regions WHERE level = 'street' AND ($1::text[] IS NULL OR parent_code = ANY($1::text[])) ORDER BY code`,
    [districts === null ? null : [...districts]],
  );
  return rows.map((r) => r.code);
}

/** First and last receipt (indexed), as the range of months with data. */
export async function dataRange(db: Queryable): Promise<{ first: Date | null; last: Date | null }> {
  const rows = await db.query<{ first: Date | string | null; last: Date | string | null }>(
    'SELECT min(received_at) AS first, max(received_at) AS last FROM tickets',
  );
  const r = rows[0];
  return { first: r?.first ? new Date(r.first) : null, last: r?.last ? new Date(r.last) : null };
}
