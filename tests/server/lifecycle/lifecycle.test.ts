import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { runClock } from '../../../server/lifecycle/clock.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { signIn, type Client } from '../../helpers/auth.ts';

const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(ENGINES)('ticket life cycle on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    client.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async (path: string) => (await client.request(path)).json() as Promise<any>;
  const counts = async () =>
    (
      await db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_events)::int AS events,
              (SELECT count(*) FROM dispatches)::int AS dispatches, (SELECT count(*) FROM ticket_callers)::int AS callers`,
      )
    )[0];
  const act = async (id: number, action: string, body: Record<string, unknown>) => {
    const res = await post(`/api/tickets/${id}/${action}`, body);
    expect(res.status, `${action}: ${await res.clone().text()}`).toBe(200);
    return res.json() as Promise<any>;
  };
  const noise = (receivedAt: string, extra: Record<string, unknown> = {}) => ({
    kind: 'complaint',
    channel: 'phone',
    category: 'noise.night_construction',
    description: '夜间施工',
    lon: 116.02,
    lat: 39.05,
    receivedAt,
    ...extra,
  });

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_lifecycle');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('marks the reminder at 80% and overdue at the limit, once, by an injected clock', async () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const res = await post('/api/tickets', noise(iso(t0)));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as any;
    expect(await runClock(db, new Date(t0 + 5.6 * D - 1))).toEqual({ reminded: 0, overdue: 0 });
    // Two runs at once (two servers): the reminder is marked exactly once.
    const both = await Promise.all([runClock(db, new Date(t0 + 5.6 * D)), runClock(db, new Date(t0 + 5.6 * D))]);
    expect(both.map((r) => r.reminded).sort()).toEqual([0, 1]);
    expect(await runClock(db, new Date(t0 + 5.6 * D))).toEqual({ reminded: 0, overdue: 0 });
    expect(await runClock(db, new Date(t0 + 8 * D))).toEqual({ reminded: 0, overdue: 1 });
    expect(await runClock(db, new Date(t0 + 9 * D))).toEqual({ reminded: 0, overdue: 0 });
    const t = await get(`/api/tickets/${id}`);
    expect([t.remindAt, t.remindedAt, t.resolveDueAt, t.overdueAt, t.status]).toEqual([
      iso(t0 + 5.6 * D),
      iso(t0 + 5.6 * D),
      iso(t0 + 7 * D),
      iso(t0 + 7 * D),
      'dispatched',
    ]);
    expect(t.events.map((e: any) => [e.type, e.at, e.actor, e.unitCode])).toEqual([
      ['received', iso(t0), 'citizen', null],
      ['dispatched', iso(t0), 'hotline', '900001001'],
      ['reminded', iso(t0 + 5.6 * D), 'system', '900001001'],
      ['overdue', iso(t0 + 7 * D), 'system', '900001001'],
    ]);
    const q = await get('/api/queue?kind=overdue');
    expect(q.tickets.map((x: any) => x.id)).toEqual([id]);
  });

  it('walks the normal path with exact instants and shows the caller only masked in the detail', async () => {
    const t0 = Date.parse('2026-11-02T00:00:00Z');
    const res = await post(
      '/api/tickets',
      noise(iso(t0), { callerName: '张三', callerPhone: '13800000001', address: '甲一街道1号' }),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as any;
    expect(created).toMatchObject({ created: true, status: 'dispatched', locationStatus: 'located', repeatOf: null });
    const id = created.id;
    await act(id, 'accept', { at: iso(t0 + 1 * H) });
    await act(id, 'progress', { at: iso(t0 + 2 * H) });
    await act(id, 'reply', { at: iso(t0 + 2 * D), note: '已协调施工方停工' });
    await act(id, 'callback', { at: iso(t0 + 3 * D), solved: true, satisfaction: 'satisfied' });
    expect((await act(id, 'close', { at: iso(t0 + 3 * D + 10 * 60_000) })).status).toBe('closed');
    const t = await get(`/api/tickets/${id}`);
    expect(t).toMatchObject({
      status: 'closed',
      streetCode: '900001001',
      districtCode: '900001',
      gridCode: '900001001G001',
      urgency: 'ordinary',
      receivedAt: iso(t0),
      dispatchedAt: iso(t0),
      acceptedAt: iso(t0 + H),
      repliedAt: iso(t0 + 2 * D),
      callbackAt: iso(t0 + 3 * D),
      closedAt: iso(t0 + 3 * D + 600_000),
      respondDueAt: iso(t0 + 2 * H),
      resolveDueAt: iso(t0 + 7 * D),
      solved: true,
      satisfaction: 'satisfied',
    });
    expect(t.events.map((e: any) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ['received', null, 'received'],
      ['dispatched', 'received', 'dispatched'],
      ['accepted', 'dispatched', 'accepted'],
      ['in_progress', 'accepted', 'in_progress'],
      ['replied', 'in_progress', 'replied'],
      ['callback', 'replied', 'callback'],
      ['closed', 'callback', 'closed'],
    ]);
    expect(t.caller).toEqual({ name: '张*', phone: '138****0001' });
    expect(JSON.stringify(t)).not.toContain('13800000001');
    expect(JSON.stringify(t)).not.toContain('张三');
    expect(t.dispatches.map((d: any) => [d.unitCode, d.role, d.acceptedAt])).toEqual([
      ['900001001', 'territorial', iso(t0 + H)],
    ]);

    const illegal = await post(`/api/tickets/${id}/accept`, {});
    expect(illegal.status).toBe(409);
    expect(((await illegal.json()) as any).error).toMatchObject({
      code: 'illegal_transition',
      status: 'closed',
      allowed: [],
    });
  });

  it('returns the same ticket for the same idempotency key (201, then 200)', async () => {
    const body = noise('2026-11-03T00:00:00Z');
    const a = await post('/api/tickets', body, { 'idempotency-key': 'app-42' });
    const before = await counts();
    const b = await post('/api/tickets', body, { 'idempotency-key': 'app-42' });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(((await b.json()) as any).id).toBe(((await a.json()) as any).id);
    expect(await counts()).toEqual(before);
  });

  it('dispatches to the street and the utility in parallel, and converts GCJ-02 keeping the source', async () => {
    const res = await post('/api/tickets', {
      kind: 'help',
      channel: 'app',
      category: 'water.outage',
      lon: 116.306,
      lat: 39.0514,
      crs: 'GCJ02',
      receivedAt: '2026-11-04T00:00:00Z',
    });
    const { id, status } = (await res.json()) as any;
    expect(status).toBe('dispatched');
    const t = await get(`/api/tickets/${id}`);
    expect(t.dispatches.map((d: any) => [d.unitCode, d.unitKind, d.role])).toEqual([
      ['900002001', 'street', 'territorial'],
      ['water_group', 'utility', 'line'],
    ]);
    expect([t.sourceCrs, t.sourceLon, t.sourceLat]).toEqual(['GCJ02', 116.306, 39.0514]);
    expect(Math.abs(t.lon - 116.306)).toBeGreaterThan(0.003);
    expect(t.h3r9).toMatch(/^89/);
    expect([t.respondDueAt, t.resolveDueAt]).toEqual(['2026-11-04T02:00:00.000Z', '2026-11-05T00:00:00.000Z']);
    await act(id, 'accept', { unitCode: 'water_group', at: '2026-11-04T00:20:00.000Z' });
    const after = await get(`/api/tickets/${id}`);
    expect(after.dispatches.map((d: any) => d.acceptedAt)).toEqual([null, '2026-11-04T00:20:00.000Z']);
  });

  it('returns, rules and re-dispatches, counting unjustified returns per unit', async () => {
    const t0 = Date.parse('2026-11-05T00:00:00Z');
    const a = ((await (await post('/api/tickets', noise(iso(t0)))).json()) as any).id;
    await act(a, 'return', { at: iso(t0 + H), reason: '非本辖区' });
    expect((await get('/api/queue?kind=returned')).tickets.map((x: any) => x.id)).toEqual([a]);
    const wrong = await post(`/api/tickets/${a}/accept`, {});
    expect(((await wrong.json()) as any).error.allowed).toEqual(['redispatch', 'rule-return', 'escalate']);
    expect((await act(a, 'redispatch', { at: iso(t0 + 2 * H), unitCode: '900001002', justified: true })).status).toBe(
      'dispatched',
    );

    const b = ((await (await post('/api/tickets', noise(iso(t0 + D)))).json()) as any).id;
    await act(b, 'return', { at: iso(t0 + D + H), reason: '非本单位职责' });
    await act(b, 'rule-return', { at: iso(t0 + D + 2 * H), justified: false });
    await act(b, 'accept', { at: iso(t0 + D + 3 * H) });
    const tb = await get(`/api/tickets/${b}`);
    expect(tb.returnCount).toBe(1);
    expect(tb.dispatchedAt).toBe(iso(t0 + D));
    expect(tb.dispatches.map((d: any) => [d.unitCode, d.active, d.returnJustified, d.ruledAt, d.acceptedAt])).toEqual([
      ['900001001', false, false, iso(t0 + D + 2 * H), null],
      ['900001001', true, null, null, iso(t0 + D + 3 * H)],
    ]);
    expect(tb.events.map((e: any) => [e.type, e.unitCode, e.data?.justified ?? null])).toEqual([
      ['received', null, null],
      ['dispatched', '900001001', null],
      ['returned', '900001001', null],
      ['redispatched', '900001001', false],
      ['accepted', '900001001', null],
    ]);
    const r = await get('/api/returns');
    expect(r.units).toEqual([{ unitCode: '900001001', unjustified: 1, returns: 2 }]);
  });

  it('records a whistle and the summoned department reporting', async () => {
    const t0 = Date.parse('2026-11-06T00:00:00Z');
    const id = ((await (await post('/api/tickets', noise(iso(t0)))).json()) as any).id;
    await act(id, 'accept', { at: iso(t0 + H) });
    const w = await act(id, 'whistle', {
      at: iso(t0 + 2 * H),
      summon: ['water_group'],
      note: '管线交叉，需自来水集团到场',
    });
    expect(w.status).toBe('accepted');
    const notSummoned = await post(`/api/tickets/${id}/report`, { unitCode: '900002001', at: iso(t0 + 3 * H) });
    expect(notSummoned.status).toBe(409);
    await act(id, 'report', { unitCode: 'water_group', at: iso(t0 + 3 * H) });
    const t = await get(`/api/tickets/${id}`);
    expect(t.dispatches.map((d: any) => [d.unitCode, d.role, d.acceptedAt])).toEqual([
      ['900001001', 'territorial', iso(t0 + H)],
      ['water_group', 'whistle', iso(t0 + 3 * H)],
    ]);
    expect(t.events.slice(-2).map((e: any) => [e.type, e.unitCode, e.fromStatus, e.toStatus, e.at])).toEqual([
      ['whistle', '900001001', null, null, iso(t0 + 2 * H)],
      ['report', 'water_group', null, null, iso(t0 + 3 * H)],
    ]);
  });

  it('puts a ticket on the deferral ledger, out of the clock, and back', async () => {
    const t0 = Date.parse('2025-06-01T00:00:00Z');
    const id = ((await (await post('/api/tickets', noise(iso(t0)))).json()) as any).id;
    await act(id, 'accept', { at: iso(t0 + H) });
    await act(id, 'defer', { at: iso(t0 + D), until: '2025-09-01T00:00:00Z', plan: '纳入年度改造计划' });
    expect(await runClock(db, new Date(t0 + 30 * D))).toEqual({ reminded: 0, overdue: 0 });
    let t = await get(`/api/tickets/${id}`);
    expect([t.status, t.deferredUntil, t.events.at(-1).note]).toEqual([
      'deferred',
      '2025-09-01T00:00:00.000Z',
      '纳入年度改造计划',
    ]);
    await act(id, 'undefer', { at: iso(t0 + 40 * D) });
    t = await get(`/api/tickets/${id}`);
    expect([t.status, t.deferredUntil]).toEqual(['in_progress', null]);
  });

  it('links a repeat demand by phone or address within the window to the first ticket', async () => {
    const t0 = Date.parse('2026-08-10T00:00:00Z');
    const first = ((await (await post('/api/tickets', noise(iso(t0), { callerPhone: '13900000009' }))).json()) as any)
      .id;
    const second = (await (
      await post('/api/tickets', noise(iso(t0 + 3 * D), { callerPhone: '13900000009' }))
    ).json()) as any;
    const third = (await (
      await post('/api/tickets', noise(iso(t0 + 5 * D), { callerPhone: '13900000009' }))
    ).json()) as any;
    const other = (await (
      await post('/api/tickets', {
        ...noise(iso(t0 + 5 * D), { callerPhone: '13900000009' }),
        category: 'water.pipe_leak',
      })
    ).json()) as any;
    const late = (await (
      await post('/api/tickets', noise(iso(t0 + 60 * D), { callerPhone: '13900000009' }))
    ).json()) as any;
    expect([second.repeatOf, third.repeatOf, other.repeatOf, late.repeatOf]).toEqual([first, first, null, null]);
    const byAddress = (await (
      await post('/api/tickets', {
        kind: 'complaint',
        channel: 'web',
        category: 'water.pipe_leak',
        address: ' 乙一街道9号楼 ',
        receivedAt: iso(t0),
      })
    ).json()) as any;
    const again = (await (
      await post('/api/tickets', {
        kind: 'complaint',
        channel: 'web',
        category: 'water.pipe_leak',
        address: '乙一街道9号楼',
        receivedAt: iso(t0 + D),
      })
    ).json()) as any;
    expect(again.repeatOf).toBe(byAddress.id);
  });

  it('keeps an address-only ticket waiting, then locates and dispatches it by hand', async () => {
    const res = await post('/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'water.pipe_leak',
      address: '某小区',
      receivedAt: '2026-11-20T00:00:00Z',
    });
    const r = (await res.json()) as any;
    expect([res.status, r.status, r.locationStatus]).toEqual([201, 'received', 'unlocated']);
    expect((await get('/api/queue?kind=unlocated')).tickets.map((x: any) => x.id)).toContain(r.id);
    const loc = await post(`/api/tickets/${r.id}/locate`, { lon: 116.3, lat: 39.05, at: '2026-11-20T01:00:00Z' });
    expect((await loc.json()) as any).toMatchObject({ status: 'dispatched', streetCode: '900002001' });
    const t = await get(`/api/tickets/${r.id}`);
    expect([t.dispatchedAt, t.dispatches.length, t.events.map((e: any) => e.type)]).toEqual([
      '2026-11-20T01:00:00.000Z',
      2,
      ['received', 'located', 'dispatched'],
    ]);
  });

  it('answers a consultation on the call without dispatching it', async () => {
    const r = (await (
      await post('/api/tickets', {
        kind: 'consultation',
        channel: 'phone',
        category: 'water.outage',
        address: '问停水时间',
        receivedAt: '2026-11-21T00:00:00Z',
      })
    ).json()) as any;
    const t = await get(`/api/tickets/${r.id}`);
    expect([t.status, t.dispatches.length, t.resolveDueAt, t.events.map((e: any) => e.type)]).toEqual([
      'closed',
      0,
      null,
      ['received', 'answered'],
    ]);
  });

  it('refuses bad input with a 4xx naming the field and changes nothing', async () => {
    const before = await counts();
    const cases: [unknown, number, string][] = [
      [{ ...noise('2026-11-22T00:00:00Z'), kind: 'rant' }, 400, 'kind'],
      [{ ...noise('2026-11-22T00:00:00Z'), lon: 'NaN' }, 400, 'lon'],
      [{ ...noise('2026-11-22T00:00:00Z'), lat: 95 }, 400, 'lat'],
      [{ ...noise('2026-11-22T00:00:00Z'), category: 'no.such' }, 400, 'category'],
      [{ kind: 'complaint', channel: 'phone', category: 'noise.night_construction' }, 400, 'address'],
      [{ ...noise('2026-11-22T00:00:00Z'), crs: 'EPSG3857' }, 400, 'crs'],
      [{ ...noise('2026-11-22T00:00:00Z'), receivedAt: 'yesterday' }, 400, 'receivedAt'],
      [{ ...noise('2099-01-01T00:00:00Z') }, 400, 'receivedAt'],
      ['{"kind": ', 400, 'body'],
      [{ ...noise('2026-11-22T00:00:00Z'), description: 'x'.repeat(70_000) }, 413, 'body'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post('/api/tickets', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(((await res.json()) as any).error.field).toBe(field);
    }
    const unknownUnit = await post('/api/tickets/1/whistle', { summon: ['nobody'] });
    expect([unknownUnit.status, ((await unknownUnit.json()) as any).error.field]).toEqual([400, 'summon']);
    // A missing ticket is named by its id, for a valid action body and for the detail read alike.
    const missing = await post('/api/tickets/999999999/accept', { at: '2026-11-22T00:00:00Z' });
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: { code: 'not_found', message: 'No ticket 999999999', field: 'id' } },
    ]);
    const missingDetail = await client.request('/api/tickets/999999999');
    expect([missingDetail.status, await missingDetail.json()]).toEqual([
      404,
      { error: { code: 'not_found', message: 'No ticket 999999999', field: 'id' } },
    ]);
    const badAction = await post('/api/tickets/1/callback', { solved: 'yes', satisfaction: 'satisfied' });
    expect([badAction.status, ((await badAction.json()) as any).error.field]).toEqual([400, 'solved']);
    const early = await post('/api/tickets/1/accept', { at: '2020-01-01T00:00:00Z' });
    expect([early.status, ((await early.json()) as any).error.field]).toEqual([400, 'at']);
    expect(await counts()).toEqual(before);
  });
  it('streams events over SSE, replaying from Last-Event-ID and then live from NOTIFY', async () => {
    const ids = (await db.query<{ id: number }>('SELECT id::int AS id FROM ticket_events ORDER BY id DESC LIMIT 2'))
      .map((r) => r.id)
      .reverse();
    const ctrl = new AbortController();
    const res = await client.request('/api/live', {
      headers: { 'last-event-id': String(ids[0] - 1) },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const seen: { id: number; type: string; ticketId: number }[] = [];
    let buf = '';
    const until = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (seen.length < n && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && /^event: ticket$/m.test(block)) seen.push({ id: Number(id), ...JSON.parse(data!) });
        }
      }
    };
    await until(2);
    expect(seen.map((e) => e.id)).toEqual(ids);
    const created = (await (await post('/api/tickets', noise('2026-11-25T00:00:00Z'))).json()) as any;
    await until(4);
    expect(seen.slice(2).map((e) => [e.ticketId, e.type])).toEqual([
      [created.id, 'received'],
      [created.id, 'dispatched'],
    ]);
    await reader.cancel();
    ctrl.abort();
    const bad = await client.request('/api/live', { headers: { 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
  });
  it('imports a CSV, reporting bad rows by line number and importing the rest, once', async () => {
    const csv = [
      'external_id,kind,channel,category,description,address,lon,lat,crs,received_at,caller_phone',
      'h-1,complaint,phone,noise.night_construction,"夜里, 施工",,116.02,39.05,WGS84,2024-03-01T00:00:00Z,',
      'h-2,complaint,phone,no.such,,,116.02,39.05,WGS84,2024-03-01T01:00:00Z,',
      'h-3,complaint,phone,water.outage,"两行',
      '描述",某路1号,,,WGS84,2024-03-01T02:00:00Z,13600000000',
      'h-4,complaint,phone,water.outage,,,116.3,95,WGS84,2024-03-01T03:00:00Z,',
      'h-5,rant,phone,water.outage,,某路,,,WGS84,2024-03-01T04:00:00Z,',
      'h-6,complaint,phone,water.outage',
      'h-7,help,wechat,water.outage,,,116.3,39.05,BD09,2024-03-01T05:00:00Z,',
      'h-8,help,wechat,water.outage,,,116.3,abc,WGS84,2024-03-01T05:00:00Z,',
    ].join('\n');
    const before = await counts();
    const send = () =>
      client.request('/api/import/tickets', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    const res = await send();
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    expect(report).toEqual({
      rows: 8,
      imported: 3,
      duplicates: 0,
      rejected: 5,
      errors: [
        { line: 3, field: 'category', message: "category: unknown code 'no.such'" },
        { line: 6, field: 'lat', message: expect.any(String) },
        { line: 7, field: 'kind', message: expect.any(String) },
        { line: 8, field: 'row', message: '4 fields, header has 11' },
        { line: 10, field: 'lat', message: expect.any(String) },
      ],
    });
    expect((await counts()).tickets).toBe(before.tickets + 3);
    const again = (await (await send()).json()) as any;
    expect([again.imported, again.duplicates, again.rejected]).toEqual([0, 3, 5]);
    expect((await counts()).tickets).toBe(before.tickets + 3);
    const row = (
      await db.query<any>(`SELECT status, description, received_at FROM tickets WHERE idempotency_key = 'phone:h-3'`)
    )[0];
    expect([row.status, row.description, new Date(row.received_at).toISOString()]).toEqual([
      'received',
      '两行\n描述',
      '2024-03-01T02:00:00.000Z',
    ]);
    const wrongType = await client.request('/api/import/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
  });
});
