// Small planar geometry for sampling points: at street scale, lon/lat treated as a plane is exact
// enough for "is this point inside", and it keeps the generator free of database round trips.
import type { Rng } from './random.ts';

export type Position = [number, number];
export type Polygon = Position[][];
export type MultiPolygon = Polygon[];
export type BBox = [minX: number, minY: number, maxX: number, maxY: number];

export function bboxOf(mp: MultiPolygon): BBox {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const poly of mp)
    for (const ring of poly)
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
  return [minX, minY, maxX, maxY];
}

/** Even-odd rule over every ring, so holes and multi-part shapes come out right without special cases. */
export function pointInMultiPolygon(x: number, y: number, mp: MultiPolygon): boolean {
  let inside = false;
  for (const poly of mp)
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const xi = ring[i][0],
          yi = ring[i][1],
          xj = ring[j][0],
          yj = ring[j][1];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  return inside;
}

const M_PER_DEG_LAT = 111_320;

/** Degrees of longitude and latitude spanned by `metres` at latitude `lat`. */
export function metresToDegrees(metres: number, lat: number): { dLon: number; dLat: number } {
  return { dLon: metres / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)), dLat: metres / M_PER_DEG_LAT };
}

/** Equirectangular distance in metres: within 0.1% at city scale. */
export function distanceMetres(a: Position, b: Position): number {
  const k = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * M_PER_DEG_LAT;
}

/** A uniform point inside the shape by rejection in its bbox; null if the shape is too thin to hit. */
export function samplePointIn(rng: Rng, mp: MultiPolygon, bbox: BBox, tries = 200): Position | null {
  const [minX, minY, maxX, maxY] = bbox;
  for (let i = 0; i < tries; i++) {
    const x = minX + (maxX - minX) * rng.next();
    const y = minY + (maxY - minY) * rng.next();
    if (pointInMultiPolygon(x, y, mp)) return [x, y];
  }
  return null;
}

/** A uniform point in a disc of `radiusMetres` around `centre`. */
export function samplePointInDisc(rng: Rng, centre: Position, radiusMetres: number): Position {
  const r = radiusMetres * Math.sqrt(rng.next());
  const a = 2 * Math.PI * rng.next();
  const { dLon, dLat } = metresToDegrees(r, centre[1]);
  return [centre[0] + dLon * Math.cos(a), centre[1] + dLat * Math.sin(a)];
}

/** Buckets of a regular lon/lat grid listing the shapes whose bbox touches each bucket: point lookup in O(few shapes). */
export class ShapeIndex {
  private readonly buckets = new Map<number, number[]>();
  private readonly cols: number;

  constructor(
    private readonly shapes: readonly { geometry: MultiPolygon; bbox: BBox }[],
    private readonly cell = 0.02,
  ) {
    this.cols = Math.ceil(360 / cell);
    shapes.forEach((s, i) => {
      const [x0, y0, x1, y1] = s.bbox.map((v) => Math.floor(v / cell)) as BBox;
      for (let cx = x0; cx <= x1; cx++)
        for (let cy = y0; cy <= y1; cy++) {
          const key = cy * this.cols + cx;
          const list = this.buckets.get(key);
          if (list) list.push(i);
          else this.buckets.set(key, [i]);
        }
    });
  }

  /** Index of the first shape containing the point, or -1. */
  locate(x: number, y: number): number {
    const list = this.buckets.get(Math.floor(y / this.cell) * this.cols + Math.floor(x / this.cell));
    if (!list) return -1;
    for (const i of list) {
      const s = this.shapes[i];
      const b = s.bbox;
      if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && pointInMultiPolygon(x, y, s.geometry)) return i;
    }
    return -1;
  }
}
