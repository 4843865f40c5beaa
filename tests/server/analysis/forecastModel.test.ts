// The forecast count model (forecastModel.ts) on hand-computed cases: month-of-year index, level ×
// trend × season for a category, place shares shrunk category → group → all, the baselines,
// precision@k and the paired bootstrap.
import { describe, expect, it } from 'vitest';
import {
  backtest,
  DEFAULT_FORECAST_PARAMS,
  forecastMonth,
  groupOf,
  historyBefore,
  pairedBootstrap,
  precisionAtK,
  priorMeanRates,
  seasonalIndex,
  seasonalNaive,
  type MonthlyHistory,
} from '../../../server/analysis/forecastModel.ts';

const noShrink = { ...DEFAULT_FORECAST_PARAMS, seasonPseudoTickets: 0, trendPseudoTickets: 0, shrinkPseudoTickets: 0 };

describe('seasonal count model', () => {
  // Two complete years of 10-day months: January 20 tickets, every other month 10.
  const twoYears: MonthlyHistory = {
    firstMonth: 24_000, // January
    coveredDays: new Array(24).fill(10),
    units: [{ place: 'A', category: 'g.k', counts: Array.from({ length: 24 }, (_, i) => (i % 12 === 0 ? 20 : 10)) }],
  };

  it("estimates a month-of-year index against each year's mean, shrunk toward its prior", () => {
    const c = twoYears.units[0].counts;
    // Year mean 130/120 a day → 10.83 expected a month; January 40 of 21.67 expected over two years.
    const raw = seasonalIndex(twoYears, c, 24_023, 0);
    expect(raw[0]).toBeCloseTo(24 / 13, 12);
    for (let j = 1; j < 12; j++) expect(raw[j]).toBeCloseTo(12 / 13, 12);
    // τ = 20 pseudo-tickets at 1: January (40 + 20)/(21.67 + 20) = 1.44, others (20 + 20)/(21.67 + 20) = 0.96 (mean already 1).
    const shrunk = seasonalIndex(twoYears, c, 24_023, 20);
    expect(shrunk[0]).toBeCloseTo(1.44, 12);
    expect(shrunk[5]).toBeCloseTo(0.96, 12);
    // Without a complete year: flat.
    expect(seasonalIndex(historyBefore(twoYears, 24_011), c, 24_010, 0)).toEqual(new Array(12).fill(1));
    expect(groupOf('heating.no_heat')).toBe('heating');
    expect(groupOf('other')).toBe('other');
  });

  it('forecasts level × trend × season for a category', () => {
    // Rate 1 + 0.5·cos(2π·moy/12) a day, growing 10% a year (continuously), 30-day months.
    const first = 24_000;
    const rate = (m: number) => (1 + 0.5 * Math.cos((2 * Math.PI * (m % 12)) / 12)) * 1.1 ** ((m - first) / 12);
    const h: MonthlyHistory = {
      firstMonth: first,
      coveredDays: new Array(24).fill(30),
      units: [{ place: 'A', category: 'g.k', counts: Array.from({ length: 24 }, (_, i) => rate(first + i) * 30) }],
    };
    const f = forecastMonth(h, first + 24, 30, noShrink);
    const k = f.categories[0];
    // Year on year: every month of year 2 is 1.1 × the same month of year 1.
    expect(k.growth).toBeCloseTo(1.1, 12);
    // The season (January 1.5 / the year's mean 1) exactly: the expected counts move along the
    // year with the trend, so growth within a year is not read as season.
    expect(k.season).toBeCloseTo(1.5, 10);
    // Level × trend × season: January and (five months on) June of the third year, to 1%. Not
    // exact: the trend is measured between whole years and carried from the months' centres.
    expect(k.perDay / rate(first + 24)).toBeCloseTo(1, 2);
    const june = forecastMonth(h, first + 29, 30, noShrink).categories[0];
    expect(june.season).toBeCloseTo((1 + 0.5 * Math.cos((2 * Math.PI * 5) / 12)) / 1, 10);
    expect(june.perDay / rate(first + 29)).toBeCloseTo(1, 2);
    expect(() => forecastMonth(h, first + 23, 30)).toThrow();
  });

  it("clamps the growth and shrinks a small category's growth toward the city's", () => {
    const h: MonthlyHistory = {
      firstMonth: 0,
      coveredDays: new Array(24).fill(10),
      units: [
        { place: 'A', category: 'g.big', counts: [...new Array(12).fill(100), ...new Array(12).fill(100)] },
        { place: 'A', category: 'g.small', counts: [...new Array(12).fill(1), ...new Array(12).fill(5)] },
      ],
    };
    const raw = forecastMonth(h, 24, 10, noShrink).categories.find((c) => c.category === 'g.small')!;
    expect(raw.growth).toBe(2); // 5× clamped
    // τ = 100: (60 + 100·G_all)/(12 + 100) with G_all = 1260/1212 (the city's, unshrunk).
    const shrunk = forecastMonth(h, 24, 10).categories.find((c) => c.category === 'g.small')!;
    expect(shrunk.growth).toBeCloseTo((60 + 100 * (1260 / 1212)) / (12 + 100), 10);
  });

  it('shares a category out by recency-weighted place shares, shrunk toward group and all-ticket shares', () => {
    // One month of history: weights all 1. Places A, B; categories g.a, g.b (group g) and h.c.
    const h: MonthlyHistory = {
      firstMonth: 0,
      coveredDays: [10],
      units: [
        { place: 'A', category: 'g.a', counts: [4] },
        { place: 'B', category: 'g.a', counts: [1] },
        { place: 'B', category: 'g.b', counts: [5] },
        { place: 'A', category: 'h.c', counts: [10] },
      ],
    };
    const f = forecastMonth(h, 1, 10); // β = 10
    const total = 4 + 1 + 5 + 10;
    const shareAllA = 14 / total;
    const shareGroupA = (4 + 10 * shareAllA) / (10 + 10);
    const shareA = (4 + 10 * shareGroupA) / (5 + 10);
    const rate = f.categories.find((c) => c.category === 'g.a')!.perDay;
    expect(rate).toBeCloseTo(0.5, 12); // 5 tickets in 10 days, no season or trend from one month
    expect(f.units.find((u) => u.place === 'A' && u.category === 'g.a')!.expected).toBeCloseTo(rate * 10 * shareA, 12);
    // Without shrinkage the share is the place's own.
    const bare = forecastMonth(h, 1, 10, noShrink);
    expect(bare.units.find((u) => u.place === 'A' && u.category === 'g.a')!.expected).toBeCloseTo(5 * (4 / 5), 12);
    // Recency: a place busy long ago and quiet lately is outweighed by one busy lately.
    const drift: MonthlyHistory = {
      firstMonth: 0,
      coveredDays: new Array(12).fill(10),
      units: [
        { place: 'old', category: 'g.a', counts: [10, 10, 10, 10, 10, 10, 2, 2, 2, 2, 2, 2] },
        { place: 'new', category: 'g.a', counts: [2, 2, 2, 2, 2, 2, 10, 10, 10, 10, 10, 10] },
      ],
    };
    const d = forecastMonth(drift, 12, 10, noShrink);
    // Weights 0.5^(age/6): new's share = Σ w·n_new / Σ w·12.
    const w = (i: number) => 0.5 ** ((11 - i) / DEFAULT_FORECAST_PARAMS.halfLifeMonths);
    let num = 0;
    let den = 0;
    for (let i = 0; i < 12; i++) {
      num += w(i) * drift.units[1].counts[i];
      den += w(i) * 12;
    }
    const newer = d.units.find((u) => u.place === 'new')!.expected;
    const older = d.units.find((u) => u.place === 'old')!.expected;
    expect(newer / (newer + older)).toBeCloseTo(num / den, 12);
    expect(newer).toBeGreaterThan(1.5 * older);
  });
});

