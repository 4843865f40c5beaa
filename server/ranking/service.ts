// The ranking as the API serves it: SQL counts (sql.ts) → pure rules (month.ts, classes.ts,
// whatIf.ts) → one JSON shape per endpoint. The only I/O module of the ranking besides sql.ts.
//
// Caching: counts per (table, month) are kept in memory per database. Because each fact is
// bucketed by the month it happened in (see sql.ts), a month stops changing once it has ended
// and the last response deadline of its last dispatches has passed ("settled", one day after
// the month ends); a settled month is kept for `settledTtlMs` (data corrections still show up
// after that), the open month for `openTtlMs`. Rates, ranks and classes are recomputed from the
// cached counts on every request: they are cheap, and the policy may differ between callers.
import { shrinkScores, type Shrunk } from './shrink.ts';
import type { Database, Queryable } from '../../db/client.ts';
import { CITY, type Scope } from '../auth/principal.ts';
import { cityTimeZone } from '../time.ts';
import { DEFAULT_RANKING_POLICY, type RankingPolicy } from './policy.ts';
import {
  monthTable,
  ranksOf,
  type MonthRow,
  type MonthTable,
  type UnitMonthInput,
  type UnrankedReason,
} from './month.ts';
import type { Rate, UnitCounts, UnitCountsInput } from './rates.ts';
import { redZoneHistory, type GovernanceBasis, type UnitClass } from './classes.ts';
import { whatIf, type Fix, type WhatIfScenario } from './whatIf.ts';
import { addMonths, cityMonthOf, monthPeriod, monthsBetween, type Period } from './periods.ts';
import {
  BUCKET,
  dataRange,
  drillTickets,
  findUnit,
  streetsOf,
  tableUnits,
  unitCounts,
  type BucketFormat,
  type DrillPart,
  type DrillRate,
  type DrillTicket,
  type FactTable,
  type LeverPick,
  type RankingTable,
  type UnitInfo,
} from './sql.ts';
import { readStoredMonths, rollupEpoch, storeMonths } from './rollup.ts';

export type Counts = Required<UnitCountsInput>;

export interface RankingOptions {
  policy?: RankingPolicy;
  timeZone?: string;
  /** How long a settled month's counts are reused (default 10 minutes). */
  settledTtlMs?: number;
  /** How long the open month's counts are reused (default 60 s; 0 = always recount). */
  openTtlMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** Read and write the stored counts of settled months (default true; false = always recount from tickets). */
  rollup?: boolean;
}

/** One unit's line in a month's table. */
export interface RankingRow {
  code: string;
  nameZh: string | null;
  nameEn: string | null;
  parentCode: string | null;
  parentNameZh: string | null;
  parentNameEn: string | null;
  rank: number | null;
  /** Why there is no rank: 'noScore' (a weighted rate had no denominator) or 'smallSample' (too few callbacks). */
  unranked: UnrankedReason | null;
  previousRank: number | null;
  rankChange: number | null;
  /** Published score (rounded); null = no score. A unit below the minimum sample has a score but no rank. */
  score: number | null;
  composite: number | null;
  response: Rate;
  resolution: Rate;
  satisfaction: Rate;
  counts: UnitCounts;
  penalty: number;
  volume: number;
  population: number | null;
  volumePer10k: number | null;
  classes: UnitClass[];
  /** Passed the small-sample rule (enough callbacks for the score classes). */
  eligible: boolean;
  redZone: boolean;
  /** Consecutive months in rectification up to this one (0 when not in rectification). */
  rectificationStreak: number;
  /**
   * The score shrunk toward the table's mean by how few callbacks back it (shrink.ts), for display
   * ordering and the few-callbacks flag only; the rank and classes are the official score's.
   */
  shrunk?: Shrunk | null;
}

export interface Mover {
  code: string;
  nameZh: string | null;
  nameEn: string | null;
  rank: number | null;
  previousRank: number | null;
  rankChange: number;
  /** Passed the small-sample rule; a big mover that did not is not in the progressing class. */
  eligible: boolean;
}

export type MonthStatus = 'open' | 'closed';

