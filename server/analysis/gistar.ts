// Getis-Ord Gi* local hot spot statistic (Ord & Getis 1995, "Local spatial
// autocorrelation statistics: distributional issues and an application", Geographical
// Analysis 27(4), 286–306), with binary weights, as ArcGIS Hot Spot Analysis computes it:
//
//   Gi* = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / (S · sqrt((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))
//   X̄ = Σx / n,   S = sqrt(Σx² / n − X̄²)
//
// Gi* is already a z-score; p is two-sided from the standard normal.
//
// Decisions:
// - Binary weights, and a location is ALWAYS its own neighbour (that is the star in Gi*):
//   i is added to its own set whether or not the caller lists it, and duplicate indices
//   count once, so Σw = Σw² = W_i, the size of the set.
// - The study area is exactly the locations given. A cell with no tickets that is left
//   out is not a zero, it is outside the study: it neither lowers X̄ nor counts as a
//   neighbour. Callers that mean "no tickets here" must pass the cell with value 0.
// - Degenerate cases are explicit, never NaN: n < 3 (Gi* is ±1 or undefined there) gives
//   z = 0, p = 1 everywhere with degenerate = 'too_few_locations'; all values equal
//   (S = 0) gives z = 0, p = 1 with degenerate = 'no_variance'; a location whose set
//   covers all n locations has a zero denominator (and numerator) and gets z = 0, p = 1.
// - S is computed as sqrt(Σ(x − X̄)² / n), algebraically the same as the formula above
//   but without its cancellation for large counts.
// - Neighbour sets are compacted once (CSR arrays); `spaceTime` reuses them per step.
import { gridDisk } from 'h3-js';
import { twoSidedP } from './normal.ts';

/** neighbours[i] lists indices of i's neighbours (i itself may be omitted). */
export type NeighbourLists = ReadonlyArray<ReadonlyArray<number>>;

/** Neighbour sets in compressed-row form, self included, without duplicates. */
export interface CompactNeighbours {
  readonly n: number;
  /** Set of i is indices[offsets[i] .. offsets[i + 1]). */
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
}

export type GiStarDegenerate = 'too_few_locations' | 'no_variance';

export interface GiStarResult {
  z: number[];
  p: number[];
  /** Why every z is 0, or null when the statistic was computed. */
  degenerate: GiStarDegenerate | null;
}

/** Deduplicate each set and add i to its own set. Throws on out-of-range indices. */
export function compactNeighbours(neighbours: NeighbourLists): CompactNeighbours {
  const n = neighbours.length;
  let total = n;
  for (let i = 0; i < n; i++) total += neighbours[i].length;
  const offsets = new Int32Array(n + 1);
  const scratch = new Int32Array(total);
  const seenBy = new Int32Array(n).fill(-1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = k;
    seenBy[i] = i;
    scratch[k++] = i;
    for (const j of neighbours[i]) {
      if (!Number.isInteger(j) || j < 0 || j >= n) {
        throw new RangeError(`neighbour index ${j} of location ${i} is not in 0..${n - 1}`);
      }
      if (seenBy[j] !== i) {
        seenBy[j] = i;
        scratch[k++] = j;
      }
    }
  }
  offsets[n] = k;
  return { n, offsets, indices: scratch.slice(0, k) };
}

function isCompact(nb: NeighbourLists | CompactNeighbours): nb is CompactNeighbours {
  return !Array.isArray(nb) && 'offsets' in nb;
}

/** Gi* z-score and two-sided p-value for every location. */
export function giStar(x: ArrayLike<number>, neighbours: NeighbourLists | CompactNeighbours): GiStarResult {
  const nb = isCompact(neighbours) ? neighbours : compactNeighbours(neighbours);
  const n = x.length;
  if (nb.n !== n) throw new RangeError(`${n} values but ${nb.n} neighbour sets`);
  const z = new Array<number>(n).fill(0);
  const p = new Array<number>(n).fill(1);
  if (n < 3) return { z, p, degenerate: 'too_few_locations' };

  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new RangeError(`value ${v} at location ${i} is not a finite number`);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Test equality directly: a computed S of "all equal" values can be 1e-17, not 0.
  if (min === max) return { z, p, degenerate: 'no_variance' };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  const s = Math.sqrt(ss / n);

  const { offsets, indices } = nb;
  for (let i = 0; i < n; i++) {
    const start = offsets[i];
    const end = offsets[i + 1];
    const w = end - start;
    let local = 0;
    for (let k = start; k < end; k++) local += x[indices[k]];
    const spread = (n * w - w * w) / (n - 1);
    if (spread <= 0) continue; // the set is the whole study area: nothing to compare with
    const zi = (local - mean * w) / (s * Math.sqrt(spread));
    z[i] = zi;
    p[i] = twoSidedP(zi);
  }
  return { z, p, degenerate: null };
}

/**
 * Neighbour lists for H3 cells: j is a neighbour of i when j is within grid distance k of i
 * (h3 `gridDisk`, which includes i itself). Only cells present in `cells` are kept: the
 * caller decides the study area (include zero-count cells to have them count as zeros).
 */
export function h3NeighbourLists(
  cells: ReadonlyArray<string>,
  k: number,
  disk: (cell: string, k: number) => string[] = gridDisk,
): number[][] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  const index = new Map<string, number>();
  cells.forEach((cell, i) => {
    if (index.has(cell)) throw new RangeError(`cell ${cell} appears twice`);
    index.set(cell, i);
  });
  return cells.map((cell) => {
    const out: number[] = [];
    for (const other of disk(cell, k)) {
      const j = index.get(other);
      if (j !== undefined) out.push(j);
    }
    return out;
  });
}