describe('forecast baselines and backtest', () => {
  // Two places, one category, 13 covered months of 10 days each: A = 2 (4 in month 1), B = 1.
  const history: MonthlyHistory = {
    firstMonth: 0,
    coveredDays: new Array(13).fill(10),
    units: [
      { place: 'A', category: 'k', counts: [2, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] },
      { place: 'B', category: 'k', counts: new Array(13).fill(1) },
    ],
  };

  it('never lets the backtest see its target month', () => {
    const cut = historyBefore(history, 5);
    expect(cut.coveredDays).toHaveLength(5);
    expect(cut.units[0].counts).toEqual([2, 4, 2, 2, 2]);
  });

  it('scores precision@k against the actual top k, counting ties by their expected hits', () => {
    // Actual top 2 = {0, 2} (counts 10, 8); the method's top 2 = {0, 1}: one hit.
    expect(precisionAtK([5, 4, 3, 2, 1], [10, 0, 8, 0, 1], 2)).toBe(0.5);
    // Four-way tie for one place, one of them relevant: expected 1/4.
    expect(precisionAtK([1, 1, 1, 1], [3, 0, 0, 0], 1)).toBe(0.25);
    expect(precisionAtK([1, 2], [0, 0], 1)).toBeNull();
  });

  it('backtests only months with a month before them, and the seasonal baseline only where last year exists', () => {
    const rows = backtest(history, { from: 0, to: 12 }, 1, 'place', () => 10);
    expect(rows.map((r) => r.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(rows.find((r) => r.month === 12)!.sameMonthLastYear).toBe(1);
    expect(rows.find((r) => r.month === 11)!.sameMonthLastYear).toBeNull();
    // A is always the busiest place: every method finds it.
    expect(rows.every((r) => r.forecast === 1 && r.lastMonth === 1 && r.priorMean === 1)).toBe(true);
    expect(rows.find((r) => r.month === 12)!.seasonalNaive).toBe(1);
    expect(rows.find((r) => r.month === 11)!.seasonalNaive).toBeNull();
  });

  it('has a mean-of-all-prior-months and a seasonal naive baseline', () => {
    // A: 28 tickets over 13 × 10 days; B: 13.
    expect(priorMeanRates(history)).toEqual([28 / 130, 13 / 130]);
    // Month 13: month 1 a year back (A 4, B 1); no year before months 10–12, so no growth.
    expect(seasonalNaive(history, 13)).toEqual([4, 1]);
    expect(seasonalNaive(history, 11)).toBeNull();
    // Month 16 = month 4 a year on (3 tickets) × growth (5+5+5)/(1+1+1) = 5, clamped to 2.
    const grown: MonthlyHistory = {
      firstMonth: 0,
      coveredDays: new Array(16).fill(10),
      units: [{ place: 'A', category: 'k', counts: [1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 5] }],
    };
    expect(seasonalNaive(grown, 16)).toEqual([3 * 2]);
  });

  it('compares the forecast with a baseline by a paired bootstrap over months', () => {
    const better = pairedBootstrap([0.5, 0.6, 0.7, 0.4], [0.4, 0.5, 0.6, 0.3], { resamples: 999 });
    expect(better.months).toBe(4);
    expect(better.difference).toBeCloseTo(0.1, 12);
    expect(better.low).toBeCloseTo(0.1, 12);
    expect(better.high).toBeCloseTo(0.1, 12);
    expect(better.p).toBe(1 / 1000); // no resample has a mean ≤ 0
    const worse = pairedBootstrap([0.3, 0.3], [0.4, 0.5], { resamples: 999 });
    expect(worse.p).toBe(1);
    // Months where either is missing are left out; a single month gives no p.
    expect(pairedBootstrap([0.5, null, 0.2], [0.1, 0.3, null])).toEqual({
      months: 1,
      difference: 0.4,
      low: null,
      high: null,
      p: null,
    });
    const mixed = [0.5, 0.1, 0.6, 0.2, 0.55];
    const base = [0.3, 0.3, 0.3, 0.3, 0.3];
    expect(pairedBootstrap(mixed, base)).toEqual(pairedBootstrap(mixed, base)); // seeded
    const m = pairedBootstrap(mixed, base);
    expect(m.p!).toBeGreaterThan(0.01);
    expect(m.p!).toBeLessThan(0.5);
  });
});
