// Compact binary point sets for the map: far smaller and faster to decode than GeoJSON.
// Layout (little-endian):
//   uint32 n | uint32 format (= 2) | float64 minLon, minLat, maxLon, maxLat
//   | (uint16 x, uint16 y, uint16 category index) × n
// x and y are quantised over the set's own extent: 65,535 steps across a city of ~200 km is
// about 3 m, finer than a dot on screen, at 6 bytes a point instead of 10 (500k points ≈ 3 MB
// raw). Points sit interleaved so the database can write them in one pass (tickets/sql.ts packedPoints).

export const POINTS_FORMAT = 2;
export const POINTS_HEADER_BYTES = 40;
const STEPS = 65_535;

export type PointRecord = readonly [lon: number, lat: number, category: number];
export type Extent = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Quantise a coordinate over [min, max] to 0..65535. */
export function quantise(v: number, min: number, max: number): number {
  const span = max - min;
  if (!(span > 0)) return 0;
  return Math.min(STEPS, Math.max(0, Math.round(((v - min) / span) * STEPS)));
}

export function pointsHeader(n: number, extent: Extent): Uint8Array<ArrayBuffer> {
  const buf = new ArrayBuffer(POINTS_HEADER_BYTES);
  const view = new DataView(buf);
  view.setUint32(0, n, true);
  view.setUint32(4, POINTS_FORMAT, true);
  extent.forEach((v, i) => view.setFloat64(8 + 8 * i, v, true));
  return new Uint8Array(buf);
}

export function encodePoints(points: readonly PointRecord[]): Uint8Array<ArrayBuffer> {
  const n = points.length;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const extent: Extent = n ? [x0, y0, x1, y1] : [0, 0, 0, 0];
  const out = new Uint8Array(new ArrayBuffer(POINTS_HEADER_BYTES + 6 * n));
  out.set(pointsHeader(n, extent), 0);
  const body = new Uint16Array(out.buffer, POINTS_HEADER_BYTES, 3 * n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    body[3 * i] = quantise(p[0], x0, x1);
    body[3 * i + 1] = quantise(p[1], y0, y1);
    body[3 * i + 2] = p[2];
  }
  return out;
}

export function decodePoints(bytes: ArrayBuffer): {
  count: number;
  extent: Extent;
  positions: Float32Array;
  categories: Uint16Array;
} {
  const view = new DataView(bytes);
  const count = view.getUint32(0, true);
  const format = view.getUint32(4, true);
  if (format !== POINTS_FORMAT) throw new Error(`points: format ${format}, expected ${POINTS_FORMAT}`);
  const extent = [0, 1, 2, 3].map((i) => view.getFloat64(8 + 8 * i, true)) as unknown as Extent;
  const [x0, y0, x1, y1] = extent;
  const body = new Uint16Array(bytes, POINTS_HEADER_BYTES, 3 * count);
  const positions = new Float32Array(2 * count);
  const categories = new Uint16Array(count);
  const sx = (x1 - x0) / STEPS;
  const sy = (y1 - y0) / STEPS;
  for (let i = 0; i < count; i++) {
    positions[2 * i] = x0 + body[3 * i]! * sx;
    positions[2 * i + 1] = y0 + body[3 * i + 1]! * sy;
    categories[i] = body[3 * i + 2]!;
  }
  return { count, extent, positions, categories };
}
