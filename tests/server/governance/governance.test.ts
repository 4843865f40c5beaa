// The governance loop on both engines: the planted effective / ineffective topics are classified
// with their intervals; the ledgers' permissions (planners create, units update only their own
// tasks, officials see their jurisdiction's); every change audited; windows frozen at adoption;
// proactive work orders follow the life cycle and never move the three rates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Engine } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { generateDemo } from '../../../data/demo/index.ts';
import { plantGovernanceDemo, type PlantedTopics } from '../../../data/demo/governance.ts';
import { createApp } from '../../../server/app.ts';
import { applyAction } from '../../../server/lifecycle/actions.ts';
import { clearRankingCache } from '../../../server/ranking/service.ts';
import { createProactive, outcomeOf } from '../../../server/governance/proactive.ts';
import { intakeTicket } from '../../../server/intake/intake.ts';
import { defaultSettings } from '../../../server/intake/settings.ts';
import { CITY, type Principal } from '../../../server/auth/principal.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { fixtureFeatureCollection } from '../../data/demo/fixtures.ts';

const NOW = new Date('2025-12-31T20:00:00+08:00');
const TICKETS = 10_000;
const SEED = 11;
const PLANNER: Principal = {
  kind: 'api',
  id: 0,
  username: 'test-planner',
  displayName: 't',
  role: 'analyst',
  scope: CITY,
  sessionHash: '',
  csrfToken: '',
};

