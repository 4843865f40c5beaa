// One month's table for one kind of unit (streets, or departments, or utilities — each is
// ranked on its own table): counts → rates and score → rank → change since last month →
// classes. Pure composition of rates.ts, rank.ts and classes.ts. A unit below the minimum sample
// (policy.minCalledBackToRank) keeps its rates and score but gets no rank.
import { isRankable, type RankingPolicy } from './policy.ts';
import { parseUnitCounts, unitRates, type UnitCounts, type UnitCountsInput, type UnitRates } from './rates.ts';
import { rankByScore, rankChanges } from './rank.ts';
import { monthClasses, type MonthClasses, type UnitClass } from './classes.ts';

export interface UnitMonthInput {
  code: string;
  /** Validated on the way in, so a rollup bug (more solved than called back) fails loudly. */
  counts: UnitCountsInput | UnitCounts;
  /** Residents; null/absent = unknown (departments, utilities, streets without a census figure). */
  population?: number | null;
}

/** Why a unit has no rank: no score (a weighted rate had no denominator), or too few callbacks. */
export type UnrankedReason = 'noScore' | 'smallSample';

export interface MonthRow extends UnitRates {
  rank: number | null;
  /** Null when ranked. */
  unranked: UnrankedReason | null;
  previousRank: number | null;
  rankChange: number | null;
  classes: UnitClass[];
}

export interface MonthTable {
  /** In rank order, unranked units last (see rank.ts). */
  rows: MonthRow[];
  classes: MonthClasses;
}

/** Rates and scores of every unit; a code given twice is an error (it would be counted twice). */
export function rateUnits(units: readonly UnitMonthInput[], policy: RankingPolicy): UnitRates[] {
  const seen = new Set<string>();
  return units.map((u) => {
    if (seen.has(u.code)) throw new RangeError(`unit ${u.code} given twice`);
    seen.add(u.code);
    return unitRates(u.code, parseUnitCounts(u.counts), policy, u.population ?? null);
  });
}

export function monthTable(
  units: readonly UnitMonthInput[],
  policy: RankingPolicy,
  previousRanks: ReadonlyMap<string, number | null> = new Map(),
): MonthTable {
  const ranked = rankByScore(rateUnits(units, policy), (u) => isRankable(u.score, u.counts.calledBack, policy));
  const rows = rankChanges(ranked, previousRanks).map((r) => ({
    ...r,
    unranked: r.rank !== null ? null : r.score === null ? ('noScore' as const) : ('smallSample' as const),
  }));
  const classes = monthClasses(rows, policy);
  return { rows: rows.map((r) => ({ ...r, classes: classes.byUnit.get(r.code) ?? [] })), classes };
}

/** This month's ranks, to pass as `previousRanks` next month. */
export function ranksOf(table: MonthTable): Map<string, number | null> {
  return new Map(table.rows.map((r) => [r.code, r.rank]));
}
