// Reads on a replica (DATABASE_READ_URL): dashboards and analyses read a real streaming standby of
// the test server (TEST_DATABASE_READ_URL, made by .ci/standby with pg_basebackup -R); writes and
// read-your-writes paths stay on the primary. Replica lag is made exact by pausing replay on the
// standby, and every wait is for a replayed LSN, never for time. The standby's replay is paused in
// this file only; no other test file may read the standby.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, parseReadUrls, type Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { configureRanking, rankingService } from '../../../server/ranking/service.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import {
  openReplicatedTestDatabase,
  testDatabaseName,
  testDatabaseReadUrl,
  testDatabaseUrl,
  waitForReplay,
} from '../../helpers/engines.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';

const FILE = 'hotline_test_replica';
// "Now" for the wall: Thursday 2026-11-26 12:00 in Beijing.
const AT = '2026-11-26T04:00:00Z';
const NOISE = 'noise.night_construction';

/** Tickets in 甲一街道 (900001001) and 乙一街道 (900002001), October and November 2026. */
async function insertTickets(db: Database): Promise<void> {
  const rows: [number, string, number, string, string | null, string | null][] = [
    // id, street, lon, received, dispatched, accepted
    [101, '900001001', 116.05, '2026-11-26T01:00:00Z', '2026-11-26T01:05:00Z', '2026-11-26T01:20:00Z'],
    [102, '900001001', 116.05, '2026-11-25T17:00:00Z', '2026-11-25T17:05:00Z', null],
    [103, '900002001', 116.3, '2026-11-26T02:00:00Z', null, null],
    [104, '900002001', 116.3, '2026-11-10T02:00:00Z', '2026-11-10T02:10:00Z', '2026-11-10T03:00:00Z'],
    [105, '900001001', 116.05, '2026-10-20T02:00:00Z', '2026-10-20T02:10:00Z', '2026-10-20T02:30:00Z'],
  ];
  for (const [id, street, lon, received, dispatched, accepted] of rows) {
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, geom, location_status, district_code,
                            street_code, status, received_at, dispatched_at, accepted_at, respond_due_at)
       VALUES ($1, 'complaint', 'phone', $2, 'ordinary', '楼下施工太吵', ST_SetSRID(ST_MakePoint($3, 39.05), 4326), 'located',
               left($4, 6), $4, CASE WHEN $6::timestamptz IS NULL THEN 'received' ELSE 'dispatched' END, $5, $6, $7,
               $6::timestamptz + interval '2 hours')`,
      [id, NOISE, lon, street, received, dispatched, accepted],
    );
    if (dispatched)
      await db.query(
        `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at, accepted_at)
         VALUES ($1, $2, 'street', 'territorial', $3, $4)`,
        [id, street, dispatched, accepted],
      );
  }
  await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1000)`);
}

/** A superuser connection to the standby itself (replay control is not a dashboard read). */
async function standby(): Promise<pg.Client> {
  const url = new URL(testDatabaseReadUrl());
  url.pathname = '/postgres';
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  return c;
}

async function pauseReplay(c: pg.Client): Promise<void> {
  await c.query('SELECT pg_wal_replay_pause()');
  // Pausing is requested; wait for the standby to report the state.
  for (;;) {
    const r = await c.query<{ s: string }>('SELECT pg_get_wal_replay_pause_state() AS s');
    if (r.rows[0]!.s === 'paused') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the read replica configuration', () => {
  it('parses one or more comma-separated URLs', () => {
    expect(parseReadUrls(' postgres://a@h1:5432/x, postgres://a@h2:6432/x ,')).toEqual([
      'postgres://a@h1:5432/x',
      'postgres://a@h2:6432/x',
    ]);
    expect(parseReadUrls(undefined)).toEqual([]);
  });

  it('refuses replicas without their primary, and a URL that is not postgres://, naming the field', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u@h:5433/x' })).toThrow(
      /^Configuration: DATABASE_READ_URL: read replicas need their primary/,
    );
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://u@h:5432/x', DATABASE_READ_URL: 'postgres://u@h:5433/x,mysql://h/x' }),
    ).toThrow(/^Configuration: DATABASE_READ_URL: must be one or more postgres:\/\/ URLs/);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://u@h:5432/x', DATABASE_READ_URL: 'postgres://u@h:5433/x' })
        .DATABASE_READ_URL,
    ).toBe('postgres://u@h:5433/x');
  });

  it('leaves the embedded engine reading where it writes, and refuses replicas for it', async () => {
    const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://', migrate: false });
    try {
      expect(db.reads).toBe(db);
      expect(db.primary).toBe(db);
      expect(db.replica).toBe(false);
      expect(await db.readTransaction((tx) => tx.query<{ n: number }>('SELECT 1 AS n'))).toEqual([{ n: 1 }]);
      await expect(db.readTransaction((tx) => tx.query('CREATE TABLE nope (x int)'))).rejects.toThrow(/read-only/);
    } finally {
      await db.close();
    }
    await expect(openDatabase({ databaseUrl: '', readUrls: ['postgres://u@127.0.0.1:5433/x'] })).rejects.toThrow(
      /DATABASE_READ_URL .* set DATABASE_URL too/,
    );
  });
});

