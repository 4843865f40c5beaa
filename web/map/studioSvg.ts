// Small vector maps (topic cards, the printed brief): lon/lat to SVG pixels by a local
// equirectangular projection (x scaled by cos of the middle latitude), so a city of 200 km keeps
// its shape, and SVG paths of GeoJSON polygons. Vector output prints sharp on A4, unlike a WebGL canvas.
import type { MultiPolygon, Polygon } from 'geojson';

export type LonLat = [number, number];
export interface Projection {
  (p: LonLat): [number, number];
  width: number;
  height: number;
}

export function boundsOf(points: Iterable<LonLat>): [number, number, number, number] | null {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const [x, y] of points) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** Fits [west, south, east, north] into width × height minus padding, centred, north up. */
export function fitProjection(
  bbox: [number, number, number, number],
  width: number,
  height: number,
  padding = 4,
): Projection {
  const [w, s, e, n] = bbox;
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const spanX = Math.max((e - w) * k, 1e-9);
  const spanY = Math.max(n - s, 1e-9);
  const scale = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const project = ((p: LonLat) => [
    round1(offX + (p[0] - w) * k * scale),
    round1(offY + (n - p[1]) * scale),
  ]) as Projection;
  project.width = width;
  project.height = height;
  return project;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function ringPath(ring: readonly LonLat[], project: Projection): string {
  if (ring.length === 0) return '';
  return ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${project(p).join(' ')}`).join('') + 'Z';
}

export function polygonPath(geometry: Polygon | MultiPolygon, project: Projection): string {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polys.map((rings) => rings.map((r) => ringPath(r as LonLat[], project)).join('')).join('');
}

/** Every vertex of the outer rings: enough for a bounding box. */
export function* outerVertices(geometry: Polygon | MultiPolygon): Iterable<LonLat> {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polys) for (const p of rings[0] ?? []) yield p as LonLat;
}

/** Path of a line through values spaced evenly over width, 0 at the bottom; nulls break the line. */
export function sparklinePath(values: readonly (number | null)[], width: number, height: number, padding = 2): string {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  const n = values.length;
  if (n === 0) return '';
  const dx = n > 1 ? (width - 2 * padding) / (n - 1) : 0;
  const y = (v: number) => round1(height - padding - (max > 0 ? (v / max) * (height - 2 * padding) : 0));
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${round1(padding + i * dx)} ${y(v)}`;
    pen = true;
  });
  return d;
}
