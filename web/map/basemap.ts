// The base map under our layers: the PMTiles archive the server serves by range requests
// (/api/config → basemapPmtiles; server/basemap/), drawn with the Protomaps basemap style. Offline:
// the archive is ours, and the style keeps only layers that need no glyphs or sprites (the
// Protomaps label layers would fetch fonts); district names are drawn by deck.gl (labels.ts), so
// they never drop. An external style (VITE_BASEMAP_STYLE / BASEMAP_STYLE_URL) still wins.
import { addProtocol, type LayerSpecification, type Map as MapLibreMap, type StyleSpecification } from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import { layers, namedFlavor, type Flavor } from '@protomaps/basemaps';
import { appConfig } from '../composables/city.ts';
import { emptyStyle, MAP_COLORS } from './style.ts';

export const BASEMAP_SOURCE = 'protomaps';

let registered = false;
function registerProtocol(): void {
  if (registered) return;
  addProtocol('pmtiles', new Protocol().tile);
  registered = true;
}

/** Protomaps' dark flavour in the dashboard's navy: land a shade above the night sky, roads muted. */
export function dashboardFlavor(): Flavor {
  return {
    ...namedFlavor('dark'),
    background: MAP_COLORS.background,
    earth: '#0d1424',
    water: '#0a2340',
    boundaries: '#3b4a68',
    buildings: '#141c2e',
  };
}

/** The external style URL, else the Protomaps style over our archive, else null (no base map). */
export function basemapStyle(): string | StyleSpecification | null {
  const external = import.meta.env.VITE_BASEMAP_STYLE || appConfig.value?.basemapStyleUrl;
  if (external) return external;
  const archive = appConfig.value?.basemapPmtiles;
  if (!archive) return null;
  registerProtocol();
  return {
    version: 8,
    sources: {
      [BASEMAP_SOURCE]: {
        type: 'vector',
        url: `pmtiles://${new URL(archive, location.origin).href}`,
        attribution: 'Protomaps © OpenStreetMap',
      },
    },
    // no `lang`: the style then has no symbol layers, so nothing asks for glyphs or sprites
    layers: layers(BASEMAP_SOURCE, dashboardFlavor()) as LayerSpecification[],
  };
}

/**
 * Test hook: the map's container says data-basemap="loaded" once the base map's tiles have
 * arrived, so browser tests can wait for it rather than for time.
 */
export function exposeBasemap(map: MapLibreMap): void {
  if (!map.getSource(BASEMAP_SOURCE)) return;
  const mark = () => {
    if (map.getSource(BASEMAP_SOURCE) && map.isSourceLoaded(BASEMAP_SOURCE)) {
      map.getContainer().dataset.basemap = 'loaded';
      map.off('sourcedata', mark);
    }
  };
  map.on('sourcedata', mark);
  mark();
}

/** The style a map starts from: the base map when there is one, else a plain background. */
export function startStyle(): string | StyleSpecification {
  return basemapStyle() ?? emptyStyle();
}
