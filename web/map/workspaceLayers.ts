// MapLibre layers of the workspace's drill-down: the children of the current region filled by
// their ticket count, their outlines, the hovered one and the chosen one. Added over the
// shared region layers (style.ts), below the ticket points.
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { RegionCollection } from '../api/types.ts';
import { POINTS_BEFORE_LAYER } from './style.ts';
import { countFill } from './workspaceChoropleth.ts';

export const CHILD_FILL = 'ws-children-fill';
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export function addWorkspaceLayers(map: MapLibreMap): void {
  map.addSource('ws-children', { type: 'geojson', data: EMPTY, promoteId: 'code' });
  map.addLayer(
    {
      id: CHILD_FILL,
      type: 'fill',
      source: 'ws-children',
      // the outlines are ws-children-line's: no antialiased edge of its own, which would cost a
      // further shader program (slow to link on a software GPU); the choropleth's opacity from
      // the start, so the first drawing does not fade
      paint: { 'fill-color': '#1c2435', 'fill-opacity': 0.88, 'fill-antialias': false },
    },
    POINTS_BEFORE_LAYER,
  );
  map.addLayer({
    id: 'ws-children-line',
    type: 'line',
    source: 'ws-children',
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#0b1020', 'line-width': 1.2, 'line-opacity': 0.9 },
  });
  map.addLayer({
    id: 'ws-hover-line',
    type: 'line',
    source: 'ws-children',
    filter: ['==', ['get', 'code'], ''],
    paint: { 'line-color': '#ffffff', 'line-width': 2.5 },
  });
  map.addLayer({
    id: 'ws-selected-line',
    type: 'line',
    source: 'ws-children',
    filter: ['==', ['get', 'code'], ''],
    paint: { 'line-color': '#ffffff', 'line-width': 3.5, 'line-dasharray': [2, 1] },
  });
}

/** The children with their counts baked in, so the fill expression reads them directly. */
export function setChildren(map: MapLibreMap, fc: RegionCollection | null, counts: ReadonlyMap<string, number>): void {
  const data = fc
    ? {
        ...fc,
        features: fc.features.map((f) => ({
          ...f,
          properties: { ...f.properties, count: counts.get(f.properties.code) ?? 0 },
        })),
      }
    : EMPTY;
  map.getSource<GeoJSONSource>('ws-children')?.setData(data as never);
}

export function styleChildren(map: MapLibreMap, breaks: readonly number[], mode: 'choropleth' | 'points'): void {
  map.setPaintProperty(CHILD_FILL, 'fill-color', countFill(breaks));
  // in point mode the counts stay as a faint wash, so the dots keep their category colours
  map.setPaintProperty(CHILD_FILL, 'fill-opacity', mode === 'choropleth' ? 0.88 : 0.18);
}

export function highlight(map: MapLibreMap, layer: 'ws-hover-line' | 'ws-selected-line', code: string | null): void {
  map.setFilter(layer, ['==', ['get', 'code'], code ?? '']);
}
