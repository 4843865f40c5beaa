// Compatibility between @deck.gl/mapbox 9.4 and maplibre-gl 6.
//
// @deck.gl/mapbox reads `map.transform` (canvas height, near/far planes) on every frame;
// maplibre-gl 6 moved it to `map._camera.transform` (visgl/deck.gl#10501), so interleaved
// rendering throws "reading 'height'". We re-expose it read-only. The proper fix is
// deck.gl's `@deck.gl/maplibre` package (MapLibreOverlay), which is not installed here;
// switch to it and delete this shim when it is.
// (The related uniform-buffer clash, maplibre/maplibre-gl-js#8413, needs no workaround here:
// maplibre-gl 6.17 forgets its cached uniform bindings after every custom layer.)
import type { Map as MapLibreMap } from 'maplibre-gl';

export function exposeTransformForDeck(map: MapLibreMap): void {
  if ((map as unknown as { transform?: unknown }).transform !== undefined) return;
  Object.defineProperty(map, 'transform', {
    configurable: true,
    get(this: { _camera?: { transform: unknown } }) {
      return this._camera?.transform;
    },
  });
}
