// Which region holds a point: even-odd ray casting over GeoJSON polygons (holes included).
// Used to name the street and district of a hexagon the API identifies only by its H3 index.
import type { MultiPolygon, Polygon } from 'geojson';

function inRing(x: number, y: number, ring: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!,
      yi = ring[i]![1]!,
      xj = ring[j]![0]!,
      yj = ring[j]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function containsPoint(geometry: Polygon | MultiPolygon, [x, y]: readonly [number, number]): boolean {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polys.some(
    (rings) => rings.length > 0 && inRing(x, y, rings[0]!) && !rings.slice(1).some((h) => inRing(x, y, h)),
  );
}

/** Bounding box [w, s, e, n] of points, grown by `margin` degrees; null for none. */
export function paddedBounds(
  points: readonly (readonly [number, number])[],
  margin: number,
): [number, number, number, number] | null {
  if (points.length === 0) return null;
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const [x, y] of points) {
    w = Math.min(w, x);
    e = Math.max(e, x);
    s = Math.min(s, y);
    n = Math.max(n, y);
  }
  return [w - margin, s - margin, e + margin, n + margin];
}
