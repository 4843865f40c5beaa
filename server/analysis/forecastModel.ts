// "Handle before complaint" (未诉先办) forecast: expected tickets per place and category for a
// coming month, from monthly rollups. Pure: history in, forecasts out.
//
// An empirical-Bayes seasonal count model, split in two because the parts need different amounts
// of data (city-wide totals are large, one place's are small):
//   E[n(c, k, T)] = rate_k(T) · days(T) · share(c | k, T)
// 1. rate_k(T), the category's daily volume in the study area: LEVEL × TREND × SEASON.
//    - Season: a month-of-year index from the category's own complete years (the last 12·Y covered
//      months, Y ≥ 1): each month's tickets against its year's mean, summed over years as a
//      Gamma–Poisson ratio (Σ tickets + τ·I₀) / (Σ expected at the year's mean + τ) with
//      τ = SEASON_PSEUDO_TICKETS, shrunk toward its GROUP's index I₀ (the taxonomy group: the
//      category code's prefix; the group's own index is shrunk toward 1 alike), normalised to a
//      mean of 1. Without a complete year: 1.
//    - Level: the deseasonalised rate (rate ÷ index) as a blend of the last 3 months (0.5/0.3/0.2)
//      and the last 12, each carried forward from its own centre by the trend.
//    - Trend: the year-on-year growth of the deseasonalised rate (last 12 months against the 12
//      before), per category shrunk toward the whole city's with τ = TREND_PSEUDO_TICKETS (a count
//      ratio (N_now + τ·G_all)/(N_before + τ)), clamped to 0.5–2; 1 without two years.
// 2. share(c | k), the place's share of the category: counts weighted by recency (half-life
//    SHARE_HALF_LIFE_MONTHS: places drift — estates fill, markets move), shrunk in two steps with β
//    pseudo-tickets each: toward the place's share of the category's group, which is shrunk
//    toward the place's share of all tickets (empirical Bayes, Clayton & Kaldor 1987 in spirit:
//    one cell's two tickets a year say little; its neighbours in the taxonomy say more).
// Rates are per covered day, so a part month (the current one) neither counts as a quiet month
// nor is dropped. Only (place, category) pairs with at least one ticket in the history are
// forecast: a work list needs evidence.
//
// Baselines (for the backtest): LAST MONTH (the count in T−1), SAME MONTH LAST YEAR (T−12), MEAN OF
// ALL PRIOR MONTHS (tickets per covered day over the whole history) and SEASONAL NAIVE (the count in
// T−12 × the category's year-on-year growth over the last 3 months, clamped 0.5–2). The forecast is
// compared with each by a PAIRED BOOTSTRAP over the backtest months (pairedBootstrap: months
// resampled with replacement, the mean difference of precision@k recomputed; one-sided p = share
// of resampled means ≤ 0; Efron & Tibshirani 1993).
// precision@k: the share of a method's top k that lands in the actual top k, where the actual
// top k is every unit with at least the k-th largest actual count (≥ 1). Ties in a method's
// ranking at the k-th place are counted by their expected hit rate, so a baseline full of equal
// counts is neither favoured nor punished by an arbitrary tie-break.

import { cellToParent, getResolution, isValidCell } from 'h3-js';
import { SeededRandom } from './random.ts';

export const GROWTH_CLAMP = [0.5, 2] as const;

/** The model's knobs; the defaults below are what the API uses (fixed in advance, not fitted to a city). */
export interface ForecastParams {
  /** Pseudo-tickets pulling a month-of-year index toward the group's (the group's toward 1). */
  seasonPseudoTickets: number;
  /** Pseudo-tickets pulling a category's growth toward the city's. */
  trendPseudoTickets: number;
  /**
   * H3 resolution of the area whose trend a place follows (its parent cell at this resolution; a
   * place of a coarser resolution, or not a cell, is its own area). 7: ~5 km², the size of a street.
   */
  trendAreaRes: number;
}

export const DEFAULT_FORECAST_PARAMS: ForecastParams = {
  seasonPseudoTickets: 20,
  trendPseudoTickets: 100,
  trendAreaRes: 7,
};
export const SEASON_PSEUDO_TICKETS = DEFAULT_FORECAST_PARAMS.seasonPseudoTickets;
export const TREND_PSEUDO_TICKETS = DEFAULT_FORECAST_PARAMS.trendPseudoTickets;

