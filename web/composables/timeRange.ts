import { cityDateOf, cityDayStart as dayStart } from './city.ts';
import { addDays } from './zone.ts';

// Time range presets. Ranges end at the last day that has data (not "now"), because demo
// and replayed datasets end in the past and an empty "last 7 days" would mislead.
export const RANGE_PRESETS = ['7d', '30d', '90d', '13m'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const DAY_MS = 86_400_000;

export interface TimeRange {
  from: string;
  to: string;
}

/**
 * `anchor` is the server's default (30-day) range, so the 30-day preset asks for exactly
 * what the server means by its default, and other presets share its end instant.
 */
export function rangeFor(preset: RangePreset, anchor: TimeRange): TimeRange {
  if (preset === '30d') return { from: anchor.from, to: anchor.to };
  const to = new Date(anchor.to);
  let from: Date;
  if (preset === '13m') {
    from = new Date(to);
    from.setUTCMonth(from.getUTCMonth() - 13);
  } else {
    from = new Date(to.getTime() - (preset === '7d' ? 7 : 90) * DAY_MS);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

export function isRangePreset(v: unknown): v is RangePreset {
  return typeof v === 'string' && (RANGE_PRESETS as readonly string[]).includes(v);
}

/** The instant a city date (YYYY-MM-DD) begins in the city's zone, daylight saving included. */
export const cityDayStart = dayStart;

/** A custom window of city dates, both days included (`to` is the next day's start, which a DST night makes 23 or 25 h later). */
export function customRange(from: string, to: string): TimeRange {
  return { from: cityDayStart(from), to: cityDayStart(addDays(to, 1)) };
}

/** The period of the same length immediately before, for comparison. */
export function previousRange(r: TimeRange): TimeRange {
  const from = Date.parse(r.from);
  const to = Date.parse(r.to);
  return { from: new Date(from - (to - from)).toISOString(), to: new Date(from).toISOString() };
}

/** The city date (YYYY-MM-DD) of an instant. */
export function cityDate(iso: string): string {
  return cityDateOf(iso);
}
