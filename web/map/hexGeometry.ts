// H3 cells as polygons ([lon, lat] rings) for deck.gl on the studio map and for the SVG maps of
// topic cards and the printed brief. One conversion, so both draw the same hexagons.
import { cellToBoundary, cellToLatLng } from 'h3-js';

const rings = new Map<string, [number, number][]>();

/** Closed ring of the cell in [lon, lat] (GeoJSON order); remembered, as layers redraw often. */
export function hexRing(cell: string): [number, number][] {
  let r = rings.get(cell);
  if (!r) {
    r = cellToBoundary(cell, true) as [number, number][];
    if (rings.size > 200_000) rings.clear();
    rings.set(cell, r);
  }
  return r;
}

export function hexCentre(cell: string): [number, number] {
  const [lat, lon] = cellToLatLng(cell);
  return [lon, lat];
}
