// Where to put a region's name: the pole of inaccessibility of its largest polygon
// (the point farthest from the outline), so names of concave or L-shaped districts such as
// 门头沟区 or 房山区 sit well inside them rather than at a centroid outside or on an edge.
// A compact version of Mapbox's polylabel (ISC), enough for a few hundred regions.
import type { MultiPolygon, Polygon, Position } from 'geojson';

type Ring = Position[];

function ringArea(ring: Ring): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return Math.abs(a / 2);
}

/** Signed distance from (x, y) to the polygon outline; positive inside. */
function signedDistance(x: number, y: number, rings: Ring[]): number {
  let inside = false;
  let min = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[i] as [number, number];
      const [bx, by] = ring[j] as [number, number];
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      min = Math.min(min, segmentDistSq(x, y, ax, ay, bx, by));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(min);
}

function segmentDistSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  let x = ax;
  let y = ay;
  let dx = bx - x;
  let dy = by - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = bx;
      y = by;
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}

interface Cell {
  x: number;
  y: number;
  h: number;
  d: number;
  max: number;
}

function cell(x: number, y: number, h: number, rings: Ring[]): Cell {
  const d = signedDistance(x, y, rings);
  return { x, y, h, d, max: d + h * Math.SQRT2 };
}

function polylabel(rings: Ring[], precision: number): [number, number] {
  const outer = rings[0]!;
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x, y] of outer as [number, number][]) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const size = Math.min(maxX - minX, maxY - minY);
  if (size === 0) return [minX, minY];
  const queue: Cell[] = [];
  const h0 = size / 2;
  for (let x = minX; x < maxX; x += size)
    for (let y = minY; y < maxY; y += size) queue.push(cell(x + h0, y + h0, h0, rings));
  let best = cell((minX + maxX) / 2, (minY + maxY) / 2, 0, rings);
  for (let guard = 0; queue.length && guard < 20_000; guard++) {
    // a sorted array is a fine priority queue at this size
    queue.sort((a, b) => a.max - b.max);
    const c = queue.pop()!;
    if (c.d > best.d) best = c;
    if (c.max - best.d <= precision) continue;
    const h = c.h / 2;
    queue.push(
      cell(c.x - h, c.y - h, h, rings),
      cell(c.x + h, c.y - h, h, rings),
      cell(c.x - h, c.y + h, h, rings),
      cell(c.x + h, c.y + h, h, rings),
    );
  }
  return [best.x, best.y];
}

export function labelPoint(geometry: Polygon | MultiPolygon, precision = 0.002): [number, number] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let largest = polys[0]!;
  let area = -1;
  for (const p of polys) {
    const a = ringArea(p[0]!);
    if (a > area) {
      area = a;
      largest = p;
    }
  }
  return polylabel(largest, precision);
}

export function bounds(geometry: Polygon | MultiPolygon): [[number, number], [number, number]] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const p of polys)
    for (const [x, y] of p[0] as [number, number][]) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  return [
    [minX, minY],
    [maxX, maxY],
  ];
}
