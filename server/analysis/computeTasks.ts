// The analyses' heavy pure parts, named so they can run on the analysis thread (computeThread.ts):
// inputs and results are plain data (arrays, typed arrays, objects), nothing from the database.
import { daysInMonth } from './calendar.ts';
import { emergingAtTwoScales } from './emergingExcess.ts';
import {
  backtest,
  forecastMonth,
  type BacktestUnit,
  type ForecastParams,
  type MonthlyHistory,
  type PackedHistory,
  unpackHistory,
} from './forecastModel.ts';
import { cachedNeighbourLists, cachedRingLists } from './h3Neighbours.ts';
import { roundP, roundZ } from './hotspotMap.ts';
import { mannKendall } from './mannKendall.ts';

/**
 * Mann-Kendall on the tickets of each cell's neighbourhood (the cells Gi* sums) per step: the
 * plain "are complaints here rising" beside EHSA's trend of the z-score, which is relative to
 * each step's city-wide spread. rising / falling at p ≤ 0.05, else flat.
 */
export function neighbourhoodTrends(counts: number[][], neighbours: number[][], steps: number) {
  const series = new Float64Array(steps);
  return counts.map((_, i) => {
    series.fill(0);
    const set = new Set([i, ...neighbours[i]]);
    for (const j of set) for (let t = 0; t < steps; t++) series[t] += counts[j][t];
    const mk = mannKendall(series);
    const direction = mk.p <= 0.05 && mk.z > 0 ? 'rising' : mk.p <= 0.05 && mk.z < 0 ? 'falling' : 'flat';
    return { z: roundZ(mk.z), p: roundP(mk.p), direction };
  });
}

export const computeTasks = {
  /** The forecast of `horizon` months from `target` on, from the history before it. */
  forecastMonths(h: MonthlyHistory, target: number, horizon: number, params?: ForecastParams) {
    return Array.from({ length: horizon }, (_, k) => forecastMonth(h, target + k, daysInMonth(target + k), params));
  },
  /**
   * forecastMonths on a packed history (packHistory): each month's expected counts come back as one
   * array aligned with the history's units, not an object per unit.
   */
  forecastMonthsPacked(p: PackedHistory, target: number, horizon: number) {
    const h = unpackHistory(p);
    return computeTasks.forecastMonths(h, target, horizon).map((f) => {
      const expected = new Float64Array(h.units.length);
      f.units.forEach((u, j) => (expected[j] = u.expected));
      return { target: f.target, days: f.days, categories: f.categories, expected };
    });
  },
  /** backtest on a packed history (packHistory). */
  backtestPacked(
    p: PackedHistory,
    months: { from: number; to: number },
    k: number,
    unit: BacktestUnit,
    params?: ForecastParams,
  ) {
    return backtest(unpackHistory(p), months, k, unit, daysInMonth, params);
  },
  /** precision@k of the forecast and the baselines per month (forecastModel.ts backtest). */
  backtest(
    h: MonthlyHistory,
    months: { from: number; to: number },
    k: number,
    unit: BacktestUnit,
    params?: ForecastParams,
  ) {
    return backtest(h, months, k, unit, daysInMonth, params);
  },
  /** Emerging hot spots on the excess over the local baseline, at the cell and its k-ring (hotspots.ts). */
  emergingExcess(
    cells: string[],
    counts: number[][],
    k: number,
    ringWidth: number,
    options: { fdr: boolean; trendAlpha: number },
  ) {
    const neighbours = cachedNeighbourLists(cells, k);
    const steps = counts[0]?.length ?? 0;
    return {
      countTrends: neighbourhoodTrends(counts, neighbours, steps),
      result: emergingAtTwoScales(
        {
          counts,
          neighbours,
          cellRings: cachedRingLists(cells, 0, k + 1),
          neighbourhoodRings: cachedRingLists(cells, k, k + ringWidth),
        },
        options,
      ),
    };
  },
};

export type ComputeTasks = typeof computeTasks;
export type ComputeTask = keyof ComputeTasks;
