// Ranking policy (排名考核规则) as validated data: weights of the three rates (三率), the partial
// weight of "basically satisfied", score rounding, the four monthly classes and the red zone.
// Every field has a default, so `parseRankingPolicy({})` is the default policy and a city
// overrides only what differs. The weights, verdict weights and red-zone length default to the
// city's assessment policy in data/policy, so the two cannot drift apart, and so does the minimum
// sample to be ranked; the class sizes and the classes' small-sample threshold are ranking-only
// choices and live here.
import { z } from 'zod';
import { DEFAULT_POLICY, type Policy } from '../../data/policy/index.ts';

const share = z.number().min(0).max(1);
const count = z.number().int().min(0);
const classSize = z.number().int().positive();
/**
 * A class's number of places as a share of its pool (the units that could hold it), rounded half
 * up, within [min, max]. Default 20 %, at least 1, at most 10: 10 of 339 streets (as before), 3 of
 * 16 districts (so the top and bottom lists no longer overlap), 8 of 40 departments.
 */
const sizeRule = z
  .object({ topN: classSize.optional(), share: share.default(0.2), min: count.default(1), max: classSize.default(10) })
  .refine((r) => r.min <= r.max, 'min must not exceed max');

const ASSESSMENT = DEFAULT_POLICY;

export const rankingPolicySchema = z.object({
  /**
   * Composite score = Σ weight × rate, rates as percentages 0–100. Commonly reported weighting:
   * response 10%, resolution 45%, satisfaction 45%. Must sum to 1 so the score stays on 0–100.
   */
  weights: z
    .object({
      response: share.default(ASSESSMENT.rateWeights.response),
      resolution: share.default(ASSESSMENT.rateWeights.resolution),
      satisfaction: share.default(ASSESSMENT.rateWeights.satisfaction),
    })
    .prefault({})
    .refine((w) => Math.abs(w.response + w.resolution + w.satisfaction - 1) < 1e-9, 'rate weights must sum to 1'),
  /**
   * Weight of each callback verdict in the satisfaction rate. "Basically satisfied" (基本满意)
   * at 0.8 is a LOCAL choice (cities publish 0.6–1.0), not a national rule. Ordered
   * satisfied ≥ basic ≥ dissatisfied, otherwise a better verdict could lower a score.
   */
  satisfactionWeights: z
    .object({
      satisfied: share.default(ASSESSMENT.satisfactionWeights.satisfied),
      basic: share.default(ASSESSMENT.satisfactionWeights.basic),
      dissatisfied: share.default(ASSESSMENT.satisfactionWeights.dissatisfied),
    })
    .prefault({})
    .refine(
      (w) => w.satisfied >= w.basic && w.basic >= w.dissatisfied,
      'verdict weights must be ordered satisfied ≥ basic ≥ dissatisfied',
    ),
  /**
   * Points deducted from the composite per unjustified return (无理退单). 0 = off: the commonly
   * reported score has no such term; Xining handles returns with a separate "poor" list.
   * Not clamped at 0, so order among penalised units is kept.
   */
  unjustifiedReturnPenalty: z.number().min(0).default(0),
  /** The score is rounded to this many decimals and ties are judged on the rounded score (as published). */
  scoreDecimals: z.number().int().min(0).max(6).default(2),
  /**
   * Rank eligibility: a unit needs at least this many called-back tickets in the month to get a
   * rank. Below it the unit is listed after the ranked units, marked, with its rates but no rank
   * (two happy calls out of two would otherwise tie at 100 and top the table). Defaults to
   * data/policy `ranking.minCallbacksToRank`.
   */
  minCalledBackToRank: count.default(ASSESSMENT.ranking.minCallbacksToRank),
  /**
   * Small-sample protection: a unit with fewer called-back tickets than this is ranked and shown
   * but is not eligible for advanced, progressing or rectification (one unhappy call of twelve
   * should not put a street on the bottom list). Governance is about demand volume, not rates,
   * so it ignores this. A unit must also be ranked (see minCalledBackToRank).
   */
  minCalledBack: count.default(10),
  /**
   * 先进类: the top N places by score, every unit tied with the N-th included. N scales with the
   * table: round(share × eligible units), at least `min`, at most `max` (see classPlaces); a
   * fixed `topN` overrides the rule.
   */
  advanced: sizeRule.prefault({}),
  /** 进步类: the N largest month-over-month rank gains among units that gained; ties at the N-th included. */
  progressing: z.object({ topN: classSize.default(10) }).prefault({}),
  /** 整改类: the bottom N places by score, sized like advanced; a fixed `bottomN` overrides the rule. */
  rectification: z
    .object({
      bottomN: classSize.optional(),
      share: share.default(0.2),
      min: count.default(1),
      max: classSize.default(10),
    })
    .refine((r) => r.min <= r.max, 'min must not exceed max')
    .prefault({}),
  /**
   * 治理类: the top N by demand volume per 10,000 residents, or by raw volume when any unit of
   * the table has no known population (departments, utilities, streets of a geography without
   * street population); ties at the N-th included. N = round(share × units with demand), within
   * [min, max]; a fixed `topN` overrides the rule.
   */
  governance: sizeRule.prefault({}),
  /** 红区: in rectification this many calendar months running. */
  redZoneMonths: z.number().int().positive().default(ASSESSMENT.ranking.redZoneMonths),
});

