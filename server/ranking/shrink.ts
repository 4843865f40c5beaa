// Small units' scores shrunk toward their table's mean (empirical Bayes), for DISPLAY ORDERING AND
// FLAGGING ONLY. The published score, rank and classes stay the official rules' (README, rates.ts,
// rank.ts); this module never changes them. Pure, no I/O.
//
// Why: a town with 13 tickets and 6 happy callbacks scores 100 and may top the city on rules that
// admit it (5 callbacks suffice to be ranked). Its 100 says little: with so few callbacks, chance
// alone moves a score by tens of points. Shrinkage says how much of a unit's distance from the
// table's mean its own callbacks can carry.
//
// Model (method of moments, one table and one month at a time; n = the unit's callbacks, s its score):
//   μ   = Σ n·s / Σ n                        the table's callback-weighted mean score
//   σ²  = μ·(100 − μ)                        variance of ONE callback's contribution on the 0–100
//                                            scale, taken as that of a 0/100 outcome with mean μ —
//                                            the largest a per-callback score in [0, 100] can have,
//                                            so the shrinkage errs on the strong side
//   τ²  = max(mean[(s − μ)² − σ²/n], τ²min)  between-unit variance: what the spread of scores shows
//                                            beyond what sampling alone would give
//   k   = σ² / τ²                            the prior's weight in callbacks
//   shrunk = (n·s + k·μ) / (n + k);  weight = n / (n + k)
// A unit is FLAGGED when its own callbacks carry less than half of its shrunk score (n < k): its
// score is more chance than evidence. Units without a score get nothing.

export interface ShrinkInput {
  code: string;
  score: number | null;
  calledBack: number;
}

export interface Shrunk {
  /** (n·s + k·μ)/(n + k), rounded to 2 decimals. */
  score: number;
  /** n/(n + k): the share of the shrunk score that is the unit's own. */
  weight: number;
  /** weight < 0.5: fewer callbacks than the prior's weight. */
  flagged: boolean;
}

export interface ShrinkResult {
  mean: number | null;
  /** The prior's weight in callbacks (k). */
  priorCallbacks: number | null;
  byUnit: Map<string, Shrunk>;
}

/** Keeps k finite when the scores spread no more than chance would (τ² ≤ 0). */
const TAU2_MIN = 1e-6;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function shrinkScores(units: readonly ShrinkInput[]): ShrinkResult {
  const scored = units.filter((u): u is ShrinkInput & { score: number } => u.score !== null && u.calledBack > 0);
  const total = scored.reduce((a, u) => a + u.calledBack, 0);
  if (scored.length === 0 || total === 0) return { mean: null, priorCallbacks: null, byUnit: new Map() };
  const mean = scored.reduce((a, u) => a + u.calledBack * u.score, 0) / total;
  const sigma2 = mean * (100 - mean);
  const excess = scored.reduce((a, u) => a + (u.score - mean) ** 2 - sigma2 / u.calledBack, 0) / scored.length;
  const tau2 = Math.max(excess, TAU2_MIN);
  const k = sigma2 / tau2;
  const byUnit = new Map<string, Shrunk>();
  for (const u of scored) {
    const weight = u.calledBack / (u.calledBack + k);
    byUnit.set(u.code, {
      score: round2(weight * u.score + (1 - weight) * mean),
      weight: round2(weight),
      flagged: weight < 0.5,
    });
  }
  return { mean: round2(mean), priorCallbacks: round2(k), byUnit };
}
