// PostgreSQL restarted in the middle of intake (a cluster of this test's own): while it is down
// clients get 503 with Retry-After, the server recovers by itself when it is back (no restart of
// the server), and after clients retry with their idempotency keys every ticket is stored once.
// The live feed's LISTEN comes back too: an open SSE client sees tickets written after the restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { listen, type Listening } from '../../../server/listen.ts';
import { startPgInstance, type PgInstance } from '../../helpers/pgInstance.ts';
import { over, signIn, type Client } from '../../helpers/auth.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { burst, halfWritten, newLog, noViolations, postUntilStored, sleep, sseClient, waitFor } from './harness.ts';

const N = 300;
const demand = (i: number) => ({
  kind: 'complaint',
  channel: 'phone',
  category: 'noise.night_construction',
  description: `夜间施工 ${i}`,
  lon: 116.01 + (i % 17) * 0.01,
  lat: 39.01 + (i % 7) * 0.01,
  callerName: '王五',
  callerPhone: `1380000${String(i).padStart(4, '0')}`,
});

describe('PostgreSQL restarted during intake (own cluster)', () => {
  let pg: PgInstance;
  let db: Database;
  let server: Listening;
  let dispatcher: Client;

  beforeAll(async () => {
    pg = await startPgInstance();
    db = await openDatabase({ databaseUrl: pg.url });
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    server = await listen(createApp({ db }), 0);
    // Signed in before the outage: the session is a database row and must outlast the restart.
    dispatcher = await signIn(over(server.url), db, { role: 'dispatcher' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    await pg?.destroy();
  });

  it('answers 503 + Retry-After while down, recovers alone, and stores every ticket exactly once', async () => {
    const log = newLog();
    const live = sseClient(() => server.url, dispatcher);
    await waitFor('the live feed to connect', () => live.connections() > 0);
    const deadline = Date.now() + 180_000;
    let outage: Promise<void> | undefined;
    const downWhile: number[] = [];
    await burst(N, 12, async (i) => {
      if (i === 100) {
        // A third of the way in: stop the database for a few seconds, then start it again.
        outage = (async () => {
          await pg.stop('fast');
          const t0 = Date.now();
          await sleep(3_000);
          // Down means down: the health check itself answers 503 with Retry-After.
          const h = await fetch(`${server.url}/api/health`);
          downWhile.push(h.status, Number(h.headers.get('retry-after')));
          await sleep(Math.max(0, 3_000 - (Date.now() - t0)));
          await pg.start();
        })();
      }
      await postUntilStored(() => server.url, dispatcher, `fault-a-${i}`, demand(i), log, deadline);
    });
    await outage;
    expect(log.unexpected).toEqual([]);
    expect(downWhile).toEqual([503, 2]);
    expect(log.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(log.retryAfter).toBe(log.statuses.get(503));
    expect([...log.statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    // Recovered without a server restart, and the session signed in before the outage still holds.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const me = await dispatcher.request('/api/auth/me');
    expect([me.status, ((await me.json()) as { username: string }).username]).toEqual([200, dispatcher.username]);

    const stored = await db.query<{ keys: number; tickets: number; ids: number }>(
      `SELECT count(DISTINCT idempotency_key)::int AS keys, count(*)::int AS tickets, count(DISTINCT id)::int AS ids FROM tickets WHERE idempotency_key LIKE 'fault-a-%'`,
    );
    expect(stored[0]).toEqual({ keys: N, tickets: N, ids: N });
    expect(new Set(log.ids.values()).size).toBe(N);
    expect(await halfWritten(db, 'fault-a-')).toEqual(noViolations);

    // The feed reconnected its LISTEN: a ticket written now reaches the open stream.
    const res = await dispatcher.request('/api/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(demand(N)),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    await waitFor(
      'the post-restart ticket on the live feed',
      () => live.events.some((e) => JSON.parse(e.data).ticketId === id),
      30_000,
    );
    // No event id twice, none skipped, across the outage.
    const ids = live.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = (
      await db.query<{ id: number }>(`SELECT id::int AS id FROM ticket_events WHERE id >= $1 ORDER BY id`, [ids[0]])
    ).map((r) => r.id);
    expect(ids).toEqual(all.slice(0, ids.length));
    await live.stop();
  });
});
