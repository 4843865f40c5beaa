// Synthetic cities for the calibration, power and recovery tests: H3 cells around a core with a
// demand surface like the demo's (falling with distance from the core, uneven from cell to cell),
// Poisson draws from it, seeded. Pure TypeScript: hundreds of maps in a few seconds.
import { cellToLatLng, gridDisk, gridDistance, latLngToCell } from 'h3-js';
import { Rng } from '../../../data/demo/random.ts';
import { h3NeighbourLists } from '../../../server/analysis/gistar.ts';

/** Poisson draw by inversion (exact; fine for the means of a cell, < 700). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 600) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = rng.next();
  while (u > cdf && k < 10_000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

export interface SyntheticCity {
  cells: string[];
  /** Index of the core cell. */
  core: number;
  /** Grid distance of each cell from the core. */
  distance: number[];
  /** Mean tickets per cell in one period (a month). */
  rate: Float64Array;
  /** 1-ring neighbours (the count measure's Gi* neighbourhood). */
  neighbours: number[][];
  /** ring[i] = cells at grid distance 2..3: the surroundings of a 1-ring neighbourhood. */
  rings: number[][];
  /** cellRings[i] = cells at grid distance 1..2: the surroundings of a cell alone (k = 1). */
  cellRings: number[][];
}

/**
 * A city of 3K(K+1)+1 res-8 cells (K = radius) with `monthly` tickets a month: a core that is
 * ~15× as busy per cell as the edge, and log-normal unevenness between cells (σ = 0.35 by default:
 * the demo's places differ from their surroundings by φ ≈ 0.1, emergingExcess.ts).
 */
export function syntheticCity(seed: number, radius: number, monthly: number, sigma = 0.35): SyntheticCity {
  const rng = new Rng(seed);
  const centre = latLngToCell(39.9, 116.4, 8);
  const cells = [...gridDisk(centre, radius)].sort();
  const distance = cells.map((c) => gridDistance(centre, c));
  const raw = cells.map((_, i) => Math.exp(-distance[i] / (radius / 2.7)) * Math.exp(sigma * rng.normal()));
  const sum = raw.reduce((a, b) => a + b, 0);
  const rate = Float64Array.from(raw, (r) => (r / sum) * monthly);
  const neighbours = h3NeighbourLists(cells, 1);
  const index = new Map(cells.map((c, i) => [c, i]));
  const ring = (c: string, inner: number, outer: number) => {
    const near = new Set(gridDisk(c, inner));
    return gridDisk(c, outer)
      .filter((x) => !near.has(x))
      .map((x) => index.get(x))
      .filter((j): j is number => j !== undefined);
  };
  const rings = cells.map((c) => ring(c, 1, 3));
  const cellRings = cells.map((c) => ring(c, 0, 2));
  return { cells, core: cells.indexOf(centre), distance, rate, neighbours, rings, cellRings };
}

/** Cells with a mean near the given quantile of the city's rates, away from the edge. */
export function cellsAtQuantile(city: SyntheticCity, q: number, radius: number): number[] {
  const inside = city.cells.map((_, i) => i).filter((i) => city.distance[i] <= radius - 4);
  const sorted = [...inside].sort((a, b) => city.rate[a] - city.rate[b]);
  const at = Math.floor(q * (sorted.length - 1));
  return sorted.slice(Math.max(0, at - 10), at + 10);
}

/** Indices of the 7-cell patch (a cell and its ring) around cell i. */
export function patch(city: SyntheticCity, i: number): number[] {
  return [i, ...city.neighbours[i].filter((j) => j !== i)];
}

export function centreOf(city: SyntheticCity, i: number): [number, number] {
  const [lat, lon] = cellToLatLng(city.cells[i]);
  return [lon, lat];
}

export { Rng };
