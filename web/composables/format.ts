// Display formatting for rates and ranks; numbers are computed by the server, only rounded here.
import type { Rate, RankingRow } from '../api/ranking.ts';
import { formatCityTime } from './city.ts';

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : `${v.toFixed(digits)}%`;
}

export function ratePct(r: Rate): string {
  return pct(r.percent);
}

/** Satisfaction numerators are weighted sums, so they may carry a fraction. */
export function num(v: number | null | undefined, locale: string, digits = 1): string {
  if (v === null || v === undefined) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: Number.isInteger(v) ? 0 : digits }).format(v);
}

export function score(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(2).replace(/\.?0+$/, '');
}

/** Units sharing each rank, so a tie can be marked (并列). */
export function tieCounts(rows: readonly Pick<RankingRow, 'rank'>[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of rows) if (r.rank !== null) m.set(r.rank, (m.get(r.rank) ?? 0) + 1);
  return m;
}

export function cityDateTime(iso: string | null, locale: string): string {
  if (!iso) return '—';
  return formatCityTime(iso, locale, {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

export function cityDate(iso: string, locale: string): string {
  return formatCityTime(iso, locale, { year: 'numeric', month: '2-digit', day: '2-digit' });
}

export function unitName(locale: string, zh: string | null, en: string | null): string {
  return (locale.startsWith('zh') ? zh : en || zh) ?? '';
}
