// Serves the base-map archive by HTTP range requests (RFC 9110 §14), the way the `pmtiles`
// reader in the page fetches it: one range per request, 206 with Content-Range, 416 with
// `bytes */size` when the range is malformed or starts past the end.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { errorBody } from '../errors.ts';

export const BASEMAP_PATH = '/basemap/city.pmtiles';

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** A single `bytes=` range against a file of `size` bytes; null when there is no Range header. */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
  if (m[1] === '') {
    // the last n bytes
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export function basemapRoutes(file: string | undefined) {
  return new Hono().get('/city.pmtiles', async (c) => {
    const stat = file ? await fs.promises.stat(file).catch(() => null) : null;
    if (!file || !stat?.isFile())
      return c.json(
        errorBody('not_found', 'No base map archive: set BASEMAP_PMTILES (README "Base map")', 'path'),
        404,
      );
    const size = stat.size;
    const headers: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/vnd.pmtiles',
      ETag: `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
      'Cache-Control': 'no-cache',
    };
    const range = parseRange(c.req.header('range'), size);
    if (range === 'unsatisfiable') {
      return c.body(
        JSON.stringify(errorBody('range_not_satisfiable', `Range must be bytes=a-b within 0-${size - 1}`, 'range')),
        416,
        {
          ...headers,
          'Content-Type': 'application/json',
          'Content-Range': `bytes */${size}`,
        },
      );
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const length = end - start + 1;
    // Streamed: a city's extract can be gigabytes.
    const body = Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
    return c.body(body, range ? 206 : 200, {
      ...headers,
      'Content-Length': String(length),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
  });
}
