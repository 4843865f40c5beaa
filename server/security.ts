// Edge defences applied before any route runs: security headers on every response, and for every
// write a body-size cap, a content-type check, malformed-JSON refusal and text normalisation, so
// routes only ever see bounded, well-formed, normalised bodies.
import type { Context, MiddlewareHandler } from 'hono';
import { errorBody } from './errors.ts';
import { BadJsonValue, normaliseBlockAsync, normaliseDeep } from './validate.ts';
import { open311Error, splitFormat } from './open311/format.ts';
import { MAX_MEDIA_BYTES } from './open311/media.ts';

export const MAX_JSON_BYTES = 64 * 1024;
export const MAX_CSV_BYTES = 64 * 1024 * 1024;
export const MAX_OPEN311_MULTIPART_BYTES = MAX_MEDIA_BYTES + 256 * 1024;

/**
 * The page runs only its own bundled code. MapLibre starts its workers from a same-origin file but
 * deck.gl/loaders.gl may start theirs from blob: URLs; map images and canvases come back as blob:
 * and data: URLs. MapLibre and ECharts position popups and tooltips with inline style attributes,
 * which CSP can only allow as a whole ('unsafe-inline' for style-src, never for script-src).
 */
export function contentSecurityPolicy(extraConnect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${extraConnect.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Behind HTTPS (COOKIE_SECURE=1) browsers are told to come back only over HTTPS, for a year. */
export const HSTS = 'max-age=31536000; includeSubDomains';
const secure = () => process.env.COOKIE_SECURE === '1' || process.env.COOKIE_SECURE === 'true';

/**
 * Security headers on every answer. API answers are `Cache-Control: no-store` unless the route
 * chose otherwise (an ETag for reference geography, say): ticket details, exports, reports and who
 * is signed in must not linger in a shared or browser cache.
 */
export function securityHeaders(opts: { connect?: string[] } = {}): MiddlewareHandler {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(opts.connect),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
  return async (c, next) => {
    await next();
    const all: Record<string, string> = { ...headers };
    if (secure()) all['Strict-Transport-Security'] = HSTS;
    const p = c.req.path;
    if (
      (p.startsWith('/api/') || p.startsWith('/open311/')) &&
      !c.res.headers.has('cache-control') &&
      !c.res.headers.has('etag')
    )
      all['Cache-Control'] = 'no-store';
    if (p.startsWith('/open311/')) {
      // Open311 is for other sites' apps too: they read the answers (never with credentials, which
      // '*' forbids; filing rests on the api_key alone) and show a request's media on their pages.
      all['Access-Control-Allow-Origin'] = '*';
      if (c.req.method === 'GET' || c.req.method === 'HEAD') all['Cross-Origin-Resource-Policy'] = 'cross-origin';
    }
    for (const [k, v] of Object.entries(all)) {
      try {
        c.res.headers.set(k, v);
      } catch {
        // A response with immutable headers (fetched from elsewhere) is re-wrapped once.
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set(k, v);
      }
    }
  };
}

type BodyKind = 'json' | 'csv' | 'form';

/** What each write path accepts; Open311 answers errors in the spec's own body. */
function expectation(path: string, contentType: string): { kinds: BodyKind[]; max: number; open311: boolean } {
  if (path.startsWith('/api/import/')) return { kinds: ['csv'], max: MAX_CSV_BYTES, open311: false };
  // A multipart Open311 request may carry one media file (server/open311/media.ts) besides its fields.
  if (path.startsWith('/open311/'))
    return {
      kinds: ['form'],
      max: kindOf(contentType) === 'multipart' ? MAX_OPEN311_MULTIPART_BYTES : MAX_JSON_BYTES,
      open311: true,
    };
  return { kinds: ['json'], max: MAX_JSON_BYTES, open311: false };
}

function kindOf(contentType: string): BodyKind | 'multipart' | null {
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  if (t === 'application/json' || /^application\/[\w.+-]+\+json$/.test(t)) return 'json';
  if (t === 'text/csv') return 'csv';
  if (t === 'application/x-www-form-urlencoded') return 'form';
  if (t === 'multipart/form-data') return 'multipart';
  return null;
}

function fail(c: Context, open311: boolean, status: number, code: string, message: string, field: string): Response {
  if (open311)
    return open311Error(splitFormat(c.req.path.split('/').pop() ?? '')?.[1] ?? 'json', status, `${field}: ${message}`);
  return c.json(errorBody(code, `${field}: ${message}`, field), status as 400);
}

class TooLarge extends Error {}

/** Hono keeps body reads as promises by kind (its type names the resolved values). */
function cacheBody(c: Context, kind: 'text' | 'arrayBuffer', value: string | ArrayBuffer) {
  c.req.bodyCache = { [kind]: Promise.resolve(value) } as unknown as typeof c.req.bodyCache;
}

async function readCapped(req: Request, max: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new TooLarge();
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** UTF-8 of a large body decoded a few MB at a time, yielding between slices (a 64 MB CSV decodes in ~1 s). */
async function decodeInSlices(bytes: Uint8Array, slice = 4 << 20): Promise<string> {
  if (bytes.byteLength <= slice) return new TextDecoder('utf-8').decode(bytes);
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  for (let at = 0; at < bytes.byteLength; at += slice) {
    parts.push(decoder.decode(bytes.subarray(at, at + slice), { stream: at + slice < bytes.byteLength }));
    await new Promise<void>((r) => setImmediate(r));
  }
  return parts.join('');
}

/**
 * Every write body: capped (413), of the type the path takes (415), JSON that parses (400 naming
 * `body`), and with its text normalised (NFC, trimmed, control characters stripped). The result is
 * put in Hono's body cache, so c.req.json()/text()/parseBody() in the route read the clean body.
 */
export function guardBodies(): MiddlewareHandler {
  return async (c, next) => {
    if (!WRITES.has(c.req.method)) return next();
    // History imports stream their body into the importer (routes/historyImport.ts checks type and size).
    if (c.req.method === 'POST' && c.req.path === '/api/import/history') return next();
    const want = expectation(c.req.path, c.req.header('content-type') ?? '');
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > want.max) return fail(c, want.open311, 413, 'too_large', `over ${want.max} bytes`, 'body');
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(c.req.raw, want.max);
    } catch (e) {
      if (e instanceof TooLarge) return fail(c, want.open311, 413, 'too_large', `over ${want.max} bytes`, 'body');
      return fail(c, want.open311, 400, 'invalid_input', 'could not be read', 'body');
    }
    // The stream is spent; later readers (a route's own bodyLimit) get the same bytes afresh.
    c.req.raw = new Request(c.req.raw, { body: bytes as Uint8Array<ArrayBuffer> });
    const type = c.req.header('content-type') ?? '';
    const kind = kindOf(type);
    if (bytes.byteLength === 0 && !want.kinds.includes('csv')) {
      // Actions without parameters may be sent with no body at all.
      cacheBody(c, 'text', '');
      return next();
    }
    const accepted = want.kinds.includes(kind as BodyKind) || (want.open311 && kind === 'multipart');
    if (!accepted) {
      const names = { json: 'application/json', csv: 'text/csv', form: 'application/x-www-form-urlencoded' };
      return fail(
        c,
        want.open311,
        415,
        'unsupported_media_type',
        `send ${want.kinds.map((k) => names[k]).join(' or ')}`,
        'content-type',
      );
    }
    if (kind === 'multipart') {
      cacheBody(c, 'arrayBuffer', bytes.buffer as ArrayBuffer);
      return next();
    }
    const text = (kind === 'csv' ? await decodeInSlices(bytes) : new TextDecoder('utf-8').decode(bytes)).replace(
      /^\uFEFF/,
      '',
    );
    if (kind === 'json') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail(c, false, 400, 'invalid_input', 'not valid JSON', 'body');
      }
      try {
        cacheBody(c, 'text', JSON.stringify(normaliseDeep(value)));
      } catch (e) {
        if (e instanceof BadJsonValue) return fail(c, false, 400, 'invalid_input', e.message, e.field);
        throw e;
      }
    } else if (kind === 'form') {
      const form = new URLSearchParams(text);
      const clean = new URLSearchParams();
      for (const [k, v] of form) clean.append(k, normaliseDeep(v) as string);
      cacheBody(c, 'text', clean.toString());
    } else {
      // a CSV of up to 64 MB: normalised a slice at a time, so the server keeps answering meanwhile
      cacheBody(c, 'text', await normaliseBlockAsync(text));
    }
    return next();
  };
}

/** Hono route patterns ('/api/tickets/:id{[0-9]+}/:action') as matchers, for 405 answers. */
export function methodsFor(routes: { method: string; path: string }[]): (path: string) => string[] {
  const compiled = routes
    .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
    .map((r) => {
      const src = r.path
        .split('/')
        .map((seg) => {
          const m = /^:\w+(?:\{(.+)\})?(\?)?$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          return `(?:${m[1] ?? '[^/]+'})`;
        })
        .join('/');
      return { method: r.method, re: new RegExp(`^${src.replace(/\/$/, '')}/?$`) };
    });
  return (path) => [...new Set(compiled.filter((r) => r.re.test(path)).map((r) => r.method))];
}
