// Calendar periods of the reporting rhythm (day, ISO week, month, year) as instants, in the city's
// time zone. Pure: no I/O. A month is [local midnight of the 1st, local midnight of the next 1st),
// so in Beijing 2026-10-31T15:59:59Z is October and 2026-10-31T16:00:00Z is November.
import { cityTimeZone, startOfCityDay } from '../time.ts';

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const DATE_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const WEEK_PATTERN = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;
export const YEAR_PATTERN = /^(19|20|21)\d{2}$/;

/** [from, to): `to` is exclusive. */
export interface Period {
  from: Date;
  to: Date;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Month index (year·12 + month − 1), so consecutive months differ by one. */
export function monthIndex(month: string): number {
  const m = MONTH_PATTERN.exec(month);
  if (m === null) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthFromIndex(index: number): string {
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

export function addMonths(month: string, n: number): string {
  return monthFromIndex(monthIndex(month) + n);
}

/** Inclusive list of months from `first` to `last` (empty when last < first). */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let i = monthIndex(first); i <= monthIndex(last); i++) out.push(monthFromIndex(i));
  return out;
}

export function monthPeriod(month: string, zone?: string): Period {
  const next = addMonths(month, 1);
  return { from: startOfCityDay(`${month}-01`, zone), to: startOfCityDay(`${next}-01`, zone) };
}

/** Whether a YYYY-MM-DD string names a real calendar day (2026-02-30 does not). */
export function isCalendarDate(date: string): boolean {
  const m = DATE_PATTERN.exec(date);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1;
}

function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function dateString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return dateString(new Date(utcDate(date).getTime() + n * 86_400_000));
}

export function dayPeriod(date: string, zone?: string): Period {
  return { from: startOfCityDay(date, zone), to: startOfCityDay(addDays(date, 1), zone) };
}

/** The Monday (YYYY-MM-DD) that starts ISO week `YYYY-Www`. Week 1 holds the year's first Thursday. */
export function isoWeekMonday(week: string): string {
  const m = WEEK_PATTERN.exec(week);
  if (m === null) throw new RangeError(`week must be YYYY-Www, got '${week}'`);
  const year = Number(m[1]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfWeek1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  return dateString(new Date(mondayOfWeek1.getTime() + (Number(m[2]) - 1) * 7 * 86_400_000));
}

/** ISO week (YYYY-Www) of a calendar date. */
export function isoWeekOf(date: string): string {
  const d = utcDate(date);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${pad(week)}`;
}

/** Whether `YYYY-Www` exists (week 53 only in long years). */
export function isIsoWeek(week: string): boolean {
  return WEEK_PATTERN.test(week) && isoWeekOf(isoWeekMonday(week)) === week;
}

export function weekPeriod(week: string, zone?: string): Period & { days: string[] } {
  const monday = isoWeekMonday(week);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return { from: startOfCityDay(monday, zone), to: startOfCityDay(addDays(monday, 7), zone), days };
}

export function yearPeriod(year: number, zone?: string): Period {
  return { from: startOfCityDay(`${year}-01-01`, zone), to: startOfCityDay(`${year + 1}-01-01`, zone) };
}

function cityParts(at: Date, zone?: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone ?? cityTimeZone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The city's calendar month (YYYY-MM) of an instant. */
export function cityMonthOf(at: Date, zone?: string): string {
  const p = cityParts(at, zone);
  return `${p.year}-${pad(p.month)}`;
}

/** The city's calendar date (YYYY-MM-DD) of an instant. */
export function cityDateOf(at: Date, zone?: string): string {
  const p = cityParts(at, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}
