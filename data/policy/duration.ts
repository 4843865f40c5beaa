// Durations as cities write them in their policy and taxonomy files: "30m", "2h", "7d", "90d", or
// a number of minutes. US 311 systems give each request type a service level in days ("bulk
// pickup 90 days"); Chinese hotlines give hours and days.
import { z } from 'zod';

const UNIT_MINUTES = { m: 1, h: 60, d: 24 * 60 } as const;

/** Minutes in a duration, or null when the text is not one. */
export function parseDurationMinutes(input: string | number): number | null {
  if (typeof input === 'number') return Number.isInteger(input) && input > 0 ? input : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$/i.exec(input);
  if (!m) return null;
  const minutes = Number(m[1]) * UNIT_MINUTES[m[2].toLowerCase() as keyof typeof UNIT_MINUTES];
  return Number.isInteger(minutes) && minutes > 0 ? minutes : null;
}

/** A zod field: "90d" | "24h" | "30m" | minutes → minutes. */
export const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const minutes = parseDurationMinutes(v);
  if (minutes === null) {
    ctx.addIssue({
      code: 'custom',
      message: `'${v}' is not a duration: write e.g. 30m, 24h, 7d or a whole number of minutes`,
    });
    return z.NEVER;
  }
  return minutes;
});
