// One MapLibre start-up for every map component: the empty offline style (or a base map), the
// whole city as the first view and its limits, no rotation, the view exposed for browser tests,
// a refit once a package-less city's extent is known, and the map removed with the component.
// A browser without WebGL gets `failed` (the component shows its fallback) instead of an error.
import { Map as MapLibreMap, type MapOptions, type PaddingOptions, type StyleSpecification } from 'maplibre-gl';
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';
import { cityBounds, cityView, exposeView, whenCityLocated } from '../map/maplibre.ts';
import { emptyStyle } from '../map/style.ts';

export interface MapStart {
  /** Room around the city in the first view (a function: read when the map starts). */
  padding: number | PaddingOptions | (() => number | PaddingOptions);
  maxZoom?: number;
  /** The style; the empty offline one by default. */
  style?: () => StyleSpecification | string;
  /**
   * false: a display map (the wall) that nobody touches: no interaction, opens on the city's
   * extent without the interactive maps' zoom and pan limits.
   */
  interactive?: boolean;
  /** Further options for this map (e.g. a drawing buffer kept for PNG export). */
  options?: Partial<MapOptions>;
  /** Frame the map again once the city's extent is known (default: fit the whole city). */
  refit?: (map: MapLibreMap) => void;
  /** The map has started: add the component's own sources, layers and listeners. */
  started: (map: MapLibreMap) => void;
  /** Before the map is removed (overlays to finalize, timers to stop). */
  stopping?: (map: MapLibreMap) => void;
}

export function useMapLibre(container: Ref<HTMLElement | null>, start: MapStart): { failed: Ref<boolean> } {
  const failed = ref(false);
  let map: MapLibreMap | null = null;

  onMounted(() => {
    if (!container.value) return;
    const padding = typeof start.padding === 'function' ? start.padding() : start.padding;
    const interactive = start.interactive !== false;
    try {
      map = new MapLibreMap({
        container: container.value,
        style: start.style?.() || emptyStyle(),
        ...(interactive
          ? { ...cityView(padding), dragRotate: false, pitchWithRotate: false, touchPitch: false }
          : { bounds: cityBounds(), fitBoundsOptions: { padding }, interactive: false }),
        ...(start.maxZoom === undefined ? {} : { maxZoom: start.maxZoom }),
        attributionControl: false,
        ...start.options,
      });
    } catch (err) {
      console.warn('map init failed:', err);
      failed.value = true;
      return;
    }
    const m = map;
    if (interactive) m.touchZoomRotate.disableRotation();
    exposeView(m);
    whenCityLocated(m, () => (start.refit ? start.refit(m) : m.fitBounds(cityBounds(), { padding, animate: false })));
    start.started(m);
  });

  onBeforeUnmount(() => {
    if (!map) return;
    start.stopping?.(map);
    map.remove();
    map = null;
  });

  return { failed };
}
