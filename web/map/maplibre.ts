// MapLibre set-up shared by every map on the dashboard.
import { setWorkerUrl, type Map as MapLibreMap, type MapOptions, type PaddingOptions } from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { cityBounds, cityBoundsKnown, loadCityBounds, mapLimits } from '../composables/city.ts';

// The worker ships as its own file in maplibre-gl 6; a bundler cannot find it by itself.
setWorkerUrl(maplibreWorkerUrl);

/** The whole city, for the first view and "fit city": the active city's extent (composables/city.ts). */
export { cityBounds };

/** Map options that open on the whole city and keep the view around it. */
export function cityView(
  padding: number | PaddingOptions,
): Pick<MapOptions, 'bounds' | 'fitBoundsOptions' | 'minZoom' | 'maxBounds'> {
  const { minZoom, maxBounds } = mapLimits();
  return { bounds: cityBounds(), fitBoundsOptions: { padding }, minZoom, maxBounds };
}

/**
 * Without a city package the city's extent is the districts' extent, known only once they are
 * loaded: then the map's limits are set and `fit` frames it. Nothing to do when it was known.
 */
export function whenCityLocated(map: MapLibreMap, fit: () => void): void {
  if (cityBoundsKnown()) return;
  void loadCityBounds().then(() => {
    if (!map.getContainer().isConnected) return;
    const { minZoom, maxBounds } = mapLimits();
    map.setMaxBounds(maxBounds ?? null);
    map.setMinZoom(minZoom);
    fit();
  });
}

/**
 * Test hook: the map's container carries its current centre ("lon,lat") and visible bounds
 * ("w,s,e,n") after every move, so browser tests can check what a map frames.
 */
export function exposeView(map: MapLibreMap): void {
  const write = () => {
    const c = map.getCenter();
    const b = map.getBounds();
    const el = map.getContainer();
    el.dataset.center = `${c.lng.toFixed(5)},${c.lat.toFixed(5)}`;
    el.dataset.bounds = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(',');
  };
  write();
  map.on('moveend', write);
  map.on('resize', write);
}
