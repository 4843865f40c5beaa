// What the ticket pages read: the detail with names, unit names, deadlines, next actions, linked
// repeats and the street/grid shapes, and the four dispatcher queues with their totals — on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { runClock } from '../../../server/lifecycle/clock.ts';
import { deadlinesOf } from '../../../server/lifecycle/read.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { postOk, signIn, type Client } from '../../helpers/auth.ts';

const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

describe('deadlinesOf', () => {
  const t = { respondDueAt: '2026-01-01T02:00:00Z', resolveDueAt: '2026-01-08T00:00:00Z' };
  it('judges met, missed and pending against the instant given', () => {
    const now = new Date('2026-01-09T00:00:00Z');
    expect(deadlinesOf({ ...t, acceptedAt: '2026-01-01T01:59:59Z', repliedAt: null }, now)).toEqual([
      { kind: 'respond', due: '2026-01-01T02:00:00.000Z', doneAt: '2026-01-01T01:59:59.000Z', met: true },
      { kind: 'resolve', due: '2026-01-08T00:00:00.000Z', doneAt: null, met: false },
    ]);
    expect(
      deadlinesOf({ ...t, acceptedAt: '2026-01-01T02:00:01Z', repliedAt: null }, new Date('2026-01-02T00:00:00Z')).map(
        (d) => d.met,
      ),
    ).toEqual([false, null]);
    expect(deadlinesOf({ respondDueAt: null, resolveDueAt: null, acceptedAt: null, repliedAt: null }, now)).toEqual([]);
  });
});

