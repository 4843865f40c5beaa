// MapLibre set-up shared by every map on the dashboard.
import { setWorkerUrl, type LngLatBoundsLike } from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// The worker ships as its own file in maplibre-gl 6; a bundler cannot find it by itself.
setWorkerUrl(maplibreWorkerUrl);

/** The whole city, for the first view and "fit city". */
export const CITY_BOUNDS: LngLatBoundsLike = [
  [115.42, 39.44],
  [117.51, 41.06],
];
