// POST /api/import/history over a real socket: the export streamed (raw CSV or multipart), a job
// id back, progress and report from GET /api/import/history/:id; gates and refusals.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importCityPackage } from '../../../data/city/import.ts';
import { createApp } from '../../../server/app.ts';
import { activateCity, deactivateCity } from '../../../server/city.ts';
import { listen, type Listening } from '../../../server/listen.ts';
import { cityTimeZone, setCityTimeZone } from '../../../server/time.ts';
import { boundaryOf, MultipartReader } from '../../../server/import/multipart.ts';
import type { JobView } from '../../../server/import/jobs.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { over, signIn, type Client } from '../../helpers/auth.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const NYC_DIR = path.join(ROOT, 'data/cities/nyc');
const SAMPLE = path.join(NYC_DIR, 'history/nyc-311-sample-2025-06.csv');
const MAPPING = path.join(NYC_DIR, 'history/nyc-311.mapping.json');

async function finished(client: Client, id: string): Promise<JobView> {
  for (const until = Date.now() + 240_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    const res = await client.request(`/api/import/history/${id}`);
    expect(res.status).toBe(200);
    const job = (await res.json()) as JobView;
    if (job.state !== 'running') return job;
  }
  throw new Error(`job ${id} still running`);
}

function form(
  parts: { name: string; filename?: string; type?: string; body: string | Buffer }[],
  boundary = 'xXx-boundary-42',
) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

describe('multipart reader', () => {
  it('gives fields and file bytes whatever the piece boundaries', async () => {
    const csv = Buffer.from('a,b\r\n1,"x\r\n--not-a-boundary"\r\n');
    const f = form([
      { name: 'mapping', body: 'nyc-311' },
      { name: 'file', filename: 'x.csv', type: 'text/csv', body: csv },
      { name: 'after', body: 'z' },
    ]);
    expect(boundaryOf(f.type)).toBe('xXx-boundary-42');
    for (const size of [1, 3, 64, 100_000]) {
      const pieces = async function* () {
        for (let i = 0; i < f.body.length; i += size) yield f.body.subarray(i, i + size);
      };
      const r = new MultipartReader(pieces(), 'xXx-boundary-42');
      const p1 = await r.nextPart();
      expect(p1).toEqual({ name: 'mapping', filename: null, contentType: null });
      expect(await r.text(100)).toBe('nyc-311');
      expect(await r.nextPart()).toEqual({ name: 'file', filename: 'x.csv', contentType: 'text/csv' });
      const got: Buffer[] = [];
      for await (const b of r.body()) got.push(Buffer.from(b));
      expect(Buffer.concat(got).equals(csv)).toBe(true);
      expect((await r.nextPart())?.name).toBe('after');
      expect(await r.text(10)).toBe('z');
      expect(await r.nextPart()).toBeNull();
    }
  });
});

describe.each(ENGINES)('POST /api/import/history (%s)', (engine) => {
  let db: Database;
  let server: Listening;
  let dispatcher: Client;
  const zoneBefore = cityTimeZone();
  const sample = fs.readFileSync(SAMPLE);

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_history_api');
    const city = await importCityPackage(db, NYC_DIR);
    if (!city.ok) throw new Error(JSON.stringify(city.problems.slice(0, 5)));
    await activateCity(db);
    server = await listen(createApp({ db }), 0);
    dispatcher = await signIn(over(server.url), db, { role: 'dispatcher' });
  });
  afterAll(async () => {
    await server?.close();
    deactivateCity();
    setCityTimeZone(zoneBefore);
    await db?.close();
  });

  it('is for dispatchers and admins only', async () => {
    const analyst = await signIn(over(server.url), db, { role: 'analyst' });
    const post = await analyst.request('/api/import/history?mapping=nyc-311', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n',
    });
    expect(post.status).toBe(403);
    expect((await analyst.request('/api/import/history')).status).toBe(403);
    const anonymous = await fetch(`${server.url}/api/import/history?mapping=nyc-311`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n',
    });
    expect(anonymous.status).toBe(401);
  });

  it('streams a raw CSV upload into a job and reports every row', async () => {
    const res = await dispatcher.request('/api/import/history?mapping=nyc-311&file=nyc-311-sample-2025-06.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: sample,
    });
    expect(res.status).toBe(202);
    const { id, href } = (await res.json()) as { id: string; href: string };
    expect(href).toBe(`/api/import/history/${id}`);
    // The server answers meanwhile.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const job = await finished(dispatcher, id);
    expect(job.state).toBe('done');
    expect(job.file).toBe('nyc-311-sample-2025-06.csv');
    expect(job.startedBy).toBe(dispatcher.username);
    expect(job.report!.rows).toBe(1091);
    expect(job.report!.buckets).toEqual({ imported: 1091, alreadyImported: 0, merged: 0, rejected: 0 });
    expect(job.report!.location.unlocated).toBe(9);
    const list = (await (await dispatcher.request('/api/import/history')).json()) as { jobs: JobView[] };
    expect(list.jobs.map((j) => j.id)).toContain(id);
  });

  it('takes multipart with the mapping JSON before the file; the same file again imports nothing', async () => {
    const f = form([
      { name: 'mapping', body: fs.readFileSync(MAPPING, 'utf8') },
      { name: 'file', filename: 'again.csv', type: 'text/csv', body: sample },
    ]);
    const res = await dispatcher.request('/api/import/history', {
      method: 'POST',
      headers: { 'content-type': f.type },
      body: f.body,
    });
    expect(res.status).toBe(202);
    const job = await finished(dispatcher, ((await res.json()) as { id: string }).id);
    expect(job.report!.buckets).toEqual({ imported: 0, alreadyImported: 1091, merged: 0, rejected: 0 });
    expect(job.file).toBe('again.csv');
  });

  it('refuses what it cannot import, naming the field', async () => {
    const post = (q: string, type: string, body: string | Buffer) =>
      dispatcher.request(`/api/import/history${q}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
    const noMapping = await post('', 'text/csv', sample);
    expect([noMapping.status, ((await noMapping.json()) as { error: { field: string } }).error.field]).toEqual([
      400,
      'mapping',
    ]);
    const unknown = await post('?mapping=chicago-311', 'text/csv', sample);
    expect(unknown.status).toBe(404);
    const traversal = await post('?mapping=..%2F..%2Fpackage', 'text/csv', sample);
    expect(traversal.status).toBe(400);
    const missing = await post('?mapping=nyc-311', 'text/csv', 'unique_key,created_date\n1,2025-06-01\n');
    expect(missing.status).toBe(422);
    const body = (await missing.json()) as { error: { field: string; message: string }; id: string };
    expect(body.error.field).toBe('header');
    expect(body.error.message).toMatch(/^the file has no columns 'status', /);
    const failedJob = await finished(dispatcher, body.id);
    expect(failedJob.state).toBe('failed');
    const fileFirst = form([
      { name: 'file', filename: 'x.csv', body: sample },
      { name: 'mapping', body: 'nyc-311' },
    ]);
    expect((await post('', fileFirst.type, fileFirst.body)).status).toBe(400);
    const badMapping = form([
      { name: 'mapping', body: '{"source": "x y"}' },
      { name: 'file', filename: 'x.csv', body: 'a\n' },
    ]);
    const bad = await post('', badMapping.type, badMapping.body);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toContain(
      'source',
    );
    expect((await post('?mapping=nyc-311', 'application/json', '{}')).status).toBe(415);
    expect((await dispatcher.request('/api/import/history/abcdef123456')).status).toBe(404);
  });
});
