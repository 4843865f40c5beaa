// The three rates (三率) and the composite score of one unit for one period.
//   response rate 响应率     = responded within the limit / dispatched
//   resolution rate 解决率   = confirmed solved at callback / called back
//   satisfaction rate 满意率 = Σ verdict weight / called back (satisfied 1, basic 0.8, dissatisfied 0 by default)
//   composite                = Σ weight × rate (rates in percent, 0–100) − penalty × unjustified returns
// Every rate keeps its numerator and denominator and the verdict counts stay beside them, so a
// figure on the wall can be drilled down to the tickets behind it. Which month a ticket belongs
// to (received, dispatched or called back) is the caller's bucketing, decided in SQL, not here.
import { z } from 'zod';
import { roundTo, type RankingPolicy } from './policy.ts';

export type Verdict = 'satisfied' | 'basic' | 'dissatisfied';

/** What the ranking needs to know about one ticket. */
export interface TicketFact {
  dispatched: boolean;
  /** Accepted and citizen contacted within the response limit. Only read when dispatched. */
  respondedInTime: boolean;
  /** The hotline reached the citizen at callback (回访). Verdicts are only read when true. */
  calledBack: boolean;
  /** Citizen confirmed solved; null = no answer to that question (counts as not confirmed). */
  solved: boolean | null;
  /** Citizen's verdict; null = no verdict given (counted as `unrated`, weight 0). */
  satisfaction: Verdict | null;
  /** Returns (退单) of this ticket by this unit later judged unjustified. */
  unjustifiedReturns?: number;
}

const nonNegativeInt = z.number().int().min(0);

/**
 * Pre-aggregated counts of one unit for one period (what a SQL rollup returns). Only
 * numerator ≤ denominator is enforced: denominators may be bucketed by different dates
 * (volume by receipt, callbacks by callback), so no order between them is assumed.
 */
export const unitCountsSchema = z
  .object({
    /** Demand volume: all tickets attributed to the unit in the period. */
    volume: nonNegativeInt,
    dispatched: nonNegativeInt,
    respondedInTime: nonNegativeInt,
    calledBack: nonNegativeInt,
    solved: nonNegativeInt,
    satisfied: nonNegativeInt,
    basic: nonNegativeInt,
    dissatisfied: nonNegativeInt,
    unjustifiedReturns: nonNegativeInt.default(0),
  })
  .superRefine((c, ctx) => {
    if (c.respondedInTime > c.dispatched)
      ctx.addIssue({ code: 'custom', path: ['respondedInTime'], message: 'respondedInTime exceeds dispatched' });
    if (c.solved > c.calledBack)
      ctx.addIssue({ code: 'custom', path: ['solved'], message: 'solved exceeds calledBack' });
    if (c.satisfied + c.basic + c.dissatisfied > c.calledBack)
      ctx.addIssue({ code: 'custom', path: ['satisfied'], message: 'verdicts exceed calledBack' });
  });

export type UnitCountsInput = z.input<typeof unitCountsSchema>;
export interface UnitCounts extends z.infer<typeof unitCountsSchema> {
  /** Called back without a satisfaction verdict (derived: calledBack − satisfied − basic − dissatisfied). */
  unrated: number;
}

const COUNT_KEYS = [
  'volume',
  'dispatched',
  'respondedInTime',
  'calledBack',
  'solved',
  'satisfied',
  'basic',
  'dissatisfied',
] as const;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseUnitCounts(input: unknown): UnitCounts {
  // Fast path for well-formed counts (a 13-month profile validates ~5,000 of them); anything
  // else goes through the schema, which names what is wrong.
  const x = input as Record<string, unknown> | null;
  if (
    x !== null &&
    typeof x === 'object' &&
    COUNT_KEYS.every((k) => isCount(x[k])) &&
    (x.unjustifiedReturns === undefined || isCount(x.unjustifiedReturns))
  ) {
    const c = x as Record<(typeof COUNT_KEYS)[number], number> & { unjustifiedReturns?: number };
    if (
      c.respondedInTime <= c.dispatched &&
      c.solved <= c.calledBack &&
      c.satisfied + c.basic + c.dissatisfied <= c.calledBack
    ) {
      return {
        volume: c.volume,
        dispatched: c.dispatched,
        respondedInTime: c.respondedInTime,
        calledBack: c.calledBack,
        solved: c.solved,
        satisfied: c.satisfied,
        basic: c.basic,
        dissatisfied: c.dissatisfied,
        unjustifiedReturns: c.unjustifiedReturns ?? 0,
        unrated: c.calledBack - c.satisfied - c.basic - c.dissatisfied,
      };
    }
  }
  const c = unitCountsSchema.parse(input);
  return { ...c, unrated: c.calledBack - c.satisfied - c.basic - c.dissatisfied };
}

