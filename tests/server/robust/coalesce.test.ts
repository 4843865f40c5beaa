// Identical dashboard reads in flight together run once; different credentials or a finished
// request never share an answer.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { coalesceReads } from '../../../server/coalesce.ts';

function app() {
  let runs = 0;
  let release: () => void = () => {};
  const gate = () => new Promise<void>((r) => (release = r));
  let wait = gate();
  const a = new Hono()
    .use('/api/*', coalesceReads())
    .get('/api/summary', async (c) => {
      runs++;
      await wait;
      return c.json({ run: runs, who: c.req.header('cookie') ?? null });
    })
    .get('/api/regions', (c) => (c.req.header('if-none-match') === '"v1"' ? c.body(null, 304) : c.json({ etag: 'v1' })))
    .post('/api/summary', (c) => c.json({ posted: ++runs }));
  return { a, runs: () => runs, open: () => release(), reset: () => (wait = gate()) };
}

describe('coalescing identical reads', () => {
  it('runs one execution for identical concurrent GETs and gives each caller the answer', async () => {
    const t = app();
    const pending = Array.from({ length: 5 }, () => t.a.request('/api/summary?category=heating'));
    await new Promise((r) => setTimeout(r, 10));
    t.open();
    const bodies = await Promise.all(pending.map(async (p) => (await p).json()));
    expect(t.runs()).toBe(1);
    expect(bodies).toEqual(Array(5).fill({ run: 1, who: null }));
  });

  it('never shares between different credentials, different URLs, or after the first finished', async () => {
    const t = app();
    const a = t.a.request('/api/summary', { headers: { cookie: 'sid=a' } });
    const b = t.a.request('/api/summary', { headers: { cookie: 'sid=b' } });
    const c = t.a.request('/api/summary?category=x', { headers: { cookie: 'sid=a' } });
    await new Promise((r) => setTimeout(r, 10));
    t.open();
    expect((await Promise.all([a, b, c].map(async (p) => ((await p).json() as Promise<{ who: string }>)))).map((x) => x.who)).toEqual(['sid=a', 'sid=b', 'sid=a']);
    expect(t.runs()).toBe(3);
    await t.a.request('/api/summary');
    expect(t.runs()).toBe(4);
  });

  it('replays a 304 without a body and leaves writes alone', async () => {
    const t = app();
    const [x, y] = await Promise.all([1, 2].map(() => t.a.request('/api/regions', { headers: { 'if-none-match': '"v1"' } })));
    expect([x!.status, y!.status]).toEqual([304, 304]);
    t.open();
    const posts = await Promise.all([1, 2].map(async () => (await t.a.request('/api/summary', { method: 'POST' })).json()));
    expect(posts).toEqual([{ posted: 1 }, { posted: 2 }]);
  });
});
