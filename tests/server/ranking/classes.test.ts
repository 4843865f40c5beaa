import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANKING_POLICY,
  monthClasses,
  parseRankingPolicy,
  redZoneHistory,
  topPlacesWithTies,
  type ClassCandidate,
} from '../../../server/ranking/index.ts';

const row = (
  code: string,
  score: number | null,
  rankChange: number | null,
  calledBack: number,
  volume: number,
  volumePer10k: number | null,
): ClassCandidate => ({
  code,
  score,
  rankChange,
  counts: { calledBack },
  volume,
  volumePer10k,
});

// Nine streets, every class of size 2.
//   code score change callbacks volume per10k
const NINE = [
  row('U1', 95, 0, 30, 300, 150),
  row('U2', 92, 3, 30, 100, 20),
  row('U3', 92, 1, 30, 100, 25),
  row('U4', 85, 5, 30, 100, 30),
  row('U5', 70, 3, 30, 1000, 50),
  row('U6', 60, -4, 30, 100, 10),
  row('U7', 60, null, 30, 100, 10),
  row('U8', 40, -1, 30, 500, 100),
  row('U9', 30, 6, 5, 90, 100), // worst score and biggest gain, but only 5 callbacks
];
const TWO = parseRankingPolicy({
  advanced: { topN: 2 },
  progressing: { topN: 2 },
  rectification: { bottomN: 2 },
  governance: { topN: 2 },
});

describe('the four monthly classes', () => {
  const c = monthClasses(NINE, TWO);

  it('includes every unit tied with the N-th in the advanced class', () => {
    // eligible by score: U1 95, U2 92, U3 92, … → 2nd place is 92, shared by U2 and U3
    expect(c.advanced).toEqual(['U1', 'U2', 'U3']);
  });

  it('includes every unit tied with the N-th from the bottom in rectification, and spares the small sample', () => {
    // eligible from the bottom: U8 40, then U6 60 and U7 60 tied. U9 (30) has 5 < 10 callbacks.
    expect(c.rectification).toEqual(['U8', 'U6', 'U7']);
    expect(c.eligible).not.toContain('U9');
  });

  it('takes the largest rank gains among units that gained, ties included', () => {
    // eligible gainers: U4 +5, U2 +3, U5 +3, U3 +1 → 2nd place is +3, shared. U9's +6 is ineligible.
    expect(c.progressing).toEqual(['U4', 'U2', 'U5']);
  });

  it('takes governance by demand per 10,000 residents, with no small-sample rule', () => {
    // U1 150, then U8 100 and U9 100 tied for 2nd; U9's 5 callbacks do not matter here.
    expect(c.governanceBasis).toBe('per10k');
    expect(c.governance).toEqual(['U1', 'U8', 'U9']);
  });

  it('lets a unit hold several classes', () => {
    expect(c.byUnit.get('U1')).toEqual(['advanced', 'governance']);
    expect(c.byUnit.get('U2')).toEqual(['advanced', 'progressing']);
    expect(c.byUnit.get('U8')).toEqual(['rectification', 'governance']);
    expect(c.byUnit.get('U9')).toEqual(['governance']);
    expect(c.byUnit.get('U3')).toEqual(['advanced']); // its +1 is only 4th among the gainers
    expect(c.byUnit.get('U7')).toEqual(['rectification']);
    expect(c.byUnit.get('U4')).toEqual(['progressing']);
    // A tenth street in the middle of every measure holds no class and is absent from byUnit.
    expect(monthClasses([...NINE, row('U10', 80, 0, 30, 1, 1)], TWO).byUnit.has('U10')).toBe(false);
  });

  it('falls back to raw volume for governance when any population is unknown', () => {
    const withUnknown = NINE.map((u) => (u.code === 'U7' ? { ...u, volumePer10k: null } : u));
    const g = monthClasses(withUnknown, TWO);
    // raw volume: U5 1000, U8 500, U1 300
    expect(g.governanceBasis).toBe('volume');
    expect(g.governance).toEqual(['U5', 'U8']);
  });

  it('puts no unit without demand in governance', () => {
    const quiet = [row('A', 90, 1, 20, 0, 0), row('B', 80, 1, 20, 0, 0)];
    expect(monthClasses(quiet, TWO).governance).toEqual([]);
  });

  it('makes a unit eligible at exactly minCalledBack callbacks and not one below', () => {
    const edge = [row('A', 90, 2, 10, 10, null), row('B', 95, 2, 9, 10, null)];
    const e = monthClasses(edge, DEFAULT_RANKING_POLICY);
    expect(e.eligible).toEqual(['A']);
    expect(e.advanced).toEqual(['A']);
    // Lower the threshold and B (the better score) becomes advanced too, with fewer than N units.
    expect(monthClasses(edge, parseRankingPolicy({ minCalledBack: 9, advanced: { topN: 10 } })).advanced).toEqual([
      'B',
      'A',
    ]);
    // By the default share rule two eligible units give one place: B alone.
    expect(monthClasses(edge, parseRankingPolicy({ minCalledBack: 9 })).advanced).toEqual(['B']);
  });

  it('keeps unranked units out of every score class', () => {
    const e = monthClasses([row('A', null, null, 50, 10, null), row('B', 80, 1, 50, 5, null)], DEFAULT_RANKING_POLICY);
    expect(e.eligible).toEqual(['B']);
    expect([e.advanced, e.rectification, e.progressing]).toEqual([['B'], ['B'], ['B']]);
    // Two units with demand → one governance place (20 % rounds to 0, the floor is 1): A, the busier.
    expect(e.governance).toEqual(['A']);
  });

  it('treats per-capita demand equal at two decimals as a tie', () => {
    // 33.333… and 33.3333 both print 33.33, so the second is tied for 1st place
    const g = monthClasses(
      [row('A', 90, 0, 20, 100, 100 / 3), row('B', 90, 0, 20, 100, 33.3333), row('C', 90, 0, 20, 100, 33.32)],
      parseRankingPolicy({ governance: { topN: 1 } }),
    );
    expect(g.governance).toEqual(['A', 'B']);
  });
});

