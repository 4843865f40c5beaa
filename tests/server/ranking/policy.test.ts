import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING_POLICY, parseRankingPolicy, rankingPolicyFor, roundTo } from '../../../server/ranking/policy.ts';
import { parsePolicy } from '../../../data/policy/index.ts';

describe('ranking policy', () => {
  it('defaults to the published weighting and the documented class rules', () => {
    const p = DEFAULT_RANKING_POLICY;
    expect(p.weights).toEqual({ response: 0.1, resolution: 0.45, satisfaction: 0.45 });
    expect(p.satisfactionWeights).toEqual({ satisfied: 1, basic: 0.8, dissatisfied: 0 });
    expect(p.scoreDecimals).toBe(2);
    expect(p.minCalledBack).toBe(10);
    expect(p.advanced.topN).toBe(10);
    expect(p.progressing.topN).toBe(10);
    expect(p.rectification.bottomN).toBe(10);
    expect(p.governance.topN).toBe(10);
    expect(p.redZoneMonths).toBe(3);
    expect(p.unjustifiedReturnPenalty).toBe(0);
  });

  it('lets a city override one field and keeps the rest', () => {
    const p = parseRankingPolicy({ advanced: { topN: 2 }, satisfactionWeights: { basic: 0.5 } });
    expect(p.advanced.topN).toBe(2);
    expect(p.rectification.bottomN).toBe(10);
    expect(p.satisfactionWeights).toEqual({ satisfied: 1, basic: 0.5, dissatisfied: 0 });
  });

  it('rejects weights that do not sum to 1', () => {
    expect(() => parseRankingPolicy({ weights: { response: 0.2, resolution: 0.45, satisfaction: 0.45 } })).toThrow(/sum to 1/);
    // 0.2 + 0.4 + 0.4 is 1.0000000000000002 in binary floating point: accepted.
    expect(parseRankingPolicy({ weights: { response: 0.2, resolution: 0.4, satisfaction: 0.4 } }).weights.response).toBe(0.2);
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
});
