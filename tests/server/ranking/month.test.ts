import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING_POLICY, monthTable, parseRankingPolicy, ranksOf } from '../../../server/ranking/index.ts';
import { SIX_STREETS } from './fixtures.ts';

/** The default policy, but F's 3 callbacks are enough to be ranked. */
const RANK_FROM_3 = parseRankingPolicy({ minCalledBackToRank: 3 });

describe("a month's table", () => {
  it('ranks the six streets 1, 2, 2, 4, 5 with the street without callbacks unranked last', () => {
    // F's 3 callbacks are enough to rank under this policy (the default asks for 5).
    const t = monthTable(SIX_STREETS, RANK_FROM_3);
    expect(t.rows.map((r) => [r.code, r.score, r.rank, r.unranked])).toEqual([
      ['A', 90.1, 1, null],
      ['B', 80.1, 2, null],
      ['C', 80.1, 2, null],
      ['F', 63.67, 4, null],
      ['D', 61.5, 5, null],
      ['E', null, null, 'noScore'],
    ]);
  });

  it('lists a unit below the minimum sample after the ranked ones, with its score but no rank', () => {
    // Default: 5 callbacks to be ranked. F (3 callbacks, 63.67) drops out, so D moves up to 4th;
    // E (no callbacks, no score) and F follow in code order.
    const t = monthTable(SIX_STREETS, DEFAULT_RANKING_POLICY);
    expect(DEFAULT_RANKING_POLICY.minCalledBackToRank).toBe(5);
    expect(t.rows.map((r) => [r.code, r.score, r.rank, r.unranked])).toEqual([
      ['A', 90.1, 1, null],
      ['B', 80.1, 2, null],
      ['C', 80.1, 2, null],
      ['D', 61.5, 4, null],
      ['E', null, null, 'noScore'],
      ['F', 63.67, null, 'smallSample'],
    ]);
    // Exactly at the minimum is enough: with 3 required F is ranked, with 4 it is not.
    expect(
      monthTable(SIX_STREETS, parseRankingPolicy({ minCalledBackToRank: 3 })).rows.find((r) => r.code === 'F')?.rank,
    ).toBe(4);
    expect(
      monthTable(SIX_STREETS, parseRankingPolicy({ minCalledBackToRank: 4 })).rows.find((r) => r.code === 'F')?.rank,
    ).toBeNull();
    // Two streets with 1 and 2 happy callbacks would tie at 100 ahead of everyone; now they are unranked.
    const lucky = [
      ...SIX_STREETS,
      {
        code: 'G',
        counts: {
          volume: 1,
          dispatched: 1,
          respondedInTime: 1,
          calledBack: 1,
          solved: 1,
          satisfied: 1,
          basic: 0,
          dissatisfied: 0,
        },
      },
      {
        code: 'H',
        counts: {
          volume: 2,
          dispatched: 2,
          respondedInTime: 2,
          calledBack: 2,
          solved: 2,
          satisfied: 2,
          basic: 0,
          dissatisfied: 0,
        },
      },
    ];
    const l = monthTable(lucky, DEFAULT_RANKING_POLICY);
    expect(l.rows.map((r) => [r.code, r.score, r.rank])).toEqual([
      ['A', 90.1, 1],
      ['B', 80.1, 2],
      ['C', 80.1, 2],
      ['D', 61.5, 4],
      ['E', null, null],
      ['F', 63.67, null],
      ['G', 100, null],
      ['H', 100, null],
    ]);
    // Nor can they hold a score class, and a month unranked gives no rank change the month after.
    expect(l.classes.advanced).not.toContain('G');
    const next = monthTable(SIX_STREETS, RANK_FROM_3, ranksOf(t));
    expect(next.rows.find((r) => r.code === 'F')).toMatchObject({ rank: 4, previousRank: null, rankChange: null });
  });

  it('adds rank changes and the classes each unit holds (top/bottom 1, ties included)', () => {
    const policy = parseRankingPolicy({
      minCalledBackToRank: 3,
      advanced: { topN: 1 },
      progressing: { topN: 1 },
      rectification: { bottomN: 1 },
      governance: { topN: 1 },
    });
    const previous = new Map<string, number | null>([
      ['A', 3], // now 1 → +2
      ['B', 1], // now 2 → −1
      ['C', 4], // now 2 → +2 (ties A for the largest gain)
      ['D', 2], // now 5 → −3
      ['E', 5], // now unranked → null
      // F absent last month → null
    ]);
    const t = monthTable(SIX_STREETS, policy, previous);
    expect(t.rows.map((r) => [r.code, r.previousRank, r.rankChange])).toEqual([
      ['A', 3, 2],
      ['B', 1, -1],
      ['C', 4, 2],
      ['F', null, null],
      ['D', 2, -3],
      ['E', 5, null],
    ]);
    // Eligible (≥ 10 callbacks): A, B, C, D. F (3 callbacks) is ranked 4th but in no score class.
    // advanced: A (90.1). rectification: D (61.5), the lowest eligible score.
    // progressing: A and C tie at +2 → both.
    // governance, per 10,000 residents (every population known):
    //   A 20/5 = 4, B 10/2 = 5, C 20/8 = 2.5, D 12/4 = 3, E 3/0.5 = 6, F 3/1 = 3 → E,
    //   though E is unranked: governance is about demand, not performance.
    expect(t.classes.eligible).toEqual(['A', 'B', 'C', 'D']);
    expect(t.classes.governanceBasis).toBe('per10k');
    expect(Object.fromEntries(t.rows.map((r) => [r.code, r.classes]))).toEqual({
      A: ['advanced', 'progressing'],
      B: [],
      C: ['progressing'],
      D: ['rectification'],
      E: ['governance'],
      F: [],
    });
  });

  it('ranks and classes the six streets under weights 0.2/0.4/0.4, basic 0.5 and classes of 2', () => {
    const policy = parseRankingPolicy({
      minCalledBackToRank: 3,
      weights: { response: 0.2, resolution: 0.4, satisfaction: 0.4 },
      satisfactionWeights: { basic: 0.5 },
      advanced: { topN: 2 },
      progressing: { topN: 2 },
      rectification: { bottomN: 2 },
      governance: { topN: 2 },
    });
    const t = monthTable(SIX_STREETS, policy);
    // Scores (hand computation in rates.test.ts): A 90, B 80, C 80, D 60, F 60 → D and F share 4th.
    expect(t.rows.map((r) => [r.code, r.score, r.rank])).toEqual([
      ['A', 90, 1],
      ['B', 80, 2],
      ['C', 80, 2],
      ['D', 60, 4],
      ['F', 60, 4],
      ['E', null, null],
    ]);
    // Eligible A, B, C, D. Top 2 places: 90, then 80 shared → A, B, C.
    // Bottom 2 places: 60 (D; F is ineligible), then 80 shared → D, B, C.
    // With only four eligible units and N = 2, B and C are both advanced and rectification:
    // the rule is applied literally; small tables need a small N (see README).
    expect(t.classes.advanced).toEqual(['A', 'B', 'C']);
    expect(t.classes.rectification).toEqual(['D', 'B', 'C']);
    // No previous month → no gains → nobody progressing.
    expect(t.classes.progressing).toEqual([]);
    // per 10k: E 6, B 5, A 4, D 3, F 3, C 2.5 → E, B
    expect(t.classes.governance).toEqual(['E', 'B']);
  });

  it("feeds this month's ranks into next month's changes", () => {
    const march = monthTable(SIX_STREETS, RANK_FROM_3);
    const april = monthTable(
      SIX_STREETS.map((u) => (u.code === 'D' ? { ...u, counts: { ...u.counts, solved: 12 } } : u)),
      RANK_FROM_3,
      ranksOf(march),
    );
    // D with every callback solved: 7.5 + 45 + 31.5 = 84 → 2nd (A 90.1 only ahead); B, C fall to 3rd; F to 5th.
    expect(april.rows.map((r) => [r.code, r.rank, r.rankChange])).toEqual([
      ['A', 1, 0],
      ['D', 2, 3],
      ['B', 3, -1],
      ['C', 3, -1],
      ['F', 5, -1],
      ['E', null, null],
    ]);
  });
});
