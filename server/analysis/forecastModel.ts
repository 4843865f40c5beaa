// "Handle before complaint" (未诉先办) forecast: expected tickets per place and category for a
// coming month, from monthly rollups. Pure: history in, forecasts out.
//
// The model splits the forecast in two, because the two parts need different amounts of data:
//   expected(c, k, T) = rate_k(T) · days(T) · share(c | k)
// 1. rate_k(T), the category's daily volume in the whole study area in month T: a blend of
//    SEASONAL NAIVE (the same month a year earlier, × the category's year-on-year growth over the
//    last 3 months when a year of history before them exists, clamped to 0.5–2) and RECENT LEVEL
//    (weighted 0.5/0.3/0.2 over the last 3 months), 60/40. With no same month last year it is the
//    recent level alone. City-wide totals are large, so the seasonal factor is estimated well
//    even where one place has two tickets a year.
// 2. share(c | k), the place's share of the category: weighted counts over the history, months
//    weighted by recency (half-life 3 months) plus a bonus of 1 for the same season last year
//    (T−13..T−11), shrunk toward the place's share of ALL categories with β = 10 pseudo-tickets
//    (empirical Bayes). Why: a place's share is stable and learnt from all months at once; a
//    single month (the baselines) is mostly Poisson noise at one cell.
// Rates are per covered day, so a part month (the current one) neither counts as a quiet month
// nor is dropped. Only (place, category) pairs with at least one ticket in the history are
// forecast: a work list needs evidence.
//
// Baselines (for the backtest): LAST MONTH (the count in T−1), SAME MONTH LAST YEAR (T−12), MEAN OF
// ALL PRIOR MONTHS (tickets per covered day over the whole history) and SEASONAL NAIVE (the count in
// T−12 × the category's year-on-year growth over the last 3 months, clamped 0.5–2, as the model's
// seasonal part but without its share smoothing). The forecast is compared with each by a PAIRED
// BOOTSTRAP over the backtest months (pairedBootstrap: months resampled with replacement, the
// mean difference of precision@k recomputed; one-sided p = share of resampled means ≤ 0).
// precision@k: the share of a method's top k that lands in the actual top k, where the actual
// top k is every unit with at least the k-th largest actual count (≥ 1). Ties in a method's
// ranking at the k-th place are counted by their expected hit rate, so a baseline full of equal
// counts is neither favoured nor punished by an arbitrary tie-break.

import { SeededRandom } from './random.ts';

export const RECENT_WEIGHTS = [0.5, 0.3, 0.2] as const;
export const SEASONAL_BLEND = 0.6;
export const SHARE_HALF_LIFE_MONTHS = 3;
export const SAME_SEASON_BONUS = 1;
export const SHRINK_PSEUDO_TICKETS = 10;
export const GROWTH_CLAMP = [0.5, 2] as const;

/** The model's knobs; the defaults above are what the API uses. */
export interface ForecastParams {
  seasonalBlend: number;
  halfLifeMonths: number;
  sameSeasonBonus: number;
  shrinkPseudoTickets: number;
}

export const DEFAULT_FORECAST_PARAMS: ForecastParams = {
  seasonalBlend: SEASONAL_BLEND,
  halfLifeMonths: SHARE_HALF_LIFE_MONTHS,
  sameSeasonBonus: SAME_SEASON_BONUS,
  shrinkPseudoTickets: SHRINK_PSEUDO_TICKETS,
};

/** Monthly history: months are integer indexes (year·12 + month − 1). */
export interface MonthlyHistory {
  /** First month index of every series. */
  firstMonth: number;
  /** Days with data in each month (0 = not covered); length = months in the history. */
  coveredDays: readonly number[];
  /** Units: a place (cell or region) and a category. */
  units: ReadonlyArray<{ place: string; category: string; counts: ArrayLike<number> }>;
}

export interface UnitForecast {
  place: string;
  category: string;
  expected: number;
}

export interface CategoryRate {
  category: string;
  /** Expected tickets per day in the whole study area. */
  perDay: number;
  seasonal: number | null;
  recent: number;
  growth: number | null;
}

export interface ForecastResult {
  target: number;
  days: number;
  categories: CategoryRate[];
  units: UnitForecast[];
}

const sum = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
};

