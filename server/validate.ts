// Input validation: query/body schemas that answer 400 with the offending field named, the text
// normalisation every write body goes through, and the shared coordinate and text schemas.
import type { Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z, type ZodType } from 'zod';
import { errorBody, validationError } from './errors.ts';

/** The query parameters a schema names (for the fuzz test, which sends odd values to every one). */
function queryKeys(schema: ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

export const validQuery = <T extends ZodType>(schema: T) =>
  Object.assign(
    zValidator('query', schema, (result, c) => {
      if (!result.success) return c.json(validationError(result.error as never), 400);
    }),
    { queryKeys: queryKeys(schema) },
  );

/** Years a date parameter may name: wide enough for any history, narrow enough that date arithmetic never leaves 4 digits. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;
/** A YYYY-MM-DD… string or Date whose year lies in [MIN_YEAR, MAX_YEAR]. */
export function plausibleYear(v: string | Date): boolean {
  if (v instanceof Date)
    return !Number.isNaN(v.getTime()) && v.getUTCFullYear() >= MIN_YEAR && v.getUTCFullYear() <= MAX_YEAR;
  const m = /^\s*([+-]?\d+)-/.exec(v);
  if (!m) return true; // not a date at all: the date's own rule says so
  const y = Number(m[1]);
  return y >= MIN_YEAR && y <= MAX_YEAR;
}
export const YEAR_MESSAGE = `must be a date between ${MIN_YEAR} and ${MAX_YEAR}`;

export const validJson = <T extends ZodType>(schema: T) =>
  zValidator('json', schema, (result, c) => {
    if (!result.success) return c.json(validationError(result.error as never), 400);
  });

// C0 and C1 controls and DEL; tab and newline stay in free text (multi-line descriptions).
// NUL in particular must never reach PostgreSQL, which refuses it in text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS_INLINE = /[\u0000-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_BLOCK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Lone surrogates would be re-encoded as U+FFFD anyway; make that explicit.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Unicode non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two of every plane): never
// text, and not allowed in XML, where one of them made the whole Open311 feed invalid.
export const NONCHARACTERS =
  /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/g;

/** One line of text as stored: NFC, lone surrogates replaced, controls and non-characters stripped (tab/newline kept), trimmed. */
export function normaliseText(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS_BLOCK, '')
    .replace(NONCHARACTERS, '')
    .trim();
}

/** A whole document (CSV): NFC, controls and non-characters stripped, line structure (CR/LF/tab) kept. */
export function normaliseBlock(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(CONTROLS_BLOCK, '').replace(NONCHARACTERS, '');
}

/**
 * normaliseBlock for a large document without holding the event loop: slices of about `slice`
 * characters cut after a newline (NFC never joins across one), each followed by a yield.
 */
export async function normaliseBlockAsync(s: string, slice = 1 << 20): Promise<string> {
  if (s.length <= slice) return normaliseBlock(s);
  const parts: string[] = [];
  for (let at = 0; at < s.length;) {
    let end = Math.min(s.length, at + slice);
    if (end < s.length) {
      const nl = s.indexOf('\n', end);
      end = nl < 0 ? s.length : nl + 1;
    }
    parts.push(normaliseBlock(s.slice(at, end)));
    at = end;
    await new Promise<void>((r) => setImmediate(r));
  }
  return parts.join('');
}

/** A parsed JSON value the API never accepts whatever the route: absurd nesting, a non-finite number. */
export class BadJsonValue extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
export const MAX_DEPTH = 16;

/**
 * Every string in a parsed JSON value normalised (keys included). Numbers like 1e999 parse to
 * Infinity, which JSON cannot carry back out (it would silently become null): refused here.
 */
export function normaliseDeep(v: unknown, path: string[] = []): unknown {
  if (path.length > MAX_DEPTH) throw new BadJsonValue(`nested deeper than ${MAX_DEPTH} levels`, 'body');
  if (typeof v === 'string') return normaliseText(v);
  if (typeof v === 'number' && !Number.isFinite(v))
    throw new BadJsonValue('must be a finite number', path.join('.') || 'body');
  if (Array.isArray(v)) return v.map((x, i) => normaliseDeep(x, [...path, String(i)]));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const key = k.replace(CONTROLS_INLINE, '').normalize('NFC');
      out[key] = normaliseDeep(x, [...path, key]);
    }
    return out;
  }
  return v;
}

/** Free text with a length cap, normalised again here for values that did not come through a body. */
export const text = (max: number) => z.string().transform(normaliseText).pipe(z.string().max(max));

export const longitude = z
  .number('must be a number (WGS-84 longitude in degrees)')
  .min(-180, 'longitude must be between -180 and 180')
  .max(180, 'longitude must be between -180 and 180');
export const latitude = z
  .number('must be a number (WGS-84 latitude in degrees)')
  .min(-90, 'latitude must be between -90 and 90')
  .max(90, 'latitude must be between -90 and 90');

/** JSON body parsed by hand so a malformed body is a 400 naming `body`, never a 500. */
export async function readJsonBody(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> {
  const text = await c.req.text();
  if (!text.trim()) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, res: c.json(errorBody('invalid_input', 'body: not valid JSON', 'body'), 400) };
  }
}