describe('class sizes that scale with the table', () => {
  // n units scored 100, 99, 98, … (U01 best), 20 callbacks each, demand rising with the code.
  const table = (n: number, calledBack = 20) =>
    Array.from({ length: n }, (_, i) =>
      row(`U${String(i + 1).padStart(3, '0')}`, 100 - i * 0.25, null, calledBack, 10 + i, null),
    );
  const codes = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `U${String(from + i).padStart(3, '0')}`);

  it('gives a 16-unit table 3 advanced, 3 rectification and 3 governance places that do not overlap', () => {
    const c = monthClasses(table(16), DEFAULT_RANKING_POLICY);
    expect(c.places).toEqual({ advanced: 3, progressing: 0, rectification: 3, governance: 3 });
    expect(c.advanced).toEqual(codes(1, 3));
    expect(c.rectification).toEqual(['U016', 'U015', 'U014']);
    expect(c.governance).toEqual(['U016', 'U015', 'U014']); // raw volume: no population known
  });

  it('keeps ten places on the 339-street table', () => {
    const c = monthClasses(table(339), DEFAULT_RANKING_POLICY);
    expect(c.places).toEqual({ advanced: 10, progressing: 0, rectification: 10, governance: 10 });
    expect(c.advanced).toEqual(codes(1, 10));
    expect(c.rectification).toEqual(codes(330, 339).reverse());
  });

  it('sizes the score classes on the eligible units only', () => {
    // 40 units, but only 16 with enough callbacks: 3 places, not 8. Governance counts all 40 with demand.
    const units = [
      ...table(16),
      ...table(40)
        .slice(16)
        .map((u) => ({ ...u, counts: { calledBack: 4 } })),
    ];
    const c = monthClasses(units, DEFAULT_RANKING_POLICY);
    expect(c.places).toEqual({ advanced: 3, progressing: 0, rectification: 3, governance: 8 });
    expect(c.rectification).toEqual(['U016', 'U015', 'U014']);
  });
});

