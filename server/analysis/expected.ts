// Expected counts: what would be normal for each place in a period, so a map can show what is
// unusual instead of where people are. Pure: numbers in, numbers out.
//
//   share_i    = (H_i + A·π_i) / (H + A)                 the place's long-run share of the history
//   ρ_i        = (S_i + κ) / (share_i·S + κ)             its same-season factor (optional)
//   expected_i = N' · share_i·ρ_i / Σ_j share_j·ρ_j      scaled to the city's current level
//
// N' = the tickets of the analysed period over the places within 4 standard deviations of share × N
// (one pass, divided by their shares): a city-wide rise raises every expected value alike, while
// one big hot spot does not raise everybody else's. (At 3 sd the skew of small counts trims more
// high than low places under the null, and the level comes out low enough to lift the hot side's
// type-I error by ~10%.)
// H_i = the place's tickets in the history periods (the 12 calendar months before the window),
// H = Σ H_i; N = the tickets of all places in the analysed period (the city's — or the district's —
// current level for the category); π_i = the exposure share (population where the places carry it, else equal
// shares) and A = `priorPerPlace` × places pseudo-tickets spread by it (default ½ per place: a place
// with no history expects a sliver, not zero); S_i = the place's tickets in the same season last
// year (the window shifted back a year, from the history periods it overlaps) and S = Σ S_i; κ =
// `seasonPrior` pseudo-tickets (default 10) shrinking the seasonal factor toward 1 (a place with 3
// tickets last December is not "3× seasonal"). Empirical-Bayes in spirit: thin histories lean on
// the prior, long ones on themselves (Clayton & Kaldor 1987).
//
// Also estimated, for the tests downstream:
// - dispersion φ: the extra-Poisson variation of a place's period counts around share × period
//   total in the history, by moments: Var(h) = e + φe². φ = (Σ(h − e)² − Σe·c) / Σe²·c with
//   c = 1 − H_t/H (the share was estimated from the same periods). 0 with fewer than 2 periods.
//   Taken from the history, not the analysed period, so today's hot spots do not widen their own
//   null.
// - relVariance_i: the relative variance of expected_i from estimating it, 1/(H_i + A·π_i) + φ/T
//   (+ the seasonal factor's (S_i + φS_i²)/(S_i + κ)²), so a place with a thin history is not
//   "significant" because its expected value is a guess.
//
// Degenerate: no history and no exposure → 'no_history' (expected = N/places, but nothing should be
// called unusual against it); no tickets in the period → every expected value 0.

import { addDays, daysBetween, monthIndex, monthStart } from './calendar.ts';

export interface HistoryInput {
  /** periods[t][i]: tickets of place i in history period t (oldest first). */
  periods: ReadonlyArray<ArrayLike<number>>;
  /**
   * season[t]: the share of the analysed window that, shifted back one year, falls in period t
   * (Σ ≤ 1); omitted or all 0 → no seasonal factor.
   */
  season?: ArrayLike<number>;
}

export interface ExpectedOptions {
  /** Exposure per place (residents); null/omitted or all 0 → equal prior shares. */
  exposure?: ArrayLike<number> | null;
  /** Pseudo-tickets per place in the prior (default 0.5). */
  priorPerPlace?: number;
  /** Pseudo-tickets shrinking the seasonal factor toward 1 (default 10). */
  seasonPrior?: number;
}

export interface ExpectedModel {
  expected: Float64Array;
  /** Relative variance of each expected value from estimating it (see header). */
  relVariance: Float64Array;
  /** Final shares (season included), Σ = 1. */
  share: Float64Array;
  /** ρ_i, or null without a seasonal factor. */
  seasonFactor: Float64Array | null;
  /** The city's current level: N, less the places far from expected (see the header). */
  level: number;
  historyTickets: number;
  /** History periods holding tickets. */
  historyPeriods: number;
  /** φ of the history (see header). */
  dispersion: number;
  prior: 'exposure' | 'equal';
  degenerate: 'no_history' | null;
}

export const DEFAULT_PRIOR_PER_PLACE = 0.5;
/** Places further than this many standard deviations from expected do not set the city's level. */
export const LEVEL_TRIM = 4;
export const DEFAULT_SEASON_PRIOR = 10;

