// The four monthly classes (四类) and the red zone (红区).
//   advanced 先进类       top N by score
//   progressing 进步类    N largest rank gains since last month, among units that gained
//   rectification 整改类  bottom N by score
//   governance 治理类     N highest demand volumes per 10,000 residents (raw volume when a
//                         population is unknown)
// "N" is a count of places, not of units: every unit tied with the N-th is in, so 25 streets
// tied first are all advanced. N scales with the table (policy.classPlaces: a share of the pool
// within a floor and a cap), so a 16-district table does not put most districts in both the top
// and the bottom list. A unit may hold several classes. Only ranked units with at least
// `minCalledBack` callbacks are eligible for the three score classes (small-sample protection);
// governance measures demand, not performance, so every unit with demand is eligible.
// Red zone: in rectification `redZoneMonths` calendar months running.
import { classPlaces, roundTo, type RankingPolicy } from './policy.ts';
import { compareCodes } from './rank.ts';

export type UnitClass = 'advanced' | 'progressing' | 'rectification' | 'governance';
export const UNIT_CLASSES: readonly UnitClass[] = ['advanced', 'progressing', 'rectification', 'governance'];

/** What the classes read from a row of the month's table (a `MonthRow` satisfies it). */
export interface ClassCandidate {
  code: string;
  /** Rounded score; null = unranked, so in no score class. */
  score: number | null;
  /** Previous rank − current rank; null = not ranked in both months. */
  rankChange: number | null;
  counts: { calledBack: number };
  volume: number;
  volumePer10k: number | null;
}

export type GovernanceBasis = 'per10k' | 'volume';

export interface MonthClasses {
  /** Each list is in table order (best measure first, code within a tie). */
  advanced: string[];
  progressing: string[];
  rectification: string[];
  governance: string[];
  /** Which measure governance used for this table. */
  governanceBasis: GovernanceBasis;
  /** Places each class had this month (before ties at the boundary are added). */
  places: Record<UnitClass, number>;
  /** Units that passed the small-sample rule (eligible for advanced, progressing, rectification). */
  eligible: string[];
  /** Classes held by each unit, in UNIT_CLASSES order; units in none are absent. */
  byUnit: Map<string, UnitClass[]>;
}

/**
 * The first `n` places by `measure` (larger first, or smaller first when `ascending`) plus every
 * unit tied with the n-th. With fewer than n units, all of them.
 */
export function topPlacesWithTies<T extends { code: string }>(
  items: readonly T[],
  measure: (t: T) => number,
  n: number,
  ascending = false,
): T[] {
  if (n <= 0) return [];
  const sign = ascending ? 1 : -1;
  const sorted = [...items].sort((a, b) => sign * (measure(a) - measure(b)) || compareCodes(a.code, b.code));
  if (sorted.length <= n) return sorted;
  const boundary = measure(sorted[n - 1]);
  return sorted.filter((t) => (ascending ? measure(t) <= boundary : measure(t) >= boundary));
}

/**
 * Per 10,000 residents only when EVERY unit of the table has a known population: per-capita
 * and raw counts are not comparable, and ranking some units on one and some on the other would
 * be arbitrary. Department and utility tables have no population, so they use raw volume.
 */
export function governanceBasis(units: readonly ClassCandidate[]): GovernanceBasis {
  return units.length > 0 && units.every((u) => u.volumePer10k !== null) ? 'per10k' : 'volume';
}

export function monthClasses(units: readonly ClassCandidate[], policy: RankingPolicy): MonthClasses {
  // Ranked (minCalledBackToRank) and enough callbacks for a class (minCalledBack): the larger wins.
  const minimum = Math.max(policy.minCalledBack, policy.minCalledBackToRank);
  const eligible = units.filter((u) => u.score !== null && u.counts.calledBack >= minimum);
  const score = (u: ClassCandidate) => u.score as number;

  const withDemand = units.filter((u) => u.volume > 0);
  const gainers = eligible.filter((u) => u.rankChange !== null && u.rankChange > 0);
  const places: Record<UnitClass, number> = {
    advanced: classPlaces(policy.advanced, eligible.length),
    progressing: Math.min(policy.progressing.topN, gainers.length),
    rectification: classPlaces(policy.rectification, eligible.length),
    governance: classPlaces(policy.governance, withDemand.length),
  };
  const advanced = topPlacesWithTies(eligible, score, places.advanced);
  const rectification = topPlacesWithTies(eligible, score, places.rectification, true);
  const progressing = topPlacesWithTies(gainers, (u) => u.rankChange as number, places.progressing);

  const basis = governanceBasis(units);
  // Per-capita figures are fractions; compare them at the score's precision so near-equal
  // figures that print the same are treated as the tie they look like.
  const demand =
    basis === 'per10k'
      ? (u: ClassCandidate) => roundTo(u.volumePer10k as number, policy.scoreDecimals)
      : (u: ClassCandidate) => u.volume;
  const governance = topPlacesWithTies(withDemand, demand, places.governance);

  const lists: Record<UnitClass, string[]> = {
    advanced: advanced.map((u) => u.code),
    progressing: progressing.map((u) => u.code),
    rectification: rectification.map((u) => u.code),
    governance: governance.map((u) => u.code),
  };
  const byUnit = new Map<string, UnitClass[]>();
  for (const cls of UNIT_CLASSES) {
    for (const code of lists[cls]) byUnit.set(code, [...(byUnit.get(code) ?? []), cls]);
  }
  return { ...lists, governanceBasis: basis, places, eligible: eligible.map((u) => u.code).sort(compareCodes), byUnit };
}

/** One month of the rectification list, month as 'YYYY-MM' in the city's calendar. */
export interface RectificationMonth {
  month: string;
  rectification: readonly string[];
}

export interface RedZoneMonth {
  month: string;
  /** Consecutive rectification months up to and including this one, per unit in rectification now. */
  streaks: Map<string, number>;
  /** Units whose streak reached `redZoneMonths` (sorted by code). */
  redZone: string[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function monthIndex(month: string): number {
  const m = MONTH.exec(month);
  if (m === null) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/**
 * Red zone per month from a history of rectification lists. "Running" means calendar months:
 * a month in which the unit was not in rectification resets its streak, and so does a month
 * missing from the history (we cannot claim three running without seeing the middle one).
 * The history may come in any order; a month given twice is an error.
 */
export function redZoneHistory(history: readonly RectificationMonth[], policy: RankingPolicy): RedZoneMonth[] {
  const months = [...history].sort((a, b) => monthIndex(a.month) - monthIndex(b.month));
  const out: RedZoneMonth[] = [];
  let previous: { index: number; streaks: Map<string, number> } | null = null;
  for (const { month, rectification } of months) {
    const index = monthIndex(month);
    if (previous !== null && previous.index === index) throw new RangeError(`month ${month} given twice`);
    const carried = previous !== null && previous.index === index - 1 ? previous.streaks : new Map<string, number>();
    const streaks = new Map<string, number>();
    for (const code of rectification) streaks.set(code, (carried.get(code) ?? 0) + 1);
    const redZone = [...streaks]
      .filter(([, n]) => n >= policy.redZoneMonths)
      .map(([code]) => code)
      .sort(compareCodes);
    out.push({ month, streaks, redZone });
    previous = { index, streaks };
  }
  return out;
}