describe.each(ENGINES)('governance loop on %s', (engine: Engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let planner: Client;
  let planted: PlantedTopics;
  /** A street of the effective topic's district, and a street official of it. */
  let ownStreet: string;
  let otherStreet: string;
  let official: Client;
  let dispatcher: Client;
  const json = async (c: Client, path: string, init?: RequestInit & { body?: string }, status = 200) => {
    const res = await c.request(path, init?.body ? { ...init, headers: { 'content-type': 'application/json' } } : init);
    const body = await res.json();
    expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
    return body;
  };
  const post = (c: Client, path: string, body: unknown, status = 200) =>
    json(c, path, { method: 'POST', body: JSON.stringify(body) }, status);

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_governance');
    const report = await importRegions(db, fixtureFeatureCollection(), {
      crs: 'WGS84',
      replace: true,
      source: 'tests/data/demo/fixtures.ts',
    });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db);
    await generateDemo(db, { tickets: TICKETS, seed: SEED, now: NOW, months: 13 }); // the year the planted topics were built on
    planted = (await plantGovernanceDemo(db, { today: NOW }))!;
    app = createApp({ db });
    planner = await signIn(app, db, { role: 'analyst' });
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
    const streets = await db.query<{ code: string }>(
      `SELECT code FROM regions WHERE level = 'street' AND parent_code = $1 ORDER BY code`,
      [planted.effective.area],
    );
    ownStreet = streets[0]!.code;
    otherStreet = streets[1]!.code;
    official = await signIn(app, db, { role: 'street_official', regionCode: ownStreet });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('plants a real fall in one topic and none in the other', () => {
    // enough removed calls for the effect to be measurable (the interval test below is the real check)
    expect(planted.effective.removed).toBeGreaterThan(50);
    expect(planted.before).toEqual({ from: '2025-01', to: '2025-06' });
    expect(planted.after).toEqual({ from: '2025-07', to: '2025-12' });
  });

  it('classifies the planted topics: the first effective (interval below 0), the second not', async () => {
    const body = await json(planner, '/api/gov/achievements');
    const a = body.topics.find((t: { id: number }) => t.id === planted.effective.id);
    const b = body.topics.find((t: { id: number }) => t.id === planted.ineffective.id);
    expect(a.verdict).toBe('effective');
    expect(a.effectUpper).toBeLessThan(0);
    // The planted share removed (60%): the interval holds it.
    expect(a.effectLower).toBeLessThan(-0.6);
    expect(a.effectUpper).toBeGreaterThan(-0.6);
    expect(b.verdict).toBe('unclear');
    expect(b.effectLower).toBeLessThan(0);
    expect(b.effectUpper).toBeGreaterThan(0);
    expect(body.summary).toMatchObject({ topics: 2, measured: 2, effective: 1 });
    expect(body.summary.avoided).toBeGreaterThan(0);
    // The topic page carries the same estimate, its matched controls and the months measured.
    const detail = await json(planner, `/api/gov/topics/${planted.effective.id}`);
    expect(detail.effect.verdict).toBe('effective');
    // Twice the district's 9 streets.
    expect(detail.effect.controls).toHaveLength(18);
    expect(detail.effect.beforeMonths).toEqual(['2025-01', '2025-06']);
    expect(detail.effect.afterMonths).toEqual(['2025-07', '2025-12']);
    expect(detail.effect.months).toHaveLength(12);
  });

  it('lets planners adopt topics and refuses officials and dispatchers, naming the field on bad input', async () => {
    const topic = {
      title: '测试专题',
      categories: planted.ineffective.categories,
      area: planted.effective.area,
      leadUnit: planted.effective.area,
      before: { from: '2025-01', to: '2025-06' },
      after: { from: '2025-07', to: '2025-12' },
      target: -0.1,
      tasks: [
        { title: '清单', ownerUnit: ownStreet, dueOn: '2026-01-31' },
        { title: '整改', ownerUnit: otherStreet, dueOn: '2025-12-01' },
      ],
    };
    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM gov_topics`))[0]!.n;
    expect(
      (
        await official.request('/api/gov/topics', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(topic),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await dispatcher.request('/api/gov/topics', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(topic),
        })
      ).status,
    ).toBe(403);
    expect((await post(planner, '/api/gov/topics', { ...topic, categories: ['no.such'] }, 400)).error.field).toBe(
      'categories',
    );
    expect(
      (await post(planner, '/api/gov/topics', { ...topic, after: { from: '2025-03', to: '2025-12' } }, 400)).error
        .field,
    ).toBe('after.from');
    expect(
      (await post(planner, '/api/gov/topics', { ...topic, tasks: [{ ...topic.tasks[0], ownerUnit: 'nowhere' }] }, 400))
        .error.field,
    ).toBe('tasks.0.ownerUnit');
    expect((await post(planner, '/api/gov/topics', { ...topic, target: 5 }, 400)).error.field).toBe('target');
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM gov_topics`))[0]!.n).toBe(before);
    const { id } = await post(planner, '/api/gov/topics', topic, 201);
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE detail->>'topic' = $1 ORDER BY id`,
      [String(id)],
    );
    expect(audit.map((a) => a.action)).toEqual(['gov.topic.adopt', 'gov.task.create', 'gov.task.create']);
    // No moving the goalposts: the declared windows and target cannot change after adoption.
    await expect(db.query(`UPDATE gov_topics SET after_from = '2025-09-01' WHERE id = $1`, [id])).rejects.toThrow(
      /frozen/,
    );
    await expect(db.query(`UPDATE gov_topics SET target_change = -0.9 WHERE id = $1`, [id])).rejects.toThrow(/frozen/);
  });

  it('lets a unit update only its own task, audited, and shows an official only their region', async () => {
    const mine = (await json(official, '/api/gov/tasks')).tasks as {
      id: number;
      ownerUnit: string;
      overdue: boolean;
    }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.ownerUnit === ownStreet)).toBe(true);
    const other = (
      await db.query<{ id: number }>(`SELECT id::int AS id FROM gov_tasks WHERE owner_unit = $1 ORDER BY id LIMIT 1`, [
        otherStreet,
      ])
    )[0]!.id;
    const refused = await post(official, `/api/gov/tasks/${other}`, { status: 'done' }, 404);
    expect(refused.error.field).toBe('id');
    expect(
      (await db.query<{ status: string }>(`SELECT status FROM gov_tasks WHERE id = $1`, [other]))[0]!.status,
    ).not.toBe('done');
    expect((await post(dispatcher, `/api/gov/tasks/${mine[0]!.id}`, { status: 'done' }, 403)).error.field).toBe('role');
    expect((await post(official, `/api/gov/tasks/${mine[0]!.id}`, { status: 'finished' }, 400)).error.field).toBe(
      'status',
    );
    expect(
      (await post(official, `/api/gov/tasks/${mine[0]!.id}`, { links: ['javascript:alert(1)'] }, 400)).error.field,
    ).toBe('links.0');
    const done = await post(official, `/api/gov/tasks/${mine[0]!.id}`, {
      status: 'done',
      evidence: '已完成整改',
      links: ['https://example.gov/photo/1'],
    });
    expect(done).toMatchObject({ status: 'done', evidence: '已完成整改', overdue: false });
    const audit = await db.query<{ username: string; detail: { to: { status: string } } }>(
      `SELECT username, detail FROM audit_log WHERE action = 'gov.task.update' AND detail->>'task' = $1`,
      [String(mine[0]!.id)],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.username).toBe(official.username);
    expect(audit[0]!.detail.to.status).toBe('done');
    // The official sees city-wide and own-district topics only, and of their tasks only their own street's.
    const topics = (await json(official, '/api/gov/topics')).topics as { id: number; areaCode: string | null }[];
    expect(topics.map((t) => t.id)).toContain(planted.effective.id);
    expect(topics.map((t) => t.id)).not.toContain(planted.ineffective.id);
    expect(
      topics.every((t) => t.areaCode === null || t.areaCode === planted.effective.area || t.areaCode === ownStreet),
    ).toBe(true);
    const detail = await json(official, `/api/gov/topics/${planted.effective.id}`);
    expect(detail.tasks.every((t: { ownerUnit: string }) => t.ownerUnit === ownStreet)).toBe(true);
    expect((await official.request(`/api/gov/topics/${planted.ineffective.id}`)).status).toBe(404);
    // Overdue tasks are flagged: the demo's task due three days ago.
    const overdue = (await json(planner, '/api/gov/tasks/overdue')).tasks as { overdue: boolean; dueOn: string }[];
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((t) => t.overdue)).toBe(true);
  });

  it('rolls deferred tickets up into the key-problem ledger, scoped, with its size over time', async () => {
    const deferred = (
      await db.query<{ n: number }>(
        `SELECT count(DISTINCT ticket_id)::int AS n FROM ticket_events WHERE type = 'deferred'`,
      )
    )[0]!.n;
    expect(deferred).toBeGreaterThan(0);
    const all = await json(planner, '/api/gov/ledger?limit=1000');
    expect(all.total).toBe(deferred);
    const open = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE status = 'deferred'`))[0]!
      .n;
    expect(all.counts.open).toBe(open);
    // Syncing again adds nothing.
    expect(await post(planner, '/api/gov/ledger/sync', {})).toEqual({ added: 0, resolved: 0 });
    expect((await official.request('/api/gov/ledger/sync', { method: 'POST' })).status).toBe(403);
    const mine = await json(official, '/api/gov/ledger?limit=1000');
    expect(mine.items.every((e: { streetCode: string }) => e.streetCode === ownStreet)).toBe(true);
    expect(all.history).toHaveLength(13);
    const entry = await post(
      planner,
      '/api/gov/ledger',
      {
        source: 'cluster',
        title: '某小区屋顶反复漏水',
        street: ownStreet,
        clusterKey: 'roof@8831aa',
        ownerUnit: ownStreet,
        plan: '雨季前整体防水',
        targetOn: '2026-05-31',
      },
      201,
    );
    const again = await post(
      planner,
      '/api/gov/ledger',
      { source: 'cluster', title: '某小区屋顶反复漏水', street: ownStreet, clusterKey: 'roof@8831aa' },
      201,
    );
    expect(again.id).toBe(entry.id);
    await post(planner, `/api/gov/ledger/${entry.id}`, { status: 'resolved' });
    const actions = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE action LIKE 'gov.ledger.%' ORDER BY id`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'gov.ledger.sync',
      'gov.ledger.sync',
      'gov.ledger.create',
      'gov.ledger.update',
    ]);
  });

  it('never counts proactive orders in the three rates, though an ordinary ticket does move them', async () => {
    const month = '2025-11';
    const tables = ['street', 'district', 'department', 'utility', 'city'] as const;
    const snapshot = async () => {
      // The service's in-process cache is dropped so every table is counted again (stored months are dropped by the database's triggers).
      clearRankingCache(db);
      const out: Record<string, unknown> = {};
      for (const t of tables.filter((x) => x !== 'city'))
        out[t] = (await json(planner, `/api/ranking?month=${month}&table=${t}`)).rows;
      return JSON.stringify(out);
    };
    const before = await snapshot();
    // A cell in the official's street, a busy category, and the whole life cycle inside November.
    const [{ cell, category }] = await db.query<{ cell: string; category: string }>(
      `SELECT h3_r8 AS cell, category_code AS category FROM tickets WHERE street_code = $1 AND h3_r8 IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1`,
      [ownStreet],
    );
    const at = (iso: string) => new Date(iso);
    const made = await createProactive(
      db,
      [
        { source: 'forecast', cell: cell!, category: category!, month: '2025-12', expected: 6.5, dueOn: '2025-11-30' },
        {
          source: 'cluster',
          cell: cell!,
          category: category!,
          month: '2026-01',
          dueOn: '2025-11-30',
          unitCode: otherStreet,
        },
      ],
      PLANNER,
      at('2025-11-10T09:00:00+08:00'),
    );
    expect(made.map((m) => m.created)).toEqual([true, true]);
    for (const m of made) {
      await applyAction(db, m.id, 'accept', {}, at('2025-11-10T09:30:00+08:00'));
      await applyAction(db, m.id, 'reply', {}, at('2025-11-12T09:00:00+08:00'));
      await applyAction(
        db,
        m.id,
        'callback',
        { solved: true, satisfaction: 'satisfied' },
        at('2025-11-13T09:00:00+08:00'),
      );
      await applyAction(db, m.id, 'close', {}, at('2025-11-13T10:00:00+08:00'));
    }
    expect(
      (
        await db.query<{ status: string; kind: string }>(
          `SELECT status, kind FROM tickets WHERE id = ANY($1::bigint[])`,
          [made.map((m) => m.id)],
        )
      ).map((r) => `${r.kind}:${r.status}`),
    ).toEqual(['proactive:closed', 'proactive:closed']);
    expect(await snapshot()).toBe(before);
    // The same order again is the same ticket.
    const again = await createProactive(
      db,
      [{ source: 'forecast', cell: cell!, category: category!, month: '2025-12', dueOn: '2026-12-30' }],
      PLANNER,
      at('2025-11-10T09:00:00+08:00'),
    );
    expect(again[0]).toMatchObject({ id: made[0]!.id, created: false });
    // Control: an ordinary demand with the same life cycle does change November's tables.
    const lon = (
      await db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM tickets WHERE id = $1`,
        [made[0]!.id],
      )
    )[0]!;
    const t = await intakeTicket(
      db,
      { kind: 'complaint', channel: 'phone', category: category!, lon: lon.lon, lat: lon.lat, crs: 'WGS84' } as never,
      defaultSettings(),
      at('2025-11-10T09:00:00+08:00'),
    );
    await applyAction(db, t.id, 'accept', {}, at('2025-11-10T09:30:00+08:00'));
    expect(await snapshot()).not.toBe(before);
    // Their own figures: 主动治理.
    const pro = await json(planner, '/api/gov/proactive');
    expect(pro.figures).toMatchObject({ total: 2, closed: 2, forecast: 1, cluster: 1 });
    // Outcome: the complaints there in the month against the forecast (December is complete in the data, January not yet).
    const first = pro.items.find((i: { id: number }) => i.id === made[0]!.id);
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets WHERE h3_r8 = $1 AND category_code = $2 AND kind <> 'proactive'
         AND received_at >= '2025-12-01T00:00:00+08:00' AND received_at < '2026-01-01T00:00:00+08:00'`,
      [cell, category],
    );
    expect(first.observed).toBe(n);
    expect(first.expected).toBe(6.5);
    expect(first.outcome).toEqual(outcomeOf(n!, 6.5, true));
    expect(pro.items.find((i: { id: number }) => i.id === made[1]!.id).outcome.verdict).toBe('pending');
    // Scoped: the official sees the order in their street, not the one of the other street's unit… both lie in their street.
    const theirs = await json(official, '/api/gov/proactive');
    expect(theirs.items.every((i: { streetCode: string }) => i.streetCode === ownStreet)).toBe(true);
  });

  it('creates proactive orders over HTTP for dispatchers and planners only, all or nothing', async () => {
    const [{ cell, category }] = await db.query<{ cell: string; category: string }>(
      `SELECT h3_r8 AS cell, category_code AS category FROM tickets WHERE street_code = $1 AND h3_r8 IS NOT NULL AND kind <> 'proactive' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 OFFSET 1 LIMIT 1`,
      [ownStreet],
    );
    const order = { source: 'surge', cell, category, month: '2026-01', dueOn: '2099-01-31' };
    const count = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE kind = 'proactive'`))[0]!.n;
    const n0 = await count();
    expect(
      (
        await official.request('/api/gov/proactive', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orders: [order] }),
        })
      ).status,
    ).toBe(403);
    expect(
      (await post(dispatcher, '/api/gov/proactive', { orders: [order, { ...order, cell: '8831aa50ffffff0' }] }, 400))
        .error.field,
    ).toBe('orders.1.cell');
    expect(
      (await post(dispatcher, '/api/gov/proactive', { orders: [order, { ...order, category: 'x.y' }] }, 400)).error
        .field,
    ).toBe('orders.1.category');
    expect(await count()).toBe(n0);
    const made = await post(dispatcher, '/api/gov/proactive', { orders: [order] }, 201);
    expect(made.orders[0].created).toBe(true);
    // It is in the normal queues and ticket pages, as its own kind.
    const ticket = await json(dispatcher, `/api/tickets/${made.orders[0].id}`);
    expect(ticket.kind ?? ticket.ticket?.kind).toBe('proactive');
    expect(await count()).toBe(n0 + 1);
    // The wall's scene and the monthly progress report carry the ledgers.
    const wall = await json(planner, '/api/gov/wall');
    expect(wall.topics.length).toBeGreaterThanOrEqual(2);
    expect(wall.ledger.open).toBeGreaterThanOrEqual(0);
    expect(wall.overdueTasks).toBeGreaterThan(0);
    const rep = await json(planner, '/api/gov/report');
    expect(rep.sheets.map((s: { name: string }) => s.name)).toEqual([
      '每月一题',
      '任务',
      '重点问题台账',
      '台账规模',
      '主动治理',
    ]);
    const xlsx = await planner.request('/api/gov/report?format=xlsx&lang=en');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(4000);
  });
});
