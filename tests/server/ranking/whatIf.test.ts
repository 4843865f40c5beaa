import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANKING_POLICY,
  parseRankingPolicy,
  whatIf,
  type WhatIfScenario,
} from '../../../server/ranking/index.ts';
import { SIX_STREETS } from './fixtures.ts';

const brief = (s: WhatIfScenario[]) =>
  s.map((x) => [x.fix, x.k, x.all, x.score, x.pointsGained, x.rank, x.placesGained]);

describe('what would move us up', () => {
  // Street D: 12 dispatched (9 in time), 12 called back (6 solved; 6 satisfied, 3 basic, 3 dissatisfied).
  // Score 7.5 + 22.5 + 31.5 = 61.5, rank 5. Others: A 90.1, B 80.1, C 80.1, F 63.67, E unranked.
  // Worth of one ticket, in points:
  //   one more in time            0.10 · 100/12 = 0.8333
  //   one more solved             0.45 · 100/12 = 3.75
  //   dissatisfied → satisfied    0.45 · 100/12 · (1 − 0)   = 3.75
  //   basic → satisfied           0.45 · 100/12 · (1 − 0.8) = 0.75
  // F (3 callbacks) is ranked under this policy, so it stands between D and the next places.
  const RANK_FROM_3 = parseRankingPolicy({ minCalledBackToRank: 3 });
  const r = whatIf(SIX_STREETS, 'D', RANK_FROM_3);

  it('starts from the current score, rank and the gap to the next place', () => {
    expect([r.score, r.rank, r.pointsToNextPlace]).toEqual([61.5, 5, 2.17]); // 63.67 − 61.5
  });

  it('prices each fix at k = 1, 5, 10 and "all", skipping steps larger than the pool', () => {
    expect(brief(r.scenarios)).toEqual([
      // 3 late responses: k = 1 → 62.33 (still behind F's 63.67); all 3 → 64, passes F
      ['respondInTime', 1, false, 62.33, 0.83, 5, 0],
      ['respondInTime', 3, true, 64, 2.5, 4, 1],
      // 6 unsolved: k = 1 → 65.25 passes F; k = 5 → 80.25 passes B and C (80.1); all 6 → 84
      ['solve', 1, false, 65.25, 3.75, 4, 1],
      ['solve', 5, false, 80.25, 18.75, 2, 3],
      ['solve', 6, true, 84, 22.5, 2, 3],
      // 3 dissatisfied: k = 1 → 65.25; all 3 → 72.75, still short of 80.1
      ['satisfy', 1, false, 65.25, 3.75, 4, 1],
      ['satisfy', 3, true, 72.75, 11.25, 4, 1],
      // 3 basic: k = 1 → 62.25; all 3 → 63.75, just past F's 63.67
      ['basicToSatisfied', 1, false, 62.25, 0.75, 5, 0],
      ['basicToSatisfied', 3, true, 63.75, 2.25, 4, 1],
    ]);
  });

  it('offers no return lever when the policy has no return penalty', () => {
    expect(r.scenarios.some((s) => s.fix === 'removeUnjustifiedReturns')).toBe(false);
  });

  it('gains nothing for the leader and has no next place to reach', () => {
    const a = whatIf(SIX_STREETS, 'A', DEFAULT_RANKING_POLICY);
    expect([a.rank, a.pointsToNextPlace]).toEqual([1, null]);
    // A: 2 unsolved; one more solved → 0.45 · 100/20 = 2.25 → 92.35
    expect(brief(a.scenarios.filter((s) => s.fix === 'solve'))).toEqual([
      ['solve', 1, false, 92.35, 2.25, 1, 0],
      ['solve', 2, true, 94.6, 4.5, 1, 0],
    ]);
  });

  it('reports null places for a unit that stays unranked (no callbacks)', () => {
    const e = whatIf(SIX_STREETS, 'E', DEFAULT_RANKING_POLICY);
    expect([e.score, e.rank, e.pointsToNextPlace]).toEqual([null, null, null]);
    expect(brief(e.scenarios)).toEqual([['respondInTime', 1, true, null, null, null, null]]);
  });

  it('uses the steps it is given', () => {
    const d = whatIf(SIX_STREETS, 'D', RANK_FROM_3, [2, 4]);
    expect(d.scenarios.filter((s) => s.fix === 'solve').map((s) => s.k)).toEqual([2, 4, 6]);
    expect(() => whatIf(SIX_STREETS, 'D', DEFAULT_RANKING_POLICY, [0])).toThrow(/positive integers/);
    expect(() => whatIf(SIX_STREETS, 'Q', DEFAULT_RANKING_POLICY)).toThrow(/not in this month/);
  });

  it('prices removing unjustified returns when the policy penalises them', () => {
    // 2 points per unjustified return; B has 3 → 80.1 − 6 = 74.1, so C (80.1) is 2nd and B 3rd.
    const policy = parseRankingPolicy({ unjustifiedReturnPenalty: 2 });
    const units = SIX_STREETS.map((u) =>
      u.code === 'B' ? { ...u, counts: { ...u.counts, unjustifiedReturns: 3 } } : u,
    );
    const b = whatIf(units, 'B', policy);
    expect([b.score, b.rank, b.pointsToNextPlace]).toEqual([74.1, 3, 6]);
    expect(brief(b.scenarios.filter((s) => s.fix === 'removeUnjustifiedReturns'))).toEqual([
      ['removeUnjustifiedReturns', 1, false, 76.1, 2, 3, 0],
      // all 3 removed → 80.1, level with C: they share 2nd, one place gained
      ['removeUnjustifiedReturns', 3, true, 80.1, 6, 2, 1],
    ]);
  });

  it('ignores units below the minimum sample, and leaves one of them unranked whatever it fixes', () => {
    // Default policy: F (3 callbacks < 5) is unranked, so D is 4th and the next place is B/C's 80.1.
    const d = whatIf(SIX_STREETS, 'D', DEFAULT_RANKING_POLICY);
    expect([d.score, d.rank, d.pointsToNextPlace]).toEqual([61.5, 4, 18.6]);
    expect(brief(d.scenarios.filter((s) => s.fix === 'solve'))).toEqual([
      ['solve', 1, false, 65.25, 3.75, 4, 0],
      ['solve', 5, false, 80.25, 18.75, 2, 2],
      ['solve', 6, true, 84, 22.5, 2, 2],
    ]);
    const f = whatIf(SIX_STREETS, 'F', DEFAULT_RANKING_POLICY);
    expect([f.score, f.rank, f.pointsToNextPlace]).toEqual([63.67, null, null]);
    expect(f.scenarios.find((s) => s.fix === 'solve')).toMatchObject({
      k: 1,
      score: 78.67,
      rank: null,
      placesGained: null,
    });
  });
});
