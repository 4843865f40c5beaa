// The queue's bulk actions (催办 remind, 督办 escalate, 改派 re-dispatch) on both engines: each ticket
// through the ticket page's own action in its own transaction, a result per ticket when some are
// refused, one audit row, a 400 naming the field for a bad request, a 403 for an official; and the
// re-dispatch of a ticket a unit still holds, from the ticket page's route too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';

const STREET = '900001001';
const OTHER = '900001002';

describe.each(ENGINES)('bulk actions from the queue on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let dispatcher: Client;
  let official: Client;

  /** A ticket dispatched to STREET an hour ago, in the given status. */
  async function held(id: number, status: 'dispatched' | 'accepted' | 'in_progress' | 'replied') {
    const t = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, geom, location_status, district_code, street_code, status, received_at, dispatched_at, accepted_at, replied_at)
       VALUES ($1, 'complaint', 'phone', 'noise.night_construction', 'ordinary', '测试', ST_SetSRID(ST_MakePoint(116.05, 39.05), 4326), 'located', '900001', $2, $3, $4, $5, $6, $7)`,
      [id, STREET, status, t(3), t(2), status === 'dispatched' ? null : t(1.5), status === 'replied' ? t(1) : null],
    );
    await db.query(
      `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at, accepted_at) VALUES ($1, $2, 'street', 'territorial', $3, $4)`,
      [id, STREET, t(2), status === 'dispatched' ? null : t(1.5)],
    );
    await db.query(
      `INSERT INTO ticket_events (ticket_id, at, type, to_status, actor) VALUES ($1, $2, 'dispatched', 'dispatched', 'hotline')`,
      [id, t(2)],
    );
  }

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_bulk');
    await loadTinyCity(db);
    await db.query('DELETE FROM tickets');
    await held(201, 'dispatched');
    await held(202, 'accepted');
    await held(203, 'replied');
    await held(204, 'in_progress');
    await held(205, 'dispatched');
    await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1000)`);
    app = createApp({ db });
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
    official = await signIn(app, db, { role: 'district_official', regionCode: '900001' });
  });
  afterAll(async () => {
    await db?.close();
  });

  const post = (c: Client, path: string, body: unknown) =>
    c.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const events = async (id: number, type: string) =>
    (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND type = $2', [
        id,
        type,
      ])
    )[0]!.n;

  it('reminds every ticket it can and reports the one it cannot, changing no status', async () => {
    const res = await post(dispatcher, '/api/queue/bulk', {
      action: 'remind',
      ids: [201, 202, 203, 999999],
      note: '请加快办理',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.done).toBe(2);
    expect(body.failed).toBe(2);
    expect(
      body.results.map((r: { id: number; ok: boolean; status?: string; error?: { code: string; field?: string } }) => [
        r.id,
        r.ok,
        r.status ?? r.error!.code,
        r.error?.field ?? null,
      ]),
    ).toEqual([
      [201, true, 'dispatched', null],
      [202, true, 'accepted', null],
      [203, false, 'illegal_transition', 'status'],
      [999999, false, 'not_found', 'id'],
    ]);
    // a reason code the page translates, and for a status refusal the status it is in
    expect(body.results[2].error).toMatchObject({ reason: 'status_forbids', status: 'replied' });
    expect(body.results[3].error.reason).toBe('not_found');
    expect([await events(201, 'reminded'), await events(202, 'reminded'), await events(203, 'reminded')]).toEqual([
      1, 1, 0,
    ]);
    const [ev] = await db.query<{ actor: string; note: string; by: string }>(
      `SELECT actor, note, data->>'by' AS by FROM ticket_events WHERE ticket_id = 201 AND type = 'reminded'`,
    );
    expect(ev).toEqual({ actor: 'hotline', note: '请加快办理', by: dispatcher.username });
    const [a] = await db.query<{
      username: string;
      detail: { action: string; done: number[]; failed: { id: number; code: string }[] };
    }>(`SELECT username, detail FROM audit_log WHERE action = 'ticket.bulk' ORDER BY id DESC LIMIT 1`);
    expect(a!.username).toBe(dispatcher.username);
    const detail = typeof a!.detail === 'string' ? JSON.parse(a!.detail) : a!.detail;
    expect(detail).toMatchObject({
      action: 'remind',
      done: [201, 202],
      failed: [
        { id: 203, code: 'illegal_transition' },
        { id: 999999, code: 'not_found' },
      ],
    });
  });

  it('escalates and re-dispatches held tickets to another unit, keeping the old dispatch as history', async () => {
    const esc = await (await post(dispatcher, '/api/queue/bulk', { action: 'escalate', ids: [204] })).json();
    expect(esc.results).toEqual([{ id: 204, ok: true, status: 'in_progress' }]);
    expect(await events(204, 'escalated')).toBe(1);

    const re = await (
      await post(dispatcher, '/api/queue/bulk', { action: 'redispatch', ids: [202, 204], unitCode: OTHER })
    ).json();
    expect(re.results).toEqual([
      { id: 202, ok: true, status: 'dispatched' },
      { id: 204, ok: true, status: 'dispatched' },
    ]);
    const rows = await db.query<{ unit_code: string; active: boolean; returned: boolean }>(
      'SELECT unit_code, active, returned_at IS NOT NULL AS returned FROM dispatches WHERE ticket_id = 202 ORDER BY id',
    );
    // not a return: nothing is counted against the street that held it
    expect(rows).toEqual([
      { unit_code: STREET, active: false, returned: false },
      { unit_code: OTHER, active: true, returned: false },
    ]);
    // sending it again to the unit that now holds it is refused, per ticket
    const again = await (
      await post(dispatcher, '/api/queue/bulk', { action: 'redispatch', ids: [202], unitCode: OTHER })
    ).json();
    expect(again.results[0]).toMatchObject({
      id: 202,
      ok: false,
      error: { code: 'refused', reason: 'unit_already_holds', field: 'unitCode' },
    });
    expect((await db.query('SELECT 1 FROM dispatches WHERE ticket_id = 202 AND active')).length).toBe(1);
  });

  it('re-dispatches a held ticket from the ticket page as well', async () => {
    const detail = await (await dispatcher.request('/api/tickets/205')).json();
    expect(detail.actions).toEqual(expect.arrayContaining(['redispatch', 'remind', 'escalate']));
    const res = await post(dispatcher, '/api/tickets/205/redispatch', { unitCode: OTHER });
    expect(res.status).toBe(200);
    expect(
      await db.query<{ street: string }>('SELECT unit_code AS street FROM dispatches WHERE ticket_id = 205 AND active'),
    ).toEqual([{ street: OTHER }]);
  });

  it('refuses a bad request whole with a 400 naming the field, and an official with a 403', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events'))[0]!.n;
    const cases: [unknown, string][] = [
      [{ action: 'redispatch', ids: [201] }, 'unitCode'],
      [{ action: 'remind', ids: [201], unitCode: OTHER }, 'unitCode'],
      [{ action: 'redispatch', ids: [201], unitCode: 'nowhere' }, 'unitCode'],
      [{ action: 'close', ids: [201] }, 'action'],
      [{ action: 'remind', ids: [] }, 'ids'],
      [{ action: 'remind', ids: [201, 201] }, 'ids'],
      [{ action: 'remind', ids: Array.from({ length: 201 }, (_, i) => i + 1) }, 'ids'],
    ];
    for (const [body, field] of cases) {
      const res = await post(dispatcher, '/api/queue/bulk', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    const res = await post(official, '/api/queue/bulk', { action: 'remind', ids: [201] });
    expect(res.status).toBe(403);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events'))[0]!.n).toBe(before);
  });
});