export interface RankingResult {
  table: RankingTable;
  month: string;
  status: MonthStatus;
  timeZone: string;
  period: { from: string; to: string };
  /** Any fact at all in this month for this table. */
  hasData: boolean;
  policy: RankingPolicy;
  governanceBasis: GovernanceBasis;
  units: number;
  ranked: number;
  classes: Record<UnitClass, string[]>;
  /** Places of each class this month (the share rule applied to this table; ties at the boundary add units). */
  classPlaces: Record<UnitClass, number>;
  redZone: string[];
  /** The ten largest rises and falls (ties at the tenth included), for the bulletin. */
  movers: { up: Mover[]; down: Mover[] };
  /** The shrinkage's table mean and prior weight in callbacks (shrink.ts); display only. */
  shrinkage: { mean: number | null; priorCallbacks: number | null };
  rows: RankingRow[];
}

export interface ProfilePoint {
  month: string;
  status: MonthStatus;
  rank: number | null;
  unranked: UnrankedReason | null;
  previousRank: number | null;
  rankChange: number | null;
  score: number | null;
  response: Rate;
  resolution: Rate;
  satisfaction: Rate;
  counts: UnitCounts;
  volume: number;
  volumePer10k: number | null;
  classes: UnitClass[];
  redZone: boolean;
  rectificationStreak: number;
  /** Size of the table that month, so "12th" can be read as "12th of 339". */
  unitsInTable: number;
  rankedInTable: number;
}

export interface UnitProfile {
  unit: UnitInfo;
  timeZone: string;
  months: string[];
  series: ProfilePoint[];
}

export interface DrillResult {
  unit: UnitInfo;
  month: string;
  rate: DrillRate;
  part: DrillPart;
  period: { from: string; to: string };
  /** The figure itself: rate numerator or denominator (or volume, unjustified returns). */
  value: number;
  total: number;
  limit: number;
  offset: number;
  tickets: DrillTicket[];
}

export interface WhatIfLever {
  fix: Fix;
  /** Tickets the fix could apply to (all of them are listed up to `limit`). */
  pool: number;
  /** Points one more ticket fixed would add (k = 1), null if the unit stays unranked. */
  pointsPerTicket: number | null;
  tickets: DrillTicket[];
}

export interface WhatIfResponse {
  unit: UnitInfo;
  month: string;
  score: number | null;
  rank: number | null;
  ranked: number;
  pointsToNextPlace: number | null;
  scenarios: WhatIfScenario[];
  /** The tickets that cost the unit its points, by kind of fix. */
  levers: WhatIfLever[];
}

export interface MonthsResult {
  timeZone: string;
  first: string | null;
  last: string | null;
  /** The latest month that has ended (the one a bulletin is written about). */
  latestClosed: string | null;
  months: { month: string; status: MonthStatus }[];
}

const MINUTE = 60_000;
const SETTLE_MS = 24 * 60 * MINUTE;
const MOVERS = 10;

function toIso(p: Period): { from: string; to: string } {
  return { from: p.from.toISOString(), to: p.to.toISOString() };
}

export function zeroCounts(): Counts {
  return {
    volume: 0,
    dispatched: 0,
    respondedInTime: 0,
    calledBack: 0,
    solved: 0,
    satisfied: 0,
    basic: 0,
    dissatisfied: 0,
    unjustifiedReturns: 0,
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof Counts)[]) out[k] += b[k];
  return out;
}

interface CacheEntry {
  at: number;
  settled: boolean;
  value: Promise<Map<string, Counts>>;
}

export interface MonthComputed {
  month: string;
  table: MonthTable;
  hasData: boolean;
  streaks: Map<string, number>;
  redZone: Set<string>;
}

export class RankingService {
  readonly policy: RankingPolicy;
  readonly timeZone: string;
  private readonly settledTtlMs: number;
  private readonly openTtlMs: number;
  readonly now: () => Date;
  readonly useRollup: boolean;
  private readonly counts = new Map<string, CacheEntry>();
  private readonly catalogue = new Map<RankingTable, { at: number; value: Promise<UnitInfo[]> }>();
  private readonly tables = new Map<
    string,
    { counts: Map<string, Counts>; units: UnitInfo[]; previous: MonthTable | null; table: MonthTable }
  >();

  constructor(
    private readonly db: Queryable,
    readonly options: RankingOptions = {},
  ) {
    const opts = options;
    this.policy = opts.policy ?? DEFAULT_RANKING_POLICY;
    this.timeZone = opts.timeZone ?? cityTimeZone();
    this.settledTtlMs = opts.settledTtlMs ?? 10 * MINUTE;
    this.openTtlMs = opts.openTtlMs ?? MINUTE;
    this.now = opts.now ?? (() => new Date());
    this.useRollup = opts.rollup ?? true;
  }

