// The server process (tsx server/main.ts, PostgreSQL of this test's own) killed with SIGKILL in the
// middle of an intake burst: nothing half-written is left (every stored ticket has its events,
// dispatches and caller), and after a restart the clients' retries with their idempotency keys
// complete the set, each ticket once. Then the live feed across a restart: an SSE client
// reconnects with Last-Event-ID and receives exactly the events it missed, no gap, no duplicate.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../db/client.ts';
import { importCityPackage } from '../../../data/city/import.ts';
import { createApp } from '../../../server/app.ts';
import { listen } from '../../../server/listen.ts';
import { freePort, startPgInstance, type PgInstance } from '../../helpers/pgInstance.ts';
import { over, signIn, type Client } from '../../helpers/auth.ts';
import {
  burst,
  halfWritten,
  killHard,
  newLog,
  noViolations,
  postUntilStored,
  spawnServer,
  sseClient,
  stubDist,
  waitFor,
  type Child,
} from './harness.ts';

const demand = (i: number) => ({
  kind: 'complaint',
  channel: 'phone',
  category: i % 2 ? 'heating.no_heat' : 'property.service',
  description: `暖气不热 ${i}`,
  lon: 116.36 + (i % 9) * 0.01,
  lat: 39.89 + (i % 6) * 0.01,
  callerName: '赵六',
  callerPhone: `1390000${String(i).padStart(4, '0')}`,
});

describe('server killed mid-intake; live feed across a restart (own cluster, server as a child process)', () => {
  let pg: PgInstance;
  let db: Database;
  let child: Child;
  let port: number;
  let dispatcher: Client;
  const dist = stubDist();

  beforeAll(async () => {
    pg = await startPgInstance();
    port = await freePort();
    // The database holds its city before the server starts (a start imports none without --demo).
    db = await openDatabase({ databaseUrl: pg.url });
    const city = await importCityPackage(db, 'data/cities/beijing');
    expect(city.problems).toEqual([]);
    child = await spawnServer(pg.url, port, dist);
    // One session for the whole file: the restarted server (and the second instance) accept it.
    dispatcher = await signIn(over(child.url), db, { role: 'dispatcher' });
  });
  afterAll(async () => {
    if (child) await killHard(child);
    await db?.close();
    await pg?.destroy();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('leaves no half-written ticket after kill -9, and retries after a restart store every ticket once', async () => {
    const N = 400;
    const log = newLog();
    const deadline = Date.now() + 240_000;
    let storedAtKill = -1;
    let violationsAtKill: unknown;
    const killer = (async () => {
      await waitFor('a fifth of the burst', () => log.ids.size >= N / 5, 120_000);
      await killHard(child);
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tickets WHERE idempotency_key LIKE 'fault-b-%'`,
      );
      storedAtKill = rows[0]!.n;
      violationsAtKill = await halfWritten(db, 'fault-b-');
      child = await spawnServer(pg.url, port, dist);
    })();
    await burst(N, 16, (i) => postUntilStored(() => child.url, dispatcher, `fault-b-${i}`, demand(i), log, deadline));
    await killer;
    const me = await over(child.url)('/api/auth/me', { headers: { cookie: dispatcher.cookie } });
    expect(me.status).toBe(200);

    expect(violationsAtKill).toEqual(noViolations);
    expect(storedAtKill).toBeGreaterThanOrEqual(N / 5);
    expect(storedAtKill).toBeLessThan(N);
    // Requests were cut off mid-flight, not just refused before they started.
    expect(log.statuses.get(0) ?? 0).toBeGreaterThan(0);
    expect(log.unexpected).toEqual([]);
    expect([...log.statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    const stored = await db.query<{ keys: number; tickets: number }>(
      `SELECT count(DISTINCT idempotency_key)::int AS keys, count(*)::int AS tickets FROM tickets WHERE idempotency_key LIKE 'fault-b-%'`,
    );
    expect(stored[0]).toEqual({ keys: N, tickets: N });
    expect(new Set(log.ids.values()).size).toBe(N);
    expect(await halfWritten(db, 'fault-b-')).toEqual(noViolations);
    // The parallel (line department) dispatch rode along with the territorial one.
    const parallel = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets t WHERE t.idempotency_key LIKE 'fault-b-%' AND t.category_code = 'heating.no_heat' AND t.status = 'dispatched'
         AND (SELECT count(*) FROM dispatches d WHERE d.ticket_id = t.id) < 2`,
    );
    expect(parallel[0]!.n).toBe(0);
  });

  it('resumes the SSE feed after a restart and catches up via Last-Event-ID, no gap, no duplicate', async () => {
    const live = sseClient(() => child.url, dispatcher);
    await waitFor('the live feed to connect', () => live.connections() === 1);
    const log = newLog();
    const deadline = Date.now() + 120_000;
    await burst(20, 4, (i) => postUntilStored(() => child.url, dispatcher, `fault-c1-${i}`, demand(i), log, deadline));
    await waitFor('the first events', () => live.events.length >= 20);
    await killHard(child);
    // While this server is down another instance keeps taking calls into the same database.
    const other = await listen(createApp({ db }), 0);
    await burst(30, 4, (i) => postUntilStored(() => other.url, dispatcher, `fault-c2-${i}`, demand(i), log, deadline));
    await other.close();
    const seenBeforeRestart = live.events.length;
    child = await spawnServer(pg.url, port, dist);
    // And a few more once it is back, delivered live.
    await burst(10, 2, (i) => postUntilStored(() => child.url, dispatcher, `fault-c3-${i}`, demand(i), log, deadline));
    expect(log.unexpected).toEqual([]);

    const first = live.events[0]!.id;
    const expected = async () =>
      (
        await db.query<{ id: number }>(`SELECT id::int AS id FROM ticket_events WHERE id >= $1 ORDER BY id`, [first])
      ).map((r) => r.id);
    await waitFor('the feed to catch up', async () => live.events.length >= (await expected()).length, 60_000);
    await live.stop();
    const got = live.events.map((e) => e.id);
    expect(got).toEqual(await expected());
    expect(live.connections()).toBeGreaterThanOrEqual(2);
    const tickets = new Set(live.events.map((e) => JSON.parse(e.data).ticketId as number));
    const posted = [...log.ids.values()];
    expect(posted.filter((id) => !tickets.has(id))).toEqual([]);
    expect(live.events.length).toBeGreaterThan(seenBeforeRestart);
  });
});
