// Did a topic (每月一题) work? Difference-in-differences of its complaints against matched control
// areas, over the before/after windows declared when the topic was adopted (pure, no I/O).
//
// Decisions:
// - Unit of time: calendar months. Treated series T[m] = the topic's categories in the treated
//   areas, summed; each candidate control is one area outside them (same categories).
// - Matching on the BEFORE window only: for the treated group's per-area average and for every
//   candidate, the level (mean of ln(count + ½) over the before months) and the trend (OLS slope
//   of ln(count + ½) on the month index). Distance = Δlevel² + (n_before · Δslope)² — both in log
//   units over the window; the `controls` nearest (default twice as many as the treated areas, at least 10: the
//   controls' sum must not be the noisier side of the gap) are used (ties by id). Candidates with no
//   complaint in the before window cannot be matched and are skipped.
// - Seasonal adjustment by differencing against the controls in the same calendar month: the gap
//   g[m] = ln T[m] − ln C[m] (C = matched controls summed) carries no season the areas share.
//   When any T or C month in the windows is 0, ½ is added to every month (continuity correction).
// - Estimate: d = mean(g over after months) − mean(g over before months); effect = e^d − 1 (the
//   relative change of complaints against what the controls say they would have been).
// - Interval: Welch's t over the two windows' gap months, SE = √(s²_b/n_b + s²_a/n_a), Welch–
//   Satterthwaite degrees of freedom; the month-to-month scatter of the gap carries both the
//   Poisson noise and any drift between treated and controls. Needs ≥ 2 months in each window.
// - Verdict: 'effective' when the whole interval is below 0 (complaints fell), 'worse' when it is
//   above 0, 'unclear' when it contains 0; 'insufficient' with a reason when it cannot be measured.
import { betaI } from './distributions.ts';

export interface AreaSeries {
  id: string;
  /** Counts per month, aligned with the windows' month indices. */
  counts: readonly number[];
}

export interface TopicEffectInput {
  treated: readonly AreaSeries[];
  candidates: readonly AreaSeries[];
  /** Month indices [from, to) of the declared windows in `counts`. */
  before: readonly [number, number];
  after: readonly [number, number];
  /** How many control areas to match (default: twice the treated areas, at least 10). */
  controls?: number;
  /** Two-sided confidence level (default 0.95). */
  level?: number;
}

export type EffectVerdict = 'effective' | 'worse' | 'unclear' | 'insufficient';

export interface TopicEffect {
  verdict: EffectVerdict;
  /** Why it could not be measured ('insufficient' only). */
  reason: string | null;
  controls: string[];
  /** Difference in differences of the log gap, and its interval. */
  did: number | null;
  lower: number | null;
  upper: number | null;
  /** e^did − 1 and the interval on that scale: −0.4 = 40% fewer complaints than expected. */
  effect: number | null;
  effectLower: number | null;
  effectUpper: number | null;
  se: number | null;
  df: number | null;
  /** Treated complaints in the after window, and what the controls say they would have been. */
  treatedAfter: number;
  expectedAfter: number | null;
  /** Per month: treated, controls, gap (for the chart). */
  months: { treated: number; control: number; gap: number }[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

/** OLS slope of ys on 0, 1, 2… (0 for fewer than 2 points). */
export function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xm = (n - 1) / 2;
  const ym = mean(ys);
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, i) => {
    sxy += (i - xm) * (y - ym);
    sxx += (i - xm) ** 2;
  });
  return sxy / sxx;
}

/** Student's t CDF for t ≥ 0 … any t, df > 0. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * betaI(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/** The t quantile for probability p in (0.5, 1), by bisection on the CDF (1e-10 in t). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df > 0))
    throw new RangeError(`studentTQuantile needs 0.5 < p < 1 and df > 0, got ${p}, ${df}`);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  while (hi - lo > 1e-10) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const slice = (xs: readonly number[], [a, b]: readonly [number, number]) => xs.slice(a, b);

/** Level and trend of a before-window series on the log scale. */
export function preShape(before: readonly number[]): { level: number; trend: number } {
  const logs = before.map((c) => Math.log(c + 0.5));
  return { level: mean(logs), trend: slope(logs) };
}