  clear(): void {
    this.counts.clear();
    this.catalogue.clear();
    this.tables.clear();
  }

  /**
   * Count the last `months` months of every table ahead of the first request (e.g. at start-up),
   * so the first ranking or profile of a big city does not pay for the pass over tickets.
   */
  async warm(months = 14): Promise<void> {
    const { last } = await dataRange(this.db);
    if (last === null) return;
    const end = cityMonthOf(last, this.timeZone);
    const list = monthsBetween(addMonths(end, -(months - 1)), end);
    for (const table of ['street', 'district', 'department', 'utility', 'city'] as const)
      await this.monthCounts(table, list);
  }

  period(month: string): Period {
    return monthPeriod(month, this.timeZone);
  }

  status(month: string): MonthStatus {
    return this.now().getTime() >= this.period(month).to.getTime() ? 'closed' : 'open';
  }

  /** The units of a table (regions and departments change only on import; kept a minute). */
  units(table: RankingTable): Promise<UnitInfo[]> {
    const hit = this.catalogue.get(table);
    if (hit && this.now().getTime() - hit.at < MINUTE) return hit.value;
    const value = tableUnits(this.db, table);
    this.catalogue.set(table, { at: this.now().getTime(), value });
    value.catch(() => this.catalogue.delete(table));
    return value;
  }

  findUnit(code: string): Promise<UnitInfo | null> {
    return findUnit(this.db, code);
  }

  /** Which dispatch unit codes and table unit codes a fact query for `table` needs. */
  async scopeOf(table: FactTable, only?: UnitInfo): Promise<{ dispatchCodes: string[]; unitCodes: string[] }> {
    if (table === 'city') return { dispatchCodes: await streetsOf(this.db, null), unitCodes: ['city'] };
    if (only) {
      return table === 'district'
        ? { dispatchCodes: await streetsOf(this.db, [only.code]), unitCodes: [only.code] }
        : { dispatchCodes: [only.code], unitCodes: [only.code] };
    }
    const units = (await this.units(table)).map((u) => u.code);
    return { dispatchCodes: table === 'district' ? await streetsOf(this.db, null) : units, unitCodes: units };
  }

  /** Counts of a whole table for one arbitrary period (a day, a week, a year), not cached. */
  async periodCounts(
    table: FactTable,
    period: Period,
    bucket: BucketFormat = BUCKET.period,
  ): Promise<Map<string, Map<string, Counts>>> {
    const scope = await this.scopeOf(table);
    const rows = await unitCounts(this.db, { table, period, bucket, timeZone: this.timeZone, ...scope });
    const out = new Map<string, Map<string, Counts>>();
    for (const r of rows) {
      const m = out.get(r.bucket) ?? new Map<string, Counts>();
      m.set(r.unit, r.counts);
      out.set(r.bucket, m);
    }
    return out;
  }

  /** Recount months from tickets; store the settled ones (a failure to store costs only speed). */
  private async recountAndStore(
    table: FactTable,
    run: readonly string[],
    period: Period,
    isSettled: (m: string) => boolean,
  ): Promise<Map<string, Map<string, Counts>>> {
    const epoch = this.useRollup ? await rollupEpoch(this.db).catch(() => null) : null;
    const byMonth = await this.periodCounts(table, period, BUCKET.month);
    const settled = run
      .filter(isSettled)
      .map((month) => ({ month, period: this.period(month), counts: byMonth.get(month) ?? new Map<string, Counts>() }));
    if (epoch !== null && settled.length > 0)
      await storeMonths(this.db, table, this.timeZone, epoch, settled).catch(() => false);
    return byMonth;
  }

