// The dispatcher's assistant on the Beijing demo, on both engines: a model trained on the earlier
// months and scored on the later period meets the thresholds against the keyword baseline,
// answers fast, names the units the dispatch rule would send to, counts the returns it would have
// avoided and the operators' corrections; repeats nearby with similar words are offered and linked;
// the knowledge base searches in Chinese, is edited by the hotline only, audited, and anonymises cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Engine } from '../../../db/client.ts';
import { loadBeijing } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../../data/zones/importer.ts';
import { generateDemo } from '../../../data/demo/index.ts';
import { createApp } from '../../../server/app.ts';
import { corrections, retrain, type StoredEvaluation } from '../../../server/assist/models.ts';
import { seedKnowledgeBase } from '../../../server/assist/kb.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { BEIJING_DIR } from '../../data/demo/fixtures.ts';

const TICKETS = 8_000;
const SEED = 19;
const STREET = '110105004'; // 三里屯街道
// The demo's clock is pinned: its planted wrong dispatches (派错) in the two evaluation months number
// 11–24 and the share the model sends right 0.40–0.84 as the clock moves by minutes (eight draws on
// 2026-12-06, 20:50–21:20 UTC; mean about 0.65), too few for a share threshold on a moving clock.
// This instant is a typical draw (16 returns, 10 sent right), not the best one.
const DEMO_NOW = new Date('2026-12-06T20:53:00Z');
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe.each(ENGINES)("the dispatcher's assistant on the Beijing demo (%s)", (engine: Engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let dispatcher: Client;
  let official: Client;
  let evaluation: StoredEvaluation;
  let version: number;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_assist');
    // The Beijing package's geography, catalogue and zones (as the scoping test loads them), its demo year and policies.
    await loadBeijing(db);
    await seedTaxonomy(db);
    await loadBeijingZones(db);
    await generateDemo(db, { tickets: TICKETS, seed: SEED, now: DEMO_NOW, months: 13 }); // a year and a month: the evaluation's two months hold enough calls
    await seedKnowledgeBase(db, BEIJING_DIR);
    app = createApp({ db });
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
    official = await signIn(app, db, { role: 'street_official', regionCode: STREET });
    const r = await retrain(db, 'demand');
    evaluation = r!.info.evaluation!;
    version = r!.info.version;
  }, 600_000);
  afterAll(async () => {
    await db?.close();
  });

  it('scores a later period: top-1 ≥ 85%, top-3 ≥ 95%, each ≥ 10 points above the keyword rules', async () => {
    expect(new Date(evaluation.evalFrom).getTime()).toBeGreaterThan(DEMO_NOW.getTime() - 100 * 86_400_000);
    expect(evaluation.tickets).toBeGreaterThan(1200);
    expect(evaluation.trainedOn).toBeGreaterThan(evaluation.tickets * 2);
    expect(evaluation.model.top1).toBeGreaterThanOrEqual(0.85);
    expect(evaluation.model.top3).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.model.top1).toBeLessThan(0.99);
    expect(evaluation.model.top1 - evaluation.keyword.top1).toBeGreaterThanOrEqual(0.1);
    expect(evaluation.model.top3 - evaluation.keyword.top3).toBeGreaterThanOrEqual(0.1);
    expect(evaluation.mostFrequent.top1).toBeLessThan(0.2);
    // Per category: the common ones are recalled well on the whole; every rate is a share.
    const common = evaluation.perCategory.filter((c) => c.support >= 30);
    expect(common.length).toBeGreaterThan(10);
    expect(common.reduce((s, c) => s + (c.recall as number), 0) / common.length).toBeGreaterThan(0.8);
    for (const c of evaluation.perCategory)
      for (const v of [c.precision, c.recall]) if (v !== null) expect(v).toSatisfy((x: number) => x >= 0 && x <= 1);
    // The planted wrong dispatches of the period: most would have gone right.
    expect(evaluation.returnsAvoided).toEqual({ returns: 16, sentRight: 10, share: 10 / 16 });
    const res = await dispatcher.request('/api/assist/model');
    const body = await res.json();
    expect(body.model).toMatchObject({ version, lang: 'zh', reason: 'demand' });
    expect(body.model.evaluation.model).toEqual(evaluation.model);
  });

  it("suggests from the citizen's words, with the words that drove it and the units of the dispatch rule", async () => {
    // How fast it answers at intake is the benchmark's to measure (BENCH_ONLY=assist npm run bench):
    // timings on a machine shared by many test runs say little.
    // A spot in 三里屯街道 and a heating call: the street territorially, the heating group in parallel.
    const [spot] = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM regions WHERE code = $1`,
      [STREET],
    );
    const res = await dispatcher.request(
      '/api/assist/suggest',
      json({ text: '家里暖气片摸着冰凉，屋里才十四度，老人冻感冒了', lon: spot.lon, lat: spot.lat }),
    );
    const s = await res.json();
    expect(s.version).toBe(version);
    expect(s.location.streetCode).toBe(STREET);
    expect(s.suggestions).toHaveLength(3);
    const [top] = s.suggestions;
    expect(top.code).toBe('heating.no_heat');
    expect(top.nameZh).toBe('暖气不热');
    expect(top.p).toBeGreaterThan(0.5);
    expect(top.words.length).toBeGreaterThan(0);
    expect(top.words.some((w: string) => /暖气|冰凉|冻/.test(w))).toBe(true);
    expect(top.units.map((u: { unitCode: string; role: string }) => [u.unitCode, u.role])).toEqual([
      [STREET, 'territorial'],
      ['heating_group', 'line'],
    ]);
    expect(top.units[1].nameZh).toBe('北京热力集团');
    // No point: categories without units; bad input names the field.
    const bare = await (await dispatcher.request('/api/assist/suggest', json({ text: '楼下酒吧半夜音乐太吵' }))).json();
    expect(bare.suggestions[0].code).toBe('noise.commercial');
    expect(bare.suggestions[0].units).toEqual([]);
    const bad = await dispatcher.request('/api/assist/suggest', json({ text: 'x', lon: 116.4 }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('lat');
    expect((await official.request('/api/assist/suggest', json({ text: '暖气不热' }))).status).toBe(403);
  });

  it('offers an earlier ticket of the same category within 50 m and with similar words, and links it', async () => {
    const [spot] = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM regions WHERE code = $1`,
      [STREET],
    );
    const first = await dispatcher.request(
      '/api/tickets',
      json({
        kind: 'complaint',
        channel: 'phone',
        category: 'noise.construction',
        description: '楼下工地半夜还在打桩，吵得睡不着',
        lon: spot.lon,
        lat: spot.lat,
      }),
    );
    expect(first.status).toBe(201);
    const { id } = await first.json();
    const near = {
      category: 'noise.construction',
      text: '工地晚上打桩太吵了，孩子睡不着',
      lon: spot.lon + 0.0002,
      lat: spot.lat,
    };
    const offered = await (await dispatcher.request('/api/assist/duplicates', json(near))).json();
    expect(offered.candidates.map((c: { ticketId: number }) => c.ticketId)).toContain(id);
    const hit = offered.candidates.find((c: { ticketId: number }) => c.ticketId === id);
    expect(hit.distanceMetres).toBeLessThanOrEqual(50);
    expect(hit.similarity).toBeGreaterThanOrEqual(0.25);
    const far = await (
      await dispatcher.request('/api/assist/duplicates', json({ ...near, lon: spot.lon + 0.003 }))
    ).json();
    expect(far.candidates.map((c: { ticketId: number }) => c.ticketId)).not.toContain(id);
    const unlike = await (
      await dispatcher.request('/api/assist/duplicates', json({ ...near, text: '井盖丢了' }))
    ).json();
    expect(unlike.candidates.map((c: { ticketId: number }) => c.ticketId)).not.toContain(id);
    const other = await (
      await dispatcher.request('/api/assist/duplicates', json({ ...near, category: 'noise.commercial' }))
    ).json();
    expect(other.candidates.map((c: { ticketId: number }) => c.ticketId)).not.toContain(id);
    // The operator files the call and links it.
    const second = await (
      await dispatcher.request(
        '/api/tickets',
        json({
          kind: 'complaint',
          channel: 'phone',
          category: 'noise.construction',
          description: near.text,
          lon: near.lon,
          lat: near.lat,
        }),
      )
    ).json();
    const link = await dispatcher.request('/api/assist/link', json({ ticketId: second.id, repeatOf: id }));
    expect(link.status).toBe(200);
    const [row] = await db.query<{ repeat_of: number }>(
      `SELECT repeat_of::float8 AS repeat_of FROM tickets WHERE id = $1`,
      [second.id],
    );
    expect(row.repeat_of).toBe(id);
    const wrong = await dispatcher.request('/api/assist/link', json({ ticketId: second.id, repeatOf: second.id }));
    expect((await wrong.json()).error.field).toBe('repeatOf');
    expect((await official.request('/api/assist/link', json({ ticketId: second.id, repeatOf: id }))).status).toBe(403);
  });

  it('counts what operators did with the suggestions', async () => {
    const before = await corrections(db);
    for (const [chosen, n] of [
      ['heating.no_heat', 3],
      ['heating.outage', 1],
      ['water.outage', 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const res = await dispatcher.request(
          '/api/assist/feedback',
          json({ version, suggested: ['heating.no_heat', 'heating.outage', 'heating.leak'], chosen }),
        );
        expect(res.status).toBe(201);
      }
    }
    const after = await corrections(db);
    expect(after.answered - before.answered).toBe(6);
    expect(after.acceptedFirst - before.acceptedFirst).toBe(3);
    expect(after.pickedSecondOrThird - before.pickedSecondOrThird).toBe(1);
    expect(after.corrected - before.corrected).toBe(2);
    expect(after.recategorized).toBeGreaterThan(0);
  });

  it('keeps a knowledge base of duties, policies and cases, searched in Chinese, edited by the hotline only and audited', async () => {
    const found = await (await official.request(`/api/kb?q=${encodeURIComponent('暖气不热怎么办')}`)).json();
    expect(found.entries.length).toBeGreaterThan(0);
    expect(found.entries[0].title).toBe('供暖期与室温标准');
    const duty = await (await dispatcher.request('/api/kb?kind=duty&q=' + encodeURIComponent('北京热力集团'))).json();
    expect(duty.entries[0]).toMatchObject({ kind: 'duty', unit: 'heating_group' });
    expect(duty.entries[0].body).toContain('暖气不热');
    const none = await (await dispatcher.request('/api/kb?q=' + encodeURIComponent('火星探测'))).json();
    expect(none.entries).toEqual([]);

    // Officials read, never write.
    const entry = {
      kind: 'policy',
      title: '夜间施工证明查询',
      body: '夜间施工须持夜间施工证明，可在住建部门网站查询。',
      category: 'noise.construction',
    };
    expect((await official.request('/api/kb', json(entry))).status).toBe(403);
    const made = await dispatcher.request('/api/kb', json(entry));
    expect(made.status).toBe(201);
    const e = await made.json();
    const hits = await (await official.request('/api/kb?q=' + encodeURIComponent('夜间施工证明'))).json();
    expect(hits.entries[0].id).toBe(e.id);
    const put = await dispatcher.request(`/api/kb/${e.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: '凌晨渣土车运输也须持证。' }),
    });
    expect((await put.json()).body).toBe('凌晨渣土车运输也须持证。');
    expect(
      (await (await official.request('/api/kb?q=' + encodeURIComponent('渣土车'))).json()).entries.map(
        (x: { id: number }) => x.id,
      ),
    ).toContain(e.id);
    const badPut = await dispatcher.request(`/api/kb/${e.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: '' }),
    });
    expect(badPut.status).toBe(400);
    expect((await badPut.json()).error.field).toBe('title');
    expect((await dispatcher.request(`/api/kb/${e.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await dispatcher.request(`/api/kb/${e.id}`)).status).toBe(404);
    const audited = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE action LIKE 'kb.%' AND username = $1 ORDER BY id`,
      [dispatcher.username],
    );
    expect(audited.map((a) => a.action)).toEqual(['kb.create', 'kb.update', 'kb.delete']);

    // A classic case from a closed ticket, without the caller's name or phone; an open ticket is refused.
    const [closed] = await db.query<{ id: number; name: string; phone: string }>(
      `SELECT t.id::float8 AS id, c.name, c.phone FROM tickets t JOIN ticket_callers c ON c.ticket_id = t.id WHERE t.status = 'closed' AND t.street_code IS NOT NULL ORDER BY t.id LIMIT 1`,
    );
    await db.query(`UPDATE tickets SET description = description || $2 WHERE id = $1`, [
      closed.id,
      `（${closed.name}，电话${closed.phone}，3号楼2单元）`,
    ]);
    const kase = await dispatcher.request('/api/kb/cases', json({ ticketId: closed.id, note: '先核实再派单' }));
    expect(kase.status).toBe(201);
    const c = await kase.json();
    expect(c.kind).toBe('case');
    expect(c.ticketId).toBe(closed.id);
    expect(c.body).not.toContain(closed.phone);
    expect(c.body).not.toContain(closed.name);
    expect(c.body).toContain('经验：先核实再派单');
    expect((await dispatcher.request('/api/kb/cases', json({ ticketId: closed.id }))).status).toBe(409);
    const [open] = await db.query<{ id: number }>(
      `SELECT id::float8 AS id FROM tickets WHERE status = 'dispatched' LIMIT 1`,
    );
    const refused = await dispatcher.request('/api/kb/cases', json({ ticketId: open.id }));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.field).toBe('ticketId');
    // An official reads the case without its source ticket.
    const asOfficial = await (await official.request(`/api/kb/${c.id}`)).json();
    expect(asOfficial.ticketId).toBeUndefined();
    expect(asOfficial.body).toBe(c.body);
  });

  it("answers on the ticket page with the suggestion, repeats and knowledge, within the caller's jurisdiction", async () => {
    const [own] = await db.query<{ id: number; category: string }>(
      `SELECT id::float8 AS id, category_code AS category FROM tickets WHERE street_code = $1 AND geom IS NOT NULL ORDER BY id DESC LIMIT 1`,
      [STREET],
    );
    const [foreign] = await db.query<{ id: number }>(
      `SELECT id::float8 AS id FROM tickets WHERE street_code <> $1 ORDER BY id DESC LIMIT 1`,
      [STREET],
    );
    const mine = await official.request(`/api/assist/tickets/${own.id}`);
    expect(mine.status).toBe(200);
    const body = await mine.json();
    expect(body.ticketId).toBe(own.id);
    expect(body.suggestion.suggestions).toHaveLength(3);
    expect(body.knowledge.length).toBeGreaterThan(0);
    expect((await official.request(`/api/assist/tickets/${foreign.id}`)).status).toBe(404);
    expect((await dispatcher.request(`/api/assist/tickets/${foreign.id}`)).status).toBe(200);
  });
});
