// Colours for the ranking choropleth. All palettes are colour-blind safe: score uses viridis
// steps, rank change a blue–orange diverging scale (PuOr-like), classes the Okabe–Ito set.
import type { ExpressionSpecification } from 'maplibre-gl';
import type { UnitClass } from '../api/ranking.ts';

export type ChoroplethMode = 'score' | 'change' | 'class';

/** Darker than every data colour, so units without a score recede. */
export const NO_DATA_COLOR = '#1c2435';

/** Viridis without its near-black end (which vanished on the dark map), blue (low) to yellow (high). */
export const SCORE_COLORS = ['#414487', '#2a788e', '#22a884', '#7ad151', '#fde725'] as const;

/** Falls (orange) to rises (blue); the middle is "no change". */
export const CHANGE_COLORS = ['#e66101', '#fdb863', '#8f96a3', '#92c5de', '#2166ac'] as const;
export const CHANGE_STOPS = [-50, -10, 0, 10, 50] as const;

export const CLASS_COLORS: Record<UnitClass | 'none', string> = {
  advanced: '#56b4e9',
  progressing: '#009e73',
  rectification: '#e69f00',
  governance: '#cc79a7',
  none: '#3a4660',
};
/** A unit in several classes is drawn in the first of these. */
export const CLASS_PRIORITY: readonly UnitClass[] = ['rectification', 'advanced', 'progressing', 'governance'];
/** Red zone: a dashed red outline, so it differs from the class fills by pattern as well as hue. */
export const RED_ZONE_LINE = '#ff4747';

export function mainClass(classes: readonly UnitClass[]): UnitClass | 'none' {
  return CLASS_PRIORITY.find((c) => classes.includes(c)) ?? 'none';
}

/** Equal-width score steps between the month's lowest and highest ranked score. */
export function scoreStops(min: number, max: number): number[] {
  const span = max - min || 1;
  return SCORE_COLORS.map((_, i) => min + (span * i) / (SCORE_COLORS.length - 1));
}

export function fillColor(mode: ChoroplethMode, stops: readonly number[]): ExpressionSpecification {
  if (mode === 'class') {
    return [
      'match',
      ['coalesce', ['get', 'cls'], 'nodata'],
      ...Object.entries(CLASS_COLORS).flat(),
      NO_DATA_COLOR,
    ] as unknown as ExpressionSpecification;
  }
  const prop = mode === 'score' ? 'score' : 'change';
  const colors = mode === 'score' ? SCORE_COLORS : CHANGE_COLORS;
  const at = mode === 'score' ? stops : CHANGE_STOPS;
  const ramp: (number | string)[] = [];
  colors.forEach((c, i) => ramp.push(at[i], c));
  return [
    'case',
    ['==', ['typeof', ['get', prop]], 'number'],
    ['interpolate', ['linear'], ['get', prop], ...ramp],
    NO_DATA_COLOR,
  ] as unknown as ExpressionSpecification;
}
