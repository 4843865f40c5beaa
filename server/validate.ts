// Input validation: query/body schemas that answer 400 with the offending field named, the text
// normalisation every write body goes through, and the shared coordinate and text schemas.
import type { Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z, type ZodType } from 'zod';
import { errorBody, validationError } from './errors.ts';

export const validQuery = <T extends ZodType>(schema: T) =>
  zValidator('query', schema, (result, c) => {
    if (!result.success) return c.json(validationError(result.error as never), 400);
  });

export const validJson = <T extends ZodType>(schema: T) =>
  zValidator('json', schema, (result, c) => {
    if (!result.success) return c.json(validationError(result.error as never), 400);
  });

// C0 and C1 controls and DEL; tab and newline stay in free text (multi-line descriptions).
// NUL in particular must never reach PostgreSQL, which refuses it in text.
const CONTROLS_INLINE = /[\u0000-\u001F\u007F-\u009F]/g;
const CONTROLS_BLOCK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Lone surrogates would be re-encoded as U+FFFD anyway; make that explicit.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One line of text as stored: NFC, lone surrogates replaced, controls stripped (tab/newline kept), trimmed. */
export function normaliseText(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROLS_BLOCK, '').trim();
}

/** A whole document (CSV): NFC and controls stripped, line structure (CR/LF/tab) kept. */
export function normaliseBlock(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(CONTROLS_BLOCK, '');
}

/** A parsed JSON value the API never accepts whatever the route: absurd nesting, a non-finite number. */
export class BadJsonValue extends Error {
  constructor(message: string, readonly field: string) {
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
  if (typeof v === 'number' && !Number.isFinite(v)) throw new BadJsonValue('must be a finite number', path.join('.') || 'body');
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

export const longitude = z.number('must be a number (WGS-84 longitude in degrees)').min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180');
export const latitude = z.number('must be a number (WGS-84 latitude in degrees)').min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90');

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
