// Pure geometry for the synthetic street and grid partitions: a seeded PRNG, a core-weighted
// density, and density-weighted centroidal Voronoi seeds. No I/O; clipping happens in PostGIS.
import { Delaunay } from 'd3-delaunay';

export type Position = [number, number];
/** GeoJSON-style polygons: rings of positions, first ring the outer one. */
export type Polygon = Position[][];
export type MultiPolygon = Polygon[];

/** Tiananmen, WGS-84: the urban core that seed density is centred on. */
export const CORE: Position = [116.3975, 39.9087];

/** mulberry32: tiny, fast and the same on every platform, so the build is byte-for-byte repeatable. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KM_PER_DEG = (6371.0088 * Math.PI) / 180;
const COS_CORE = Math.cos((CORE[1] * Math.PI) / 180);

/**
 * Local equirectangular plane in km around the core. Voronoi cells drawn in raw degrees would be
 * stretched ~30% north-south at Beijing's latitude; at city scale this plane is within 1% of true distance.
 */
export const toKm = ([lon, lat]: Position): Position => [
  (lon - CORE[0]) * COS_CORE * KM_PER_DEG,
  (lat - CORE[1]) * KM_PER_DEG,
];
export const toLonLat = ([x, y]: Position): Position => [
  CORE[0] + x / (COS_CORE * KM_PER_DEG),
  CORE[1] + y / KM_PER_DEG,
];

/** Relative unit density (cells per km²) at distance d km from the core: ~7× sparser at 25 km, ~30× at 60 km. */
export function coreDensity([x, y]: Position): number {
  const d = Math.hypot(x, y);
  return 1 / (1 + Math.pow(d / 6, 1.5));
}

function ringArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % n];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

export function polygonArea(p: Polygon): number {
  return ringArea(p[0]) - p.slice(1).reduce((s, r) => s + ringArea(r), 0);
}

function insidePolygon([x, y]: Position, p: Polygon): boolean {
  let inside = false;
  for (const ring of p) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

export const containsPoint = (mp: MultiPolygon, pt: Position): boolean => mp.some((p) => insidePolygon(pt, p));

interface Samples {
  xs: number[];
  ys: number[];
  ws: number[];
}

/** Jittered-grid samples of one polygon (km plane), each weighted by density × the area it stands for. */
function samplePolygon(p: Polygon, spacing: number, rand: () => number): Samples {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of p[0]) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const s: Samples = { xs: [], ys: [], ws: [] };
  for (let y = minY; y < maxY; y += spacing) {
    for (let x = minX; x < maxX; x += spacing) {
      const pt: Position = [x + rand() * spacing, y + rand() * spacing];
      if (!insidePolygon(pt, p)) continue;
      s.xs.push(pt[0]);
      s.ys.push(pt[1]);
      s.ws.push(coreDensity(pt) * spacing * spacing);
    }
  }
  return s;
}

/** Integral of coreDensity over the area (km plane): how many cells it deserves at one cell per unit. */
export function densityMass(mp: MultiPolygon, rand: () => number, samples = 4000): number {
  const area = mp.reduce((s, p) => s + polygonArea(p), 0);
  const spacing = Math.sqrt(area / samples);
  return mp.reduce((m, p) => m + samplePolygon(p, spacing, rand).ws.reduce((a, b) => a + b, 0), 0);
}

/** Largest-remainder split of n over weights, so the counts always sum to n. */
export function apportion(n: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total > 0 ? (n * w) / total : 0));
  const counts = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = n - counts.reduce((a, b) => a + b, 0); k < left; k++) counts[order[k][1]]++;
  return counts;
}

export interface SeedOptions {
  /** Lloyd steps; a few remove slivers while keeping the density gradient (the centroids are density-weighted). */
  lloydSteps?: number;
  samplesPerCell?: number;
}

/**
 * n seeds spread over a (multi)polygon in the km plane with density ∝ coreDensity. Seeds go to each
 * part in proportion to its density mass (a detached piece too small for a seed joins a neighbour
 * cell later), then relax by weighted Lloyd (k-means on the samples) inside the part.
 */