export type RankingPolicy = z.infer<typeof rankingPolicySchema>;
/** What a city writes: any subset; missing fields take the defaults. */
export type RankingPolicyInput = z.input<typeof rankingPolicySchema>;

export function parseRankingPolicy(input: unknown = {}): RankingPolicy {
  return rankingPolicySchema.parse(input);
}

export const DEFAULT_RANKING_POLICY: RankingPolicy = parseRankingPolicy({});

export interface ClassSizeRule {
  /** A fixed number of places (overrides the share). */
  topN?: number;
  bottomN?: number;
  share: number;
  min: number;
  max: number;
}

/**
 * Places in a class for a pool of `pool` units: the fixed topN/bottomN if set, else
 * round-half-up(share × pool) within [min, max], never more than the pool (an empty pool has no
 * places, whatever the minimum).
 */
export function classPlaces(rule: ClassSizeRule, pool: number): number {
  const fixed = rule.topN ?? rule.bottomN;
  if (fixed !== undefined) return fixed;
  const n = Math.min(rule.max, Math.max(rule.min, roundTo(rule.share * pool, 0)));
  return Math.min(n, pool);
}

/** Whether a unit with this score and these callbacks gets a rank (see minCalledBackToRank). */
export function isRankable(
  score: number | null,
  calledBack: number,
  policy: Pick<RankingPolicy, 'minCalledBackToRank'>,
): boolean {
  return score !== null && calledBack >= policy.minCalledBackToRank;
}

/**
 * The ranking policy implied by a city's (possibly non-default) assessment policy, so a city that
 * sets its weights once in data/policy gets the same weights here; `overrides` sets the rest.
 */
export function rankingPolicyFor(assessment: Policy, overrides: RankingPolicyInput = {}): RankingPolicy {
  return parseRankingPolicy({
    weights: assessment.rateWeights,
    satisfactionWeights: assessment.satisfactionWeights,
    redZoneMonths: assessment.ranking.redZoneMonths,
    minCalledBackToRank: assessment.ranking.minCallbacksToRank,
    ...overrides,
  });
}

/**
 * Round half away from zero to `decimals`, immune to binary noise: 80.125 → 80.13 and
 * 1.005 → 1.01 (naive `Math.round(x * 100) / 100` gives 1). Noise beyond 12 significant digits is
 * dropped first, then the decimal shift is done in the exponent of a string, which is exact.
 */
export function roundTo(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const clean = Number(Math.abs(x).toPrecision(12));
  const text = String(clean);
  // Tiny or huge magnitudes print in exponent form and would not parse after the string shift;
  // they are nowhere near a score's rounding boundary, so plain arithmetic is fine for them.
  const plain = !text.includes('e');
  const shifted = Math.round(plain ? Number(`${text}e${decimals}`) : clean * 10 ** decimals);
  const r = plain && Number.isSafeInteger(shifted) ? Number(`${shifted}e-${decimals}`) : shifted / 10 ** decimals;
  return x < 0 && r !== 0 ? -r : r;
}