/** Monthly history: months are integer indexes (year·12 + month − 1). */
export interface MonthlyHistory {
  /** First month index of every series. */
  firstMonth: number;
  /** Days with data in each month (0 = not covered); length = months in the history. */
  coveredDays: readonly number[];
  /** Units: a place (cell or region) and a category. */
  units: ReadonlyArray<{ place: string; category: string; counts: ArrayLike<number> }>;
}

/**
 * A history in a form that crosses to a worker thread cheaply: the units' counts in one typed array
 * (unit-major, one row of months per unit) and their places and categories as indexes into lists
 * of the distinct ones, instead of an object and an array per unit (structured cloning 100,000 of
 * those took over a second of the event loop on the demo).
 */
export interface PackedHistory {
  firstMonth: number;
  coveredDays: number[];
  places: string[];
  categories: string[];
  placeOf: Int32Array;
  categoryOf: Int32Array;
  counts: Float64Array;
}

export function packHistory(h: MonthlyHistory): PackedHistory {
  const months = h.coveredDays.length;
  const places = new Map<string, number>();
  const categories = new Map<string, number>();
  const placeOf = new Int32Array(h.units.length);
  const categoryOf = new Int32Array(h.units.length);
  const counts = new Float64Array(h.units.length * months);
  h.units.forEach((u, j) => {
    let p = places.get(u.place);
    if (p === undefined) places.set(u.place, (p = places.size));
    let c = categories.get(u.category);
    if (c === undefined) categories.set(u.category, (c = categories.size));
    placeOf[j] = p;
    categoryOf[j] = c;
    for (let i = 0; i < months; i++) counts[j * months + i] = u.counts[i] ?? 0;
  });
  return {
    firstMonth: h.firstMonth,
    coveredDays: [...h.coveredDays],
    places: [...places.keys()],
    categories: [...categories.keys()],
    placeOf,
    categoryOf,
    counts,
  };
}

/** The history packHistory packed, its counts as views on the one array (same units, same order). */
export function unpackHistory(p: PackedHistory): MonthlyHistory {
  const months = p.coveredDays.length;
  return {
    firstMonth: p.firstMonth,
    coveredDays: p.coveredDays,
    units: Array.from(p.placeOf, (pl, j) => ({
      place: p.places[pl]!,
      category: p.categories[p.categoryOf[j]!]!,
      counts: p.counts.subarray(j * months, (j + 1) * months),
    })),
  };
}

export interface UnitForecast {
  place: string;
  category: string;
  expected: number;
}

