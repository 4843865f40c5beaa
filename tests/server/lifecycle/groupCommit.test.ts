// Group commit (server/intake/groupCommit.ts): concurrent intake shares transactions, yet every
// request gets its own ticket and answer, keys stay idempotent inside a batch, a refused or
// poisoned demand fails alone, and a database error writes nothing of the demands it hits.
// Then the live feed's reader across transactions that commit out of id order (PostgreSQL only).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { intakeQueue } from '../../../server/intake/groupCommit.ts';
import { intakeTicket } from '../../../server/intake/intake.ts';
import { intakeSchema } from '../../../server/intake/normalise.ts';
import { defaultSettings } from '../../../server/intake/settings.ts';
import { eventsAfter, FeedReader, latestEventId } from '../../../server/lifecycle/liveFeed.ts';
import { CITY } from '../../../server/auth/principal.ts';
import { ENGINES, openTestDatabase, testDatabaseName, testDatabaseUrl } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { signIn, type Client } from '../../helpers/auth.ts';

const T0 = Date.parse('2026-10-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const noise = (i: number, extra: Record<string, unknown> = {}) => ({
  kind: 'complaint',
  channel: 'app',
  category: 'noise.night_construction',
  description: `gc ${i}`,
  lon: 116.02,
  lat: 39.05,
  receivedAt: iso(T0 + i * 60_000),
  ...extra,
});

async function setUp(db: Database) {
  const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
  await seedTaxonomy(db, TINY_TAXONOMY);
}

describe.each(ENGINES)('group commit on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    client.request('/api/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const counts = async () =>
    (
      await db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_events)::int AS events,
              (SELECT count(*) FROM dispatches)::int AS dispatches, (SELECT count(*) FROM ticket_callers)::int AS callers`,
      )
    )[0];

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_group_commit');
    await setUp(db);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes concurrent requests in shared transactions, each with its own ticket, dispatch and events', async () => {
    const before = await counts();
    const stats = { ...intakeQueue(db).stats };
    const res = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post(noise(i, { callerPhone: `1350000${String(i).padStart(4, '0')}` }))),
    );
    expect(res.map((r) => r.status)).toEqual(Array(30).fill(201));
    const bodies = (await Promise.all(res.map((r) => r.json()))) as any[];
    expect(new Set(bodies.map((b) => b.id)).size).toBe(30);
    expect(
      bodies.every(
        (b) => b.created && b.status === 'dispatched' && b.locationStatus === 'located' && b.repeatOf === null,
      ),
    ).toBe(true);
    const q = intakeQueue(db).stats;
    expect(q.tickets - stats.tickets).toBe(30);
    expect(q.batches - stats.batches).toBeLessThan(30);
    expect(q.largestBatch).toBeGreaterThan(1);
    expect(await counts()).toEqual({
      tickets: before.tickets + 30,
      events: before.events + 60,
      dispatches: before.dispatches + 30,
      callers: before.callers + 30,
    });
    // Each request's answer names its own ticket: the one with its description and receipt time.
    const rows = await db.query<{ id: number; description: string; received_at: Date | string }>(
      `SELECT id::int AS id, description, received_at FROM tickets WHERE id = ANY($1::bigint[])`,
      [bodies.map((b) => b.id)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    bodies.forEach((b, i) =>
      expect([byId.get(b.id)!.description, new Date(byId.get(b.id)!.received_at).toISOString()]).toEqual([
        `gc ${i}`,
        iso(T0 + i * 60_000),
      ]),
    );
    const t = (await (await client.request(`/api/tickets/${bodies[7].id}`)).json()) as any;
    expect(t.events.map((e: any) => [e.type, e.at, e.unitCode])).toEqual([
      ['received', iso(T0 + 7 * 60_000), null],
      ['dispatched', iso(T0 + 7 * 60_000), '900001001'],
    ]);
    expect(t.dispatches.map((d: any) => [d.unitCode, d.role])).toEqual([['900001001', 'territorial']]);
  });

  it('gives one ticket for one key, inside a batch and after it', async () => {
    const before = await counts();
    const res = await Promise.all(Array.from({ length: 8 }, () => post(noise(100), { 'idempotency-key': 'gc-same' })));
    expect(res.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(((await Promise.all(res.map((r) => r.json()))) as any[]).map((b) => b.id));
    expect(ids.size).toBe(1);
    const again = await post(noise(100), { 'idempotency-key': 'gc-same' });
    expect([again.status, ((await again.json()) as any).id]).toEqual([200, [...ids][0]]);
    expect((await counts()).tickets).toBe(before.tickets + 1);
  });

  it('fails a refused request alone; the others in its batch are written', async () => {
    const before = await counts();
    const res = await Promise.all([
      post(noise(200)),
      post({ ...noise(201), category: 'no.such' }),
      post(noise(202)),
      post({ ...noise(203), lat: 95 }),
      post(noise(204)),
    ]);
    expect(res.map((r) => r.status)).toEqual([201, 400, 201, 400, 201]);
    expect(((await res[1].json()) as any).error).toMatchObject({ code: 'unknown_code', field: 'category' });
    expect(((await res[3].json()) as any).error.field).toBe('lat');
    expect((await counts()).tickets).toBe(before.tickets + 3);
  });

  it('links a repeat demand to an earlier demand of the same batch, and a repeated key to its first ticket', async () => {
    const q = intakeQueue(db);
    const s = defaultSettings();
    const phone = { callerPhone: '13711112222' };
    const batches = q.stats.batches;
    const [a, b, c, again] = await Promise.all([
      q.submit(intakeSchema.parse({ ...noise(300, phone), idempotencyKey: 'gc-rep-a' }), s),
      q.submit(intakeSchema.parse(noise(300 + 24 * 60, phone)), s),
      q.submit(intakeSchema.parse(noise(300 + 48 * 60, phone)), s),
      q.submit(intakeSchema.parse({ ...noise(300, phone), idempotencyKey: 'gc-rep-a' }), s),
    ]);
    expect(q.stats.batches - batches).toBe(1);
    expect([a.repeatOf, b.repeatOf, c.repeatOf]).toEqual([null, a.id, a.id]);
    expect([again.id, again.created, a.created]).toEqual([a.id, false, true]);
    const stored = await db.query<{ id: number; repeat_of: number | null }>(
      `SELECT id::int AS id, repeat_of::int AS repeat_of FROM tickets WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[a.id, b.id, c.id]],
    );
    expect(stored).toEqual([
      { id: a.id, repeat_of: null },
      { id: b.id, repeat_of: a.id },
      { id: c.id, repeat_of: a.id },
    ]);
  });

  it('answers 503 to the requests a database error hits and writes nothing of them', async () => {
    await db.exec(`
      CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.description LIKE 'poison%' THEN RAISE EXCEPTION 'poisoned ticket'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER test_poison BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION test_poison();`);
    try {
      const before = await counts();
      const split = intakeQueue(db).stats.split;
      const res = await Promise.all([
        post(noise(400)),
        post(noise(401, { description: 'poison 1' })),
        post(noise(402)),
        post(noise(403)),
      ]);
      expect(res.map((r) => r.status)).toEqual([201, 503, 201, 201]);
      expect(res[1].headers.get('retry-after')).not.toBeNull();
      expect(((await res[1].json()) as any).error.code).toBe('database_unavailable');
      expect(intakeQueue(db).stats.split).toBe(split + 1);
      expect(await counts()).toEqual({
        tickets: before.tickets + 3,
        events: before.events + 6,
        dispatches: before.dispatches + 3,
        callers: before.callers,
      });

      const all = await Promise.all(
        [0, 1, 2].map((i) => post(noise(410 + i, { description: `poison ${i}`, callerPhone: '13000000000' }))),
      );
      expect(all.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(await counts()).toEqual({
        tickets: before.tickets + 3,
        events: before.events + 6,
        dispatches: before.dispatches + 3,
        callers: before.callers,
      });
      expect((await db.query(`SELECT 1 FROM tickets WHERE description LIKE 'poison%'`)).length).toBe(0);
    } finally {
      await db.exec(`DROP TRIGGER test_poison ON tickets; DROP FUNCTION test_poison();`);
    }
  });
});

