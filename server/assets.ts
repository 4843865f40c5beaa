// The web app's built files under /assets/ (content-hashed names, so they never change): read once,
// kept in memory with their gzip form (compressed on the libuv thread pool, not the event loop),
// and each answered in one write. Streamed from disk a 1 MB map library took one event-loop turn
// per 64 KB chunk, and on the embedded engine each turn could wait behind a database statement.
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

const gzip = promisify(zlib.gzip);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

interface Asset {
  type: string;
  raw: Uint8Array;
  gz: Uint8Array | null;
}

/** GET /assets/<name> from `distDir`; anything it does not hold falls through to the next handler. */
export function builtAssets(distDir: string): MiddlewareHandler {
  const root = path.resolve(distDir, 'assets');
  const cache = new Map<string, Promise<Asset | null>>();
  const load = async (name: string): Promise<Asset | null> => {
    const type = TYPES[path.extname(name)];
    if (!type) return null;
    const raw = await fs.readFile(path.join(root, name)).catch(() => null);
    if (!raw) return null;
    // small files are not worth a header's worth of saving
    const gz = raw.length >= 1024 ? await gzip(raw, { level: 6 }) : null;
    return { type, raw, gz: gz && gz.length < raw.length ? gz : null };
  };
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const name = c.req.path.slice('/assets/'.length);
    // one plain file name: no folders, no way out of the assets folder
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return next();
    let entry = cache.get(name);
    if (!entry) {
      entry = load(name);
      cache.set(name, entry);
      // a missing file is not remembered: a rebuild may add it
      void entry.then((a) => a ?? cache.delete(name));
    }
    const a = await entry;
    if (!a) return next();
    const gzipped = a.gz !== null && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const body = gzipped ? a.gz! : a.raw;
    c.header('Content-Type', a.type);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    if (gzipped) c.header('Content-Encoding', 'gzip');
    c.header('Content-Length', String(body.length));
    return c.body(body as Uint8Array<ArrayBuffer>);
  };
}