  /** Counts of a whole table per month (cached per month; settled months stored in the database; contiguous missing months in one query). */
  async monthCounts(table: FactTable, months: readonly string[]): Promise<Map<string, Map<string, Counts>>> {
    const now = this.now().getTime();
    const missing: string[] = [];
    for (const m of months) {
      const e = this.counts.get(`${table}|${m}`);
      if (!e || now - e.at >= (e.settled ? this.settledTtlMs : this.openTtlMs)) missing.push(m);
    }
    const isSettled = (m: string) => now >= this.period(m).to.getTime() + SETTLE_MS;
    // Settled months first from the stored counts (rollup.ts); only the rest are recounted.
    const stored = this.useRollup
      ? await readStoredMonths(this.db, table, this.timeZone, missing.filter(isSettled)).catch(() => null)
      : null;
    const recount: string[] = [];
    for (const m of [...new Set(missing)]) {
      const hit = stored?.get(m);
      if (hit) this.counts.set(`${table}|${m}`, { at: now, settled: true, value: Promise.resolve(hit) });
      else recount.push(m);
    }
    // Group the others into contiguous runs, one query per run.
    const runs: string[][] = [];
    for (const m of recount.sort()) {
      const last = runs[runs.length - 1];
      if (last && addMonths(last[last.length - 1]!, 1) === m) last.push(m);
      else runs.push([m]);
    }
    for (const run of runs) {
      const period = { from: this.period(run[0]!).from, to: this.period(run[run.length - 1]!).to };
      const query = this.recountAndStore(table, run, period, isSettled);
      for (const m of run) {
        const value = query.then((byMonth) => byMonth.get(m) ?? new Map<string, Counts>());
        const key = `${table}|${m}`;
        this.counts.set(key, { at: now, settled: isSettled(m), value });
        value.catch(() => this.counts.delete(key));
      }
    }
    const out = new Map<string, Map<string, Counts>>();
    for (const m of months) out.set(m, await (this.counts.get(`${table}|${m}`) as CacheEntry).value);
    return out;
  }

  /**
   * Full tables for the months `first..last`, each with its rank change, classes and red zone.
   * Earlier months are fetched as history: one for rank change, and redZoneMonths − 1 for the red zone.
   */
  async monthTables(
    table: RankingTable,
    first: string,
    last: string,
  ): Promise<{ units: UnitInfo[]; months: MonthComputed[] }> {
    const history = Math.max(1, this.policy.redZoneMonths - 1);
    const all = monthsBetween(addMonths(first, -history), last);
    const [units, counts] = await Promise.all([this.units(table), this.monthCounts(table, all)]);
    const known = new Set(units.map((u) => u.code));
    const computed: MonthComputed[] = [];
    let previous: Map<string, number | null> = new Map();
    let previousTable: MonthTable | null = null;
    for (const month of all) {
      const byUnit = counts.get(month) ?? new Map<string, Counts>();
      // The same cached counts after the same previous table give the same table: reuse it (a
      // profile reads fifteen months of every unit, and the rules are not free).
      const key = `${table}|${month}`;
      const memo = this.tables.get(key);
      let t: MonthTable;
      if (memo && memo.counts === byUnit && memo.units === units && memo.previous === previousTable) t = memo.table;
      else {
        const inputs: UnitMonthInput[] = units.map((u) => ({
          code: u.code,
          counts: byUnit.get(u.code) ?? zeroCounts(),
          population: u.population,
        }));
        // A unit in the facts but not in the catalogue (a street whose parent is no district) is still shown.
        for (const [code, c] of byUnit) if (!known.has(code)) inputs.push({ code, counts: c, population: null });
        t = monthTable(inputs, this.policy, previous);
        this.tables.set(key, { counts: byUnit, units, previous: previousTable, table: t });
      }
      previous = ranksOf(t);
      previousTable = t;
      computed.push({ month, table: t, hasData: byUnit.size > 0, streaks: new Map(), redZone: new Set() });
    }
    const zones = redZoneHistory(
      computed.map((c) => ({ month: c.month, rectification: c.table.classes.rectification })),
      this.policy,
    );
    zones.forEach((z, i) => {
      computed[i]!.streaks = z.streaks;
      computed[i]!.redZone = new Set(z.redZone);
    });
    return { units, months: computed.slice(all.indexOf(first)) };
  }

  async ranking(table: RankingTable, month: string): Promise<RankingResult> {
    const { units, months } = await this.monthTables(table, month, month);
    const m = months[months.length - 1]!;
    const info = new Map(units.map((u) => [u.code, u]));
    const eligible = new Set(m.table.classes.eligible);
    const rows: RankingRow[] = m.table.rows.map((r) => toRankingRow(r, info.get(r.code), eligible.has(r.code), m));
    const shrink = shrinkScores(rows.map((r) => ({ code: r.code, score: r.score, calledBack: r.counts.calledBack })));
    for (const r of rows) r.shrunk = shrink.byUnit.get(r.code) ?? null;
    return {
      table,
      month,
      status: this.status(month),
      timeZone: this.timeZone,
      period: toIso(this.period(month)),
      hasData: m.hasData,
      policy: this.policy,
      governanceBasis: m.table.classes.governanceBasis,
      units: rows.length,
      ranked: rows.filter((r) => r.rank !== null).length,
      classes: {
        advanced: m.table.classes.advanced,
        progressing: m.table.classes.progressing,
        rectification: m.table.classes.rectification,
        governance: m.table.classes.governance,
      },
      shrinkage: { mean: shrink.mean, priorCallbacks: shrink.priorCallbacks },
      classPlaces: m.table.classes.places,
      redZone: [...m.redZone].sort(),
      movers: movers(rows),
      rows,
    };
  }

