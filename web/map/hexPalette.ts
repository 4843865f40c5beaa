// Colours of the studio's hex layers. Hot/cold bins use ColorBrewer RdBu (Brewer,
// colorbrewer2.org): a red–blue diverging scale that stays readable under protanopia,
// deuteranopia and tritanopia; darker = more confident. Forecast values use viridis steps
// (perceptually even, colour-blind safe). Pure: unit-tested in tests/web/studio/.
import { hexToRgb } from './palette.ts';

export type Rgba = [number, number, number, number];

/** Gi* confidence bins −3..3 (99/95/90% cold, not significant, 90/95/99% hot). */
export const BIN_COLOURS: Record<string, string> = {
  '-3': '#2166ac',
  '-2': '#67a9cf',
  '-1': '#d1e5f0',
  '0': '#5c6577',
  '1': '#fddbc7',
  '2': '#ef8a62',
  '3': '#b2182b',
};

/** Legend order: hottest first, as a planner reads it. */
export const BIN_ORDER = [3, 2, 1, 0, -1, -2, -3] as const;

export function binColour(bin: number): string {
  const b = Math.max(-3, Math.min(3, Math.trunc(bin)));
  return BIN_COLOURS[String(b)]!;
}

/** Confidence (90/95/99) of a bin, or null for "not significant". */
export function binConfidence(bin: number): 90 | 95 | 99 | null {
  const a = Math.abs(bin);
  return a >= 3 ? 99 : a === 2 ? 95 : a === 1 ? 90 : null;
}

export function rgba(hex: string, alpha = 255): Rgba {
  const [r, g, b] = hexToRgb(hex);
  return [r, g, b, alpha];
}

/** Viridis without its near-black end, which vanishes on the dark map: low → high. */
export const SEQUENTIAL_COLOURS = ['#3b528b', '#21918c', '#5ec962', '#b5de2b', '#fde725'] as const;

/**
 * Class breaks for a sequential legend: quantiles of the positive values (so a few very busy
 * cells do not push every other cell into the first class), rounded for reading, strictly rising.
 * Returns the lower bound of each class; the first is the smallest value.
 */
export function quantileBreaks(values: readonly number[], classes = SEQUENTIAL_COLOURS.length): number[] {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (v.length === 0) return [];
  // few distinct values (small counts: 1, 2, 3 tickets): one class each, nothing merged away
  const distinct = [...new Set(v)];
  if (distinct.length <= classes) return distinct;
  const q = quantilesOf(v, classes);
  // most cells sharing the lowest value collapses the quantiles: break over the distinct values instead
  return q.length >= Math.min(3, classes) ? q : quantilesOf(distinct, classes);
}

function quantilesOf(v: readonly number[], classes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < classes; i++) {
    const q = v[Math.min(v.length - 1, Math.floor((i / classes) * v.length))]!;
    const r = i === 0 ? q : niceRound(q);
    if (out.length === 0 || r > out[out.length - 1]!) out.push(r);
  }
  return out;
}

/** Two significant figures: 0.1234 → 0.12, 17.8 → 18, 1234 → 1200. */
export function niceRound(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const p = Math.pow(10, Math.floor(Math.log10(Math.abs(x))) - 1);
  return Math.round(x / p) * p;
}

/** Index of the class a value falls in (the last break ≤ value); −1 below the first break. */
export function classOf(value: number, breaks: readonly number[]): number {
  let k = -1;
  for (let i = 0; i < breaks.length; i++) if (value >= breaks[i]!) k = i;
  return k;
}

/** Sequential colour of a value, with as many classes as breaks (the top of the ramp always used). */
export function sequentialColour(value: number, breaks: readonly number[]): string {
  const k = classOf(value, breaks);
  if (k < 0) return SEQUENTIAL_COLOURS[0];
  const n = breaks.length;
  const idx = n <= 1 ? SEQUENTIAL_COLOURS.length - 1 : Math.round((k / (n - 1)) * (SEQUENTIAL_COLOURS.length - 1));
  return SEQUENTIAL_COLOURS[idx]!;
}

/** Recurring-cluster patterns, Okabe–Ito hues (distinct for every common colour-vision deficiency). */
export const PATTERN_COLOURS: Record<string, string> = {
  steady: '#56b4e9',
  seasonal: '#f0e442',
  growing: '#cc79a7',
};

/** Topic score parts, Okabe–Ito order: one hue per component of the 每月一题 score. */
export const COMPONENT_COLOURS: Record<string, string> = {
  volume: '#56b4e9',
  growth: '#e69f00',
  spread: '#009e73',
  unresolved: '#cc79a7',
  dissatisfied: '#d55e00',
  recurrence: '#f0e442',
};

/** Sequential ramp for white paper (ColorBrewer OrRd): the printed brief's hexes. */
export const PAPER_COLOURS = ['#fdd49e', '#fdbb84', '#fc8d59', '#d7301f', '#7f0000'] as const;
