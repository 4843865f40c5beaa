import { describe, expect, it } from 'vitest';
import {
  countTickets,
  DEFAULT_RANKING_POLICY,
  parseRankingPolicy,
  parseUnitCounts,
  unitRates,
  type TicketFact,
} from '../../../server/ranking/index.ts';
import { rateUnits } from '../../../server/ranking/month.ts';
import { SIX_STREETS } from './fixtures.ts';

const byCode = (rows: ReturnType<typeof rateUnits>) => new Map(rows.map((r) => [r.code, r]));

describe('the three rates and the composite score', () => {
  it('computes every rate and score of the six-street month exactly (hand computation in fixtures.ts)', () => {
    const r = byCode(rateUnits(SIX_STREETS, DEFAULT_RANKING_POLICY));
    const a = r.get('A')!;
    expect(a.response).toEqual({ numerator: 20, denominator: 20, percent: 100 });
    expect(a.resolution).toEqual({ numerator: 18, denominator: 20, percent: 90 });
    // satisfaction numerator is weighted: 16·1 + 2·0.8 + 2·0 = 17.6
    expect(a.satisfaction.numerator).toBeCloseTo(17.6, 12);
    expect(a.satisfaction.denominator).toBe(20);
    expect(a.satisfaction.percent).toBeCloseTo(88, 12);
    expect(a.score).toBe(90.1);
    expect(a.composite).toBeCloseTo(90.1, 12);

    expect(r.get('B')!.score).toBe(80.1);
    expect(r.get('C')!.score).toBe(80.1);
    expect(r.get('D')!.score).toBe(61.5);
    // F: 0.1·66.667 + 0.45·66.667 + 0.45·60 = 63.6667 → published 63.67
    expect(r.get('F')!.composite).toBeCloseTo(63.666667, 5);
    expect(r.get('F')!.score).toBe(63.67);
  });

  it('keeps the counts beside the rates so a figure can be drilled to its tickets', () => {
    const d = byCode(rateUnits(SIX_STREETS, DEFAULT_RANKING_POLICY)).get('D')!;
    expect(d.counts).toEqual({
      volume: 12,
      dispatched: 12,
      respondedInTime: 9,
      calledBack: 12,
      solved: 6,
      satisfied: 6,
      basic: 3,
      dissatisfied: 3,
      unrated: 0,
      unjustifiedReturns: 0,
    });
  });

  it('reports volume per 10,000 residents, and null when the population is unknown or zero', () => {
    const policy = DEFAULT_RANKING_POLICY;
    const c = parseUnitCounts({
      volume: 20,
      dispatched: 20,
      respondedInTime: 20,
      calledBack: 0,
      solved: 0,
      satisfied: 0,
      basic: 0,
      dissatisfied: 0,
    });
    expect(unitRates('A', c, policy, 50_000).volumePer10k).toBe(4); // 20 · 10,000 / 50,000
    expect(unitRates('A', c, policy, null).volumePer10k).toBeNull();
    expect(unitRates('A', c, policy, 0).volumePer10k).toBeNull();
  });

  it('counts ticket facts, ignoring verdicts without a callback and response flags without dispatch', () => {
    const facts: TicketFact[] = [
      {
        dispatched: true,
        respondedInTime: true,
        calledBack: true,
        solved: true,
        satisfaction: 'satisfied',
        unjustifiedReturns: 1,
      },
      { dispatched: true, respondedInTime: false, calledBack: true, solved: false, satisfaction: 'basic' },
      // Called back but no answers: in both callback denominators, in no numerator.
      { dispatched: true, respondedInTime: true, calledBack: true, solved: null, satisfaction: null },
      // Not reached at callback: its verdict fields are noise and must not count.
      { dispatched: true, respondedInTime: true, calledBack: false, solved: true, satisfaction: 'satisfied' },
      // A consultation answered on the call: not dispatched, so its response flag is ignored.
      { dispatched: false, respondedInTime: true, calledBack: true, solved: true, satisfaction: 'dissatisfied' },
    ];
    const counts = countTickets(facts);
    expect(counts).toEqual({
      volume: 5,
      dispatched: 4,
      respondedInTime: 3,
      calledBack: 4,
      solved: 2,
      satisfied: 1,
      basic: 1,
      dissatisfied: 1,
      unrated: 1,
      unjustifiedReturns: 1,
    });
    // response 3/4 = 75; resolution 2/4 = 50; satisfaction (1 + 0.8)/4 = 45
    // composite 7.5 + 22.5 + 20.25 = 50.25
    const r = unitRates('X', counts, DEFAULT_RANKING_POLICY);
    expect([r.response.percent, r.resolution.percent, r.satisfaction.percent]).toEqual([75, 50, 45]);
    expect(r.score).toBe(50.25);
  });

  it('gives the same result from ticket facts and from the equivalent pre-aggregated counts', () => {
    const facts: TicketFact[] = [
      ...Array.from({ length: 3 }, (): TicketFact => ({
        dispatched: true,
        respondedInTime: true,
        calledBack: true,
        solved: true,
        satisfaction: 'satisfied',
      })),
      { dispatched: true, respondedInTime: false, calledBack: true, solved: false, satisfaction: 'dissatisfied' },
    ];
    const fromFacts = unitRates('X', countTickets(facts), DEFAULT_RANKING_POLICY);
    const fromCounts = unitRates(
      'X',
      parseUnitCounts({
        volume: 4,
        dispatched: 4,
        respondedInTime: 3,
        calledBack: 4,
        solved: 3,
        satisfied: 3,
        basic: 0,
        dissatisfied: 1,
      }),
      DEFAULT_RANKING_POLICY,
    );
    expect(fromFacts).toEqual(fromCounts);
    expect(fromFacts.score).toBe(75); // every rate is 75
  });
});