describe('top places with ties', () => {
  const items = [
    { code: 'a', v: 5 },
    { code: 'b', v: 3 },
    { code: 'c', v: 3 },
    { code: 'd', v: 1 },
  ];
  it('counts places, not units', () => {
    expect(topPlacesWithTies(items, (i) => i.v, 2).map((i) => i.code)).toEqual(['a', 'b', 'c']);
    expect(topPlacesWithTies(items, (i) => i.v, 1).map((i) => i.code)).toEqual(['a']);
    expect(topPlacesWithTies(items, (i) => i.v, 2, true).map((i) => i.code)).toEqual(['d', 'b', 'c']);
    expect(topPlacesWithTies(items, (i) => i.v, 10).map((i) => i.code)).toEqual(['a', 'b', 'c', 'd']);
    expect(topPlacesWithTies([], (i: { code: string }) => i.code.length, 3)).toEqual([]);
  });
});

describe('the red zone', () => {
  const at = (history: Parameters<typeof redZoneHistory>[0], month: string, policy = DEFAULT_RANKING_POLICY) =>
    redZoneHistory(history, policy).find((m) => m.month === month)!;

  it('starts after exactly three consecutive months in rectification, not after two', () => {
    const h = [
      { month: '2024-01', rectification: ['A', 'B'] },
      { month: '2024-02', rectification: ['A', 'B', 'C'] },
      { month: '2024-03', rectification: ['A', 'C'] },
      { month: '2024-04', rectification: ['A', 'C'] },
    ];
    expect(at(h, '2024-02').redZone).toEqual([]);
    expect(at(h, '2024-03').redZone).toEqual(['A']); // A: Jan, Feb, Mar
    expect(at(h, '2024-03').streaks).toEqual(
      new Map([
        ['A', 3],
        ['C', 2],
      ]),
    ); // B left in March
    expect(at(h, '2024-04').redZone).toEqual(['A', 'C']); // A 4 running, C 3 running
  });

  it('resets the streak after a month out of rectification', () => {
    const h = [
      { month: '2024-01', rectification: ['B'] },
      { month: '2024-02', rectification: ['B'] },
      { month: '2024-03', rectification: [] },
      { month: '2024-04', rectification: ['B'] },
      { month: '2024-05', rectification: ['B'] },
      { month: '2024-06', rectification: ['B'] },
    ];
    expect(at(h, '2024-05').streaks.get('B')).toBe(2);
    expect(at(h, '2024-05').redZone).toEqual([]);
    expect(at(h, '2024-06').redZone).toEqual(['B']);
  });

  it('resets the streak when a calendar month is missing from the history', () => {
    const h = [
      { month: '2024-01', rectification: ['X'] },
      { month: '2024-02', rectification: ['X'] },
      { month: '2024-04', rectification: ['X'] }, // March not given: cannot claim three running
    ];
    expect(at(h, '2024-04').streaks.get('X')).toBe(1);
    expect(at(h, '2024-04').redZone).toEqual([]);
  });

  it('runs across the new year and accepts the history in any order', () => {
    const h = [
      { month: '2024-01', rectification: ['Y'] },
      { month: '2023-11', rectification: ['Y'] },
      { month: '2023-12', rectification: ['Y'] },
    ];
    const out = redZoneHistory(h, DEFAULT_RANKING_POLICY);
    expect(out.map((m) => m.month)).toEqual(['2023-11', '2023-12', '2024-01']);
    expect(out[2].redZone).toEqual(['Y']);
  });

  it('follows a non-default length', () => {
    const h = [
      { month: '2024-01', rectification: ['A'] },
      { month: '2024-02', rectification: ['A'] },
    ];
    expect(at(h, '2024-02', parseRankingPolicy({ redZoneMonths: 2 })).redZone).toEqual(['A']);
    expect(at(h, '2024-02').redZone).toEqual([]);
  });

  it('rejects a month given twice or written wrongly', () => {
    expect(() =>
      redZoneHistory(
        [
          { month: '2024-01', rectification: [] },
          { month: '2024-01', rectification: [] },
        ],
        DEFAULT_RANKING_POLICY,
      ),
    ).toThrow(/twice/);
    expect(() => redZoneHistory([{ month: '2024-1', rectification: [] }], DEFAULT_RANKING_POLICY)).toThrow(/YYYY-MM/);
  });
});
