// Warnings of emerging problems (预警) for the reporting rhythm: a category — city-wide or in one
// district — whose demand in the period is well above what its recent past predicts. Pure.
//
// Expected count = baseline count × (period length / baseline length), so a 31-day month is
// compared fairly with a 30-day one. A warning needs all three of:
//   - at least `minCount` tickets (a jump from 1 to 3 is noise, not a problem),
//   - at least `minRatio` × expected (a material rise, not a rounding one),
//   - a Poisson upper-tail probability P(X ≥ count | expected) below `maxP` (unlikely by chance;
//     the expected value is floored at `floor` so a category new to the place is judged against
//     a small background rate, not against zero).
// 'new' marks a category with no tickets at all in the baseline.
//
// SEASONAL EXPECTED VALUES (when the same period a year earlier is in the data, `season` given):
// expected = the line's count in that period × the jurisdiction's growth since (all categories,
// the baseline window against the same window a year earlier, clamped 0.5–2) × the length ratio.
// Heating in November is then judged against last November, not against October (the old
// "expected 1.6 → 282, +10,855%"). Both counts are Poisson, so the test is the exact conditional
// one for two Poisson rates: given n = current + last year, current ~ Binomial(n, π0) with
// π0 = f/(1 + f), f = the growth × length factor; p = P(X ≥ current) = I_π0(current, n − current + 1).
// 'new' then marks a line with no ticket a year earlier and none in the baseline.
import { betaI } from '../analysis/distributions.ts';

export interface WarningInput {
  /** Category code, with the district code when the line is local. */
  categoryCode: string;
  districtCode: string | null;
  current: number;
  baseline: number;
  /** Tickets in the same period a year earlier (seasonal expected values); absent or null: not in the data. */
  lastYear?: number | null;
}

/** The seasonal basis of a report: last year's period is in the data, and how to scale its counts. */
export interface SeasonalBasis {
  /** Growth since last year (clamped) × this period's length ÷ last year's period's. */
  factor: number;
  growth: number;
}

export const GROWTH_CLAMP = [0.5, 2] as const;

/**
 * The seasonal basis from all-category totals: the baseline window now and a year earlier, and
 * the two periods' lengths. Null when last year has no tickets in its baseline (not in the data).
 */
export function seasonalBasis(
  baselineNow: number,
  baselineLastYear: number,
  periodMs: number,
  lastYearPeriodMs: number,
): SeasonalBasis | null {
  if (!(baselineLastYear > 0) || !(lastYearPeriodMs > 0)) return null;
  const growth = Math.min(GROWTH_CLAMP[1], Math.max(GROWTH_CLAMP[0], baselineNow / baselineLastYear));
  return { growth, factor: growth * (periodMs / lastYearPeriodMs) };
}

/** P(X ≥ k) for X ~ Binomial(n, p): the exact conditional test of two Poisson counts. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return betaI(k, n - k + 1, p);
}

/** A line's expected count: seasonal when last year is known for it, else the baseline scaled by length. */
export function expectedCount(
  l: WarningInput,
  periodMs: number,
  baselineMs: number,
  season: SeasonalBasis | null,
): { expected: number; basis: 'seasonal' | 'recent' } {
  if (season && l.lastYear !== undefined && l.lastYear !== null)
    return { expected: l.lastYear * season.factor, basis: 'seasonal' };
  return { expected: baselineMs > 0 ? (l.baseline * periodMs) / baselineMs : 0, basis: 'recent' };
}

export interface WarningRules {
  minCount: number;
  minRatio: number;
  maxP: number;
  floor: number;
  /** At most this many warnings, most surprising first. */
  limit: number;
}

export const DEFAULT_WARNING_RULES: WarningRules = { minCount: 5, minRatio: 1.5, maxP: 0.01, floor: 0.5, limit: 20 };

export interface Warning extends WarningInput {
  expected: number;
  /** 'seasonal': from the same period a year earlier; 'recent': from the baseline window before the period. */
  basis: 'seasonal' | 'recent';
  /** current / expected (expected floored as above). */
  ratio: number;
  p: number;
  level: 'new' | 'rising';
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** P(X ≥ k) for X ~ Poisson(lambda), summed in log space so large counts do not underflow. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  // P(X ≥ k) = 1 − Σ_{i<k} P(X = i); when k is far above lambda, sum the upper terms directly instead.
  if (k > lambda) {
    let logTerm = -lambda + k * Math.log(lambda) - logFactorial(k);
    let sum = 0;
    for (let i = k; i < k + 10_000; i++) {
      const term = Math.exp(logTerm);
      sum += term;
      if (term < sum * 1e-16) break;
      logTerm += Math.log(lambda) - Math.log(i + 1);
    }
    return Math.min(1, sum);
  }
  let logTerm = -lambda;
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += Math.exp(logTerm);
    logTerm += Math.log(lambda) - Math.log(i + 1);
  }
  return Math.max(0, 1 - below);
}

export function emergingWarnings(
  lines: readonly WarningInput[],
  periodMs: number,
  baselineMs: number,
  rules: WarningRules = DEFAULT_WARNING_RULES,
  season: SeasonalBasis | null = null,
): Warning[] {
  if (periodMs <= 0 || baselineMs <= 0) return [];
  const out: Warning[] = [];
  for (const l of lines) {
    if (l.current < rules.minCount) continue;
    const { expected, basis } = expectedCount(l, periodMs, baselineMs, season);
    const lambda = Math.max(expected, rules.floor);
    const ratio = l.current / lambda;
    if (ratio < rules.minRatio) continue;
    // Seasonal: last year's count is itself a Poisson draw, so the two are compared as such.
    const p =
      basis === 'seasonal' && season
        ? binomialUpperTail(l.current, l.current + (l.lastYear ?? 0), season.factor / (1 + season.factor))
        : poissonUpperTail(l.current, lambda);
    if (p >= rules.maxP) continue;
    const isNew = basis === 'seasonal' ? (l.lastYear ?? 0) === 0 && l.baseline === 0 : l.baseline === 0;
    out.push({ ...l, expected, basis, ratio, p, level: isNew ? 'new' : 'rising' });
  }
  // City-wide lines (district null) before district lines of the same surprise; then by code.
  const key = (w: Warning) => `${w.categoryCode}\u0000${w.districtCode ?? ''}`;
  out.sort((a, b) => a.p - b.p || b.ratio - a.ratio || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out.slice(0, rules.limit);
}
