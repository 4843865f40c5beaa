// The topic effect (difference in differences against matched control areas) on hand-made series.
import { describe, expect, it } from 'vitest';
import {
  matchControlAreas,
  preShape,
  slope,
  studentTCdf,
  studentTQuantile,
  topicEffect,
} from '../../../server/analysis/topicEffect.ts';
import { outcomeOf } from '../../../server/governance/proactive.ts';

describe("Student's t", () => {
  it('gives the table quantiles', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.30265273, 7);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 7);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015048373, 7);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-2.228138852, 10)).toBeCloseTo(0.025, 8);
  });
});

describe('matching control areas on the before window', () => {
  it('measures level and trend on the log scale', () => {
    expect(slope([1, 2, 3, 4])).toBe(1);
    expect(slope([5])).toBe(0);
    const s = preShape([1.5, 3.5]);
    expect(s.level).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 12);
    expect(s.trend).toBeCloseTo(Math.log(2), 12);
  });

  it('picks the nearest in level and trend, skips empty areas and the treated, ties by id', () => {
    const before: [number, number] = [0, 4];
    const treated = [{ id: 'T', counts: [100, 100, 100, 100, 50, 50] }];
    const candidates = [
      { id: 'T', counts: [100, 100, 100, 100, 100, 100] }, // the treated area itself: never its own control
      { id: 'flatB', counts: [99, 99, 99, 99, 99, 99] },
      { id: 'flatA', counts: [99, 99, 99, 99, 0, 0] }, // same before as flatB: tie broken by id
      { id: 'rising', counts: [25, 50, 100, 200, 400, 400] }, // same mean level, steep trend
      { id: 'empty', counts: [0, 0, 0, 0, 9, 9] }, // no complaint before: cannot be matched
    ];
    expect(matchControlAreas(treated, candidates, before, 2).map((c) => c.id)).toEqual(['flatA', 'flatB']);
    expect(matchControlAreas(treated, candidates, before, 5).map((c) => c.id)).toEqual(['flatA', 'flatB', 'rising']);
    expect(() => matchControlAreas(treated, candidates, before, 0)).toThrow(RangeError);
  });
});