  async profile(unit: UnitInfo, last: string, n: number): Promise<UnitProfile> {
    const first = addMonths(last, -(n - 1));
    const { months } = await this.monthTables(unit.table, first, last);
    const series = months.map((m): ProfilePoint => {
      const r = m.table.rows.find((x) => x.code === unit.code) as MonthRow;
      return {
        month: m.month,
        status: this.status(m.month),
        rank: r.rank,
        unranked: r.unranked,
        previousRank: r.previousRank,
        rankChange: r.rankChange,
        score: r.score,
        response: r.response,
        resolution: r.resolution,
        satisfaction: r.satisfaction,
        counts: r.counts,
        volume: r.volume,
        volumePer10k: r.volumePer10k,
        classes: r.classes,
        redZone: m.redZone.has(unit.code),
        rectificationStreak: m.streaks.get(unit.code) ?? 0,
        unitsInTable: m.table.rows.length,
        rankedInTable: m.table.rows.filter((x) => x.rank !== null).length,
      };
    });
    return { unit, timeZone: this.timeZone, months: series.map((s) => s.month), series };
  }

  /**
   * The tickets behind one figure; a principal limited to a region (`jurisdiction`) gets only the
   * tickets inside it (the route refuses units outside it before this).
   */
  async drill(
    unit: UnitInfo,
    month: string,
    rate: DrillRate,
    part: DrillPart,
    limit: number,
    offset: number,
    jurisdiction: Scope = CITY,
  ): Promise<DrillResult> {
    const period = this.period(month);
    const scope = await this.scopeOf(unit.table, unit);
    const res = await drillTickets(this.db, {
      jurisdiction,
      table: unit.table,
      period,
      bucket: BUCKET.month,
      timeZone: this.timeZone,
      ...scope,
      pick: { rate, part },
      verdictWeights: this.policy.satisfactionWeights,
      limit,
      offset,
    });
    return {
      unit,
      month,
      rate,
      part,
      period: toIso(period),
      value: res.sum,
      total: res.total,
      limit,
      offset,
      tickets: res.tickets,
    };
  }

  /**
   * Scores and levers of any unit (scores are public to officials); the levers' tickets only for a
   * principal whose jurisdiction holds the unit, and only those inside it (`null`: no tickets).
   */
  async whatIf(
    unit: UnitInfo,
    month: string,
    limit: number,
    jurisdiction: Scope | null = CITY,
  ): Promise<WhatIfResponse> {
    const { months } = await this.monthTables(unit.table, month, month);
    const m = months[months.length - 1]!;
    const inputs: UnitMonthInput[] = m.table.rows.map((r) => ({
      code: r.code,
      counts: r.counts,
      population: r.population,
    }));
    const result = whatIf(inputs, unit.code, this.policy);
    const period = this.period(month);
    const scope = await this.scopeOf(unit.table, unit);
    const fixes = [...new Set(result.scenarios.map((s) => s.fix))];
    const levers: WhatIfLever[] = [];
    for (const fix of fixes) {
      const scenarios = result.scenarios.filter((s) => s.fix === fix);
      const res =
        jurisdiction === null
          ? { tickets: [] }
          : await drillTickets(this.db, {
              jurisdiction,
              table: unit.table,
              period,
              bucket: BUCKET.month,
              timeZone: this.timeZone,
              ...scope,
              pick: { lever: fix as LeverPick },
              verdictWeights: this.policy.satisfactionWeights,
              limit,
              offset: 0,
            });
      levers.push({
        fix,
        pool: scenarios[scenarios.length - 1]!.k,
        pointsPerTicket: scenarios.find((s) => s.k === 1)?.pointsGained ?? null,
        tickets: res.tickets,
      });
    }
    return {
      unit,
      month,
      score: result.score,
      rank: result.rank,
      ranked: m.table.rows.filter((r) => r.rank !== null).length,
      pointsToNextPlace: result.pointsToNextPlace,
      scenarios: result.scenarios,
      levers,
    };
  }

