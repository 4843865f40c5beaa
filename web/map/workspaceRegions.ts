// Which boundaries the drill-down shows at each depth, fetched once per parent and kept.
import type { RegionCollection } from '../api/types.ts';
import type { RegionStep } from '../stores/filters.ts';
import { fetchRegions } from '../composables/api.ts';

const cache = new Map<string, Promise<RegionCollection>>();

function regions(level: 'district' | 'street' | 'grid', parent: string | null): Promise<RegionCollection> {
  const key = `${level}:${parent ?? ''}`;
  let p = cache.get(key);
  if (!p) {
    p = fetchRegions(level, parent);
    cache.set(key, p);
    p.catch(() => cache.delete(key)); // a failure is retried next time
  }
  return p;
}

/**
 * City → its districts; district → its streets; street → its grid cells; a grid cell → its
 * street's cells (the chosen one is outlined). `parent` is the code whose children are labelled.
 */
export async function childrenFor(
  path: readonly RegionStep[],
): Promise<{ fc: RegionCollection; level: RegionStep['level']; parent: string | null }> {
  const last = path.at(-1);
  if (!last) return { fc: await regions('district', null), level: 'district', parent: null };
  if (last.level === 'district') return { fc: await regions('street', last.code), level: 'street', parent: last.code };
  const street = last.level === 'street' ? last.code : (path.at(-2)?.code ?? null);
  return { fc: await regions('grid', street), level: 'grid', parent: street };
}
