// The forecast count model (forecastModel.ts) on hand-computed cases: month-of-year index, level ×
// trend × season for a category, place shares carried by their area's shrunk trend, the baselines,
// precision@k and the paired bootstrap.
import { describe, expect, it } from 'vitest';
import { cellToCenterChild } from 'h3-js';
import {
  areaSlopes,
  backtest,
  DEFAULT_FORECAST_PARAMS,
  forecastMonth,
  groupOf,
  historyBefore,
  pairedBootstrap,
  poissonTrend,
  precisionAtK,
  priorMeanRates,
  seasonalIndex,
  seasonalNaive,
  shrinkSlopes,
  trendAreaOf,
  type MonthlyHistory,
} from '../../../server/analysis/forecastModel.ts';

const noShrink = { ...DEFAULT_FORECAST_PARAMS, seasonPseudoTickets: 0, trendPseudoTickets: 0 };

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

  it("shares a category out by each place's own long-run share", () => {
    // One month of history: no trend can be told. Places A, B; categories g.a, g.b and h.c.
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
    const f = forecastMonth(h, 1, 10);
    const rate = f.categories.find((c) => c.category === 'g.a')!.perDay;
    expect(rate).toBeCloseTo(0.5, 12); // 5 tickets in 10 days, no season or trend from one month
    expect(f.units.find((u) => u.place === 'A' && u.category === 'g.a')!.expected).toBeCloseTo(5 * (4 / 5), 12);
    expect(f.units.find((u) => u.place === 'B' && u.category === 'g.a')!.expected).toBeCloseTo(5 * (1 / 5), 12);
    expect(f.units.find((u) => u.place === 'B' && u.category === 'g.b')!.expected).toBeCloseTo(5, 12);
  });

  it('fits a log-linear trend against an offset and shrinks slopes by their spread (DerSimonian–Laird)', () => {
    // Noise-free: n = e·exp(0.3·t) is fitted exactly.
    const t = Array.from({ length: 24 }, (_, i) => (i - 23) / 12);
    const e = t.map((_, i) => 50 + 10 * (i % 3));
    const n = t.map((x, i) => e[i] * 2 * Math.exp(0.3 * x));
    const fit = poissonTrend(n, e, t);
    expect(fit.slope).toBeCloseTo(0.3, 10);
    // Observed information: Var(b) = Σμ / (Σμ·Σμt² − (Σμt)²).
    const mu = n;
    const s0 = mu.reduce((a, x) => a + x, 0);
    const s1 = mu.reduce((a, x, i) => a + x * t[i], 0);
    const s2 = mu.reduce((a, x, i) => a + x * t[i] ** 2, 0);
    expect(fit.variance).toBeCloseTo(s0 / (s0 * s2 - s1 * s1), 12);
    // No tickets, or all of them in the last month: no slope to carry.
    expect(poissonTrend(new Array(24).fill(0), e, t)).toEqual({ slope: 0, variance: Infinity });
    expect(poissonTrend([...new Array(23).fill(0), 40], e, t)).toEqual({ slope: 0, variance: Infinity });
    // Slopes 0.4, −0.2, 0.1 with variances 0.01, 0.04, 0.01: w = 100, 25, 100; weighted mean
    // (40 − 5 + 10)/225 = 0.2; Q = 100·0.04 + 25·0.16 + 100·0.01 = 9; τ² = (9 − 2)/(225 − 20625/225).
    const fits = [
      { slope: 0.4, variance: 0.01 },
      { slope: -0.2, variance: 0.04 },
      { slope: 0.1, variance: 0.01 },
      { slope: 3, variance: Infinity },
    ];
    const { tau2, shrunk } = shrinkSlopes(fits);
    const expectedTau2 = 7 / (225 - 20625 / 225);
    expect(tau2).toBeCloseTo(expectedTau2, 12);
    expect(shrunk[0]).toBeCloseTo((0.4 * expectedTau2) / (expectedTau2 + 0.01), 12);
    expect(shrunk[1]).toBeCloseTo((-0.2 * expectedTau2) / (expectedTau2 + 0.04), 12);
    expect(shrunk[3]).toBe(0);
    // Equal slopes: no spread, nothing carried.
    expect(shrinkSlopes([fits[0], { slope: 0.4, variance: 0.02 }]).shrunk).toEqual([0, 0]);
  });

  it("carries each place's share by its area's trend (res-7 parent), pooled over its categories", () => {
    // Three res-7 areas, one res-8 cell each: one grows 30% a year, one shrinks, one is flat; every
    // area has two categories with the same monthly counts, so only the trend moves the shares.
    const areas = ['8731aa400ffffff', '8731aa401ffffff', '8731aa402ffffff'];
    const cells = areas.map((a) => cellToCenterChild(a, 8));
    expect(cells.map((c) => trendAreaOf(c, 7))).toEqual(areas);
    expect(trendAreaOf(areas[0], 7)).toBe(areas[0]);
    expect(trendAreaOf('A', 7)).toBe('A');
    const g = [0.3, -0.3, 0];
    const counts = (j: number) =>
      Array.from({ length: 24 }, (_, i) => Math.round(200 * Math.exp((g[j] * (i - 11.5)) / 12)));
    const h: MonthlyHistory = {
      firstMonth: 24_000,
      coveredDays: new Array(24).fill(30),
      units: cells.flatMap((place, j) => ['g.a', 'h.b'].map((category) => ({ place, category, counts: counts(j) }))),
    };
    const slopes = areaSlopes(h, 7);
    expect(slopes.tau2).toBeGreaterThan(0);
    const b = cells.map((c) => slopes.perPlace.get(c)!);
    expect(b[0]).toBeGreaterThan(0.2);
    expect(b[1]).toBeLessThan(-0.2);
    // The share: Σ n / Σ N_k(m)·exp(b·(m − T)/12), normalised over the category's places.
    const T = 24_024;
    const all = Array.from({ length: 24 }, (_, i) => counts(0)[i] + counts(1)[i] + counts(2)[i]);
    const raw = cells.map((_, j) => {
      let den = 0;
      for (let i = 0; i < 24; i++) den += all[i] * Math.exp((b[j] * (24_000 + i - T)) / 12);
      return counts(j).reduce((a, x) => a + x, 0) / den;
    });
    const f = forecastMonth(h, T, 30);
    const rate = f.categories.find((c) => c.category === 'g.a')!.perDay * 30;
    cells.forEach((c, j) =>
      expect(f.units.find((u) => u.place === c && u.category === 'g.a')!.expected).toBeCloseTo(
        (rate * raw[j]) / (raw[0] + raw[1] + raw[2]),
        10,
      ),
    );
    const share = (j: number) => f.units.find((u) => u.place === cells[j] && u.category === 'g.a')!.expected / rate;
    // The growing area's share ends above its last month's (carried past it), the shrinking one's below.
    expect(share(0)).toBeGreaterThan(counts(0)[23] / all[23]);
    expect(share(1)).toBeLessThan(counts(1)[23] / all[23]);
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