/** Index into the history of month m, or −1. */
function at(h: MonthlyHistory, m: number): number {
  const i = m - h.firstMonth;
  return i >= 0 && i < h.coveredDays.length && h.coveredDays[i] > 0 ? i : -1;
}

/** Weighted mean of per-day rates over the given months (weights renormalised over covered months). */
function weightedRate(h: MonthlyHistory, counts: ArrayLike<number>, months: readonly number[], weights: readonly number[]): number | null {
  let num = 0;
  let den = 0;
  months.forEach((m, j) => {
    const i = at(h, m);
    if (i < 0) return;
    num += (weights[j] * counts[i]) / h.coveredDays[i];
    den += weights[j];
  });
  return den > 0 ? num / den : null;
}

/**
 * Forecast month `target` (any month after the history's last covered month; horizons of 1–3
 * months are what the model is meant for) with `daysInTarget` days.
 */
export function forecastMonth(
  h: MonthlyHistory,
  target: number,
  daysInTarget: number,
  params: ForecastParams = DEFAULT_FORECAST_PARAMS,
): ForecastResult {
  const n = h.coveredDays.length;
  let last = -1;
  for (let i = n - 1; i >= 0; i--) if (h.coveredDays[i] > 0) {
    last = h.firstMonth + i;
    break;
  }
  if (last < 0) return { target, days: daysInTarget, categories: [], units: [] };
  if (target <= last) throw new RangeError(`target month ${target} is not after the history (${last})`);
  for (const u of h.units) if (u.counts.length !== n) throw new RangeError(`unit ${u.place}/${u.category} has ${u.counts.length} months, expected ${n}`);

  // Category and all-category totals per month.
  const byCategory = new Map<string, Float64Array>();
  const all = new Float64Array(n);
  const byPlace = new Map<string, Float64Array>();
  for (const u of h.units) {
    let c = byCategory.get(u.category);
    if (!c) byCategory.set(u.category, (c = new Float64Array(n)));
    let p = byPlace.get(u.place);
    if (!p) byPlace.set(u.place, (p = new Float64Array(n)));
    for (let i = 0; i < n; i++) {
      c[i] += u.counts[i];
      p[i] += u.counts[i];
      all[i] += u.counts[i];
    }
  }

  // 1. category daily rate in the target month
  const recentMonths = [last, last - 1, last - 2];
  const categories: CategoryRate[] = [];
  const rateOf = new Map<string, number>();
  for (const [category, counts] of [...byCategory].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const recent = weightedRate(h, counts, recentMonths, RECENT_WEIGHTS) ?? 0;
    const sameMonth = at(h, target - 12);
    let growth: number | null = null;
    const lastYear = weightedRate(h, counts, recentMonths.map((m) => m - 12), RECENT_WEIGHTS);
    if (lastYear !== null && recentMonths.every((m) => at(h, m - 12) >= 0) && lastYear > 0) {
      growth = Math.min(GROWTH_CLAMP[1], Math.max(GROWTH_CLAMP[0], recent / lastYear));
    }
    const seasonal = sameMonth >= 0 ? (counts[sameMonth] / h.coveredDays[sameMonth]) * (growth ?? 1) : null;
    const perDay = seasonal === null ? recent : params.seasonalBlend * seasonal + (1 - params.seasonalBlend) * recent;
    categories.push({ category, perDay, seasonal, recent, growth });
    rateOf.set(category, perDay);
  }

  // 2. place shares
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (h.coveredDays[i] <= 0) continue;
    const m = h.firstMonth + i;
    const age = last - m;
    const sameSeason = Math.abs(m - (target - 12)) <= 1 ? params.sameSeasonBonus : 0;
    weights[i] = Math.pow(0.5, age / params.halfLifeMonths) + sameSeason;
  }
  const weighted = (xs: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += weights[i] * xs[i];
    return s;
  };
  const allWeighted = weighted(all);
  const categoryWeighted = new Map([...byCategory].map(([k, c]) => [k, weighted(c)]));
  const placeShare = new Map([...byPlace].map(([p, c]) => [p, allWeighted > 0 ? weighted(c) / allWeighted : 0]));

  const units: UnitForecast[] = h.units.map((u) => {
    const b = categoryWeighted.get(u.category) ?? 0;
    const share = (weighted(u.counts) + params.shrinkPseudoTickets * (placeShare.get(u.place) ?? 0)) / (b + params.shrinkPseudoTickets);
    return { place: u.place, category: u.category, expected: (rateOf.get(u.category) ?? 0) * daysInTarget * share };
  });
  return { target, days: daysInTarget, categories, units };
}

