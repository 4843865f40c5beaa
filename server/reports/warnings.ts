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

export interface WarningInput {
  /** Category code, with the district code when the line is local. */
  categoryCode: string;
  districtCode: string | null;
  current: number;
  baseline: number;
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
): Warning[] {
  if (periodMs <= 0 || baselineMs <= 0) return [];
  const out: Warning[] = [];
  for (const l of lines) {
    if (l.current < rules.minCount) continue;
    const expected = (l.baseline * periodMs) / baselineMs;
    const lambda = Math.max(expected, rules.floor);
    const ratio = l.current / lambda;
    if (ratio < rules.minRatio) continue;
    const p = poissonUpperTail(l.current, lambda);
    if (p >= rules.maxP) continue;
    out.push({ ...l, expected, ratio, p, level: l.baseline === 0 ? 'new' : 'rising' });
  }
  // City-wide lines (district null) before district lines of the same surprise; then by code.
  const key = (w: Warning) => `${w.categoryCode}\u0000${w.districtCode ?? ''}`;
  out.sort((a, b) => a.p - b.p || b.ratio - a.ratio || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out.slice(0, rules.limit);
}
