import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANKING_POLICY,
  parseUnitCounts,
  rankAmong,
  rankByScore,
  rankChange,
  rankChanges,
  unitRates,
} from '../../../server/ranking/index.ts';

const ranks = (units: Array<{ code: string; score: number | null }>) => rankByScore(units).map((u) => [u.code, u.rank]);

describe('ranking by score', () => {
  it('gives tied units the same rank and skips the next ("1224")', () => {
    // five units; B and C tie at 80 → both 2nd, and D is 4th, not 3rd
    expect(
      ranks([
        { code: 'D', score: 70 },
        { code: 'A', score: 90 },
        { code: 'E', score: 60 },
        { code: 'C', score: 80 },
        { code: 'B', score: 80 },
      ]),
    ).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 2],
      ['D', 4],
      ['E', 5],
    ]);
  });

  it('lets many units share first place, as Beijing once had 25 streets tied first', () => {
    const tied = Array.from({ length: 25 }, (_, i) => ({ code: `S${String(i).padStart(2, '0')}`, score: 100 }));
    const table = rankByScore([...tied, { code: 'T', score: 99.99 }]);
    expect(table.slice(0, 25).every((u) => u.rank === 1)).toBe(true);
    expect(table[25]).toMatchObject({ code: 'T', rank: 26 });
  });

  it('orders a tie by code whatever the input order, so the table is deterministic', () => {
    const a = [
      { code: '110105', score: 80 },
      { code: '110101', score: 80 },
      { code: '110102', score: 80 },
    ];
    const expected = [
      ['110101', 1],
      ['110102', 1],
      ['110105', 1],
    ];
    expect(ranks(a)).toEqual(expected);
    expect(ranks([...a].reverse())).toEqual(expected);
  });

  it('puts unranked units after the ranked ones, by code, with a null rank', () => {
    expect(
      ranks([
        { code: 'Z', score: null },
        { code: 'B', score: 50 },
        { code: 'Y', score: null },
        { code: 'A', score: 40 },
      ]),
    ).toEqual([
      ['B', 1],
      ['A', 2],
      ['Y', null],
      ['Z', null],
    ]);
  });

  it('judges ties on the published two-decimal score, not the raw composite', () => {
    const p = DEFAULT_RANKING_POLICY;
    const counts = (
      dispatched: number,
      respondedInTime: number,
      calledBack: number,
      solved: number,
      satisfied: number,
    ) =>
      parseUnitCounts({
        volume: dispatched,
        dispatched,
        respondedInTime,
        calledBack,
        solved,
        satisfied,
        basic: 0,
        dissatisfied: 0,
      });
    // X: 0.1·(2/3) + 0.45·(8/10) + 0.45·(8/10), in percent = 6.6667 + 36 + 36 = 78.6667 → 78.67
    // Y: 0.1·(9/19) + 0.45·(12/14) + 0.45·(11/14)        = 4.7368 + 38.5714 + 35.3571 = 78.6654 → 78.67
    // W: 0.1·(0/1) + 0.45·(87/100)+ 0.45·(87/100)         = 78.3 → 78.3
    const x = unitRates('X', counts(3, 2, 10, 8, 8), p);
    const y = unitRates('Y', counts(19, 9, 14, 12, 11), p);
    const w = unitRates('W', counts(1, 0, 100, 87, 87), p);
    expect(x.composite).not.toBe(y.composite);
    expect([x.score, y.score, w.score]).toEqual([78.67, 78.67, 78.3]);
    expect(ranks([w, y, x])).toEqual([
      ['X', 1],
      ['Y', 1],
      ['W', 3],
    ]);
  });
});

describe('rank among others', () => {
  it('is one plus the number of strictly better scores, ignoring unranked units', () => {
    expect(rankAmong(80.1, [90.1, 80.1, 63.67, null])).toBe(2);
    expect(rankAmong(95, [90.1, 80.1])).toBe(1);
    expect(rankAmong(10, [])).toBe(1);
  });
});

describe('month-over-month rank change', () => {
  it('is previous rank minus current rank, so a gain is positive', () => {
    expect(rankChange(300, 36)).toBe(264);
    expect(rankChange(3, 7)).toBe(-4);
    expect(rankChange(5, 5)).toBe(0);
  });

  it('is null when the unit was unranked or absent last month, or is unranked now', () => {
    expect(rankChange(null, 3)).toBeNull();
    expect(rankChange(undefined, 3)).toBeNull();
    expect(rankChange(3, null)).toBeNull();
  });

  it('is computed for a whole table against last month', () => {
    const now = rankByScore([
      { code: 'A', score: 90 },
      { code: 'B', score: 80 },
      { code: 'C', score: null },
      { code: 'N', score: 70 },
    ]);
    const prev = new Map<string, number | null>([
      ['A', 3],
      ['B', 1],
      ['C', 2],
      ['N', null],
    ]);
    expect(rankChanges(now, prev).map((u) => [u.code, u.previousRank, u.rankChange])).toEqual([
      ['A', 3, 2],
      ['B', 1, -1],
      ['N', null, null],
      ['C', 2, null],
    ]);
  });
});