describe('dashboards on a streaming standby (PostgreSQL)', () => {
  /** Writes on the primary, dashboards on the standby. */
  let db: Database;
  /** The same database without a replica: what the primary holds. */
  let plain: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  let onPrimary: Client;
  let control: pg.Client;

  beforeAll(async () => {
    control = await standby();
    // A run that died with replay paused must not leave the next one waiting forever.
    await control.query('SELECT pg_wal_replay_resume()');
    db = await openReplicatedTestDatabase(FILE);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${testDatabaseName(FILE)}`;
    plain = await openDatabase({ databaseUrl: url.toString(), migrate: false });
    await loadTinyCity(db);
    await insertTickets(db);
    app = createApp({ db });
    client = await signIn(app, db);
    onPrimary = await signIn(createApp({ db: plain }), plain);
    await waitForReplay(db);
  });
  afterAll(async () => {
    await control?.query('SELECT pg_wal_replay_resume()').catch(() => {});
    await control?.end();
    await Promise.all([db?.close(), plain?.close()]);
  });

  it('reads through a replica view: queries on the standby, transactions on the primary', async () => {
    expect(db.replica).toBe(false);
    expect(db.reads.replica).toBe(true);
    expect(db.reads.primary).toBe(db);
    const inRecovery = async (q: { query: Database['query'] }) =>
      (await q.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r;
    expect(await inRecovery(db)).toBe(false);
    expect(await inRecovery(db.reads)).toBe(true);
    expect(await db.reads.readTransaction((tx) => inRecovery(tx))).toBe(true);
    // A read path that must write (a stored ranking month, adjacency) writes through the primary.
    expect(await db.reads.transaction((tx) => inRecovery(tx))).toBe(false);
    // The ranking on the replica ranks by the city's policy, configured on the primary.
    const configured = configureRanking(db, { timeZone: 'Asia/Shanghai', settledTtlMs: 1234 });
    expect(rankingService(db.reads).options).toBe(configured.options);
    expect(rankingService(db.reads)).not.toBe(rankingService(db));
  });

  it('sets a replica that cannot be reached aside and reads on the next one, or on the primary', async () => {
    const url = (base: string) => {
      const u = new URL(base);
      u.pathname = `/${testDatabaseName(FILE)}`;
      return u.toString();
    };
    // Port 1 refuses connections: a standby that is down.
    const dead = url('postgres://postgres:postgres@127.0.0.1:1/x');
    const inRecovery = async (q: { query: Database['query'] }) =>
      (await q.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r;
    const two = await openDatabase({
      databaseUrl: url(testDatabaseUrl()),
      readUrls: [dead, url(testDatabaseReadUrl())],
      migrate: false,
    });
    const none = await openDatabase({ databaseUrl: url(testDatabaseUrl()), readUrls: [dead], migrate: false });
    try {
      // Every read lands on the live standby, whichever replica's turn it was.
      for (let i = 0; i < 4; i++) expect(await inRecovery(two.reads)).toBe(true);
      expect(await two.reads.readTransaction((tx) => inRecovery(tx))).toBe(true);
      // With no replica left, dashboards read the primary rather than fail.
      expect(await inRecovery(none.reads)).toBe(false);
      expect(await none.reads.readTransaction((tx) => inRecovery(tx))).toBe(false);
      expect(
        (await none.reads.query<{ n: string }>('SELECT count(*) AS n FROM tickets WHERE id BETWEEN 101 AND 105'))[0]!.n,
      ).toBe('5');
      // A statement the replica refuses, or the caller's own error, is the caller's: not retried elsewhere.
      await expect(two.reads.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
      await expect(
        two.reads.readTransaction(async () => {
          throw new Error('mine');
        }),
      ).rejects.toThrow('mine');
      expect(await inRecovery(two.reads)).toBe(true);
    } finally {
      await Promise.all([two.close(), none.close()]);
    }
  });

  it('serves wall, ranking, hot spots and reports from the standby, equal to the primary once replayed', async () => {
    const paths = [
      `/api/wall/today?at=${AT}`,
      '/api/ranking?month=2026-11&table=street',
      '/api/ranking?month=2026-10&table=street',
      '/api/ranking/units/900001001?to=2026-11&months=2',
      // the street adjacency is not built yet: the first call builds it on the primary and reads it there
      '/api/hotspots/regions?level=street&from=2026-11-01&to=2026-11-26&measure=count&permutations=99',
      '/api/reports/daily?date=2026-11-26',
    ];
    const fromReplica = [];
    // What is the same whenever it is asked (a report says when it was made).
    const body = async (res: Response) => {
      const { generatedAt: _, ...rest } = (await res.json()) as Record<string, unknown>;
      return rest;
    };
    for (const p of paths) {
      const res = await client.request(p);
      expect(res.status, `${p}: ${await res.clone().text()}`).toBe(200);
      fromReplica.push(await body(res));
    }
    // Ranking months stored (on the primary) and adjacency built by these reads reach the standby.
    await waitForReplay(db);
    for (const [i, p] of paths.entries()) {
      const again = await body(await client.request(p));
      const primary = await body(await onPrimary.request(p));
      expect(fromReplica[i], p).toEqual(primary);
      expect(again, p).toEqual(primary);
    }
    const wall = fromReplica[0] as { figures: { received: { today: number }; dispatched: { today: number } } };
    expect(wall.figures.received.today).toBe(3); // 101, 102, 103
    expect(wall.figures.dispatched.today).toBe(2); // 101, 102
    const daily = fromReplica[5] as { intake: { total: number } };
    expect(daily.intake.total).toBeGreaterThanOrEqual(3);
    const regions = (fromReplica[4] as { regions: { code: string; neighbours: string[] }[] }).regions;
    expect(regions.find((r) => r.code === '900001001')!.neighbours).toEqual(['900001002']);
  });

  it('does not break a flow when the replica lags: a ticket filed is opened from the primary at once', async () => {
    const before = await (await client.request(`/api/wall/today?at=${AT}`)).json();
    await pauseReplay(control);
    try {
      const filed = await client.request('/api/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'complaint',
          channel: 'phone',
          category: NOISE,
          description: '夜间施工',
          lon: 116.05,
          lat: 39.05,
          receivedAt: '2026-11-26T03:00:00Z',
        }),
      });
      expect(filed.status).toBe(201);
      const { id } = (await filed.json()) as { id: number };
      // Read your write: the ticket page reads the primary.
      const opened = await client.request(`/api/tickets/${id}`);
      expect(opened.status).toBe(200);
      expect(((await opened.json()) as { id: number }).id).toBe(id);
      // …and so does the ticket after an action on it (intake dispatched it; the unit accepts).
      const accepted = await client.request(`/api/tickets/${id}/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: '2026-11-26T03:10:00Z' }),
      });
      expect(accepted.status, await accepted.clone().text()).toBe(200);
      expect(((await (await client.request(`/api/tickets/${id}`)).json()) as { status: string }).status).toBe(
        'accepted',
      );
      // The wall reads the paused standby: it has not seen the ticket yet (the primary has).
      const lagging = (await (await client.request(`/api/wall/today?at=${AT}`)).json()) as typeof before;
      expect(lagging.figures.received.today).toBe(before.figures.received.today);
      const primary = (await (await onPrimary.request(`/api/wall/today?at=${AT}`)).json()) as typeof before;
      expect(primary.figures.received.today).toBe(before.figures.received.today + 1);
    } finally {
      await control.query('SELECT pg_wal_replay_resume()');
    }
    await waitForReplay(db);
    const caught = await (await client.request(`/api/wall/today?at=${AT}`)).json();
    expect(caught).toEqual(await (await onPrimary.request(`/api/wall/today?at=${AT}`)).json());
    expect(caught.figures.received.today).toBe(before.figures.received.today + 1);
  });
});
