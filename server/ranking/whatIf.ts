// "What would move us up" (怎样才能往前排): for one unit in one month, the score and rank it
// would have if k more of its tickets had gone the better way, everyone else unchanged.
// Each fix is one lever, applied alone, to the unit's own counts:
//   respondInTime            k tickets not responded in time → in time (response numerator +k)
//   solve                    k called-back tickets not confirmed solved → solved
//   satisfy                  k "dissatisfied" verdicts → "satisfied"
//   basicToSatisfied         k "basically satisfied" verdicts → "satisfied"
//   removeUnjustifiedReturns k unjustified returns fewer — only offered when the policy has a
//                            return penalty (by default it has none, so the lever moves nothing)
// Levers are independent (a solved ticket is not assumed to become a satisfied one), so an
// official sees what each kind of work is worth. Callbacks without a verdict are not a lever:
// the remedy there is to obtain a verdict, whose value we cannot know.
// k runs over the requested steps that fit in the pool, plus "all of them".
import { isRankable, roundTo, type RankingPolicy } from './policy.ts';
import { parseUnitCounts, unitRates, type UnitCounts } from './rates.ts';
import { rankAmong } from './rank.ts';
import { rateUnits, type UnitMonthInput } from './month.ts';

export type Fix = 'respondInTime' | 'solve' | 'satisfy' | 'basicToSatisfied' | 'removeUnjustifiedReturns';

interface Lever {
  /** How many tickets the fix could apply to. */
  pool: (c: UnitCounts) => number;
  apply: (c: UnitCounts, k: number) => UnitCounts;
}

const LEVERS: Record<Fix, Lever> = {
  respondInTime: {
    pool: (c) => c.dispatched - c.respondedInTime,
    apply: (c, k) => ({ ...c, respondedInTime: c.respondedInTime + k }),
  },
  solve: {
    pool: (c) => c.calledBack - c.solved,
    apply: (c, k) => ({ ...c, solved: c.solved + k }),
  },
  satisfy: {
    pool: (c) => c.dissatisfied,
    apply: (c, k) => ({ ...c, dissatisfied: c.dissatisfied - k, satisfied: c.satisfied + k }),
  },
  basicToSatisfied: {
    pool: (c) => c.basic,
    apply: (c, k) => ({ ...c, basic: c.basic - k, satisfied: c.satisfied + k }),
  },
  removeUnjustifiedReturns: {
    pool: (c) => c.unjustifiedReturns,
    apply: (c, k) => ({ ...c, unjustifiedReturns: c.unjustifiedReturns - k }),
  },
};

export interface WhatIfScenario {
  fix: Fix;
  /** Tickets changed. */
  k: number;
  /** k is the whole pool ("fix all of them"). */
  all: boolean;
  score: number | null;
  /** Score gained, at the score's precision. */
  pointsGained: number | null;
  rank: number | null;
  /** Current rank − new rank: places moved up. Null when the unit is unranked before or after. */
  placesGained: number | null;
}

export interface WhatIfResult {
  code: string;
  score: number | null;
  rank: number | null;
  /** Points needed to draw level with the next better score (and so take its rank); null at the top or unranked. */
  pointsToNextPlace: number | null;
  /** Per fix with a non-empty pool, the steps in increasing k. */
  scenarios: WhatIfScenario[];
}

export const DEFAULT_WHAT_IF_STEPS: readonly number[] = [1, 5, 10];

export function whatIf(
  units: readonly UnitMonthInput[],
  code: string,
  policy: RankingPolicy,
  steps: readonly number[] = DEFAULT_WHAT_IF_STEPS,
): WhatIfResult {
  for (const k of steps)
    if (!Number.isInteger(k) || k <= 0) throw new RangeError(`what-if steps must be positive integers, got ${k}`);
  const rated = rateUnits(units, policy);
  const self = rated.find((u) => u.code === code);
  if (self === undefined) throw new RangeError(`unit ${code} is not in this month's table`);
  const input = units.find((u) => u.code === code) as UnitMonthInput;
  // Only ranked units stand in the way; a unit below the minimum sample stays unranked whatever
  // it fixes (no lever adds callbacks).
  const others = rated
    .filter((u) => u.code !== code)
    .map((u) => (isRankable(u.score, u.counts.calledBack, policy) ? u.score : null));
  const rankable = (score: number | null) => isRankable(score, self.counts.calledBack, policy);

  const rank = rankable(self.score) ? rankAmong(self.score as number, others) : null;
  const better = others.filter((s): s is number => s !== null && self.score !== null && s > self.score);
  const pointsToNextPlace =
    rank === null || better.length === 0
      ? null
      : roundTo(Math.min(...better) - (self.score as number), policy.scoreDecimals);

  const fixes = (Object.keys(LEVERS) as Fix[]).filter(
    (f) => f !== 'removeUnjustifiedReturns' || policy.unjustifiedReturnPenalty > 0,
  );
  const scenarios: WhatIfScenario[] = [];
  for (const fix of fixes) {
    const lever = LEVERS[fix];
    const pool = lever.pool(self.counts);
    if (pool === 0) continue;
    const ks = [...new Set([...steps.filter((k) => k < pool), pool])].sort((a, b) => a - b);
    for (const k of ks) {
      // Re-validate: a lever that broke an invariant would be a bug here, not a what-if.
      const counts = parseUnitCounts(lever.apply(self.counts, k));
      const score = unitRates(code, counts, policy, input.population ?? null).score;
      const newRank = rankable(score) ? rankAmong(score as number, others) : null;
      scenarios.push({
        fix,
        k,
        all: k === pool,
        score,
        pointsGained: score === null || self.score === null ? null : roundTo(score - self.score, policy.scoreDecimals),
        rank: newRank,
        placesGained: rank === null || newRank === null ? null : rank - newRank,
      });
    }
  }
  return { code, score: self.score, rank, pointsToNextPlace, scenarios };
}
