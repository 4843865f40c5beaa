// Region boundaries into the map's GeoJSON sources. Districts load at once; streets (≈340)
// and grid cells (≈4,000, a few MB) load the first time the camera zooms far enough to
// show them, so a wall display that stays at city scale never downloads them.
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { RegionCollection, RegionLevel } from '../api/types.ts';
import { fetchRegions } from '../composables/api.ts';
import { GRID_MIN_ZOOM, STREET_MIN_ZOOM } from './style.ts';

const SOURCE_OF: Record<RegionLevel, string> = { district: 'districts', street: 'streets', grid: 'grids' };

export function setRegionData(map: MapLibreMap, level: RegionLevel, fc: RegionCollection): void {
  map.getSource<GeoJSONSource>(SOURCE_OF[level])?.setData(fc);
}

/** Returns a check to call after each camera move; `onLoaded` sees each level once. */
export function lazyDetailLevels(
  map: MapLibreMap,
  onLoaded: (level: RegionLevel, fc: RegionCollection) => void,
): () => void {
  // start half a zoom step early so outlines are there when they fade in
  const levels: { level: RegionLevel; minZoom: number; requested: boolean }[] = [
    { level: 'street', minZoom: STREET_MIN_ZOOM - 0.5, requested: false },
    { level: 'grid', minZoom: GRID_MIN_ZOOM - 0.5, requested: false },
  ];
  return () => {
    for (const l of levels) {
      if (l.requested || map.getZoom() < l.minZoom) continue;
      l.requested = true;
      fetchRegions(l.level).then(
        (fc) => {
          setRegionData(map, l.level, fc);
          onLoaded(l.level, fc);
        },
        (err: unknown) => {
          l.requested = false; // try again on the next move
          console.warn(`${l.level} boundaries unavailable:`, err);
        },
      );
    }
  };
}
