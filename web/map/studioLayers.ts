// deck.gl layers of the planners' studio: H3 hexagons (hot spots, emerging patterns, forecast)
// and recurring clusters (hull + marker). Drawn interleaved under the district outlines, so
// the city's boundaries stay readable over dense hexes.
import { PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { PickingInfo } from '@deck.gl/core';
import { hexRing } from './hexGeometry.ts';
import { POINTS_BEFORE_LAYER } from './style.ts';
import type { Rgba } from './hexPalette.ts';

// MapLibreOverlay reads `beforeId` from interleaved layers; deck.gl's own prop types do not list it.
const UNDER_OUTLINES = { beforeId: POINTS_BEFORE_LAYER } as object;

export interface HexDatum {
  cell: string;
}

export interface HexLayerOptions<T extends HexDatum> {
  id: string;
  data: readonly T[];
  fill: (d: T) => Rgba;
  /** redraw colours when this changes (deck.gl compares it, not the function) */
  colourKey: unknown;
  selected?: string | null;
  onHover?: (info: PickingInfo<T>) => void;
  onClick?: (info: PickingInfo<T>) => void;
}

export function hexLayer<T extends HexDatum>(o: HexLayerOptions<T>) {
  return new PolygonLayer<T>({
    id: o.id,
    ...UNDER_OUTLINES,
    data: o.data as T[],
    getPolygon: (d) => hexRing(d.cell),
    getFillColor: o.fill,
    // a thin dark edge separates neighbouring hexes of the same class; the chosen one is ringed white
    getLineColor: (d) => (d.cell === o.selected ? [255, 255, 255, 255] : [7, 11, 22, 140]),
    getLineWidth: (d) => (d.cell === o.selected ? 3 : 0.5),
    lineWidthUnits: 'pixels',
    stroked: true,
    filled: true,
    pickable: Boolean(o.onHover || o.onClick),
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    updateTriggers: { getFillColor: o.colourKey, getLineColor: o.selected, getLineWidth: o.selected },
    onHover: o.onHover,
    onClick: o.onClick,
  });
}

export interface ClusterDatum {
  id: string;
  centroid: [number, number];
  radiusMetres: number;
  extent: { type: string; coordinates: unknown };
}

export function clusterLayers<T extends ClusterDatum>(o: {
  data: readonly T[];
  colour: (d: T) => Rgba;
  colourKey: unknown;
  selected: string | null;
  onHover?: (info: PickingInfo<T>) => void;
  onClick?: (info: PickingInfo<T>) => void;
}) {
  const polygons = o.data.filter((d) => d.extent.type === 'Polygon');
  return [
    new PolygonLayer<T>({
      id: 'cluster-hulls',
      ...UNDER_OUTLINES,
      data: polygons as T[],
      getPolygon: (d) => (d.extent.coordinates as [number, number][][])[0]!,
      getFillColor: (d) => {
        const c = o.colour(d);
        return [c[0], c[1], c[2], 110];
      },
      getLineColor: (d) => (d.id === o.selected ? [255, 255, 255, 255] : o.colour(d)),
      getLineWidth: (d) => (d.id === o.selected ? 3 : 1.5),
      lineWidthUnits: 'pixels',
      stroked: true,
      pickable: true,
      updateTriggers: { getFillColor: o.colourKey, getLineColor: [o.selected, o.colourKey], getLineWidth: o.selected },
      onHover: o.onHover,
      onClick: o.onClick,
    }),
    // a marker per cluster, so a 100-m spot is findable at city scale
    new ScatterplotLayer<T>({
      id: 'cluster-markers',
      data: o.data as T[],
      getPosition: (d) => d.centroid,
      getRadius: (d) => Math.max(60, d.radiusMetres),
      radiusUnits: 'meters',
      radiusMinPixels: 9,
      radiusMaxPixels: 40,
      getFillColor: (d) => {
        const c = o.colour(d);
        return [c[0], c[1], c[2], 70];
      },
      getLineColor: (d) => (d.id === o.selected ? [255, 255, 255, 255] : o.colour(d)),
      getLineWidth: (d) => (d.id === o.selected ? 3 : 2),
      lineWidthUnits: 'pixels',
      stroked: true,
      pickable: true,
      updateTriggers: { getFillColor: o.colourKey, getLineColor: [o.selected, o.colourKey], getLineWidth: o.selected },
      onHover: o.onHover,
      onClick: o.onClick,
    }),
  ];
}

/** White outlines marking a few cells over a coloured layer (the forecast's work list). */
export function outlineLayer(id: string, cells: readonly string[]) {
  return new PolygonLayer<{ cell: string }>({
    id,
    ...UNDER_OUTLINES,
    data: cells.map((cell) => ({ cell })),
    getPolygon: (d) => hexRing(d.cell),
    filled: false,
    stroked: true,
    getLineColor: [255, 255, 255, 235],
    getLineWidth: 2,
    lineWidthUnits: 'pixels',
    pickable: false,
  });
}
