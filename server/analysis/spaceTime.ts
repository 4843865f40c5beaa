// Space-time cube → per-step hot spots → per-location emerging pattern: the glue of
// Emerging Hot Spot Analysis, pure (numbers in, numbers out; the rollups supply the cube).
//
// Follows ArcGIS Emerging Hot Spot Analysis with these deliberate simplifications:
// - Gi* is computed per time step over spatial neighbours in that step only (ArcGIS's
//   "neighbourhood time step" also pulls in bins of the preceding step(s)), and each step
//   is compared with its own mean and S (ArcGIS "Define global window" = Individual time
//   step), so a city-wide seasonal rise does not paint every cell hot.
// - Bins per step use the FDR correction across that step's locations by default (as
//   ArcGIS does), at 90/95/99% (see fdr.ts); EHSA counts |bin| ≥ 1 as significant.
// - Mann-Kendall runs on each location's Gi* z series (see mannKendall.ts), and the
//   class comes from emerging.ts. The z-scores are rounded to 1e-9 first: a cluster
//   whose neighbourhood and step statistics do not change has the same z in every step
//   only up to the last bits (each step sums its values in a different order), and
//   Mann-Kendall counts signs, so monotone rounding noise alone would read as a
//   significant "intensifying" or "diminishing" trend. Gi* means nothing below 1e-7.
import { confidenceBins, type ConfidenceBin } from './fdr.ts';
import { compactNeighbours, giStar, type GiStarDegenerate, type NeighbourLists } from './gistar.ts';
import { mannKendall, type MannKendallResult } from './mannKendall.ts';
import { classifyEmerging, type EmergingPatternId } from './emerging.ts';

/** z-scores are compared for the trend at 9 decimals (see header). */
const Z_TREND_SCALE = 1e9;

export interface SpaceTimeCube {
  /** counts[location][step], oldest step first; every row has the same length. */
  counts: ReadonlyArray<ArrayLike<number>>;
  /** Spatial neighbours per location (self is added, see gistar.ts). */
  neighbours: NeighbourLists;
}

export interface SpaceTimeOptions {
  /** Correct each step's bins for multiple testing (Benjamini–Hochberg). Default true. */
  fdr?: boolean;
  /** Mann-Kendall significance for the trend classes. Default 0.05. */
  trendAlpha?: number;
}

export interface StepHotSpots {
  z: number[];
  p: number[];
  bins: ConfidenceBin[];
  cutoffs: { p99: number; p95: number; p90: number };
  degenerate: GiStarDegenerate | null;
}

export interface LocationTrend {
  trend: MannKendallResult;
  pattern: EmergingPatternId;
}

export interface SpaceTimeResult {
  steps: StepHotSpots[];
  locations: LocationTrend[];
}

export function emergingHotSpots(cube: SpaceTimeCube, options: SpaceTimeOptions = {}): SpaceTimeResult {
  const fdr = options.fdr ?? true;
  const n = cube.counts.length;
  if (cube.neighbours.length !== n) {
    throw new RangeError(`${n} locations but ${cube.neighbours.length} neighbour lists`);
  }
  const stepCount = n === 0 ? 0 : cube.counts[0].length;
  cube.counts.forEach((row, i) => {
    if (row.length !== stepCount) throw new RangeError(`location ${i} has ${row.length} steps, expected ${stepCount}`);
  });
  const nb = compactNeighbours(cube.neighbours);
  const column = new Float64Array(n);
  const steps: StepHotSpots[] = [];
  for (let t = 0; t < stepCount; t++) {
    for (let i = 0; i < n; i++) column[i] = cube.counts[i][t];
    const { z, p, degenerate } = giStar(column, nb);
    const { bins, cutoffs } = confidenceBins(z, p, { fdr });
    steps.push({ z, p, bins, cutoffs, degenerate });
  }
  const locations: LocationTrend[] = [];
  const zSeries = new Float64Array(stepCount);
  const binSeries = new Int8Array(stepCount);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < stepCount; t++) {
      zSeries[t] = Math.round(steps[t].z[i] * Z_TREND_SCALE) / Z_TREND_SCALE;
      binSeries[t] = steps[t].bins[i];
    }
    const trend = mannKendall(zSeries);
    locations.push({ trend, pattern: classifyEmerging(binSeries, trend, { trendAlpha: options.trendAlpha }) });
  }
  return { steps, locations };
}