describe('difference in differences of a topic', () => {
  it('halving against flat controls is exactly −50%, with no scatter a zero-width interval', () => {
    const e = topicEffect({
      treated: [{ id: 'T', counts: [100, 100, 100, 100, 50, 50, 50] }],
      candidates: [{ id: 'A', counts: [200, 200, 200, 200, 200, 200, 200] }],
      before: [0, 4],
      after: [4, 7],
    });
    expect(e.verdict).toBe('effective');
    expect(e.controls).toEqual(['A']);
    expect(e.did).toBeCloseTo(-Math.log(2), 12);
    expect(e.effect).toBeCloseTo(-0.5, 12);
    expect(e.se).toBeCloseTo(0, 12);
    expect(e.lower).toBeCloseTo(-Math.log(2), 12);
    expect(e.upper).toBeCloseTo(-Math.log(2), 12);
    expect(e.treatedAfter).toBe(150);
    expect(e.expectedAfter).toBeCloseTo(300, 9);
  });

  it('a season shared with the controls is differenced away', () => {
    // Summer doubles complaints everywhere; the treated area also falls by a quarter after adoption.
    const season = [1, 1, 2, 2, 1, 2];
    const e = topicEffect({
      treated: [{ id: 'T', counts: season.map((s, i) => s * 40 * (i >= 4 ? 0.75 : 1)) }],
      candidates: [{ id: 'C', counts: season.map((s) => s * 80) }],
      before: [0, 4],
      after: [4, 6],
    });
    expect(e.effect).toBeCloseTo(-0.25, 12);
    expect(e.verdict).toBe('effective');
  });

  it('with scatter: Welch interval over the gap months, by hand', () => {
    const T = [100, 120, 80, 100, 60, 70, 50];
    const e = topicEffect({
      treated: [{ id: 'T', counts: T }],
      candidates: [{ id: 'C', counts: [100, 100, 100, 100, 100, 100, 100] }],
      before: [0, 4],
      after: [4, 7],
    });
    const gb = [1, 1.2, 0.8, 1].map(Math.log);
    const ga = [0.6, 0.7, 0.5].map(Math.log);
    const m = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const v = (x: number[]) => x.reduce((a, b) => a + (b - m(x)) ** 2, 0) / (x.length - 1);
    const did = m(ga) - m(gb);
    const vb = v(gb) / 4;
    const va = v(ga) / 3;
    const se = Math.sqrt(vb + va);
    const df = (vb + va) ** 2 / (vb ** 2 / 3 + va ** 2 / 2);
    expect(e.did).toBeCloseTo(did, 12);
    expect(e.se).toBeCloseTo(se, 12);
    expect(e.df).toBeCloseTo(df, 12);
    const half = studentTQuantile(0.975, df) * se;
    expect(e.lower).toBeCloseTo(did - half, 9);
    expect(e.upper).toBeCloseTo(did + half, 9);
    // did = (ln .6 + ln .7 + ln .5)/3 − (ln 1.2 + ln .8)/4 = −0.520201 + 0.010191; the interval stays below zero.
    expect(e.did).toBeCloseTo(-0.51001, 5);
    expect(e.upper!).toBeLessThan(0);
    expect(e.verdict).toBe('effective');
    expect(e.months.map((x) => x.treated)).toEqual(T);
  });

  it('noise around no change is not called effective', () => {
    const e = topicEffect({
      treated: [{ id: 'T', counts: [100, 120, 80, 100, 90, 115, 95] }],
      candidates: [{ id: 'C', counts: [100, 100, 100, 100, 100, 100, 100] }],
      before: [0, 4],
      after: [4, 7],
    });
    expect(e.lower!).toBeLessThan(0);
    expect(e.upper!).toBeGreaterThan(0);
    expect(e.verdict).toBe('unclear');
  });

  it('adds ½ to every month when one is zero, and says when it cannot measure', () => {
    const e = topicEffect({
      treated: [{ id: 'T', counts: [4, 4, 0, 0] }],
      candidates: [{ id: 'C', counts: [4, 4, 4, 4] }],
      before: [0, 2],
      after: [2, 4],
    });
    expect(e.did).toBeCloseTo(Math.log(0.5 / 4.5), 12);
    expect(
      topicEffect({
        treated: [{ id: 'T', counts: [1, 1, 1] }],
        candidates: [{ id: 'C', counts: [1, 1, 1] }],
        before: [0, 2],
        after: [2, 3],
      }),
    ).toMatchObject({
      verdict: 'insufficient',
      reason: 'each window needs at least 2 complete months',
    });
    expect(
      topicEffect({
        treated: [{ id: 'T', counts: [0, 0, 3, 3] }],
        candidates: [{ id: 'C', counts: [1, 1, 1, 1] }],
        before: [0, 2],
        after: [2, 4],
      }).verdict,
    ).toBe('insufficient');
    expect(
      topicEffect({
        treated: [{ id: 'T', counts: [3, 3, 3, 3] }],
        candidates: [{ id: 'C', counts: [0, 0, 1, 1] }],
        before: [0, 2],
        after: [2, 4],
      }).reason,
    ).toBe('no control area with complaints before');
  });
});

describe('outcome of a proactive order', () => {
  it('compares the month against the forecast with a Poisson lower tail', () => {
    expect(outcomeOf(3, 10, false).verdict).toBe('pending');
    expect(outcomeOf(3, null, true).verdict).toBe('no_forecast');
    // P(X ≤ 3 | 10) = e^-10 (1 + 10 + 50 + 166.67) = 0.010336…
    const o = outcomeOf(3, 10, true);
    expect(o.p).toBeCloseTo(Math.exp(-10) * (1 + 10 + 50 + 1000 / 6), 12);
    expect(o.verdict).toBe('fewer');
    expect(outcomeOf(8, 10, true).verdict).toBe('as_expected');
  });
});
