// One hot spot map: Gi* z and p, then confidence bins (FDR-corrected by default), for a set of
// locations with their counts and neighbours. Pure glue of gistar.ts and fdr.ts, shared by the
// H3 and region endpoints so both classify exactly alike.
import { confidenceBins, type ConfidenceBin } from './fdr.ts';
import { giStar, type GiStarDegenerate, type NeighbourLists } from './gistar.ts';

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
  options: { fdr: boolean },
): HotspotMap {
  if (ids.length !== counts.length) throw new RangeError(`${ids.length} locations but ${counts.length} counts`);
  const { z, p, degenerate } = giStar(counts, neighbours);
  const { bins, cutoffs } = confidenceBins(z, p, { fdr: options.fdr });
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
