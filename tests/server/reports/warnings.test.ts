// Warnings of emerging problems: exact Poisson tails and the three conditions of a warning.
import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  DEFAULT_WARNING_RULES,
  emergingWarnings,
  poissonUpperTail,
  seasonalBasis,
} from '../../../server/reports/warnings.ts';

const DAY = 86_400_000;

describe('emerging-problem warnings', () => {
  it('computes Poisson upper tails exactly, in both directions of k against lambda', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(poissonUpperTail(3, 2)).toBeCloseTo(1 - 5 * Math.exp(-2), 12);
    // k far above lambda: P(X ≥ 8 | 0.5) = Σ_{i≥8} e^-0.5 0.5^i / i!
    let direct = 0;
    for (let i = 8, term = (Math.exp(-0.5) * 0.5 ** 8) / 40320; i < 40; i++, term *= 0.5 / i) direct += term;
    expect(poissonUpperTail(8, 0.5)).toBeCloseTo(direct, 15);
    // Large counts neither underflow nor overflow.
    expect(poissonUpperTail(1500, 1000)).toBeGreaterThan(0);
    expect(poissonUpperTail(1500, 1000)).toBeLessThan(1e-40);
  });

  it('warns only on enough tickets, a material rise and an unlikely one; scales the baseline by length', () => {
    const lines = [
      { categoryCode: 'a', districtCode: null, current: 4, baseline: 0 }, // too few
      { categoryCode: 'b', districtCode: null, current: 20, baseline: 98 }, // 7 days of 14 → expected 14: ratio 1.43 < 1.5
      { categoryCode: 'c', districtCode: null, current: 30, baseline: 84 }, // expected 12: ratio 2.5, p tiny
      { categoryCode: 'd', districtCode: '110105', current: 6, baseline: 0 }, // new: expected floored at 0.5
      { categoryCode: 'e', districtCode: null, current: 6, baseline: 21 }, // expected 3: ratio 2 but p ≈ 0.084
    ];
    const w = emergingWarnings(lines, DAY, 7 * DAY);
    expect(w.map((x) => [x.categoryCode, x.level, x.expected, x.ratio])).toEqual([
      ['c', 'rising', 12, 2.5],
      ['d', 'new', 0, 12],
    ]);
    expect(w[0]!.p).toBeCloseTo(poissonUpperTail(30, 12), 15);
    // A 31-day month against a 92-day quarter: expected = 92 × 31/92 = 31, so 40 is no warning, 60 is.
    const month = emergingWarnings(
      [
        { categoryCode: 'x', districtCode: null, current: 40, baseline: 92 },
        { categoryCode: 'y', districtCode: null, current: 60, baseline: 92 },
      ],
      31 * DAY,
      92 * DAY,
    );
    expect(month.map((x) => [x.categoryCode, x.expected])).toEqual([['y', 31]]);
    expect(DEFAULT_WARNING_RULES).toEqual({ minCount: 5, minRatio: 1.5, maxP: 0.01, floor: 0.5, limit: 20 });
  });

  it('judges a seasonal category against the same period last year, scaled by the growth since', () => {
    // Heating: 282 this November after 2 in the three months before, 250 last November.
    // Against the recent baseline (2 in 92 days → 0.67 expected) it would be "+42,000%".
    const heating = { categoryCode: 'heating.no_heat', districtCode: null, current: 282, baseline: 2, lastYear: 250 };
    expect(emergingWarnings([heating], 30 * DAY, 92 * DAY).map((w) => w.basis)).toEqual(['recent']);
    // Overall growth 10,500 / 10,000 over the baseline windows, equal 30-day periods: factor 1.05.
    const season = seasonalBasis(10_500, 10_000, 30 * DAY, 30 * DAY)!;
    expect(season).toEqual({ growth: 1.05, factor: 1.05 });
    expect(emergingWarnings([heating], 30 * DAY, 92 * DAY, DEFAULT_WARNING_RULES, season)).toEqual([]);
    // A real rise: 30 against 10 a year ago (factor 1.05 → expected 10.5, ratio 2.86).
    const w = emergingWarnings(
      [{ categoryCode: 'x', districtCode: null, current: 30, baseline: 20, lastYear: 10 }],
      30 * DAY,
      92 * DAY,
      DEFAULT_WARNING_RULES,
      season,
    );
    expect(w.map((x) => [x.categoryCode, x.basis, x.level, x.expected])).toEqual([
      ['x', 'seasonal', 'rising', 10 * 1.05],
    ]);
    // p = P(Binomial(40, 1.05/2.05) ≥ 30), summed term by term.
    const pi = 1.05 / 2.05;
    let direct = 0;
    for (let k = 30; k <= 40; k++) {
      let c = 1;
      for (let j = 0; j < k; j++) c = (c * (40 - j)) / (j + 1);
      direct += c * pi ** k * (1 - pi) ** (40 - k);
    }
    expect(w[0]!.p).toBeCloseTo(direct, 12);
    expect(binomialUpperTail(0, 5, 0.3)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.3)).toBe(0);
    // Without last year's data a line keeps the recent basis; growth is clamped to 0.5–2.
    expect(seasonalBasis(100, 0, DAY, DAY)).toBeNull();
    expect(seasonalBasis(1000, 100, 31 * DAY, 30 * DAY)).toEqual({ growth: 2, factor: (2 * 31) / 30 });
    // New: nothing last year and nothing in the baseline; 7 tickets → p = (1.05/2.05)^7 < 0.01.
    const fresh = emergingWarnings(
      [{ categoryCode: 'n', districtCode: null, current: 7, baseline: 0, lastYear: 0 }],
      30 * DAY,
      92 * DAY,
      DEFAULT_WARNING_RULES,
      season,
    );
    expect(fresh.map((x) => x.level)).toEqual(['new']);
    expect(fresh[0]!.p).toBeCloseTo(pi ** 7, 14);
  });
});
