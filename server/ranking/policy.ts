// Ranking policy (排名考核规则) as validated data: weights of the three rates (三率), the partial
// weight of "basically satisfied", score rounding, the four monthly classes and the red zone.
// Every field has a default, so `parseRankingPolicy({})` is the default policy and a city
// overrides only what differs. The weights, verdict weights and red-zone length default to the
// city's assessment policy in data/policy, so the two cannot drift apart; the class sizes and
// small-sample threshold are ranking-only choices and live here.
import { z } from 'zod';
import { DEFAULT_POLICY, type Policy } from '../../data/policy/index.ts';

const share = z.number().min(0).max(1);
const count = z.number().int().min(0);
const classSize = z.number().int().positive();

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
    .refine((w) => w.satisfied >= w.basic && w.basic >= w.dissatisfied, 'verdict weights must be ordered satisfied ≥ basic ≥ dissatisfied'),
  /**
   * Points deducted from the composite per unjustified return (无理退单). 0 = off: the commonly
   * reported score has no such term; Xining handles returns with a separate "poor" list.
   * Not clamped at 0, so order among penalised units is kept.
   */
  unjustifiedReturnPenalty: z.number().min(0).default(0),
  /** The score is rounded to this many decimals and ties are judged on the rounded score (as published). */
  scoreDecimals: z.number().int().min(0).max(6).default(2),
  /**
   * Small-sample protection: a unit with fewer called-back tickets than this is ranked and shown
   * but is not eligible for advanced, progressing or rectification (one unhappy call of three
   * should not put a street on the bottom list, nor three happy calls at the top). Governance
   * is about demand volume, not rates, so it ignores this.
   */
  minCalledBack: count.default(10),
  /** 先进类: the top N by score; every unit tied with the N-th is included. */
  advanced: z.object({ topN: classSize.default(10) }).prefault({}),
  /** 进步类: the N largest month-over-month rank gains among units that gained; ties at the N-th included. */
  progressing: z.object({ topN: classSize.default(10) }).prefault({}),
  /** 整改类: the bottom N by score; every unit tied with the N-th from the bottom is included. */
  rectification: z.object({ bottomN: classSize.default(10) }).prefault({}),
  /**
   * 治理类: the top N by demand volume per 10,000 residents, or by raw volume when any unit of
   * the table has no known population (departments, utilities); ties at the N-th included.
   */
  governance: z.object({ topN: classSize.default(10) }).prefault({}),
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

/**
 * The ranking policy implied by a city's (possibly non-default) assessment policy, so a city that
 * sets its weights once in data/policy gets the same weights here; `overrides` sets the rest.
 */
export function rankingPolicyFor(assessment: Policy, overrides: RankingPolicyInput = {}): RankingPolicy {
  return parseRankingPolicy({
    weights: assessment.rateWeights,
    satisfactionWeights: assessment.satisfactionWeights,
    redZoneMonths: assessment.ranking.redZoneMonths,
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
