// Region labels, drawn as page text over the maps (components/MapNames.vue). We place them
// greedily in screen space (highest priority first, skip any that would overlap) each
// time the camera settles. A few hundred candidates cost well under a millisecond.
import type { RegionCollection } from '../api/types.ts';
import { labelPoint } from './labelPoint.ts';
import { STREET_MIN_ZOOM } from './style.ts';
import { regionDisplayName } from '../composables/names.ts';

export interface LabelCandidate {
  key: string;
  position: [number, number];
  /** Chinese and English names; the visible one follows the UI locale */
  nameZh: string;
  nameEn: string;
  kind: 'district' | 'street';
  /** larger wins when two labels would overlap */
  priority: number;
  /** the region's code on the parent level, to show only the selected district's streets */
  parentCode: string | null;
}

export interface PlacedLabel {
  key: string;
  position: [number, number];
  /** CSS pixels the name was moved down (up if negative) from its point to find room */
  dy: number;
  text: string;
  size: number;
  kind: 'district' | 'street';
}

export function districtCandidates(fc: RegionCollection): LabelCandidate[] {
  return fc.features.map((f) => ({
    key: f.properties.code,
    position: f.properties.labelPoint ?? labelPoint(f.geometry),
    nameZh: f.properties.name,
    nameEn: f.properties.nameEn,
    kind: 'district',
    // population ranks the core districts first; +1000 keeps every district above streets
    priority: 1000 + (f.properties.population ?? 0) / 1e5,
    parentCode: f.properties.parentCode,
  }));
}

export function streetCandidates(fc: RegionCollection): LabelCandidate[] {
  return fc.features.map((f) => ({
    key: f.properties.code,
    position: f.properties.labelPoint ?? labelPoint(f.geometry, 0.0005),
    nameZh: f.properties.name,
    nameEn: f.properties.nameEn,
    kind: 'street',
    priority: 0,
    parentCode: f.properties.parentCode,
  }));
}

/** Street labels appear one zoom step after street outlines, when there is room for them. */
export const STREET_LABEL_MIN_ZOOM = STREET_MIN_ZOOM + 0.75;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Rough text box: CJK glyphs are square, Latin ones about 0.6 em wide. */
function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) > 0x2e80 ? size : size * 0.6;
  return w;
}

export interface PlaceOptions {
  project: (p: [number, number]) => { x: number; y: number };
  width: number;
  height: number;
  zoom: number;
  locale: string;
  /** 1 rem in CSS pixels, so labels scale with the page on a wall display */
  remPx: number;
  selectedDistrict: string | null;
  /** screen rectangles covered by floating panels (the legend): no label goes under them */
  obstacles: Box[];
}

/** The page's panels floating over the map (marked data-map-obstacle), in the canvas's pixels: no name goes under them. */
export function domObstacles(canvas: HTMLElement): Box[] {
  const frame = canvas.getBoundingClientRect();
  return [...document.querySelectorAll<HTMLElement>('[data-map-obstacle]')]
    .map((el) => el.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.height > 0)
    .map((r) => ({
      x0: r.left - frame.left,
      y0: r.top - frame.top,
      x1: r.right - frame.left,
      y1: r.bottom - frame.top,
    }));
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

export function placeLabels(candidates: readonly LabelCandidate[], o: PlaceOptions): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const boxes: Box[] = [];
  const districtSize = Math.round(o.remPx * (o.zoom < 9 ? 1 : 1.15));
  const streetSize = Math.round(o.remPx * 0.82);
  // the selected district's name must never be the one hidden
  const rank = (c: LabelCandidate) => (c.key === o.selectedDistrict ? Infinity : c.priority);
  const sorted = [...candidates].sort((a, b) => rank(b) - rank(a));
  for (const c of sorted) {
    if (c.kind === 'street') {
      if (o.zoom < STREET_LABEL_MIN_ZOOM) continue;
      // with a district selected, its own streets matter; the neighbours' add clutter
      if (o.selectedDistrict && c.parentCode !== o.selectedDistrict) continue;
    }
    const text = regionDisplayName(o.locale, c.nameZh, c.nameEn);
    const size = c.kind === 'district' ? districtSize : streetSize;
    const { x, y: y0 } = o.project(c.position);
    const w = textWidth(text, size) / 2 + 4;
    const h = size * 0.65 + 3;
    // At its point; a district's name kept from a panel's edge moves up or down by up to half its
    // height (so it still sits on its district). A clash with a more important name drops it.
    const shifts = c.kind === 'district' ? [0, -h, h] : [0];
    for (const dy of shifts) {
      const y = y0 + dy;
      const box = { x0: x - w, y0: y - h, x1: x + w, y1: y + h };
      // a name cut by the screen edge reads as a different name ("gshan"), so skip it
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > o.width || box.y1 > o.height) continue;
      if (boxes.some((b) => overlaps(b, box))) {
        if (dy === 0) break;
        continue;
      }
      if (o.obstacles.some((b) => overlaps(b, box))) continue;
      boxes.push(box);
      placed.push({ key: c.key, position: c.position, dy, text, size, kind: c.kind });
      break;
    }
  }
  return placed;
}

/** A placed label where the camera has it now, in CSS pixels of the map's container. */
export interface ScreenLabel extends PlacedLabel {
  x: number;
  y: number;
}

export function projectLabels(
  placed: readonly PlacedLabel[],
  project: (p: [number, number]) => { x: number; y: number },
): ScreenLabel[] {
  return placed.map((l) => {
    const { x, y } = project(l.position);
    return { ...l, x, y: y + l.dy };
  });
}

export const LABEL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
