import { describe, expect, it } from 'vitest';
import {
  classPlaces,
  DEFAULT_RANKING_POLICY,
  parseRankingPolicy,
  rankingPolicyFor,
  roundTo,
} from '../../../server/ranking/policy.ts';
import { parsePolicy } from '../../../data/policy/index.ts';

describe('ranking policy', () => {
  it('defaults to the published weighting and the documented class rules', () => {
    const p = DEFAULT_RANKING_POLICY;
    expect(p.weights).toEqual({ response: 0.1, resolution: 0.45, satisfaction: 0.45 });
    expect(p.satisfactionWeights).toEqual({ satisfied: 1, basic: 0.8, dissatisfied: 0 });
    expect(p.scoreDecimals).toBe(2);
    expect(p.minCalledBack).toBe(10);
    expect(p.minCalledBackToRank).toBe(5);
    expect(p.advanced).toEqual({ share: 0.2, min: 1, max: 10 });
    expect(p.progressing.topN).toBe(10);
    expect(p.rectification).toEqual({ share: 0.2, min: 1, max: 10 });
    expect(p.governance).toEqual({ share: 0.2, min: 1, max: 10 });
    expect(p.redZoneMonths).toBe(3);
    expect(p.unjustifiedReturnPenalty).toBe(0);
  });

  it('lets a city override one field and keeps the rest', () => {
    const p = parseRankingPolicy({ advanced: { topN: 2 }, satisfactionWeights: { basic: 0.5 } });
    expect(p.advanced.topN).toBe(2);
    expect(p.rectification).toEqual({ share: 0.2, min: 1, max: 10 });
    expect(p.satisfactionWeights).toEqual({ satisfied: 1, basic: 0.5, dissatisfied: 0 });
  });

  it('rejects weights that do not sum to 1', () => {
    expect(() => parseRankingPolicy({ weights: { response: 0.2, resolution: 0.45, satisfaction: 0.45 } })).toThrow(
      /sum to 1/,
    );
    // 0.2 + 0.4 + 0.4 is 1.0000000000000002 in binary floating point: accepted.
    expect(
      parseRankingPolicy({ weights: { response: 0.2, resolution: 0.4, satisfaction: 0.4 } }).weights.response,
    ).toBe(0.2);
  });

  it('rejects verdict weights where a better verdict counts less', () => {
    expect(() => parseRankingPolicy({ satisfactionWeights: { basic: 0.9, satisfied: 0.8 } })).toThrow(/ordered/);
  });

  it('rejects a class size of zero', () => {
    expect(() => parseRankingPolicy({ advanced: { topN: 0 } })).toThrow();
  });

  it("follows a city's assessment policy for weights and red-zone length", () => {
    const city = parsePolicy({
      rateWeights: { response: 0.2, resolution: 0.4, satisfaction: 0.4 },
      satisfactionWeights: { basic: 0.6 },
      ranking: { redZoneMonths: 2 },
    });
    const p = rankingPolicyFor(city, { minCalledBack: 5 });
    expect(p.weights).toEqual({ response: 0.2, resolution: 0.4, satisfaction: 0.4 });
    expect(p.satisfactionWeights.basic).toBe(0.6);
    expect(p.redZoneMonths).toBe(2);
    expect(p.minCalledBack).toBe(5);
  });
});

describe('score rounding', () => {
  it('rounds half away from zero, unfooled by binary noise', () => {
    expect(roundTo(80.125, 2)).toBe(80.13);
    expect(roundTo(1.005, 2)).toBe(1.01); // Math.round(1.005 * 100) / 100 gives 1
    expect(roundTo(63.666666666666664, 2)).toBe(63.67);
    expect(roundTo(0.1 * 90 + 0.45 * 80 + 0.45 * 78, 2)).toBe(80.1);
    expect(roundTo(-2.345, 2)).toBe(-2.35);
    expect(roundTo(99.995, 2)).toBe(100);
    expect(roundTo(7, 0)).toBe(7);
    expect(roundTo(1e-9, 2)).toBe(0);
  });

  it('sizes the classes as a share of the table, within a floor and a cap', () => {
    const rule = DEFAULT_RANKING_POLICY.advanced;
    // 20 % rounded half up, at least 1, at most 10.
    expect([339, 16, 40, 13, 12, 7, 3, 2, 1, 0].map((n) => [n, classPlaces(rule, n)])).toEqual([
      [339, 10], // 67.8 → cap 10 (the old fixed size, so the street table keeps its ten)
      [16, 3], // 3.2 → 3: top 3 and bottom 3 of the 16 districts, no overlap
      [40, 8],
      [13, 3], // 2.6 → 3
      [12, 2], // 2.4 → 2
      [7, 1], // 1.4 → 1
      [3, 1], // 0.6 → 1
      [2, 1], // 0.4 → 0 → floor 1
      [1, 1],
      [0, 0], // an empty pool has no places
    ]);
    // A city's own share, floor and cap; a fixed topN/bottomN overrides the rule.
    const custom = parseRankingPolicy({ advanced: { share: 0.1, min: 2, max: 25 }, rectification: { bottomN: 4 } });
    expect([339, 16, 15, 1].map((n) => classPlaces(custom.advanced, n))).toEqual([25, 2, 2, 1]); // 33.9 → 25; 1.6 → 2; 1.5 → 2; never more than the pool
    expect([339, 16].map((n) => classPlaces(custom.rectification, n))).toEqual([4, 4]);
    expect(() => parseRankingPolicy({ governance: { min: 5, max: 3 } })).toThrow(/min must not exceed max/);
    expect(() => parseRankingPolicy({ advanced: { share: 1.5 } })).toThrow();
  });

  it('takes the minimum sample to be ranked from the city policy', () => {
    expect(rankingPolicyFor(parsePolicy({ ranking: { minCallbacksToRank: 8 } })).minCalledBackToRank).toBe(8);
    expect(rankingPolicyFor(parsePolicy({})).minCalledBackToRank).toBe(5);
  });
});
