// Seasonal, weekly and daily rhythms of demand. A city's seasonal curves come from its demo profile
// (data/cities/<city>/demo.json, see profile.ts): month-of-year multipliers, or date segments with
// peaks for seasons that start and stop on a date (a heating season). Every curve is normalised to a
// mean of 1 over the year, so a category's base share is its share over a whole year and the curve
// only moves demand between months.
import { z } from 'zod';

const DAYS = 366;

const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date as MM-DD')
  .refine((s) => {
    const [m, d] = s.split('-').map(Number);
    return d <= new Date(Date.UTC(2001, m, 0)).getUTCDate();
  }, 'no such day in a year without 29 February');
const factor = z.number().min(0);

/** A curve over the year, as a city writes it in its demo profile. */
export const curveSchema = z.union([
  z.literal('flat'),
  /** Values at the middle of each month, January first, interpolated linearly between months (and around the year end). */
  z.object({ monthly: z.array(factor).length(12) }).strict(),
  /**
   * Date ranges (MM-DD to MM-DD inclusive, may wrap the year end) at a constant value or a linear
   * ramp from `start` to `end`; `base` elsewhere. Peaks add a bell (standard deviation `sd` days)
   * around a date, within `from`–`to` (default ± 4 sd).
   */
  z
    .object({
      base: factor.default(1),
      segments: z
        .array(
          z.union([
            z.object({ from: monthDay, to: monthDay, value: factor }).strict(),
            z.object({ from: monthDay, to: monthDay, start: factor, end: factor }).strict(),
          ]),
        )
        .default([]),
      peaks: z
        .array(
          z
            .object({
              at: monthDay,
              height: factor,
              sd: z.number().positive(),
              from: monthDay.optional(),
              to: monthDay.optional(),
            })
            .strict(),
        )
        .default([]),
    })
    .strict(),
]);
export type CurveSpec = z.input<typeof curveSchema>;
type Curve = z.output<typeof curveSchema>;

/** Day of the year (0-based) of MM-DD in a year without 29 February. */
function doyOf(md: string): number {
  const [m, d] = md.split('-').map(Number);
  return Math.round((Date.UTC(2001, m - 1, d) - Date.UTC(2001, 0, 1)) / 86_400_000);
}

/** Where `doy` lies in the range from..to (inclusive, wrapping the year end): 0…1, or null outside. */
function within(doy: number, from: number, to: number): number | null {
  const span = (to - from + 365) % 365;
  const at = (doy - from + 365) % 365;
  if (at > span) return null;
  return span === 0 ? 0 : at / span;
}

function evaluator(c: Curve): (month: number, day: number, doy: number) => number {
  if (c === 'flat') return () => 1;
  if ('monthly' in c) {
    const mid = c.monthly;
    return (_m, _d, doy) => {
      const x = ((doy - 15 + DAYS) % DAYS) / (DAYS / 12);
      const i = Math.floor(x);
      const f = x - i;
      return mid[i % 12] * (1 - f) + mid[(i + 1) % 12] * f;
    };
  }
  const segments = c.segments.map((s) => ({ ...s, a: doyOf(s.from), b: doyOf(s.to) }));
  const peaks = c.peaks.map((p) => {
    const at = doyOf(p.at);
    const reach = Math.ceil(4 * p.sd);
    return {
      ...p,
      atDoy: at,
      a: p.from ? doyOf(p.from) : (at - reach + 365) % 365,
      b: p.to ? doyOf(p.to) : (at + reach) % 365,
    };
  });
  return (month, day) => {
    const doy = doyOf(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    let v = c.base;
    for (const s of segments) {
      const t = within(doy, s.a, s.b);
      if (t === null) continue;
      v = 'value' in s ? s.value : s.start + (s.end - s.start) * t;
      break;
    }
    for (const p of peaks) {
      if (within(doy, p.a, p.b) === null) continue;
      // Signed distance in days, the short way round the year.
      let dist = doy - p.atDoy;
      if (dist > 182) dist -= 365;
      if (dist < -182) dist += 365;
      v += p.height * Math.exp(-(dist ** 2) / (2 * p.sd ** 2));
    }
    return v;
  };
}

/** A seasonal curve ready for lookups: one multiplier per day of the year, mean 1. */
export type SeasonTable = Float64Array;

/** Tabulates a curve (parsed or as written) over the days of the year and normalises it to a mean of 1. */
export function seasonTable(spec: CurveSpec): SeasonTable {
  const f = evaluator(curveSchema.parse(spec));
  const t = new Float64Array(DAYS);
  let sum = 0;
  for (let doy = 0; doy < DAYS; doy++) {
    const date = new Date(Date.UTC(2001, 0, 1 + doy)); // a non-leap year: doy 365 wraps to 1 Jan
    t[doy] = f(date.getUTCMonth() + 1, date.getUTCDate(), doy);
    if (doy < 365) sum += t[doy];
  }
  if (!(sum > 0)) throw new Error('a seasonal curve must be above zero somewhere in the year');
  const mean = sum / 365;
  for (let doy = 0; doy < DAYS; doy++) t[doy] /= mean;
  return t;
}

export const FLAT_SEASON: SeasonTable = seasonTable('flat');

/** Multiplier of a seasonal curve on a day of the year (0-based); mean 1 over the year. */
export function seasonFactor(table: SeasonTable, dayOfYear: number): number {
  return table[Math.min(dayOfYear, DAYS - 1)];
}

/** Relative demand per weekday, Sunday first: Monday catches up on the weekend. A profile may replace it. */
export const WEEKDAY_FACTOR = [0.84, 1.13, 1.06, 1.03, 1.0, 0.98, 0.86];

/**
 * Relative demand per local hour, 0–23, by shape. A profile may add shapes of its own. 'heating' is
 * the at-home shape of heating and hot-water complaints: mornings and evenings.
 */
export const DIURNAL: Record<string, number[]> = {
  day: [
    0.25, 0.12, 0.08, 0.06, 0.06, 0.12, 0.4, 0.9, 1.6, 2.0, 2.0, 1.7, 1.2, 1.4, 1.8, 1.8, 1.6, 1.3, 1.0, 1.0, 1.0, 0.9,
    0.6, 0.4,
  ],
  office: [
    0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.15, 0.5, 1.8, 2.6, 2.6, 2.0, 1.1, 1.7, 2.4, 2.3, 1.9, 1.2, 0.6, 0.5, 0.4, 0.3,
    0.15, 0.1,
  ],
  evening: [
    0.6, 0.3, 0.1, 0.05, 0.05, 0.1, 0.4, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.9, 1.6, 2.4, 2.8, 2.4, 1.6,
    1.0,
  ],
  night: [
    2.0, 1.6, 1.0, 0.5, 0.3, 0.3, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.7, 1.0, 1.5, 2.2, 2.6,
    2.5,
  ],
  heating: [
    0.4, 0.2, 0.15, 0.15, 0.2, 0.5, 1.4, 2.0, 2.0, 1.6, 1.3, 1.1, 1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.8, 2.2, 2.2, 1.9, 1.3,
    0.8,
  ],
  round_the_clock: [
    0.6, 0.5, 0.45, 0.4, 0.4, 0.5, 0.7, 0.9, 1.1, 1.2, 1.2, 1.2, 1.1, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.0, 0.9,
    0.7,
  ],
};