/** The `k` candidates nearest the treated group's per-area average in before-window level and trend. */
export function matchControlAreas(
  treated: readonly AreaSeries[],
  candidates: readonly AreaSeries[],
  before: readonly [number, number],
  k: number,
): AreaSeries[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`controls must be a positive integer, got ${k}`);
  const n = before[1] - before[0];
  const perArea = sumSeries(treated).map((c) => c / Math.max(1, treated.length));
  const target = preShape(slice(perArea, before));
  const treatedIds = new Set(treated.map((t) => t.id));
  return candidates
    .filter((c) => !treatedIds.has(c.id) && slice(c.counts, before).some((x) => x > 0))
    .map((c) => {
      const s = preShape(slice(c.counts, before));
      return { c, d: (s.level - target.level) ** 2 + (n * (s.trend - target.trend)) ** 2 };
    })
    .sort((a, b) => a.d - b.d || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0))
    .slice(0, k)
    .map((x) => x.c);
}

function sumSeries(areas: readonly AreaSeries[]): number[] {
  const len = Math.max(0, ...areas.map((a) => a.counts.length));
  const out = new Array<number>(len).fill(0);
  for (const a of areas) a.counts.forEach((c, i) => (out[i] += c));
  return out;
}

function insufficient(reason: string, treatedAfter: number, controls: string[] = []): TopicEffect {
  return {
    verdict: 'insufficient',
    reason,
    controls,
    did: null,
    lower: null,
    upper: null,
    effect: null,
    effectLower: null,
    effectUpper: null,
    se: null,
    df: null,
    treatedAfter,
    expectedAfter: null,
    months: [],
  };
}

export function topicEffect(input: TopicEffectInput): TopicEffect {
  const { before, after } = input;
  const k = input.controls ?? Math.max(10, 2 * input.treated.length);
  const level = input.level ?? 0.95;
  const nb = before[1] - before[0];
  const na = after[1] - after[0];
  const T = sumSeries(input.treated);
  const treatedAfter = slice(T, after).reduce((a, b) => a + b, 0);
  if (input.treated.length === 0) return insufficient('no treated area', 0);
  if (nb < 2 || na < 2) return insufficient('each window needs at least 2 complete months', treatedAfter);
  if (slice(T, before).every((x) => x === 0))
    return insufficient('no complaints in the treated area before', treatedAfter);
  const chosen = matchControlAreas(input.treated, input.candidates, before, k);
  if (chosen.length === 0) return insufficient('no control area with complaints before', treatedAfter);
  const C = sumSeries(chosen);
  const idx = [...Array(nb).keys()].map((i) => before[0] + i).concat([...Array(na).keys()].map((i) => after[0] + i));
  const zero = idx.some((i) => (T[i] ?? 0) === 0 || (C[i] ?? 0) === 0);
  const add = zero ? 0.5 : 0;
  const gap = (i: number) => Math.log((T[i] ?? 0) + add) - Math.log((C[i] ?? 0) + add);
  const gb = slice([...Array(T.length).keys()], before).map(gap);
  const ga = slice([...Array(T.length).keys()], after).map(gap);
  const did = mean(ga) - mean(gb);
  const vb = variance(gb) / nb;
  const va = variance(ga) / na;
  const se = Math.sqrt(vb + va);
  // Welch–Satterthwaite; with no scatter at all the interval is the point itself.
  const df = se > 0 ? (vb + va) ** 2 / ((vb * vb) / (nb - 1) + (va * va) / (na - 1)) : nb + na - 2;
  const half = se > 0 ? studentTQuantile(1 - (1 - level) / 2, df) * se : 0;
  const lower = did - half;
  const upper = did + half;
  const verdict: EffectVerdict = upper < 0 ? 'effective' : lower > 0 ? 'worse' : 'unclear';
  const months = idx.map((i) => ({ treated: T[i] ?? 0, control: C[i] ?? 0, gap: gap(i) }));
  return {
    verdict,
    reason: null,
    controls: chosen.map((c) => c.id),
    did,
    lower,
    upper,
    effect: Math.expm1(did),
    effectLower: Math.expm1(lower),
    effectUpper: Math.expm1(upper),
    se,
    df,
    treatedAfter,
    expectedAfter: treatedAfter / Math.exp(did),
    months,
  };
}