/** Baseline: the count of month m for every unit (0 when m is not covered). */
export function countsInMonth(h: MonthlyHistory, m: number): number[] | null {
  const i = at(h, m);
  if (i < 0) return null;
  return h.units.map((u) => u.counts[i]);
}

/** History restricted to months before `end` (a backtest must not see its target). */
export function historyBefore(h: MonthlyHistory, end: number): MonthlyHistory {
  const len = Math.max(0, Math.min(h.coveredDays.length, end - h.firstMonth));
  return {
    firstMonth: h.firstMonth,
    coveredDays: h.coveredDays.slice(0, len),
    units: h.units.map((u) => ({ place: u.place, category: u.category, counts: Array.prototype.slice.call(u.counts, 0, len) as number[] })),
  };
}

/**
 * Expected precision@k of `scores` against `actual` (same unit order), see header. Returns null
 * when nothing actually happened (no unit with a count ≥ 1).
 */
export function precisionAtK(scores: ArrayLike<number>, actual: ArrayLike<number>, k: number): number | null {
  if (scores.length !== actual.length) throw new RangeError(`${scores.length} scores but ${actual.length} actual counts`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const n = actual.length;
  const sortedActual = Float64Array.from(actual).sort().reverse();
  const kth = sortedActual[Math.min(k, n) - 1] ?? 0;
  const threshold = Math.max(1, kth);
  if (n === 0 || sortedActual[0] < 1) return null;
  const relevant = (i: number) => actual[i] >= threshold;

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const take = Math.min(k, n);
  // Units strictly above the score at the k-th place are in; units tied with it share the rest.
  const boundary = scores[order[take - 1]];
  let hits = 0;
  let above = 0;
  let tiedHits = 0;
  let tied = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (scores[i] > boundary) {
      above++;
      if (relevant(i)) hits++;
    } else if (scores[i] === boundary) {
      tied++;
      if (relevant(i)) tiedHits++;
    }
  }
  const slots = take - above;
  hits += tied > 0 ? (slots * tiedHits) / tied : 0;
  return hits / k;
}

export interface BacktestMonth {
  month: number;
  forecast: number | null;
  lastMonth: number | null;
  sameMonthLastYear: number | null;
  priorMean: number | null;
  seasonalNaive: number | null;
}

export const BASELINES = ['lastMonth', 'sameMonthLastYear', 'priorMean', 'seasonalNaive'] as const;
export type Baseline = (typeof BASELINES)[number];

/** Baseline: every unit's tickets per covered day over all months of the history (null without any). */
export function priorMeanRates(h: MonthlyHistory): number[] | null {
  const days = sum(h.coveredDays);
  if (!(days > 0)) return null;
  return h.units.map((u) => {
    let s = 0;
    for (let i = 0; i < h.coveredDays.length; i++) if (h.coveredDays[i] > 0) s += u.counts[i];
    return s / days;
  });
}

/**
 * Baseline: the count of month t − 12 × the unit's category's growth over the last 3 months against
 * the same 3 months a year earlier (clamped as the model's, 1 when a year before them is missing);
 * null when t − 12 is not in the history.
 */
export function seasonalNaive(h: MonthlyHistory, t: number): number[] | null {
  const i = at(h, t - 12);
  if (i < 0) return null;
  const recent = [t - 1, t - 2, t - 3];
  const growth = new Map<string, number>();
  const totals = new Map<string, { now: number; before: number; ok: boolean }>();
  for (const u of h.units) {
    let g = totals.get(u.category);
    if (!g) totals.set(u.category, (g = { now: 0, before: 0, ok: recent.every((m) => at(h, m) >= 0 && at(h, m - 12) >= 0) }));
    if (!g.ok) continue;
    for (const m of recent) {
      g.now += u.counts[at(h, m)] / h.coveredDays[at(h, m)];
      g.before += u.counts[at(h, m - 12)] / h.coveredDays[at(h, m - 12)];
    }
  }
  for (const [k, g] of totals) growth.set(k, g.ok && g.before > 0 ? Math.min(GROWTH_CLAMP[1], Math.max(GROWTH_CLAMP[0], g.now / g.before)) : 1);
  return h.units.map((u) => u.counts[i] * (growth.get(u.category) ?? 1));
}

