// Conditional permutation inference for local sums (Gi*-type statistics), as PySAL's esda
// `G_Local(..., star=True, permutations=999)` computes it (Anselin 1995, "Local indicators of
// spatial association — LISA", Geographical Analysis 27(2), §"conditional randomization"; Rey &
// Anselin, PySAL): each location keeps its own value, the values of its neighbours are replaced by
// values drawn without replacement from all OTHER locations, and the observed neighbourhood sum is
// compared with the sums of those draws.
//
//   pUpper = (#{sims > observed} + ½·#{sims = observed} + 1) / (permutations + 1)   pLower likewise
//   p      = min(1, 2 · min(pUpper, pLower))                     two-sided
//
// Why: counts of tickets are nothing like normal (most cells hold 0–2, a few hundreds), and the
// normal p-value of Gi* on them reports structure in maps that have none (issue 13: 141 "hot"
// cells on average on randomly permuted maps). Under the permutation null every location's p is
// valid by construction, whatever the distribution of the values.
//
// Decisions:
// - As in PySAL's `crand`, one table of random draws serves every location (row = permutation,
//   column = draw; a draw r ≥ i stands for location r + 1, so location i is never drawn for
//   itself). The table is permutations × the largest neighbour count, drawn by partial
//   Fisher–Yates from a seeded generator (random.ts): the same map always gets the same p-values.
// - Two-sided by doubling the smaller tail (PySAL reports the one-sided folded value); the sign
//   is the side of the smaller tail (0 when both tails are equal).
// - Ties count half (mid-p, as distributions.ts does for counts; equality within 1e-9 relative):
//   sums of small counts tie often, and counting ties as extreme (PySAL's ≥) halves the type-I
//   error of a sparse map at α = 0.01 (calibration.test.ts measures it).
// - A location whose neighbourhood is every other location, or that has no neighbour, gets p = 1.
import { compactNeighbours, type CompactNeighbours, type NeighbourLists } from './gistar.ts';
import { SeededRandom } from './random.ts';

export const DEFAULT_PERMUTATIONS = 999;
export const DEFAULT_PERMUTATION_SEED = 12345;

export interface PermutationOptions {
  permutations?: number;
  seed?: number;
}

export interface PermutationResult {
  permutations: number;
  pUpper: Float64Array;
  pLower: Float64Array;
  /** Two-sided p. */
  p: number[];
  /** +1 high, −1 low, 0 neither. */
  sign: Int8Array;
}

function isCompact(nb: NeighbourLists | CompactNeighbours): nb is CompactNeighbours {
  return !Array.isArray(nb) && 'offsets' in nb;
}

export function conditionalPermutation(
  values: ArrayLike<number>,
  neighbours: NeighbourLists | CompactNeighbours,
  options: PermutationOptions = {},
): PermutationResult {
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  if (!Number.isInteger(permutations) || permutations < 1)
    throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
  const nb = isCompact(neighbours) ? neighbours : compactNeighbours(neighbours);
  const n = values.length;
  if (nb.n !== n) throw new RangeError(`${n} values but ${nb.n} neighbour sets`);
  const x = Float64Array.from(values);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(x[i])) throw new RangeError(`value ${x[i]} at location ${i} is not a finite number`);
  const { offsets, indices } = nb;
  let maxW = 0;
  for (let i = 0; i < n; i++) maxW = Math.max(maxW, offsets[i + 1] - offsets[i] - 1);
  maxW = Math.min(maxW, Math.max(0, n - 1));

  // The shared table of draws: row p holds maxW distinct indices in 0..n−2.
  const draws = new Int32Array(permutations * maxW);
  if (maxW > 0) {
    const rng = new SeededRandom(options.seed ?? DEFAULT_PERMUTATION_SEED);
    const pool = new Int32Array(n - 1);
    for (let j = 0; j < n - 1; j++) pool[j] = j;
    const swaps = new Int32Array(maxW);
    for (let p = 0; p < permutations; p++) {
      for (let k = 0; k < maxW; k++) {
        const r = k + rng.int(n - 1 - k);
        swaps[k] = r;
        const t = pool[k];
        pool[k] = pool[r];
        pool[r] = t;
        draws[p * maxW + k] = pool[k];
      }
      // Undo the swaps in reverse so the pool is 0..n−2 again (O(maxW), not O(n), per row).
      for (let k = maxW - 1; k >= 0; k--) {
        const r = swaps[k];
        const t = pool[k];
        pool[k] = pool[r];
        pool[r] = t;
      }
    }
  }

  const pUpper = new Float64Array(n).fill(1);
  const pLower = new Float64Array(n).fill(1);
  const p = new Array<number>(n).fill(1);
  const sign = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let observed = 0;
    let w = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const j = indices[k];
      if (j === i) continue;
      observed += x[j];
      w++;
    }
    if (w === 0 || w >= n - 1) continue;
    const tol = 1e-9 * (Math.abs(observed) + 1);
    let above = 0;
    let below = 0;
    for (let q = 0; q < permutations; q++) {
      const row = q * maxW;
      let s = 0;
      for (let k = 0; k < w; k++) {
        const r = draws[row + k];
        s += x[r >= i ? r + 1 : r];
      }
      if (s > observed + tol) above++;
      else if (s < observed - tol) below++;
    }
    const ties = permutations - above - below;
    const ge = above + 0.5 * ties;
    const le = below + 0.5 * ties;
    pUpper[i] = (ge + 1) / (permutations + 1);
    pLower[i] = (le + 1) / (permutations + 1);
    p[i] = Math.min(1, 2 * Math.min(pUpper[i], pLower[i]));
    sign[i] = pUpper[i] < pLower[i] ? 1 : pLower[i] < pUpper[i] ? -1 : 0;
  }
  return { permutations, pUpper, pLower, p, sign };
}