/** Aggregate ticket facts into counts. Flags that do not apply (verdicts without a callback) are ignored. */
export function countTickets(facts: Iterable<TicketFact>): UnitCounts {
  const c = {
    volume: 0,
    dispatched: 0,
    respondedInTime: 0,
    calledBack: 0,
    solved: 0,
    satisfied: 0,
    basic: 0,
    dissatisfied: 0,
    unjustifiedReturns: 0,
  };
  for (const f of facts) {
    c.volume += 1;
    if (f.dispatched) {
      c.dispatched += 1;
      if (f.respondedInTime) c.respondedInTime += 1;
    }
    if (f.calledBack) {
      c.calledBack += 1;
      if (f.solved === true) c.solved += 1;
      if (f.satisfaction !== null) c[f.satisfaction] += 1;
    }
    c.unjustifiedReturns += f.unjustifiedReturns ?? 0;
  }
  return parseUnitCounts(c);
}

/** A rate with what it was computed from. `percent` is null when the denominator is 0. */
export interface Rate {
  /** For satisfaction this is the weighted sum of verdicts, so it may be fractional. */
  numerator: number;
  denominator: number;
  /** 0–100, unrounded; rounding is for display. */
  percent: number | null;
}

export interface UnitRates {
  code: string;
  counts: UnitCounts;
  response: Rate;
  resolution: Rate;
  satisfaction: Rate;
  /** Points deducted for unjustified returns (0 unless the policy sets a penalty). */
  penalty: number;
  /** Unrounded composite; null when a rate that carries weight has no denominator. */
  composite: number | null;
  /** Composite rounded to `policy.scoreDecimals`: the published score, and what ranks and ties use. */
  score: number | null;
  volume: number;
  population: number | null;
  /** Demand per 10,000 residents; null when population is unknown or 0. */
  volumePer10k: number | null;
}

function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, percent: denominator === 0 ? null : (100 * numerator) / denominator };
}

/**
 * Rates and score of one unit.
 *
 * Zero denominators: the rate is null (not 0 and not 100 — nothing was measured). The
 * composite is then null, i.e. the unit is unranked, whenever a null rate carries a positive
 * weight. Why not re-weight over the rates that exist: a street with no callbacks would be
 * scored on response alone (10% of the normal basis) and could top the table. Why not count
 * the missing rate as 0: that punishes a unit for calls the hotline did not make. A rate with
 * weight 0 is not needed, so its absence does not unrank anyone.
 */
export function unitRates(
  code: string,
  counts: UnitCounts,
  policy: RankingPolicy,
  population: number | null = null,
): UnitRates {
  const v = policy.satisfactionWeights;
  const response = rate(counts.respondedInTime, counts.dispatched);
  const resolution = rate(counts.solved, counts.calledBack);
  const satisfaction = rate(
    counts.satisfied * v.satisfied + counts.basic * v.basic + counts.dissatisfied * v.dissatisfied,
    counts.calledBack,
  );

  const parts: Array<[number, number | null]> = [
    [policy.weights.response, response.percent],
    [policy.weights.resolution, resolution.percent],
    [policy.weights.satisfaction, satisfaction.percent],
  ];
  const penalty = policy.unjustifiedReturnPenalty * counts.unjustifiedReturns;
  // A part with weight 0 is skipped, so its missing denominator cannot unrank the unit.
  const needed = parts.filter(([weight]) => weight > 0);
  const composite = needed.some(([, percent]) => percent === null)
    ? null
    : needed.reduce((sum, [weight, percent]) => sum + weight * (percent ?? 0), 0) - penalty;

  const known = population !== null && population > 0;
  return {
    code,
    counts,
    response,
    resolution,
    satisfaction,
    penalty,
    composite,
    score: composite === null ? null : roundTo(composite, policy.scoreDecimals),
    volume: counts.volume,
    population,
    volumePer10k: known ? (counts.volume * 10_000) / population : null,
  };
}