  async months(): Promise<MonthsResult> {
    const { first, last } = await dataRange(this.db);
    if (first === null || last === null)
      return { timeZone: this.timeZone, first: null, last: null, latestClosed: null, months: [] };
    const a = cityMonthOf(first, this.timeZone);
    const b = cityMonthOf(last, this.timeZone);
    const months = monthsBetween(a, b).map((month) => ({ month, status: this.status(month) }));
    const closed = months.filter((m) => m.status === 'closed');
    return {
      timeZone: this.timeZone,
      first: a,
      last: b,
      latestClosed: closed[closed.length - 1]?.month ?? null,
      months,
    };
  }

  /** The month a request means when it names none: the latest closed month with data, else the latest. */
  async defaultMonth(): Promise<string> {
    const m = await this.months();
    return m.latestClosed ?? m.last ?? cityMonthOf(this.now(), this.timeZone);
  }
}

/** A computed row with its unit's names; `m` null for periods that are not a ranked month (no red zone). */
export function toRankingRow(
  r: MonthRow,
  u: UnitInfo | undefined,
  eligible: boolean,
  m: MonthComputed | null,
): RankingRow {
  return {
    code: r.code,
    nameZh: u?.nameZh ?? null,
    nameEn: u?.nameEn ?? null,
    parentCode: u?.parentCode ?? null,
    parentNameZh: u?.parentNameZh ?? null,
    parentNameEn: u?.parentNameEn ?? null,
    rank: r.rank,
    unranked: r.unranked,
    previousRank: r.previousRank,
    rankChange: r.rankChange,
    score: r.score,
    composite: r.composite,
    response: r.response,
    resolution: r.resolution,
    satisfaction: r.satisfaction,
    counts: r.counts,
    penalty: r.penalty,
    volume: r.volume,
    population: r.population,
    volumePer10k: r.volumePer10k,
    classes: r.classes,
    eligible,
    redZone: m?.redZone.has(r.code) ?? false,
    rectificationStreak: m?.streaks.get(r.code) ?? 0,
  };
}

/** The MOVERS largest rises (and falls), every unit tied with the last one included. */
export function movers(rows: readonly RankingRow[]): { up: Mover[]; down: Mover[] } {
  const moved = rows.filter((r) => r.rankChange !== null && r.rankChange !== 0);
  const pick = (sign: 1 | -1): Mover[] => {
    const list = moved
      .filter((r) => sign * (r.rankChange as number) > 0)
      .sort((a, b) => sign * ((b.rankChange as number) - (a.rankChange as number)) || (a.code < b.code ? -1 : 1));
    const cut = list.length > MOVERS ? list[MOVERS - 1]!.rankChange : null;
    return list
      .filter((r, i) => i < MOVERS || r.rankChange === cut)
      .map((r) => ({
        code: r.code,
        nameZh: r.nameZh,
        nameEn: r.nameEn,
        rank: r.rank,
        previousRank: r.previousRank,
        rankChange: r.rankChange as number,
        eligible: r.eligible,
      }));
  };
  return { up: pick(1), down: pick(-1) };
}

const services = new WeakMap<object, RankingService>();

/**
 * The ranking service of a database (one per database object, so its cache is shared by all
 * routes). A database's replica view (`db.reads`) gets a service of its own that reads the replica,
 * with the primary's options (the city's policy and zone).
 */
export function rankingService(db: Queryable): RankingService {
  let s = services.get(db);
  if (!s) {
    const primary = (db as Partial<Database>).primary;
    const options = primary && primary !== db ? services.get(primary)?.options : undefined;
    s = new RankingService(db, options ?? {});
    services.set(db, s);
  }
  return s;
}

/** The database and its replica view, when it has one. */
const withReads = (db: Queryable): Queryable[] => {
  const reads = (db as Partial<Database>).reads;
  return reads && reads !== db ? [db, reads] : [db];
};

/** Replace the service of a database (and of its replica view) with one using these options (policy, clock, cache lifetimes). */
export function configureRanking(db: Queryable, opts: RankingOptions): RankingService {
  const [s] = withReads(db).map((d) => {
    const service = new RankingService(d, opts);
    services.set(d, service);
    return service;
  });
  return s!;
}

/** Forget cached counts (after a bulk import or a data correction), on the primary and the replica view. */
export function clearRankingCache(db: Queryable): void {
  for (const d of withReads(db)) services.get(d)?.clear();
}
