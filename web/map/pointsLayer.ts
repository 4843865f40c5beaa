// Ticket points as a deck.gl ScatterplotLayer fed with binary attributes: the decoded
// typed arrays go to the GPU as they are, so 10^6 points need no per-point JS objects.
import { ScatterplotLayer } from '@deck.gl/layers';
import type { TicketPoints } from '../api/types.ts';
import { POINTS_BEFORE_LAYER } from './style.ts';

export interface PreparedPoints {
  count: number;
  positions: Float32Array;
  colors: Uint8Array;
  /** bumps whenever the arrays change, so deck.gl re-uploads them */
  version: number;
}

let version = 0;

/**
 * Colours each point by its category group and, when a group is chosen, keeps only that
 * group's points. `groupOfCategory[i]` is the group index of category i (-1 unknown);
 * `rgbOfGroup(g)` gives its colour.
 */
export function preparePoints(
  points: TicketPoints,
  groupOfCategory: Int16Array,
  rgbOfGroup: (g: number) => [number, number, number],
  onlyGroup: number | null,
): PreparedPoints {
  const { count, positions: src, categoryIndex } = points;
  const keep = onlyGroup === null ? count : countGroup(categoryIndex, groupOfCategory, onlyGroup);
  const positions = keep === count ? src : new Float32Array(2 * keep);
  const colors = new Uint8Array(4 * keep);
  const cache = new Map<number, [number, number, number]>();
  let k = 0;
  for (let i = 0; i < count; i++) {
    const c = categoryIndex[i]!;
    const g = c < groupOfCategory.length ? groupOfCategory[c]! : -1;
    if (onlyGroup !== null && g !== onlyGroup) continue;
    let rgb = cache.get(g);
    if (!rgb) cache.set(g, (rgb = rgbOfGroup(g)));
    if (positions !== src) {
      positions[2 * k] = src[2 * i]!;
      positions[2 * k + 1] = src[2 * i + 1]!;
    }
    colors[4 * k] = rgb[0];
    colors[4 * k + 1] = rgb[1];
    colors[4 * k + 2] = rgb[2];
    colors[4 * k + 3] = 255;
    k++;
  }
  return { count: keep, positions, colors, version: ++version };
}

function countGroup(categoryIndex: Uint16Array, groupOfCategory: Int16Array, g: number): number {
  let n = 0;
  for (let i = 0; i < categoryIndex.length; i++) if (groupOfCategory[categoryIndex[i]!] === g) n++;
  return n;
}

/**
 * Fewer, fainter, smaller dots as the count grows: 10^4 points read as individual tickets,
 * 10^5–10^6 would otherwise merge into one opaque blob over the urban core.
 */
export function densityStyle(count: number): { opacity: number; minPixels: number } {
  const excess = Math.max(0, Math.log10(Math.max(count, 1) / 10_000)); // 0 at 10k, 1 at 100k
  return { opacity: Math.max(0.35, 0.85 - 0.3 * excess), minPixels: Math.max(1.1, 1.8 - 0.4 * excess) };
}

export function pointsLayer(p: PreparedPoints): ScatterplotLayer {
  const { opacity, minPixels } = densityStyle(p.count);
  return new ScatterplotLayer({
    id: 'ticket-points',
    beforeId: POINTS_BEFORE_LAYER,
    data: {
      length: p.count,
      attributes: {
        getPosition: { value: p.positions, size: 2 },
        getFillColor: { value: p.colors, size: 4, normalized: true },
      },
    },
    // metres keep the density honest when zooming in; the pixel floor keeps points
    // visible at city scale, the ceiling stops them from merging into blobs
    radiusUnits: 'meters',
    getRadius: 45,
    radiusMinPixels: minPixels,
    radiusMaxPixels: 6,
    stroked: false,
    filled: true,
    opacity,
    antialiasing: true,
    pickable: false,
    updateTriggers: { getFillColor: p.version, getPosition: p.version },
  });
}
