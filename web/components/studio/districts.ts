// District outlines for the small SVG maps, read once per page load (they do not change).
import type { RegionCollection } from '../../api/types.ts';
import { fetchRegions } from '../../composables/api.ts';

let pending: Promise<RegionCollection> | null = null;

export function districtOutlines(): Promise<RegionCollection> {
  if (!pending) pending = fetchRegions('district').catch((err: unknown) => ((pending = null), Promise.reject(err)));
  return pending;
}