export function expectedCounts(
  observed: ArrayLike<number>,
  history: HistoryInput,
  options: ExpectedOptions = {},
): ExpectedModel {
  const n = observed.length;
  const priorPerPlace = options.priorPerPlace ?? DEFAULT_PRIOR_PER_PLACE;
  const kappa = options.seasonPrior ?? DEFAULT_SEASON_PRIOR;
  if (!(priorPerPlace > 0)) throw new RangeError(`priorPerPlace must be > 0, got ${priorPerPlace}`);
  if (!(kappa > 0)) throw new RangeError(`seasonPrior must be > 0, got ${kappa}`);
  for (const [t, row] of history.periods.entries()) {
    if (row.length !== n) throw new RangeError(`history period ${t} has ${row.length} places, expected ${n}`);
  }
  let level = 0;
  for (let i = 0; i < n; i++) {
    const o = observed[i];
    if (!(o >= 0) || !Number.isFinite(o)) throw new RangeError(`count ${o} at place ${i} is not a finite count`);
    level += o;
  }

  // Exposure prior.
  const pi = new Float64Array(n).fill(n > 0 ? 1 / n : 0);
  let prior: ExpectedModel['prior'] = 'equal';
  if (options.exposure) {
    if (options.exposure.length !== n) throw new RangeError(`${options.exposure.length} exposures for ${n} places`);
    let total = 0;
    for (let i = 0; i < n; i++) total += Math.max(0, options.exposure[i] || 0);
    if (total > 0) {
      for (let i = 0; i < n; i++) pi[i] = Math.max(0, options.exposure[i] || 0) / total;
      prior = 'exposure';
    }
  }

  // Long-run shares.
  const perPlace = new Float64Array(n);
  const periodTotals = history.periods.map((row) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      perPlace[i] += row[i];
      s += row[i];
    }
    return s;
  });
  const H = periodTotals.reduce((a, b) => a + b, 0);
  const A = priorPerPlace * n;
  const share = new Float64Array(n);
  for (let i = 0; i < n; i++) share[i] = (perPlace[i] + A * pi[i]) / (H + A);

  // Dispersion of the history around share × period total (raw shares: places never seen add nothing).
  const used = periodTotals.filter((h) => h > 0).length;
  let dispersion = 0;
  if (used >= 2 && H > 0) {
    let ss = 0;
    let poissonPart = 0;
    let e2 = 0;
    history.periods.forEach((row, t) => {
      const Ht = periodTotals[t];
      if (Ht === 0) return;
      const c = 1 - Ht / H;
      for (let i = 0; i < n; i++) {
        if (perPlace[i] === 0) continue;
        const e = (perPlace[i] / H) * Ht;
        const d = row[i] - e;
        ss += d * d;
        poissonPart += e * c;
        e2 += e * e * c;
      }
    });
    dispersion = e2 > 0 ? Math.max(0, (ss - poissonPart) / e2) : 0;
  }

  const relVariance = new Float64Array(n);
  for (let i = 0; i < n; i++) relVariance[i] = 1 / (perPlace[i] + A * pi[i]) + (used > 0 ? dispersion / used : 0);

  // Same season last year.
  let seasonFactor: Float64Array | null = null;
  if (history.season) {
    if (history.season.length !== history.periods.length)
      throw new RangeError(`${history.season.length} season weights for ${history.periods.length} periods`);
    const S_i = new Float64Array(n);
    let S = 0;
    history.periods.forEach((row, t) => {
      const w = history.season![t];
      if (!(w > 0)) return;
      for (let i = 0; i < n; i++) S_i[i] += w * row[i];
    });
    for (let i = 0; i < n; i++) S += S_i[i];
    if (S > 0) {
      seasonFactor = new Float64Array(n);
      let norm = 0;
      for (let i = 0; i < n; i++) {
        seasonFactor[i] = (S_i[i] + kappa) / (share[i] * S + kappa);
        norm += share[i] * seasonFactor[i];
        relVariance[i] += (S_i[i] + dispersion * S_i[i] * S_i[i]) / ((S_i[i] + kappa) * (S_i[i] + kappa));
      }
      for (let i = 0; i < n; i++) share[i] = (share[i] * seasonFactor[i]) / norm;
    }
  }

  // The city's current level without the places far from their expected count (|Pearson residual|
  // > LEVEL_TRIM, one pass): one big hot spot must not raise every other place's expected count.
  let current = level;
  if (level > 0 && H > 0) {
    let kept = 0;
    let keptShare = 0;
    let trimmed = 0;
    for (let i = 0; i < n; i++) {
      const e = level * share[i];
      const sd = Math.sqrt(e * (1 + e * (dispersion + relVariance[i])));
      if (sd > 0 && Math.abs(observed[i] - e) > LEVEL_TRIM * sd) {
        trimmed++;
        continue;
      }
      kept += observed[i];
      keptShare += share[i];
    }
    if (trimmed > 0 && keptShare > 0.5) current = kept / keptShare;
  }
  const expected = new Float64Array(n);
  for (let i = 0; i < n; i++) expected[i] = current * share[i];
  return {
    expected,
    relVariance,
    share,
    seasonFactor,
    level: current,
    historyTickets: H,
    historyPeriods: used,
    dispersion,
    prior,
    degenerate: H === 0 && prior === 'equal' ? 'no_history' : null,
  };
}

/** History months kept for expected counts: the 12 calendar months before the window's first month. */
export const HISTORY_MONTHS = 12;

/**
 * The history of a window [from, end) (city days): the HISTORY_MONTHS calendar months before the
 * month holding `from`, as a month index range, and each month's share of the window shifted back
 * one year ("the same season last year"; 29 February counts as 28 February). Windows longer than a
 * year get no seasonal weights (every season is in them).
 */
export function historyOf(
  from: string,
  end: string,
  months = HISTORY_MONTHS,
): { startIndex: number; start: string; end: string; season: number[] } {
  const startIndex = monthIndex(from) - months;
  const season = new Array<number>(months).fill(0);
  const days = daysBetween(from, end);
  if (days > 0 && days <= 366) {
    for (let d = from; d < end; d = addDays(d, 1)) {
      const m = monthIndex(d) - 12 - startIndex;
      if (m >= 0 && m < months) season[m] += 1 / days;
    }
  }
  return { startIndex, start: monthStart(startIndex), end: monthStart(startIndex + months), season };
}
