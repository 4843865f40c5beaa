// The base map: the project's own PMTiles archive (server/basemap/) cut from the city's boundaries,
// read back by the `pmtiles` library, and served by range requests from /basemap/city.pmtiles.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PMTiles, zxyToTileId, type Source } from 'pmtiles';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { basemapLayers, buildArchive, ensureCityBasemap } from '../../../server/basemap/build.ts';
import { tileId } from '../../../server/basemap/pmtiles.ts';
import { parseRange } from '../../../server/basemap/serve.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY } from '../../helpers/tinyCity.ts';

/** Layer name → feature count of an MVT tile (protobuf: Tile.layers = 3, Layer.name = 1, Layer.features = 2). */
function mvtLayers(bytes: Uint8Array): Record<string, number> {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  const skip = (wire: number) => {
    if (wire === 0) varint();
    else if (wire === 2) {
      const n = varint();
      pos += n;
    } else if (wire === 5) pos += 4;
    else if (wire === 1) pos += 8;
  };
  const out: Record<string, number> = {};
  while (pos < bytes.length) {
    const key = varint();
    if (key >> 3 !== 3 || (key & 7) !== 2) {
      skip(key & 7);
      continue;
    }
    const end = varint() + pos;
    let name = '';
    let features = 0;
    while (pos < end) {
      const k = varint();
      if (k >> 3 === 1 && (k & 7) === 2) {
        const len = varint();
        name = new TextDecoder().decode(bytes.subarray(pos, pos + len));
        pos += len;
      } else if (k >> 3 === 2 && (k & 7) === 2) {
        features++;
        skip(2);
      } else skip(k & 7);
    }
    out[name] = features;
  }
  return out;
}

/** A pmtiles Source that reads through the app's range requests, the way the page's FetchSource does. */
function appSource(app: ReturnType<typeof createApp>, url: string): Source {
  return {
    getKey: () => url,
    async getBytes(offset, length) {
      const res = await app.request(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
      expect(res.status).toBe(206);
      return { data: await res.arrayBuffer(), etag: res.headers.get('etag') ?? undefined };
    },
  };
}

it('tile ids follow the spec’s Hilbert order (as the pmtiles reader computes them)', () => {
  for (const [z, x, y] of [
    [0, 0, 0],
    [1, 1, 0],
    [3, 5, 2],
    [10, 843, 388],
    [12, 3371, 1552],
    [20, 863_281, 397_571],
  ] as const)
    expect(tileId(z, x, y)).toBe(zxyToTileId(z, x, y));
});

it('parses single byte ranges; anything else is unsatisfiable', () => {
  expect(parseRange(undefined, 100)).toBeNull();
  expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
  expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
  expect(parseRange('bytes=0-16383', 100)).toEqual({ start: 0, end: 99 }); // clamped, as readers ask for 16 KiB
  expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
  for (const bad of ['bytes=100-', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'items=0-1', 'bytes=0-1,4-5'])
    expect(parseRange(bad, 100), bad).toBe('unsatisfiable');
});

describe.each(ENGINES)('base map archive and serving (%s)', (engine) => {
  let db: Database;
  let dir: string;
  let file: string;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'basemap');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'tests' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'basemap-'));
    const made = await ensureCityBasemap(db, dir, 'tiny');
    expect(made.built).toBe(true);
    file = made.file;
    app = createApp({ db, basemapFile: file });
  });
  afterAll(async () => {
    await db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is built once per geography, and its layers follow the Protomaps schema', async () => {
    expect(await ensureCityBasemap(db, dir, 'tiny')).toEqual({ file, built: false });
    const layers = await basemapLayers(db);
    expect(layers.earth).toHaveLength(2);
    expect(layers.boundaries).toHaveLength(5); // 2 districts + 3 streets
    expect(layers.places?.map((f) => f.properties['name:en'])).toEqual(['900001', '900002']);
  });

  it('reads back with the pmtiles library through range requests', async () => {
    const archive = new PMTiles(appSource(app, '/basemap/city.pmtiles'));
    const header = await archive.getHeader();
    expect([header.specVersion, header.tileType, header.minZoom, header.maxZoom]).toEqual([3, 1, 0, 12]);
    expect([header.minLon, header.minLat, header.maxLon, header.maxLat]).toEqual([116, 39, 116.4, 39.1]);
    const meta = (await archive.getMetadata()) as { vector_layers: { id: string }[] };
    expect(meta.vector_layers.map((l) => l.id)).toEqual(['earth', 'boundaries', 'places']);
    // z10 tile over 甲区 (116.1, 39.05): x = 842, y = 391
    const tile = await archive.getZxy(10, 842, 391);
    expect(tile).toBeDefined();
    const counts = mvtLayers(new Uint8Array(tile!.data));
    expect(Object.keys(counts).sort()).toEqual(['boundaries', 'earth', 'places']);
    expect(await archive.getZxy(10, 0, 0)).toBeUndefined(); // outside the city
    expect(await archive.getZxy(13, 6740, 3100)).toBeUndefined(); // past max zoom: the map overzooms
  });

  it('answers 200, 206 with Content-Range, and 416 for a range it cannot serve', async () => {
    const bytes = fs.readFileSync(file);
    const size = bytes.length;
    const whole = await app.request('/basemap/city.pmtiles');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const head = await app.request('/basemap/city.pmtiles', { headers: { range: 'bytes=0-126' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-126/${size}`);
    expect(head.headers.get('content-length')).toBe('127');
    const got = Buffer.from(await head.arrayBuffer());
    expect(got.subarray(0, 7).toString('latin1')).toBe('PMTiles');
    expect(got.equals(bytes.subarray(0, 127))).toBe(true);

    const tail = await app.request('/basemap/city.pmtiles', { headers: { range: 'bytes=-5' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 5}-${size - 1}/${size}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(size - 5))).toBe(true);

    for (const bad of [`bytes=${size}-`, 'bytes=9-3', 'lines=1-2']) {
      const res = await app.request('/basemap/city.pmtiles', { headers: { range: bad } });
      expect(res.status, bad).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
    }
  });

  it('names the archive in /api/config, and 404s without one', async () => {
    const none = createApp({ db });
    expect((await none.request('/basemap/city.pmtiles')).status).toBe(404);
    const res = await app.request('/api/config');
    expect(((await res.json()) as { basemapPmtiles: string | null }).basemapPmtiles).toBe('/basemap/city.pmtiles');
  });
});

it('stores identical tiles once and gzips the directory', () => {
  const square = {
    type: 'Feature' as const,
    properties: { kind: 'earth' },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [116, 39],
          [117, 39],
          [117, 40],
          [116, 40],
          [116, 39],
        ],
      ],
    },
  };
  const buf = buildArchive({ earth: [square] }, { name: 't', maxZoom: 10 });
  const rootLen = Number(buf.readBigUInt64LE(16));
  expect(gunzipSync(buf.subarray(127, 127 + rootLen)).length).toBeGreaterThan(0);
  // interior tiles of one square are the same bytes: fewer contents than addressed tiles
  const addressed = Number(buf.readBigUInt64LE(72));
  const contents = Number(buf.readBigUInt64LE(88));
  expect(contents).toBeLessThan(addressed);
});