export type BacktestUnit = 'place' | 'placeCategory';

/** Sum unit values per place (for unit = 'place'). */
function byPlaceOf(h: MonthlyHistory, values: ArrayLike<number>): { places: string[]; values: number[] } {
  const m = new Map<string, number>();
  h.units.forEach((u, i) => m.set(u.place, (m.get(u.place) ?? 0) + values[i]));
  const places = [...m.keys()].sort();
  return { places, values: places.map((p) => m.get(p) ?? 0) };
}

/**
 * Backtest: for every target month in [from, to] whose month before is covered, forecast it from
 * the history before it and score precision@k for the forecast and the four baselines. "Same month
 * last year" and "seasonal naive" are null where that month is not in the data.
 */
export function backtest(
  h: MonthlyHistory,
  months: { from: number; to: number },
  k: number,
  unit: BacktestUnit,
  daysIn: (m: number) => number,
  params: ForecastParams = DEFAULT_FORECAST_PARAMS,
): BacktestMonth[] {
  const out: BacktestMonth[] = [];
  for (let t = months.from; t <= months.to; t++) {
    const ti = at(h, t);
    if (ti < 0 || at(h, t - 1) < 0) continue;
    const past = historyBefore(h, t);
    const actualUnits = h.units.map((u) => u.counts[ti]);
    const f = forecastMonth(past, t, daysIn(t), params).units.map((u) => u.expected);
    const lastMonth = countsInMonth(past, t - 1);
    const lastYear = countsInMonth(past, t - 12);
    const prior = priorMeanRates(past);
    const naive = seasonalNaive(past, t);
    const score = (values: number[] | null): number | null => {
      if (values === null) return null;
      if (unit === 'placeCategory') return precisionAtK(values, actualUnits, k);
      return precisionAtK(byPlaceOf(h, values).values, byPlaceOf(h, actualUnits).values, k);
    };
    out.push({
      month: t,
      forecast: score(f),
      lastMonth: score(lastMonth),
      sameMonthLastYear: score(lastYear),
      priorMean: score(prior),
      seasonalNaive: score(naive),
    });
  }
  return out;
}

export function mean(xs: readonly (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? sum(known) / known.length : null;
}

export interface PairedComparison {
  /** Months where both were scored. */
  months: number;
  /** Mean of (forecast − baseline) precision@k, and its 95% bootstrap percentile interval. */
  difference: number | null;
  low: number | null;
  high: number | null;
  /** One-sided p of "the forecast is no better": (#{resampled mean ≤ 0} + 1) / (resamples + 1). */
  p: number | null;
}

export const BOOTSTRAP_RESAMPLES = 2000;

/**
 * Paired bootstrap over months (Efron & Tibshirani 1993, ch. 16): the months where both methods
 * have a score are resampled with replacement `resamples` times, seeded; each resample's mean
 * difference forms the distribution. Null figures with fewer than 2 paired months.
 */
export function pairedBootstrap(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
  options: { resamples?: number; seed?: number } = {},
): PairedComparison {
  if (a.length !== b.length) throw new RangeError(`${a.length} and ${b.length} months`);
  const d: number[] = [];
  a.forEach((x, i) => {
    const y = b[i];
    if (x !== null && y !== null) d.push(x - y);
  });
  const n = d.length;
  if (n < 2) return { months: n, difference: n === 1 ? d[0] : null, low: null, high: null, p: null };
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const rng = new SeededRandom(options.seed ?? 20_241_231);
  const means = new Float64Array(resamples);
  let notBetter = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += d[rng.int(n)];
    means[r] = s / n;
    if (means[r] <= 0) notBetter++;
  }
  means.sort();
  const q = (x: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(x * resamples)))];
  return { months: n, difference: sum(d) / n, low: q(0.025), high: q(0.975), p: (notBetter + 1) / (resamples + 1) };
}