describe('live feed across transactions that commit out of id order (PostgreSQL: PGlite has one connection, so its commits cannot interleave)', () => {
  let db: Database;
  let a: pg.Client;
  let b: pg.Client;
  let ticketId: number;
  const insert = async (c: pg.Client) =>
    Number(
      (
        await c.query(
          `INSERT INTO ticket_events (ticket_id, at, type, actor) VALUES ($1, now(), 'note', 'test') RETURNING id`,
          [ticketId],
        )
      ).rows[0].id,
    );

  beforeAll(async () => {
    db = await openTestDatabase('postgres', 'hotline_test_live_feed');
    await setUp(db);
    ticketId = (await intakeTicket(db, intakeSchema.parse(noise(0)), defaultSettings())).id;
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${testDatabaseName('hotline_test_live_feed')}`;
    [a, b] = [new pg.Client({ connectionString: url.toString() }), new pg.Client({ connectionString: url.toString() })];
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await Promise.all([a?.end(), b?.end()]);
    await db?.close();
  });

  it('holds back a later event until the earlier one commits, then sends both in id order', async () => {
    const start = await latestEventId(db);
    const reader = new FeedReader(db, start, CITY);
    await a.query('BEGIN');
    const first = await insert(a);
    await b.query('BEGIN');
    const second = await insert(b);
    await b.query('COMMIT');
    expect(second).toBeGreaterThan(first);
    // A reader that trusts "id > last" would move past `first` here and never send it.
    expect((await eventsAfter(db, start, CITY)).map((e) => e.id)).toEqual([second]);
    expect(await reader.next()).toEqual([]);
    expect(reader.waiting).toBe(true);
    await a.query('COMMIT');
    expect((await reader.next()).map((e) => [e.id, e.type, e.ticketId])).toEqual([
      [first, 'note', ticketId],
      [second, 'note', ticketId],
    ]);
    expect([reader.waiting, reader.last]).toEqual([false, second]);
  });

  it('moves past a gap once the transaction that held it has rolled back', async () => {
    const reader = new FeedReader(db, await latestEventId(db), CITY);
    await a.query('BEGIN');
    await insert(a);
    const kept = await insert(b);
    expect(await reader.next()).toEqual([]);
    await a.query('ROLLBACK');
    expect((await reader.next()).map((e) => e.id)).toEqual([kept]);
    expect(reader.waiting).toBe(false);
  });
});
