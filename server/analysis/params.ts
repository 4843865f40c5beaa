// Query parameters shared by the analysis endpoints, and the translation of a requested window into
// whole city days (the rollups' unit).
import { z } from 'zod';
import { zoneOffsetMinutes } from '../time.ts';
import { addDays, isDate, isMonth } from './calendar.ts';
import { plausibleYear, YEAR_MESSAGE } from '../validate.ts';

/** A city date (YYYY-MM-DD) or an ISO instant with offset. */
export const dateOrInstant = z
  .string()
  .refine((s) => isDate(s) || (z.iso.datetime({ offset: true }).safeParse(s).success && !Number.isNaN(Date.parse(s))), {
    message: 'must be a date YYYY-MM-DD or an ISO date-time with offset',
  })
  .refine(plausibleYear, { message: YEAR_MESSAGE });

export const monthParam = z
  .string()
  .refine(isMonth, { message: 'must be a month YYYY-MM' })
  .refine(plausibleYear, { message: YEAR_MESSAGE });

export const code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a code');

/** 'true' / 'false' (also 1/0) as a boolean, with a default. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

export const h3Res = z.enum(['7', '8', '9']).transform((v) => Number(v) as 7 | 8 | 9);

/** A bounded integer given as a query string. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

export const numberParam = (min: number, max: number) =>
  z
    .string()
    .refine((s) => s.trim() !== '' && Number.isFinite(Number(s)), { message: 'must be a number' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

/** The city date holding an instant. */
export function cityDateOf(ms: number): string {
  return new Date(ms + zoneOffsetMinutes(new Date(ms)) * 60_000).toISOString().slice(0, 10);
}

export interface DayWindow {
  /** First city day. */
  from: string;
  /** Last city day (inclusive). */
  to: string;
  /** Day after `to`: the exclusive end the SQL uses. */
  end: string;
}

/**
 * A requested window in whole city days. A bare date is that whole day (as in filters.ts); an
 * instant is the day holding it (`to` is exclusive, so the day holding the instant just before).
 * Defaults: `to` = the latest day with data, `from` = `defaultDays` days up to `to`.
 */
export function dayWindow(q: { from?: string; to?: string }, latestDay: string | null, defaultDays: number): DayWindow {
  const to =
    q.to === undefined ? (latestDay ?? cityDateOf(Date.now())) : isDate(q.to) ? q.to : cityDateOf(Date.parse(q.to) - 1);
  const from =
    q.from === undefined ? addDays(to, -(defaultDays - 1)) : isDate(q.from) ? q.from : cityDateOf(Date.parse(q.from));
  if (from > to)
    throw new AnalysisInputError(
      q.to === undefined ? 'from' : 'to',
      `the window ends (${to}) before it starts (${from})`,
    );
  return { from, to, end: addDays(to, 1) };
}

/** A request that is well-formed but makes no sense (a window ending before it starts…): a 400 naming the field. */
export class AnalysisInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