export function weightedSeeds(mp: MultiPolygon, n: number, rand: () => number, opts: SeedOptions = {}): Position[] {
  const steps = opts.lloydSteps ?? 3;
  const area = mp.reduce((s, p) => s + polygonArea(p), 0);
  const spacing = Math.sqrt(area / (n * (opts.samplesPerCell ?? 300)));
  const parts = mp.map((p) => samplePolygon(p, spacing, rand));
  // A detached piece at least half an average cell (an exclave such as Capital Airport) gets a
  // cell of its own rather than being tacked onto a cell across another district.
  const areas = mp.map(polygonArea);
  const own = areas
    .map((a, i) => [a, i] as const)
    .filter(([a]) => a >= (0.5 * area) / n)
    .sort((x, y) => y[0] - x[0] || x[1] - y[1])
    .slice(0, n)
    .map(([, i]) => i);
  const rest = apportion(
    n - own.length,
    parts.map((s) => s.ws.reduce((a, b) => a + b, 0)),
  );
  const counts = rest.map((c, i) => c + (own.includes(i) ? 1 : 0));
  const seeds: Position[] = [];
  parts.forEach((s, pi) => {
    const k = counts[pi];
    if (k === 0) return;
    if (s.xs.length < k) throw new Error(`only ${s.xs.length} samples for ${k} seeds`);
    let xs = new Float64Array(k);
    let ys = new Float64Array(k);
    // Weighted draw without replacement: exponential keys (Efraimidis–Spirakis).
    const keyed = s.ws
      .map((w, i) => [Math.log(rand() || Number.MIN_VALUE) / w, i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (let j = 0; j < k; j++) {
      xs[j] = s.xs[keyed[j][1]];
      ys[j] = s.ys[keyed[j][1]];
    }
    for (let step = 0; step < steps && k > 1; step++) {
      const coords = new Float64Array(2 * k);
      for (let j = 0; j < k; j++) [coords[2 * j], coords[2 * j + 1]] = [xs[j], ys[j]];
      const del = new Delaunay(coords);
      const sx = new Float64Array(k);
      const sy = new Float64Array(k);
      const sw = new Float64Array(k);
      let hint = 0;
      for (let i = 0; i < s.xs.length; i++) {
        hint = del.find(s.xs[i], s.ys[i], hint);
        sx[hint] += s.xs[i] * s.ws[i];
        sy[hint] += s.ys[i] * s.ws[i];
        sw[hint] += s.ws[i];
      }
      const nx = new Float64Array(k);
      const ny = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        // A seed that caught no samples stays put rather than collapsing onto another.
        nx[j] = sw[j] > 0 ? sx[j] / sw[j] : xs[j];
        ny[j] = sw[j] > 0 ? sy[j] / sw[j] : ys[j];
      }
      xs = nx;
      ys = ny;
    }
    for (let j = 0; j < k; j++) seeds.push([xs[j], ys[j]]);
  });
  return seeds;
}

/** Voronoi cells of the seeds (km plane), bounded by a box around the domain, as closed rings. */
export function voronoiCells(seeds: Position[], bbox: [number, number, number, number]): Position[][] {
  const del = Delaunay.from(seeds);
  const vor = del.voronoi(bbox);
  return seeds.map((_, i) => {
    const ring = vor.cellPolygon(i);
    if (!ring) throw new Error(`seed ${i} has an empty Voronoi cell (duplicate seed?)`);
    return ring.map(([x, y]) => [x, y] as Position);
  });
}

export function bboxOf(mp: MultiPolygon, pad: number): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of mp)
    for (const [x, y] of p[0]) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  return [minX - pad, minY - pad, maxX + pad, maxY + pad];
}

/** Joins pinyin syllables as a place name: 'xi chang an jie' → "Xichang'anjie" (apostrophe before a, o, e). */
export function pinyinName(pinyin: string): string {
  const syl = pinyin.trim().toLowerCase().split(/\s+/);
  const joined = syl.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}
