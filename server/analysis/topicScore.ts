// "One topic per month" (每月一题) candidates: which categories of problem deserve a city (or
// district) level campaign. Each category gets six components; each component is turned into a
// percentile rank among the candidates (0 = lowest, 1 = highest, ties share their mean rank), and
// the score is the weighted sum × 100. Ranks, not raw values, because the components live on
// incomparable scales (thousands of tickets vs a rate) and one huge category must not drown the
// rest. Weights are adjustable per request; defaults below, normalised to sum 1.
//
// Components (window = the 3 months ending with the chosen month):
// - volume: tickets in the window. Big problems first.
// - growth: (window + 1) / (same 3 months a year earlier + 1) when those months are in the data,
//   else (window + 1) / (previous 3 months + 1). Year on year first, so heating is not "growing"
//   every November. +1 keeps a category new this year finite.
// - spread: effective number of streets, exp(Shannon entropy of tickets over streets), divided by
//   the streets in scope. A problem spread over many streets needs a policy, not a local repair.
// - unresolved: 1 − solved / called back. Hard problems (low 解决率) need a topic.
// - dissatisfied: 1 − (satisfied + w_basic · basic) / called back (满意率, policy weights).
// - recurrence: share of the last 12 months' tickets that fell in places (H3 res 9) where the
//   category came back in ≥ 3 distinct months: the same problem at the same place (一类事).
// With fewer than MIN_CALLED_BACK callbacks the two rate components are unknown and take the
// neutral rank 0.5 rather than a noisy extreme.

export const TOPIC_COMPONENTS = ['volume', 'growth', 'spread', 'unresolved', 'dissatisfied', 'recurrence'] as const;
export type TopicComponent = (typeof TOPIC_COMPONENTS)[number];
export type TopicWeights = Record<TopicComponent, number>;

export const DEFAULT_TOPIC_WEIGHTS: TopicWeights = {
  volume: 0.3,
  growth: 0.2,
  spread: 0.15,
  unresolved: 0.15,
  dissatisfied: 0.1,
  recurrence: 0.1,
};

export const MIN_CALLED_BACK = 10;

export interface TopicInput {
  code: string;
  /** Tickets in the 3-month window. */
  window: number;
  /** Same 3 months a year earlier, or null when the data does not reach back. */
  lastYearWindow: number | null;
  previousWindow: number;
  /** Tickets per street in the window (streets with none may be omitted). */
  byStreet: readonly number[];
  /** Streets in scope (all streets of the city or district). */
  streetsInScope: number;
  calledBack: number;
  solved: number;
  satisfied: number;
  basic: number;
  /** Tickets in the last 12 months, and those in recurring places. */
  yearTickets: number;
  recurringTickets: number;
}

export interface TopicComponentValue {
  value: number | null;
  rank: number;
}

export interface TopicScore {
  code: string;
  score: number;
  components: Record<TopicComponent, TopicComponentValue>;
}

export function normaliseWeights(weights: Partial<TopicWeights> = {}): TopicWeights {
  const w = { ...DEFAULT_TOPIC_WEIGHTS, ...weights };
  let total = 0;
  for (const c of TOPIC_COMPONENTS) {
    if (!(w[c] >= 0) || !Number.isFinite(w[c])) throw new RangeError(`weight ${c} must be a non-negative number`);
    total += w[c];
  }
  if (total <= 0) throw new RangeError('at least one weight must be positive');
  return Object.fromEntries(TOPIC_COMPONENTS.map((c) => [c, w[c] / total])) as TopicWeights;
}

/** Effective number of streets: exp(H), H the Shannon entropy of the street shares. */
export function effectiveStreets(byStreet: readonly number[]): number {
  const total = byStreet.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  let h = 0;
  for (const n of byStreet) if (n > 0) h -= (n / total) * Math.log(n / total);
  return Math.exp(h);
}

export function componentValues(t: TopicInput, basicWeight: number): Record<TopicComponent, number | null> {
  const base = t.lastYearWindow ?? t.previousWindow;
  const rated = t.calledBack >= MIN_CALLED_BACK;
  return {
    volume: t.window,
    growth: (t.window + 1) / (base + 1),
    spread: t.streetsInScope > 0 ? effectiveStreets(t.byStreet) / t.streetsInScope : 0,
    unresolved: rated ? 1 - t.solved / t.calledBack : null,
    dissatisfied: rated ? 1 - (t.satisfied + basicWeight * t.basic) / t.calledBack : null,
    recurrence: t.yearTickets > 0 ? t.recurringTickets / t.yearTickets : 0,
  };
}

/** Percentile ranks in [0, 1] with ties sharing their mean; null values get 0.5. */
export function percentileRanks(values: readonly (number | null)[]): number[] {
  const known = values.map((v, i) => ({ v, i })).filter((x): x is { v: number; i: number } => x.v !== null);
  const out = values.map(() => 0.5);
  if (known.length === 1) out[known[0].i] = 0.5;
  if (known.length < 2) return out;
  known.sort((a, b) => a.v - b.v);
  for (let lo = 0; lo < known.length;) {
    let hi = lo;
    while (hi + 1 < known.length && known[hi + 1].v === known[lo].v) hi++;
    const rank = (lo + hi) / 2 / (known.length - 1);
    for (let j = lo; j <= hi; j++) out[known[j].i] = rank;
    lo = hi + 1;
  }
  return out;
}

/** Scores in descending order (ties by code). */
export function scoreTopics(inputs: readonly TopicInput[], weights: TopicWeights, basicWeight = 0.8): TopicScore[] {
  const values = inputs.map((t) => componentValues(t, basicWeight));
  const ranks = Object.fromEntries(
    TOPIC_COMPONENTS.map((c) => [c, percentileRanks(values.map((v) => v[c]))]),
  ) as Record<TopicComponent, number[]>;
  return inputs
    .map((t, i) => {
      const components = Object.fromEntries(
        TOPIC_COMPONENTS.map((c) => [c, { value: values[i][c], rank: ranks[c][i] }]),
      ) as Record<TopicComponent, TopicComponentValue>;
      const score = TOPIC_COMPONENTS.reduce((a, c) => a + weights[c] * ranks[c][i], 0) * 100;
      return { code: t.code, score, components };
    })
    .sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
