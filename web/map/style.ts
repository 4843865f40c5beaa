// The base map is drawn from our own region polygons with an inline style, because the
// dashboard runs offline: no tile, glyph or sprite server. MapLibre symbol layers would need
// glyphs, so labels are drawn by deck.gl instead (see labels.ts).
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';

export const MAP_COLORS = {
  background: '#070b16',
  districtFill: '#121b2e',
  districtFillDimmed: '#0c1220',
  districtFillSelected: '#18243d',
  districtLine: '#8ea2c4',
  districtLineSelected: '#ffffff',
  streetLine: '#3d5078',
  gridLine: '#2a3957',
} as const;

export const STREET_MIN_ZOOM = 9.5;
export const GRID_MIN_ZOOM = 12;

/** A style with nothing but a background; region layers are added by addRegionLayers. */
export function emptyStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': MAP_COLORS.background } }],
  };
}

/** Layer id below which ticket points are inserted, so boundaries stay readable over dense points. */
export const POINTS_BEFORE_LAYER = 'grid-line';

/** The lowest of the region layers: a base map added later goes in under it. */
export const FIRST_REGION_LAYER = 'district-fill';

/**
 * Adds region sources and layers; works on our empty style and on an optional base-map
 * style (VITE_BASEMAP_STYLE), where the district fill is made translucent to let it show.
 */
export function addRegionLayers(map: MapLibreMap, overBasemap: boolean): void {
  for (const id of ['districts', 'streets', 'grids'])
    map.addSource(id, { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'code' });
  map.addLayer({
    id: FIRST_REGION_LAYER,
    type: 'fill',
    source: 'districts',
    paint: { 'fill-color': MAP_COLORS.districtFill, 'fill-opacity': overBasemap ? 0.35 : 1 },
  });
  map.addLayer({
    id: 'grid-line',
    type: 'line',
    source: 'grids',
    minzoom: GRID_MIN_ZOOM,
    paint: {
      'line-color': MAP_COLORS.gridLine,
      'line-width': 0.6,
      'line-opacity': ['interpolate', ['linear'], ['zoom'], GRID_MIN_ZOOM, 0, GRID_MIN_ZOOM + 0.5, 1],
    },
  });
  map.addLayer({
    id: 'street-line',
    type: 'line',
    source: 'streets',
    minzoom: STREET_MIN_ZOOM,
    paint: {
      'line-color': MAP_COLORS.streetLine,
      'line-width': ['interpolate', ['linear'], ['zoom'], STREET_MIN_ZOOM, 0.6, 13, 1.4],
      'line-opacity': ['interpolate', ['linear'], ['zoom'], STREET_MIN_ZOOM, 0, STREET_MIN_ZOOM + 0.5, 1],
      'line-dasharray': [3, 2],
    },
  });
  map.addLayer({
    id: 'district-line',
    type: 'line',
    source: 'districts',
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': MAP_COLORS.districtLine,
      'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 10, 1.6, 14, 2.5],
    },
  });
  map.addLayer({
    id: 'district-line-selected',
    type: 'line',
    source: 'districts',
    layout: { 'line-join': 'round' },
    filter: ['==', ['get', 'code'], ''],
    paint: {
      'line-color': MAP_COLORS.districtLineSelected,
      'line-width': ['interpolate', ['linear'], ['zoom'], 7, 2, 12, 3.5],
    },
  });
}

/** Highlights one district and dims the others; null restores the whole-city look. */
export function showSelectedDistrict(map: MapLibreMap, code: string | null): void {
  map.setFilter('district-line-selected', ['==', ['get', 'code'], code ?? '']);
  map.setPaintProperty(
    'district-fill',
    'fill-color',
    code
      ? ['case', ['==', ['get', 'code'], code], MAP_COLORS.districtFillSelected, MAP_COLORS.districtFillDimmed]
      : MAP_COLORS.districtFill,
  );
}
