// The analyses' heavy pure parts, named so they can run on the analysis thread (computeThread.ts):
// inputs and results are plain data (arrays, typed arrays, objects), nothing from the database.
import { daysInMonth } from './calendar.ts';
import { emergingAtTwoScales } from './emergingExcess.ts';
import {
  backtest,
  forecastMonth,
  type BacktestUnit,
  type ForecastParams,
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
  /**
   * The forecast of `horizon` months from `target` on, from the history before it. The history
   * crosses packed (packHistory); each month's expected counts come back as one array aligned with
   * its units, not an object per unit.
   */
  forecastMonths(p: PackedHistory, target: number, horizon: number, params?: ForecastParams) {
    const h = unpackHistory(p);
    return Array.from({ length: horizon }, (_, k) => {
      const f = forecastMonth(h, target + k, daysInMonth(target + k), params);
      return {
        target: f.target,
        days: f.days,
        categories: f.categories,
        expected: Float64Array.from(f.units, (u) => u.expected),
      };
    });
  },
  /** precision@k of the forecast and the baselines per month (forecastModel.ts backtest), on a packed history. */
  backtest(
    p: PackedHistory,
    months: { from: number; to: number },
    k: number,
    unit: BacktestUnit,
    params?: ForecastParams,
  ) {
    return backtest(unpackHistory(p), months, k, unit, daysInMonth, params);
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