describe('zero denominators', () => {
  const zeroCallbacks = parseUnitCounts({
    volume: 3,
    dispatched: 3,
    respondedInTime: 2,
    calledBack: 0,
    solved: 0,
    satisfied: 0,
    basic: 0,
    dissatisfied: 0,
  });
  const zeroDispatched = parseUnitCounts({
    volume: 4,
    dispatched: 0,
    respondedInTime: 0,
    calledBack: 4,
    solved: 2,
    satisfied: 2,
    basic: 0,
    dissatisfied: 2,
  });

  it('makes a rate with no denominator null, not 0 or 100', () => {
    const r = unitRates('E', zeroCallbacks, DEFAULT_RANKING_POLICY);
    expect(r.resolution).toEqual({ numerator: 0, denominator: 0, percent: null });
    expect(r.satisfaction).toEqual({ numerator: 0, denominator: 0, percent: null });
    expect(r.response.percent).toBeCloseTo(66.666667, 5);
  });

  it('leaves the unit unranked when a weighted rate is missing, rather than scoring it on the rest', () => {
    expect(unitRates('E', zeroCallbacks, DEFAULT_RANKING_POLICY).composite).toBeNull();
    expect(unitRates('E', zeroCallbacks, DEFAULT_RANKING_POLICY).score).toBeNull();
    expect(unitRates('G', zeroDispatched, DEFAULT_RANKING_POLICY).score).toBeNull();
  });

  it('scores the unit when the missing rate carries no weight', () => {
    const policy = parseRankingPolicy({ weights: { response: 0, resolution: 0.5, satisfaction: 0.5 } });
    // resolution 2/4 = 50, satisfaction 2/4 = 50 → 25 + 25
    expect(unitRates('G', zeroDispatched, policy).score).toBe(50);
  });

  it('leaves a unit with no tickets at all unranked, with every rate null', () => {
    const empty = parseUnitCounts({
      volume: 0,
      dispatched: 0,
      respondedInTime: 0,
      calledBack: 0,
      solved: 0,
      satisfied: 0,
      basic: 0,
      dissatisfied: 0,
    });
    const r = unitRates('Z', empty, DEFAULT_RANKING_POLICY, 1000);
    expect([r.response.percent, r.resolution.percent, r.satisfaction.percent, r.score]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(r.volumePer10k).toBe(0);
  });
});

describe('a non-default policy', () => {
  it('re-scores the six streets with weights 0.2/0.4/0.4 and basic = 0.5', () => {
    const policy = parseRankingPolicy({
      weights: { response: 0.2, resolution: 0.4, satisfaction: 0.4 },
      satisfactionWeights: { basic: 0.5 },
    });
    const r = byCode(rateUnits(SIX_STREETS, policy));
    // A: 0.2·100 + 0.4·90 + 0.4·(16 + 1)/20·100 = 20 + 36 + 34 = 90
    // B: 0.2·90  + 0.4·80 + 0.4·(7 + 0.5)/10·100 = 18 + 32 + 30 = 80
    // C: 0.2·90  + 0.4·80 + 0.4·(14 + 1)/20·100 = 18 + 32 + 30 = 80
    // D: 0.2·75  + 0.4·50 + 0.4·(6 + 1.5)/12·100 = 15 + 20 + 25 = 60
    // F: 0.2·66.67 + 0.4·66.67 + 0.4·(1 + 0.5)/3·100 = 13.33 + 26.67 + 20 = 60
    expect([...r.values()].map((u) => [u.code, u.score])).toEqual([
      ['D', 60],
      ['C', 80],
      ['A', 90],
      ['F', 60],
      ['E', null],
      ['B', 80],
    ]);
    expect(r.get('B')!.satisfaction.percent).toBe(75);
  });

  it('deducts the unjustified-return penalty when the policy sets one', () => {
    const policy = parseRankingPolicy({ unjustifiedReturnPenalty: 1.5 });
    const counts = parseUnitCounts({
      volume: 20,
      dispatched: 20,
      respondedInTime: 20,
      calledBack: 20,
      solved: 18,
      satisfied: 16,
      basic: 2,
      dissatisfied: 2,
      unjustifiedReturns: 2,
    });
    const r = unitRates('A', counts, policy);
    expect(r.penalty).toBe(3);
    expect(r.score).toBe(87.1); // 90.1 − 2 · 1.5
    expect(unitRates('A', counts, DEFAULT_RANKING_POLICY).score).toBe(90.1); // off by default
  });
});

describe('count validation', () => {
  const ok = {
    volume: 5,
    dispatched: 5,
    respondedInTime: 5,
    calledBack: 5,
    solved: 5,
    satisfied: 5,
    basic: 0,
    dissatisfied: 0,
  };

  it('derives the unrated callbacks', () => {
    expect(parseUnitCounts({ ...ok, satisfied: 3 }).unrated).toBe(2);
  });

  it('rejects a numerator larger than its denominator', () => {
    expect(() => parseUnitCounts({ ...ok, respondedInTime: 6 })).toThrow(/respondedInTime exceeds dispatched/);
    expect(() => parseUnitCounts({ ...ok, solved: 6 })).toThrow(/solved exceeds calledBack/);
    expect(() => parseUnitCounts({ ...ok, basic: 1 })).toThrow(/verdicts exceed calledBack/);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => parseUnitCounts({ ...ok, volume: -1 })).toThrow();
    expect(() => parseUnitCounts({ ...ok, dispatched: 5.5 })).toThrow();
  });

  it('rejects a unit given twice in one month', () => {
    expect(() => rateUnits([SIX_STREETS[0], SIX_STREETS[0]], DEFAULT_RANKING_POLICY)).toThrow(/given twice/);
  });
});