describe.each(ENGINES)('ticket pages read model on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const post = (path: string, body: unknown) => postOk<any>(client, path, body);
  const get = async (path: string) => (await client.request(path)).json() as Promise<any>;
  const noise = (receivedAt: string, extra: Record<string, unknown> = {}) => ({
    kind: 'complaint',
    channel: 'web',
    category: 'noise.night_construction',
    description: '夜间施工',
    lon: 116.02,
    lat: 39.05,
    receivedAt,
    ...extra,
  });

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_lifecycle_read');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('names the category, places and units, links repeats and shows the caller only masked', async () => {
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    const first = await post('/api/tickets', noise(iso(t0), { callerName: '李四', callerPhone: '13700000007' }));
    const second = await post('/api/tickets', {
      ...noise(iso(t0 + D), { callerPhone: '13700000007' }),
      category: 'noise.night_construction',
    });
    await post(`/api/tickets/${second.id}/accept`, { at: iso(t0 + D + H) });
    await post(`/api/tickets/${second.id}/whistle`, { at: iso(t0 + D + 2 * H), summon: ['water_group'] });
    const t = await get(`/api/tickets/${second.id}`);
    expect(t).toMatchObject({
      categoryZh: '夜间施工噪声',
      categoryEn: 'Night construction noise',
      groupZh: '噪声',
      districtZh: '甲区',
      streetZh: '甲一街道',
      gridZh: '甲一第1网格',
      repeatOf: first.id,
      status: 'accepted',
    });
    expect(t.units).toEqual({
      '900001001': { code: '900001001', kind: 'street', nameZh: '甲一街道', nameEn: '900001001' },
      water_group: { code: 'water_group', kind: 'utility', nameZh: '自来水集团', nameEn: 'Water Group' },
    });
    expect(t.linked.map((x: any) => [x.id, x.isRoot, x.categoryZh])).toEqual([[first.id, true, '夜间施工噪声']]);
    expect((await get(`/api/tickets/${first.id}`)).linked.map((x: any) => [x.id, x.isRoot])).toEqual([
      [second.id, false],
    ]);
    // accepted within 2 h: response met; resolution (7 days) judged against now, long past
    expect(t.deadlines).toEqual([
      { kind: 'respond', due: iso(t0 + D + 2 * H), doneAt: iso(t0 + D + H), met: true },
      { kind: 'resolve', due: iso(t0 + 8 * D), doneAt: null, met: false },
    ]);
    // the unit's own actions, and the hotline's on a ticket a unit holds: re-dispatch (not a return), remind (催办), escalate (督办)
    expect(t.actions).toEqual([
      'progress',
      'return',
      'redispatch',
      'whistle',
      'report',
      'defer',
      'reply',
      'remind',
      'escalate',
    ]);
    expect(t.unitChoices.map((u: any) => u.code)).toEqual(['900001001', '900001002', '900002001', 'water_group']);
    expect(t.shapes.street.coordinates[0][0]).toHaveLength(5);
    expect(t.shapes.grid.type).toBe('MultiPolygon');
    expect(t.caller).toEqual({ name: null, phone: '137****0007' });
    expect((await get(`/api/tickets/${first.id}`)).caller).toEqual({ name: '李*', phone: '137****0007' });
    const text = JSON.stringify(t) + JSON.stringify(await get(`/api/tickets/${first.id}`));
    expect(text).not.toContain('13700000007');
    expect(text).not.toContain('李四');
  });

  it('offers manual location for an address-only ticket and no unit list once closed', async () => {
    const r = await post('/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'water.pipe_leak',
      address: '无名小区',
      receivedAt: '2026-03-05T00:00:00Z',
    });
    const t = await get(`/api/tickets/${r.id}`);
    expect([t.actions, t.shapes, t.streetZh]).toEqual([
      ['locate', 'dispatch', 'answer', 'forward'],
      { street: null, grid: null },
      null,
    ]);
    // the limits run from intake (basic urgency: respond 2 h, resolve 24 h) and have long passed
    expect(t.deadlines.map((d: any) => [d.kind, d.due, d.met])).toEqual([
      ['respond', '2026-03-05T02:00:00.000Z', false],
      ['resolve', '2026-03-06T00:00:00.000Z', false],
    ]);
    await post(`/api/tickets/${r.id}/answer`, { at: '2026-03-05T00:10:00Z' });
    const closed = await get(`/api/tickets/${r.id}`);
    expect([closed.status, closed.actions, closed.unitChoices, closed.deadlines]).toEqual(['closed', [], [], []]);
  });

  it('fills the four queues with names, the returning unit and the full total', async () => {
    const t0 = Date.parse('2026-04-01T00:00:00Z');
    const a = await post('/api/tickets', noise(iso(t0)));
    const b = await post('/api/tickets', noise(iso(t0 + H)));
    const c = await post('/api/tickets', { ...noise(iso(t0 + 2 * H)), lon: 116.3 });
    await post(`/api/tickets/${c.id}/return`, { at: iso(t0 + 3 * H), reason: '非本辖区' });
    // a and b: reminded at 5.6 days; then a is replied and b goes overdue at 7 days
    await runClock(db, new Date(t0 + 6 * D));
    const reminded = await get('/api/queue?kind=reminded');
    expect(reminded.tickets.map((x: any) => [x.id, x.total])).toEqual([
      [a.id, 3],
      [b.id, 3],
      [c.id, 3],
    ]);
    await post(`/api/tickets/${a.id}/accept`, { at: iso(t0 + 6 * D) });
    await post(`/api/tickets/${a.id}/reply`, { at: iso(t0 + 6 * D) });
    await runClock(db, new Date(t0 + 7 * D + 2 * H));
    expect((await get('/api/queue?kind=reminded')).tickets).toEqual([]);
    // the two March tickets of the first test went overdue too: four in all, oldest first
    const overdue = (await get('/api/queue?kind=overdue')).tickets.filter((x: any) =>
      [a.id, b.id, c.id].includes(x.id),
    );
    expect(overdue.map((x: any) => [x.id, x.total, x.streetZh, x.districtZh, x.categoryZh, x.channel])).toEqual([
      [b.id, 4, '甲一街道', '甲区', '夜间施工噪声', 'web'],
      [c.id, 4, '乙一街道', '乙区', '夜间施工噪声', 'web'],
    ]);
    const first = (await get('/api/queue?kind=overdue&limit=1')).tickets;
    expect([first.length, first[0].total]).toEqual([1, 4]);
    const returned = (await get('/api/queue?kind=returned')).tickets;
    expect(
      returned.map((x: any) => [x.id, x.returnedBy, x.returnedByZh, x.returnReason, x.returnedAt, x.total]),
    ).toEqual([[c.id, '900002001', '乙一街道', '非本辖区', iso(t0 + 3 * H), 1]]);
    const bad = await client.request('/api/queue?kind=late');
    expect([bad.status, ((await bad.json()) as any).error.field]).toEqual([400, 'kind']);
  });
});
