// The API contract (server/contract/) against the app: every route of app.routes has an entry and
// every entry a route; the committed openapi.json is what the contract generates (CI sees a
// changed API) and validates as OpenAPI 3.1; and on both engines every route is called for real,
// on a small demo, as a user of a role that may call it, and the answer — status code and body —
// must be one the contract describes.
import fs from 'node:fs';
import { validate } from '@scalar/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { importRegions } from '../../data/geo/importer.ts';
import { seedTaxonomy } from '../../data/taxonomy/index.ts';
import { generateDemo } from '../../data/demo/index.ts';
import { createApp } from '../../server/app.ts';
import { CONTRACT, contractOf } from '../../server/contract/index.ts';
import { OPENAPI_FILE, openApiText } from '../../server/contract/write.ts';
import { createApiKey } from '../../server/auth/apiKeys.ts';
import { seedKnowledgeBase } from '../../server/assist/kb.ts';
import { isTraining, retrain } from '../../server/assist/models.ts';
import { signIn, type Client } from '../helpers/auth.ts';
import { ENGINES, openTestDatabase } from '../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../helpers/tinyCity.ts';

type App = ReturnType<typeof createApp>;
const appRoutes = () => {
  const app = createApp({ db: {} as Database });
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
};

describe('the route contract', () => {
  const routes = appRoutes();
  it('describes every route of the app, and no route the app does not have', () => {
    expect(routes.filter((r) => !contractOf.has(r))).toEqual([]);
    expect([...contractOf.keys()].filter((k) => !routes.includes(k))).toEqual([]);
    expect(contractOf.size).toBe(CONTRACT.length); // no entry twice
  });

  it('gives every route a success answer and the error body for its errors', () => {
    const wrong = CONTRACT.filter(
      (r) =>
        !Object.keys(r.responses).some((s) => Number(s) < 400) ||
        (!r.public && !r.path.startsWith('/open311/') && !r.responses[401]),
    );
    expect(wrong.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('matches the committed openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(fs.readFileSync(OPENAPI_FILE, 'utf8') === openApiText(), 'openapi.json is stale: npm run openapi').toBe(
      true,
    );
  });

  it('is valid OpenAPI 3.1', async () => {
    const r = await validate(JSON.parse(openApiText()));
    expect(r.errors ?? []).toEqual([]);
    expect([r.valid, r.version]).toEqual([true, '3.1']);
  });
});

interface Ctx {
  db: Database;
  app: App;
  admin: Client;
  ticket: number;
  street: string;
  apiKey: string;
  /** a knowledge entry (read, changed, then deleted) */
  kb: number;
  /** a ticket and an earlier one of its category (linked as its repeat) */
  repeat: { ticketId: number; repeatOf: number };
}
interface Call {
  path: (c: Ctx) => string;
  init?: (c: Ctx) => RequestInit;
  /** who calls: admin (every capability) unless the route is public */
  as?: 'admin' | 'anonymous' | 'apiKey';
  /** the status this call must get (a documented one) */
  status: number;
}
const post = (body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** One real call per route; reads first, then writes (in this order). */
const CALLS: Record<string, Call> = {
  'GET /api/health': { as: 'anonymous', path: () => '/api/health', status: 200 },
  'GET /api/config': { as: 'anonymous', path: () => '/api/config', status: 200 },
  // the contract's app has no archive (tests/server/basemap/ covers 200, 206 and 416)
  'GET /basemap/city.pmtiles': { as: 'anonymous', path: () => '/basemap/city.pmtiles', status: 404 },
  'GET /api/openapi.json': { as: 'anonymous', path: () => '/api/openapi.json', status: 200 },
  'GET /api/docs': { as: 'anonymous', path: () => '/api/docs', status: 200 },
  'GET /api/docs/init.js': { as: 'anonymous', path: () => '/api/docs/init.js', status: 200 },
  'GET /api/docs/scalar.js': { as: 'anonymous', path: () => '/api/docs/scalar.js', status: 200 },
  'GET /api/auth/me': { path: () => '/api/auth/me', status: 200 },
  'GET /api/admin/users': { path: () => '/api/admin/users', status: 200 },
  'GET /api/admin/kiosks': { path: () => '/api/admin/kiosks', status: 200 },
  'GET /api/admin/api-keys': { path: () => '/api/admin/api-keys', status: 200 },
  'GET /api/admin/audit': { path: () => '/api/admin/audit?limit=5', status: 200 },
  'GET /api/regions': { path: () => '/api/regions?level=street', status: 200 },
  'GET /api/zones': { path: () => '/api/zones', status: 200 },
  'GET /api/categories': { path: () => '/api/categories', status: 200 },
  'GET /api/tickets': { path: () => '/api/tickets?limit=5&from=2000-01-01', status: 200 },
  'GET /api/tickets/export': { path: () => '/api/tickets/export?format=csv', status: 200 },
  'GET /api/tickets/points': { path: () => '/api/tickets/points', status: 200 },
  'GET /api/tickets/:id{[0-9]+}': { path: (c) => `/api/tickets/${c.ticket}`, status: 200 },
  'GET /api/tickets/:id{[0-9]+}/caller': { path: (c) => `/api/tickets/${c.ticket}/caller`, status: 200 },
  'GET /api/queue': { path: () => '/api/queue?kind=overdue&limit=5', status: 200 },
  'GET /api/search': { path: (c) => `/api/search?q=${c.ticket}`, status: 200 },
  'GET /api/returns': { path: () => '/api/returns?from=2000-01-01', status: 200 },
  'GET /api/live': { path: () => '/api/live', status: 200 },
  'GET /api/import/history': { path: () => '/api/import/history', status: 200 },
  'GET /api/import/history/:id{[a-z0-9]{6,32}}': { path: () => '/api/import/history/abcdef12', status: 404 },
  'GET /api/summary': { path: () => '/api/summary?from=2000-01-01', status: 200 },
  'GET /api/summary/backlog': { path: () => '/api/summary/backlog', status: 200 },
  'GET /api/summary/series': { path: () => '/api/summary/series?from=2000-01-01&step=month', status: 200 },
  'GET /api/wall/today': { path: () => '/api/wall/today', status: 200 },
  'GET /api/wall/tickets': { path: () => '/api/wall/tickets?limit=5', status: 200 },
  'GET /api/wall/urgent': { path: () => '/api/wall/urgent?limit=3', status: 200 },
  'GET /api/wall/hotplaces': { path: () => '/api/wall/hotplaces?limit=5', status: 200 },
  'GET /api/alerts': { path: () => '/api/alerts?state=all', status: 200 },
  'GET /api/ranking': { path: () => '/api/ranking', status: 200 },
  'GET /api/ranking/months': { path: () => '/api/ranking/months', status: 200 },
  'GET /api/ranking/units/:code': { path: (c) => `/api/ranking/units/${c.street}`, status: 200 },
  'GET /api/ranking/units/:code/drill': {
    path: (c) => `/api/ranking/units/${c.street}/drill?rate=response&part=denominator`,
    status: 200,
  },
  'GET /api/ranking/units/:code/what-if': { path: (c) => `/api/ranking/units/${c.street}/what-if`, status: 200 },
  'GET /api/reports/daily': { path: () => '/api/reports/daily', status: 200 },
  'GET /api/reports/weekly': { path: () => '/api/reports/weekly', status: 200 },
  'GET /api/reports/monthly': { path: () => '/api/reports/monthly', status: 200 },
  'GET /api/reports/annual': { path: () => '/api/reports/annual', status: 200 },
  'GET /api/hotspots': { path: () => '/api/hotspots', status: 200 },
  'GET /api/hotspots/regions': { path: () => '/api/hotspots/regions?level=street', status: 200 },
  'GET /api/hotspots/emerging': { path: () => '/api/hotspots/emerging?steps=6', status: 200 },
  'GET /api/clusters': { path: () => '/api/clusters', status: 200 },
  'GET /api/topics': { path: () => '/api/topics?minTickets=0', status: 200 },
  'GET /api/forecast': { path: () => '/api/forecast', status: 200 },
  'GET /api/forecast/backtest': { path: () => '/api/forecast/backtest', status: 200 },
  'GET /api/assist/tickets/:id{[0-9]+}': { path: (c) => `/api/assist/tickets/${c.ticket}`, status: 200 },
  'GET /api/assist/model': { path: () => '/api/assist/model', status: 200 },
  'GET /api/kb': { path: () => '/api/kb?limit=5', status: 200 },
  'GET /api/kb/:id{[0-9]+}': { path: (c) => `/api/kb/${c.kb}`, status: 200 },
  'GET /api/gov/topics': { path: () => '/api/gov/topics', status: 200 },
  'GET /api/gov/topics/:id{[0-9]+}': { path: () => '/api/gov/topics/999999', status: 404 },
  'GET /api/gov/tasks': { path: () => '/api/gov/tasks', status: 200 },
  'GET /api/gov/tasks/overdue': { path: () => '/api/gov/tasks/overdue', status: 200 },
  'GET /api/gov/achievements': { path: () => '/api/gov/achievements', status: 200 },
  'GET /api/gov/ledger': { path: () => '/api/gov/ledger', status: 200 },
  'GET /api/gov/proactive': { path: () => '/api/gov/proactive', status: 200 },
  'GET /api/gov/wall': { path: () => '/api/gov/wall', status: 200 },
  'GET /api/gov/report': { path: () => '/api/gov/report?format=xlsx', status: 200 },
  'GET /open311/v2/:name': { as: 'anonymous', path: () => '/open311/v2/discovery.json', status: 200 },
  'GET /open311/v2/services/:name': { path: () => '/open311/v2/services/water.outage.json', status: 200 },
  'GET /open311/v2/requests/:name': { path: (c) => `/open311/v2/requests/${c.ticket}.json`, status: 200 },
  'GET /open311/v2/tokens/:name': { path: () => '/open311/v2/tokens/no-such-token.json', status: 404 },
  'GET /open311/v2/media/:name': { path: () => '/open311/v2/media/no-such-file.jpg', status: 404 },
  // writes
  'POST /api/tickets': {
    path: () => '/api/tickets',
    init: () =>
      post({
        kind: 'complaint',
        channel: 'phone',
        category: 'water.outage',
        description: '停水',
        address: null,
        lon: 116.05,
        lat: 39.05,
        crs: 'WGS84',
      }),
    status: 201,
  },
  'POST /api/tickets/:id{[0-9]+}/:action': {
    path: (c) => `/api/tickets/${c.ticket}/accept`,
    init: () => post({}),
    status: 409,
  },
  'POST /api/queue/bulk': {
    path: () => '/api/queue/bulk',
    init: (c) => post({ action: 'remind', ids: [c.ticket] }),
    status: 200,
  },
  'POST /api/tickets/:id{[0-9]+}/locate': {
    path: (c) => `/api/tickets/${c.ticket}/locate`,
    init: () => post({ lon: 116.05, lat: 39.05, crs: 'WGS84' }),
    status: 409,
  },
  'POST /api/import/tickets': {
    path: () => '/api/import/tickets',
    init: () => ({
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'kind,channel,category,description,lon,lat,received_at\ncomplaint,phone,water.outage,停水,116.05,39.05,2026-01-05T08:00:00Z\n',
    }),
    status: 200,
  },
  'POST /api/import/history': {
    path: () => '/api/import/history?mapping=no-such-mapping',
    init: () => ({ method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' }),
    status: 404,
  },
  'POST /api/alerts/:id{[0-9]+}/state': {
    path: () => '/api/alerts/999999/state',
    init: () => post({ state: 'acknowledged' }),
    status: 404,
  },
  'POST /api/assist/suggest': {
    path: () => '/api/assist/suggest',
    init: () => post({ text: '小区停水三天了', lon: 116.05, lat: 39.05 }),
    status: 200,
  },
  'POST /api/assist/duplicates': {
    path: () => '/api/assist/duplicates',
    init: () => post({ category: 'water.outage', text: '小区停水', lon: 116.05, lat: 39.05 }),
    status: 200,
  },
  'POST /api/assist/feedback': {
    path: () => '/api/assist/feedback',
    init: () => post({ suggested: ['water.outage'], chosen: 'water.outage' }),
    status: 201,
  },
  'POST /api/assist/link': { path: () => '/api/assist/link', init: (c) => post(c.repeat), status: 200 },
  'POST /api/kb': {
    path: () => '/api/kb',
    init: () =>
      post({
        kind: 'policy',
        title: '停水应急供水',
        body: '停水超过24小时的，供水企业应安排临时供水。',
        category: 'water.outage',
      }),
    status: 201,
  },
  'POST /api/kb/cases': {
    path: () => '/api/kb/cases',
    init: (c) => post({ ticketId: c.ticket, note: '先查管网' }),
    status: 201,
  },
  'PUT /api/kb/:id{[0-9]+}': {
    path: (c) => `/api/kb/${c.kb}`,
    init: () => post({ title: '职责清单（修订）' }, 'PUT'),
    status: 200,
  },
  'DELETE /api/kb/:id{[0-9]+}': { path: (c) => `/api/kb/${c.kb}`, init: () => ({ method: 'DELETE' }), status: 200 },
  'POST /api/forecast/intervention-effect': {
    path: () => '/api/forecast/intervention-effect',
    init: () => post({ cells: ['8831aa5551fffff'], date: '2026-06-01' }),
    status: 200,
  },
  'POST /api/gov/topics': { path: () => '/api/gov/topics', init: () => post({}), status: 400 },
  'POST /api/gov/topics/:id{[0-9]+}/tasks': {
    path: () => '/api/gov/topics/999999/tasks',
    init: () => post({}),
    status: 400,
  },
  'POST /api/gov/topics/:id{[0-9]+}/policies': {
    path: () => '/api/gov/topics/999999/policies',
    init: () => post({}),
    status: 400,
  },
  'POST /api/gov/topics/:id{[0-9]+}/reviews': {
    path: () => '/api/gov/topics/999999/reviews',
    init: () => post({}),
    status: 400,
  },
  'POST /api/gov/topics/:id{[0-9]+}/status': {
    path: () => '/api/gov/topics/999999/status',
    init: () => post({ status: 'closed' }),
    status: 404,
  },
  'POST /api/gov/tasks/:id{[0-9]+}': {
    path: () => '/api/gov/tasks/999999',
    init: () => post({ status: 'done' }),
    status: 404,
  },
  'POST /api/gov/ledger': { path: () => '/api/gov/ledger', init: () => post({}), status: 400 },
  'POST /api/gov/ledger/sync': { path: () => '/api/gov/ledger/sync', init: () => post({}), status: 200 },
  'POST /api/gov/ledger/:id{[0-9]+}': {
    path: () => '/api/gov/ledger/999999',
    init: () => post({ status: 'resolved' }),
    status: 404,
  },
  'POST /api/gov/proactive': { path: () => '/api/gov/proactive', init: () => post({ orders: [] }), status: 400 },
  // training runs on in the background; afterAll waits for it before closing the database
  'POST /api/assist/retrain': { path: () => '/api/assist/retrain', init: () => post({}), status: 202 },
  'POST /open311/v2/:name': {
    as: 'apiKey',
    path: (c) => `/open311/v2/requests.json?api_key=${c.apiKey}`,
    init: () => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'service_code=water.outage&lat=39.05&long=116.05&description=%E5%81%9C%E6%B0%B4',
    }),
    status: 201,
  },
  'POST /api/auth/unlock': { path: () => '/api/auth/unlock', init: () => post({ username: 'nobody' }), status: 204 },
  'POST /api/admin/users': {
    path: () => '/api/admin/users',
    init: () =>
      post({ username: 'contract-user', displayName: 'Contract', role: 'analyst', password: 'contract-pass-2026' }),
    status: 201,
  },
  'PATCH /api/admin/users/:username': {
    path: () => '/api/admin/users/contract-user',
    init: () => post({ disabled: true }, 'PATCH'),
    status: 204,
  },
  'POST /api/admin/kiosks': {
    path: () => '/api/admin/kiosks',
    init: () => post({ screen: 'contract-wall' }),
    status: 201,
  },
  'POST /api/admin/kiosks/:screen/release': {
    path: () => '/api/admin/kiosks/contract-wall/release',
    init: () => post({}),
    status: 204,
  },
  'DELETE /api/admin/kiosks/:screen': {
    path: () => '/api/admin/kiosks/contract-wall',
    init: () => ({ method: 'DELETE' }),
    status: 204,
  },
  'PATCH /api/admin/api-keys/:name': {
    path: () => '/api/admin/api-keys/contract-key',
    init: () => post({ grants: ['locate'] }, 'PATCH'),
    status: 200,
  },
  'POST /api/auth/kiosk': {
    as: 'anonymous',
    path: () => '/api/auth/kiosk',
    init: () => post({ token: 'no-such-token' }),
    status: 404,
  },
  'POST /api/auth/login': {
    as: 'anonymous',
    path: () => '/api/auth/login',
    init: () => post({ username: 'nobody', password: 'wrong' }),
    status: 401,
  },
  'POST /api/auth/logout': { path: () => '/api/auth/logout', init: () => post({}), status: 204 },
};

describe.each(ENGINES)('every route answers as its contract says (%s)', (engine) => {
  const ctx = {} as Ctx;
  beforeAll(async () => {
    const db = await openTestDatabase(engine, 'hotline_test_contract');
    const report = await importRegions(db, TINY_CITY, {
      crs: 'WGS84',
      replace: true,
      source: 'tests/helpers/tinyCity.ts',
    });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    await generateDemo(db, { tickets: 1500, seed: 7, now: new Date() });
    ctx.db = db;
    ctx.app = createApp({ db });
    ctx.admin = await signIn(ctx.app, db, { role: 'admin' });
    ctx.ticket = (
      await db.query<{ id: number }>(
        `SELECT id::int AS id FROM tickets WHERE status = 'closed' AND location_status = 'located' ORDER BY id LIMIT 1`,
      )
    )[0]!.id;
    ctx.street = '900001001';
    ctx.apiKey = await createApiKey(db, 'contract-key');
    await seedKnowledgeBase(db);
    ctx.kb = (await db.query<{ id: number }>(`SELECT min(id)::int AS id FROM kb_entries`))[0]!.id;
    ctx.repeat = (
      await db.query<{ ticketId: number; repeatOf: number }>(
        `SELECT t.id::int AS "ticketId", e.id::int AS "repeatOf" FROM tickets t
         JOIN LATERAL (SELECT id FROM tickets e WHERE e.category_code = t.category_code AND e.received_at < t.received_at ORDER BY e.received_at LIMIT 1) e ON true
         WHERE t.id <> $1 ORDER BY t.id LIMIT 1`,
        [ctx.ticket],
      )
    )[0]!;
  }, 300_000);
  afterAll(async () => {
    if (isTraining()) await retrain(ctx.db, 'demand').catch(() => null); // the running training, not a new one
    await ctx.db?.close();
  });

  it('has a call for every route of the contract', () => {
    expect(CONTRACT.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in CALLS))).toEqual([]);
  });

  it.each(Object.keys(CALLS))('%s', async (route) => {
    const call = CALLS[route]!;
    const contract = contractOf.get(route)!;
    expect(contract, `${route} has no contract entry`).toBeDefined();
    const init = call.init?.(ctx) ?? {};
    const res =
      call.as === 'anonymous' || call.as === 'apiKey'
        ? await ctx.app.request(call.path(ctx), init)
        : await ctx.admin.request(call.path(ctx), init);
    const reply = contract.responses[res.status];
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    if (reply && !reply.schema && res.status === call.status) {
      // not JSON (a file, binary points, the event stream, a page): its type, and no waiting for the end of a stream
      await res.body?.cancel().catch(() => undefined);
      if (reply.contentType && route !== 'GET /api/tickets/export') expect(type).toBe(reply.contentType);
      return;
    }
    const text = await res.text();
    expect([
      res.status,
      reply ? 'documented' : 'undocumented',
      res.status === call.status ? '' : text.slice(0, 300),
    ]).toEqual([call.status, 'documented', '']);
    const parsed = reply!.schema!.safeParse(JSON.parse(text));
    expect(
      parsed.success ? [] : parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    ).toEqual([]);
  });
});
