// Number, date and share formatting for the studio, per UI locale. Pure but for the city's zone
// (composables/city.ts), in which instants are shown: unit-tested.
import { formatCityTime, formatDay } from '../../composables/city.ts';

export function fmtInt(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.round(n));
}

/** One decimal for small expected counts (0.4 tickets), none from 10 up. */
export function fmtExpected(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale, {
    maximumFractionDigits: Math.abs(n) < 10 ? 1 : 0,
    minimumFractionDigits: Math.abs(n) < 10 ? 1 : 0,
  }).format(n);
}

/** A share 0..1 as a percentage with one decimal. */
export function fmtShare(x: number | null | undefined, locale: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    x,
  );
}

/** Signed change of `now` over `before` in percent ("+23%", "−8%"); null without a base. */
export function fmtChange(now: number, before: number | null | undefined, locale: string): string | null {
  if (before === null || before === undefined || before <= 0) return null;
  const r = now / before - 1;
  const s = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  }).format(r);
  return s.replace('-', '−');
}

export function fmtP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function fmtZ(z: number): string {
  return (z >= 0 ? '+' : '−') + Math.abs(z).toFixed(2);
}

/** 'YYYY-MM' → "2025年3月" / "Mar 2025". */
export function monthLabel(key: string, locale: string, short = false): string {
  const [y, m] = key.split('-').map(Number);
  const d = new Date(Date.UTC(y!, m! - 1, 1));
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: short ? '2-digit' : 'numeric',
    month: short ? 'numeric' : 'short',
  }).format(d);
}

/** 'YYYY-MM-DD' (a city date as it is) or an ISO instant (read in the city's zone) → a short local date. */
export function dayLabel(value: string, locale: string): string {
  const o: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'numeric', day: 'numeric' };
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value, locale, o) : formatCityTime(value, locale, o);
}

/** Calendar arithmetic on 'YYYY-MM-DD' (UTC noon avoids DST edges). */
export { addDays } from '../../composables/zone.ts';

/** Name in the UI language. */
export function nameOf(locale: string, zh: string, en: string | null | undefined): string {
  return locale.startsWith('zh') ? zh : en || zh;
}

/** A legend class bound: two significant figures below 1 (0.045), else as expected counts. */
export function fmtBreak(v: number, locale: string): string {
  if (v > 0 && v < 1) return new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 }).format(v);
  return fmtExpected(v, locale);
}

/** "1.5×", "12×", "> 100×": a lift past 100 is "far above", the digits only distract. */
export function fmtLift(x: number, locale: string): string {
  if (x > 100) return '> 100';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: x < 10 ? 1 : 0 }).format(x);
}

/** Legend label of a class of whole counts from `lo` up to the next class's bound (null: the top class). */
export function countClassLabel(lo: number, next: number | null, locale: string): string {
  if (next === null) return `≥ ${fmtInt(lo, locale)}`;
  const hi = next - 1;
  return hi <= lo ? fmtInt(lo, locale) : `${fmtInt(lo, locale)}–${fmtInt(hi, locale)}`;
}
