// The built web app's /assets/ files (server/assets.ts): kept in memory, gzip when the browser takes
// it, the same bytes either way, long-cached (their names carry a content hash); anything that is
// not one plain file of the assets folder falls through to the ordinary static files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';

const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-assets-'));
afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));
fs.mkdirSync(path.join(dist, 'assets'));
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>shell</title>');
const js = `export const names = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `district-${i}`))};\n`;
fs.writeFileSync(path.join(dist, 'assets', 'app-Abc123.js'), js);
fs.writeFileSync(path.join(dist, 'assets', 'tiny-X1.css'), 'a{}');
// a database is never touched by static files
const app = createApp({ db: {} as Database, staticDir: dist });

describe('built assets', () => {
  it('answers gzip to a browser that takes it, the file itself to one that does not, both long-cached', async () => {
    const gz = await app.request('/assets/app-Abc123.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(gz.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
    expect(gz.headers.get('x-content-type-options')).toBe('nosniff');
    const packed = Buffer.from(await gz.arrayBuffer());
    expect(packed.length).toBeLessThan(js.length / 3);
    expect(zlib.gunzipSync(packed).toString()).toBe(js);

    const plain = await app.request('/assets/app-Abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(js);
    // too small to pack
    const tiny = await app.request('/assets/tiny-X1.css', { headers: { 'accept-encoding': 'gzip' } });
    expect(tiny.headers.get('content-encoding')).toBeNull();
    expect(tiny.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await tiny.text()).toBe('a{}');
  });

  it('leaves anything else to the ordinary static files: folders, missing files (served once they appear)', async () => {
    const missing = await app.request('/assets/later-Q9.js');
    expect(missing.headers.get('cache-control')).toBeNull();
    expect(await missing.text()).toContain('<title>shell</title>');
    fs.writeFileSync(path.join(dist, 'assets', 'later-Q9.js'), 'export {};\n');
    const later = await app.request('/assets/later-Q9.js');
    expect(later.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await later.text()).toBe('export {};\n');
    const nested = await app.request('/assets/sub/app-Abc123.js');
    expect(nested.headers.get('cache-control')).toBeNull();
    expect(await nested.text()).toContain('<title>shell</title>');
  });
});
