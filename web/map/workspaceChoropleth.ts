// Counts per region as a stepped choropleth. The class breaks come from one maximum, so a
// player can fix them over its whole span before the first frame (the colours mean the same
// count in every week or month). Viridis steps without the near-black end: colour-blind safe
// and readable on the dark base.
import type { ExpressionSpecification } from 'maplibre-gl';
import { NO_DATA_COLOR, SCORE_COLORS } from './choropleth.ts';

export const COUNT_COLORS = SCORE_COLORS;
export const ZERO_COLOR = NO_DATA_COLOR;

/** Round down to a round step (1, 2, 2.5, 3, 4, 5, 6, 8 × 10^k), so legend numbers read cleanly. */
export function niceFloor(v: number): number {
  if (v < 2) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  let best = p;
  for (const m of [1, 2, 2.5, 3, 4, 5, 6, 8]) if (m * p <= v && Number.isInteger(m * p)) best = m * p;
  return best;
}

/**
 * Lower bounds of the classes above zero: [1, b1, b2, b3, b4] for five colours; a count c is
 * in the last class whose bound it reaches. Equal round steps no larger than max/4, so the
 * largest count always reaches the top (open-ended) class.
 */
export function countBreaks(max: number): number[] {
  const step = niceFloor(max / (COUNT_COLORS.length - 1));
  return COUNT_COLORS.map((_, i) => Math.max(step * i, i + 1));
}

export function classOf(count: number, breaks: readonly number[]): number {
  if (count <= 0) return -1;
  let k = 0;
  for (let i = 0; i < breaks.length; i++) if (count >= breaks[i]!) k = i;
  return k;
}

export function countFill(breaks: readonly number[]): ExpressionSpecification {
  const steps: (number | string)[] = [];
  for (let i = 1; i < breaks.length; i++) steps.push(breaks[i]!, COUNT_COLORS[i]!);
  return [
    'case',
    ['<=', ['coalesce', ['get', 'count'], 0], 0],
    ZERO_COLOR,
    ['step', ['get', 'count'], COUNT_COLORS[0]!, ...steps],
  ] as unknown as ExpressionSpecification;
}
