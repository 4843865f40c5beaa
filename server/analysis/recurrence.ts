// Recurrence pattern of a recurring cluster (一件事 → 一类事): steady, seasonal or growing, from
// its monthly ticket counts over the analysed window. Planners act differently on each: a steady
// leak needs a repair, a seasonal one an inspection before its season (未诉先办), a growing one
// attention now.
//
// Rules, checked in this order (window = the analysed months, zeros included, oldest first):
// 1. Season block: the shortest run of at most 5 consecutive CALENDAR months (wrapping Dec→Jan)
//    holding ≥ 80% of the cluster's tickets. Only looked for when the window spans ≥ 9 months:
//    with less, the off-season has not been seen.
// 2. Trend: Mann-Kendall on the monthly counts (ties corrected); "rising" = z > 0 and p ≤ 0.05.
// 3. A season block → seasonal, unless the block holds the window's final calendar month AND
//    the trend is rising: a burst still climbing at the end of the window is growth until a
//    season has been seen to end (the next analysis, with more months, can call it seasonal).
// 4. Otherwise rising → growing; otherwise steady.
// Fading clusters come out steady; their monthly counts are returned beside the pattern.
import { mannKendall } from './mannKendall.ts';

export type RecurrencePattern = 'steady' | 'seasonal' | 'growing';

export const RECURRENCE_LABELS: Record<RecurrencePattern, { zh: string; en: string }> = {
  steady: { zh: '常年反复', en: 'Steady' },
  seasonal: { zh: '季节性', en: 'Seasonal' },
  growing: { zh: '持续增长', en: 'Growing' },
};

export const SEASON_MAX_MONTHS = 5;
export const SEASON_SHARE = 0.8;
export const SEASON_MIN_WINDOW = 9;
export const GROWTH_ALPHA = 0.05;

export interface RecurrenceResult {
  pattern: RecurrencePattern;
  /** Calendar months (1–12) of the season block, in order; null when there is none. */
  seasonMonths: number[] | null;
  trend: { z: number; p: number; s: number };
}

/**
 * @param firstMonth calendar month (1–12) of counts[0]
 * @param counts tickets per month over the window, oldest first
 */
export function recurrencePattern(firstMonth: number, counts: readonly number[]): RecurrenceResult {
  if (!Number.isInteger(firstMonth) || firstMonth < 1 || firstMonth > 12)
    throw new RangeError(`firstMonth ${firstMonth} is not 1–12`);
  const mk = mannKendall(counts);
  const trend = { z: mk.z, p: mk.p, s: mk.s };
  const rising = mk.z > 0 && mk.p <= GROWTH_ALPHA;
  const season = counts.length >= SEASON_MIN_WINDOW ? seasonBlock(firstMonth, counts) : null;
  const finalMonth = ((firstMonth - 1 + counts.length - 1) % 12) + 1;
  if (season && !(rising && season.includes(finalMonth))) return { pattern: 'seasonal', seasonMonths: season, trend };
  return { pattern: rising ? 'growing' : 'steady', seasonMonths: null, trend };
}

/** Shortest calendar-month block (≤ 5 months) holding ≥ 80% of the tickets; ties → earliest start. */
export function seasonBlock(firstMonth: number, counts: readonly number[]): number[] | null {
  const byCalendar = new Array<number>(12).fill(0);
  let total = 0;
  counts.forEach((n, i) => {
    if (!(n >= 0)) throw new RangeError(`count ${n} at ${i} is not a non-negative number`);
    byCalendar[(firstMonth - 1 + i) % 12] += n;
    total += n;
  });
  if (total === 0) return null;
  for (let length = 1; length <= SEASON_MAX_MONTHS; length++) {
    for (let start = 0; start < 12; start++) {
      let held = 0;
      for (let k = 0; k < length; k++) held += byCalendar[(start + k) % 12];
      // Integers on both sides: 5·held ≥ 4·total is exactly held ≥ 80% of total.
      if (5 * held >= 4 * total) return Array.from({ length }, (_, k) => ((start + k) % 12) + 1);
    }
  }
  return null;
}
