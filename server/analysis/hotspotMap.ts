// One hot spot map: Gi* z and p, then confidence bins (FDR-corrected by default), for a set of
// locations with their counts and neighbours. Pure glue of gistar.ts and fdr.ts, shared by the
// H3 and region endpoints so both classify exactly alike. With `permutations`, p comes from
// conditional permutation (permutation.ts, as PySAL's G_Local) instead of the normal curve, and
// the bins' sign from the side of the smaller tail; z stays the Gi* z-score (a description).
import { confidenceBins, type ConfidenceBin } from './fdr.ts';
import { compactNeighbours, giStar, type GiStarDegenerate, type NeighbourLists } from './gistar.ts';
import { conditionalPermutation } from './permutation.ts';

export interface HotspotLocation {
  id: string;
  count: number;
  z: number;
  p: number;
  bin: ConfidenceBin;
}

export interface HotspotMap {
  locations: HotspotLocation[];
  cutoffs: { p99: number; p95: number; p90: number };
  degenerate: GiStarDegenerate | null;
}

export function hotspotMap(
  ids: readonly string[],
  counts: ArrayLike<number>,
  neighbours: NeighbourLists,
  options: { fdr: boolean; permutations?: number; seed?: number },
): HotspotMap {
  if (ids.length !== counts.length) throw new RangeError(`${ids.length} locations but ${counts.length} counts`);
  const nb = compactNeighbours(neighbours);
  const { z, p: normalP, degenerate } = giStar(counts, nb);
  let p = normalP;
  let sign: ArrayLike<number> = z;
  if (options.permutations && degenerate === null) {
    const perm = conditionalPermutation(counts, nb, { permutations: options.permutations, seed: options.seed });
    p = perm.p;
    sign = perm.sign;
  }
  const { bins, cutoffs } = confidenceBins(sign, p, { fdr: options.fdr });
  return {
    locations: ids.map((id, i) => ({ id, count: counts[i], z: z[i], p: p[i], bin: bins[i] })),
    cutoffs,
    degenerate,
  };
}

/** z to 4 decimals: more is noise to a map, and keeps the JSON small. */
export const roundZ = (z: number): number => Math.round(z * 1e4) / 1e4 || 0;

/** p to 4 significant digits: tiny p-values must stay tiny (FDR cut-offs live near 1e-7). */
export const roundP = (p: number): number => (p === 0 ? 0 : Number(p.toPrecision(4)));
