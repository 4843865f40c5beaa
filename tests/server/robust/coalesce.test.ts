// Identical dashboard reads in flight together run once; different credentials or a finished
// request never share an answer.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { coalesceReads } from '../../../server/coalesce.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';

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
    expect(
      (await Promise.all([a, b, c].map(async (p) => (await p).json() as Promise<{ who: string }>))).map((x) => x.who),
    ).toEqual(['sid=a', 'sid=b', 'sid=a']);
    expect(t.runs()).toBe(3);
    await t.a.request('/api/summary');
    expect(t.runs()).toBe(4);
  });

  it('replays a 304 without a body and leaves writes alone', async () => {
    const t = app();
    const [x, y] = await Promise.all(
      [1, 2].map(() => t.a.request('/api/regions', { headers: { 'if-none-match': '"v1"' } })),
    );
    expect([x!.status, y!.status]).toEqual([304, 304]);
    t.open();
    const posts = await Promise.all(
      [1, 2].map(async () => (await t.a.request('/api/summary', { method: 'POST' })).json()),
    );
    expect(posts).toEqual([{ posted: 1 }, { posted: 2 }]);
  });
});

// Over the real application: scope lives in the query, so two officials of different streets
// asking the same URL at the same moment must each get their own street's answer, while one screen
// asking twice at once, or two sessions of one role and jurisdiction, are answered by one execution.
describe.each(ENGINES)('coalescing signed-in reads on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let queries = 0;

  beforeAll(async () => {
    const real = await openTestDatabase(engine, 'hotline_test_robust_coalesce');
    await loadTinyCity(real);
    // Counts the statements the app runs, to tell one execution from several.
    db = new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'query')
          return (text: string, params?: unknown[]) => (
            (queries += /FROM tickets t WHERE/.test(text) ? 1 : 0),
            target.query(text, params)
          );
        return Reflect.get(target, key, receiver);
      },
    });
    app = createApp({ db });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('never shares an answer between two streets, and runs one execution for one session asking twice', async () => {
    const a = await signIn(app, db, { role: 'street_official', regionCode: '900001001' });
    const b = await signIn(app, db, { role: 'street_official', regionCode: '900002001' });
    const url = '/api/summary?from=2000-01-01';
    const totals = async (c: Client) => ((await (await c.request(url)).json()) as { total: number }).total;
    const alone = { a: await totals(a), b: await totals(b) };
    const [sa, sb] = await Promise.all([
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE street_code = '900001001'`),
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE street_code = '900002001'`),
    ]);
    expect(alone).toEqual({ a: sa[0]!.n, b: sb[0]!.n });
    expect(alone.a).not.toBe(alone.b);

    const together = await Promise.all([a, b, a, b].map(totals));
    expect(together).toEqual([alone.a, alone.b, alone.a, alone.b]);

    queries = 0;
    await totals(a);
    const once = queries;
    expect(once).toBeGreaterThan(0);
    queries = 0;
    expect(await Promise.all([a, a, a, a].map(totals))).toEqual([alone.a, alone.a, alone.a, alone.a]);
    expect(queries).toBe(once);
  });

  it('shares one execution between sessions of the same role and jurisdiction (a control room of dispatchers)', async () => {
    const d1 = await signIn(app, db, { role: 'dispatcher' });
    const d2 = await signIn(app, db, { role: 'dispatcher' });
    const url = '/api/summary?from=2000-01-01';
    const total = async (c: Client) => ((await (await c.request(url)).json()) as { total: number }).total;
    queries = 0;
    const city = await total(d1);
    const once = queries;
    expect(city).toBe((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0]!.n);
    queries = 0;
    expect(await Promise.all([d1, d2, d1, d2].map(total))).toEqual([city, city, city, city]);
    expect(queries).toBe(once);
  });
});