export interface CategoryRate {
  category: string;
  /** Expected tickets per day in the whole study area in the target month. */
  perDay: number;
  /** Month-of-year index of the target month (1 = an average month; 1 without a complete year). */
  season: number;
  /** Deseasonalised tickets per day carried to the target month. */
  level: number;
  /** Year-on-year growth used (1 without two years of history). */
  growth: number;
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

/** Month of year 0–11 of a month index. */
export const monthOfYear = (m: number) => ((m % 12) + 12) % 12;

/** The group of a category: the code's prefix before the first '.' (taxonomy rule), else the code. */
export const groupOf = (category: string) =>
  category.includes('.') ? category.slice(0, category.indexOf('.')) : category;

/** Last covered month of the history, or null. */
export function lastCovered(h: MonthlyHistory): number | null {
  for (let i = h.coveredDays.length - 1; i >= 0; i--) if (h.coveredDays[i] > 0) return h.firstMonth + i;
  return null;
}

/**
 * Month-of-year index of one series (counts per month of `h`): over the complete years ending at
 * `last` (12 consecutive covered months each), Σ counts in that month of year against Σ its
 * year's mean daily rate (moved along the year by `growth` a year) × its days, as
 * (Σn + τ·prior) / (Σe + τ); normalised to a mean of 1. All ones without a complete year.
 */
export function seasonalIndex(
  h: MonthlyHistory,
  counts: ArrayLike<number>,
  last: number,
  tau: number,
  prior: readonly number[] | null = null,
  growth = 1,
): number[] {
  const n = new Float64Array(12);
  const e = new Float64Array(12);
  let years = 0;
  for (let end = last; ; end -= 12) {
    const months = Array.from({ length: 12 }, (_, j) => end - 11 + j);
    const idx = months.map((m) => at(h, m));
    if (idx.some((i) => i < 0)) break;
    const rate = sum(idx.map((i) => counts[i])) / sum(idx.map((i) => h.coveredDays[i]));
    months.forEach((m, j) => {
      n[monthOfYear(m)] += counts[idx[j]];
      // The year's mean, moved along the year by the trend (the year's centre is 5.5 months before its end).
      e[monthOfYear(m)] += rate * growth ** ((m - (end - 5.5)) / 12) * h.coveredDays[idx[j]];
    });
    years++;
  }
  if (years === 0) return new Array(12).fill(1);
  const raw = Array.from({ length: 12 }, (_, j) => {
    const p = prior ? prior[j] : 1;
    return (n[j] + tau * p) / (e[j] + tau);
  });
  const m = sum(raw) / 12;
  return raw.map((x) => x / m);
}

/** The area whose trend a place follows: its parent H3 cell at `res`, or the place itself. */
export function trendAreaOf(place: string, res: number): string {
  if (!isValidCell(place)) return place;
  return getResolution(place) > res ? cellToParent(place, res) : place;
}

/**
 * Log-linear trend of counts n against an offset e: n(m) ~ Poisson(e(m)·exp(a + b·t(m))), t in
 * years. Maximum likelihood by Newton's method; `variance` is b's from the observed information
 * (Infinity when the data cannot say: no tickets, or one month).
 */
export function poissonTrend(
  n: readonly number[],
  e: readonly number[],
  t: readonly number[],
): { slope: number; variance: number } {
  const none = { slope: 0, variance: Infinity };
  if (!(sum(n) > 0) || n.length < 2) return none;
  let a = Math.log(sum(n) / sum(e));
  let b = 0;
  const info = () => {
    let g0 = 0;
    let g1 = 0;
    let h00 = 0;
    let h01 = 0;
    let h11 = 0;
    for (let i = 0; i < n.length; i++) {
      const mu = e[i] * Math.exp(a + b * t[i]);
      g0 += n[i] - mu;
      g1 += (n[i] - mu) * t[i];
      h00 += mu;
      h01 += mu * t[i];
      h11 += mu * t[i] * t[i];
    }
    return { g0, g1, h00, h01, h11, det: h00 * h11 - h01 * h01 };
  };
  for (let it = 0; it < 50; it++) {
    const f = info();
    if (!(f.det > 0)) return none;
    const da = (f.h11 * f.g0 - f.h01 * f.g1) / f.det;
    const db = (f.h00 * f.g1 - f.h01 * f.g0) / f.det;
    // Steps are capped: a series whose tickets all sit at one end has no finite slope.
    const cap = Math.min(1, 1 / Math.max(Math.abs(da), Math.abs(db)));
    a += da * cap;
    b += db * cap;
    if (Math.abs(b) > TREND_SLOPE_CAP) return none;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  const f = info();
  if (!(f.det > 0)) return none;
  return { slope: b, variance: f.h00 / f.det };
}

/** A slope beyond this (log per year, ×150 a year) is not a trend to carry: the fit gives up. */
const TREND_SLOPE_CAP = 5;

/**
 * Normal–normal empirical Bayes: slopes b̂ᵢ with variances vᵢ around 0 with a spread τ² estimated
 * by DerSimonian & Laird's moment estimator (1986); each shrunk to b̂ᵢ·τ²/(τ² + vᵢ).
 */
export function shrinkSlopes(fits: ReadonlyArray<{ slope: number; variance: number }>): {
  tau2: number;
  shrunk: number[];
} {
  const ok = fits.filter((f) => Number.isFinite(f.variance) && f.variance > 0);
  let tau2 = 0;
  if (ok.length >= 2) {
    const w = ok.map((f) => 1 / f.variance);
    const W = sum(w);
    const mean = ok.reduce((s, f, i) => s + w[i] * f.slope, 0) / W;
    const q = ok.reduce((s, f, i) => s + w[i] * (f.slope - mean) ** 2, 0);
    tau2 = Math.max(0, (q - (ok.length - 1)) / (W - w.reduce((s, x) => s + x * x, 0) / W));
  }
  return {
    tau2,
    shrunk: fits.map((f) =>
      Number.isFinite(f.variance) && f.variance > 0 ? (f.slope * tau2) / (tau2 + f.variance) : 0,
    ),
  };
}

/**
 * Each area's trend against the city, per year: its monthly tickets (every place and category in
 * it) against what its long-run share of each category would give in that month (so the season of
 * its own mix is not read as trend), fitted log-linearly (poissonTrend) and shrunk (shrinkSlopes).
 */
export function areaSlopes(
  h: MonthlyHistory,
  areaRes: number,
): {
  tau2: number;
  perArea: Map<string, { slope: number; variance: number; shrunk: number }>;
  perPlace: Map<string, number>;
} {
  const n = h.coveredDays.length;
  const months = Array.from({ length: n }, (_, i) => i).filter((i) => h.coveredDays[i] > 0);
  const last = lastCovered(h) ?? h.firstMonth;
  const byCategory = new Map<string, Float64Array>();
  const byAreaCategory = new Map<string, { area: string; category: string; counts: Float64Array }>();
  const areaOf = new Map<string, string>();
  for (const u of h.units) {
    let area = areaOf.get(u.place);
    if (area === undefined) areaOf.set(u.place, (area = trendAreaOf(u.place, areaRes)));
    let c = byCategory.get(u.category);
    if (!c) byCategory.set(u.category, (c = new Float64Array(n)));
    const key = `${area}|${u.category}`;
    let ac = byAreaCategory.get(key);
    if (!ac) byAreaCategory.set(key, (ac = { area, category: u.category, counts: new Float64Array(n) }));
    for (const i of months) {
      c[i] += u.counts[i];
      ac.counts[i] += u.counts[i];
    }
  }
  const observed = new Map<string, number[]>();
  const expected = new Map<string, number[]>();
  for (const { area, category, counts } of byAreaCategory.values()) {
    const all = byCategory.get(category)!;
    const share = sum(counts) / sum(all);
    let o = observed.get(area);
    let e = expected.get(area);
    if (!o || !e) {
      observed.set(area, (o = new Array<number>(months.length).fill(0)));
      expected.set(area, (e = new Array<number>(months.length).fill(0)));
    }
    months.forEach((i, j) => {
      o![j] += counts[i];
      e![j] += all[i] * (Number.isFinite(share) ? share : 0);
    });
  }
  const t = months.map((i) => (h.firstMonth + i - last) / 12);
  const areas = [...observed.keys()].sort();
  const fits = areas.map((a) => poissonTrend(observed.get(a)!, expected.get(a)!, t));
  const { tau2, shrunk } = shrinkSlopes(fits);
  const perArea = new Map(areas.map((a, i) => [a, { ...fits[i], shrunk: shrunk[i] }]));
  const perPlace = new Map([...areaOf].map(([p, a]) => [p, perArea.get(a)?.shrunk ?? 0]));
  return { tau2, perArea, perPlace };
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
  const last = lastCovered(h);
  if (last === null) return { target, days: daysInTarget, categories: [], units: [] };
  if (target <= last) throw new RangeError(`target month ${target} is not after the history (${last})`);
  for (const u of h.units)
    if (u.counts.length !== n)
      throw new RangeError(`unit ${u.place}/${u.category} has ${u.counts.length} months, expected ${n}`);

  // Totals per month: by category, by group, all; and per place (all, by group).
  const byCategory = new Map<string, Float64Array>();
  const byGroup = new Map<string, Float64Array>();
  const all = new Float64Array(n);
  const add = <K>(m: Map<K, Float64Array>, key: K, counts: ArrayLike<number>) => {
    let c = m.get(key);
    if (!c) m.set(key, (c = new Float64Array(n)));
    for (let i = 0; i < n; i++) c[i] += counts[i];
  };
  for (const u of h.units) {
    add(byCategory, u.category, u.counts);
    add(byGroup, groupOf(u.category), u.counts);
    for (let i = 0; i < n; i++) all[i] += u.counts[i];
  }

  // 1. category daily rate in the target month: level × trend × season
  const covered = (m: number) => at(h, m) >= 0;
  const twoYears = Array.from({ length: 24 }, (_, j) => last - j).every(covered);
  /** Tickets and days over months [from, to]; with an index, deseasonalised tickets (count ÷ index). */
  const total = (counts: ArrayLike<number>, from: number, to: number, index: readonly number[] | null = null) => {
    let t = 0;
    let d = 0;
    for (let m = from; m <= to; m++) {
      const i = at(h, m);
      if (i < 0) continue;
      t += counts[i] / (index ? index[monthOfYear(m)] : 1);
      d += h.coveredDays[i];
    }
    return { tickets: t, days: d };
  };
  // Year on year from the last two complete years: whole years hold every season once, so no index is needed.
  const growthOf = (counts: ArrayLike<number>, prior: number, tau: number) => {
    if (!twoYears) return 1;
    const now = total(counts, last - 11, last);
    const before = total(counts, last - 23, last - 12);
    // The earlier year's rate at the later year's days, so the pseudo-tickets weigh alike.
    const g = (now.tickets + tau * prior) / ((before.tickets * now.days) / before.days + tau);
    return Math.min(GROWTH_CLAMP[1], Math.max(GROWTH_CLAMP[0], g));
  };
  const cityGrowth = growthOf(all, 1, 0);
  const groupGrowth = new Map([...byGroup].map(([g, c]) => [g, growthOf(c, cityGrowth, params.trendPseudoTickets)]));
  const seasonOfGroup = new Map(
    [...byGroup].map(([g, c]) => [g, seasonalIndex(h, c, last, params.seasonPseudoTickets, null, groupGrowth.get(g))]),
  );
  const flat = new Array(12).fill(1);
  const categories: CategoryRate[] = [];
  const rateOf = new Map<string, number>();
  for (const [category, counts] of [...byCategory].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const growth = growthOf(counts, cityGrowth, params.trendPseudoTickets);
    const index = seasonalIndex(
      h,
      counts,
      last,
      params.seasonPseudoTickets,
      seasonOfGroup.get(groupOf(category)) ?? flat,
      growth,
    );
    // Level: the deseasonalised daily rate over the whole history (every season weighs by its
    // days), carried from the history's centre (its day-weighted mean month) to the target.
    const whole = total(counts, h.firstMonth, last, index);
    let centre = 0;
    for (let i = 0; i < n; i++) centre += (h.firstMonth + i) * h.coveredDays[i];
    centre /= whole.days;
    const level = whole.days > 0 ? (whole.tickets / whole.days) * growth ** ((target - centre) / 12) : 0;
    const season = index[monthOfYear(target)];
    const perDay = level * season;
    categories.push({ category, perDay, season, level, growth });
    rateOf.set(category, perDay);
  }

  // 2. place shares: each place's own share of the category over the whole history, carried to
  // the target by its area's trend against the city's (pooled over every place and category of the
  // area, shrunk by empirical Bayes), normalised over the category's places.
  const slopes = areaSlopes(h, params.trendAreaRes);
  const carry = new Map<string, Float64Array>();
  for (const u of h.units) {
    if (carry.has(u.place)) continue;
    const b = slopes.perPlace.get(u.place) ?? 0;
    carry.set(
      u.place,
      Float64Array.from({ length: n }, (_, i) => Math.exp((b * (h.firstMonth + i - target)) / 12)),
    );
  }
  const raw = h.units.map((u) => {
    const c = carry.get(u.place)!;
    const all = byCategory.get(u.category)!;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      if (!(h.coveredDays[i] > 0)) continue;
      num += u.counts[i];
      den += all[i] * c[i];
    }
    return den > 0 ? num / den : 0;
  });
  const shareTotal = new Map<string, number>();
  h.units.forEach((u, j) => shareTotal.set(u.category, (shareTotal.get(u.category) ?? 0) + raw[j]));
  const units: UnitForecast[] = h.units.map((u, j) => {
    const t = shareTotal.get(u.category) ?? 0;
    const share = t > 0 ? raw[j] / t : 0;
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
    units: h.units.map((u) => ({
      place: u.place,
      category: u.category,
      counts: Array.prototype.slice.call(u.counts, 0, len) as number[],
    })),
  };
}

/**
 * Expected precision@k of `scores` against `actual` (same unit order), see header. Returns null
 * when nothing actually happened (no unit with a count ≥ 1).
 */
export function precisionAtK(scores: ArrayLike<number>, actual: ArrayLike<number>, k: number): number | null {
  if (scores.length !== actual.length)
    throw new RangeError(`${scores.length} scores but ${actual.length} actual counts`);
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
    if (!g)
      totals.set(u.category, (g = { now: 0, before: 0, ok: recent.every((m) => at(h, m) >= 0 && at(h, m - 12) >= 0) }));
    if (!g.ok) continue;
    for (const m of recent) {
      g.now += u.counts[at(h, m)] / h.coveredDays[at(h, m)];
      g.before += u.counts[at(h, m - 12)] / h.coveredDays[at(h, m - 12)];
    }
  }
  for (const [k, g] of totals)
    growth.set(k, g.ok && g.before > 0 ? Math.min(GROWTH_CLAMP[1], Math.max(GROWTH_CLAMP[0], g.now / g.before)) : 1);
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
