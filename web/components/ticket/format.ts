// Times in the city's zone and durations for the ticket pages.
import { cityZone } from '../../composables/city.ts';

/** "11/26 14:05" (or with the year when it is not this year's), in the city's zone. */
export function cityTime(iso: string | null, locale: string, opts: { seconds?: boolean; year?: boolean } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const CITY_ZONE = cityZone();
  const thisYear = new Intl.DateTimeFormat('en', { timeZone: CITY_ZONE, year: 'numeric' });
  const showYear = opts.year ?? thisYear.format(d) !== thisYear.format(new Date());
  return new Intl.DateTimeFormat(locale, {
    timeZone: CITY_ZONE,
    year: showYear ? 'numeric' : undefined,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: opts.seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  }).format(d);
}

/** Whole days, hours and minutes of a span, largest two parts: {d: 2, h: 5} or {h: 3, m: 12}. */
export function durationParts(ms: number): { unit: 'd' | 'h' | 'm'; n: number }[] {
  const m = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  const parts = [
    { unit: 'd' as const, n: Math.floor(m / 1440) },
    { unit: 'h' as const, n: Math.floor((m % 1440) / 60) },
    { unit: 'm' as const, n: m % 60 },
  ];
  const first = parts.findIndex((p) => p.n > 0);
  if (first < 0) return [{ unit: 'm', n: 0 }];
  return parts.slice(first, first + 2).filter((p) => p.n > 0);
}
