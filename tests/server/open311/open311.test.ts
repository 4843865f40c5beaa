import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { signIn, type Client } from '../../helpers/auth.ts';

const KEY = 'test-key-311';

describe.each(ENGINES)('Open311 GeoReport v2 on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const get = (path: string) => client.request(`/open311/v2/${path}`);
  const post = (path: string, form: Record<string, string>) =>
    client.request(`/open311/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0].n;
  let created: string;

  beforeAll(async () => {
    process.env.OPEN311_API_KEYS = `other, ${KEY}`;
    db = await openTestDatabase(engine, 'hotline_test_open311');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('lists services in JSON and XML', async () => {
    const res = await get('services.json');
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    const list = (await res.json()) as any[];
    expect(list.map((s) => s.service_code)).toEqual(['noise.night_construction', 'water.outage', 'water.pipe_leak']);
    expect(list[1]).toEqual({ service_code: 'water.outage', service_name: '停水', description: '停水', metadata: false, type: 'realtime', keywords: [], group: '供水' });
    const xml = await (await get('services.xml')).text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><services><service><service_code>noise.night_construction<\/service_code>/);
    expect(xml).toContain('<service><service_code>water.outage</service_code><service_name>停水</service_name><description>停水</description><metadata>false</metadata><type>realtime</type><keywords/><group>供水</group></service>');
  });

  it('serves a service definition, and 404 with the error body for an unknown one', async () => {
    expect(await (await get('services/water.outage.json')).json()).toEqual({ service_code: 'water.outage', attributes: [] });
    expect(await (await get('services/water.outage.xml')).text()).toBe('<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>water.outage</service_code><attributes/></service_definition>');
    const j = await get('services/nope.json');
    expect([j.status, await j.json()]).toEqual([404, [{ code: 404, description: 'service_code nope not found' }]]);
    const x = await get('services/nope.xml');
    expect([x.status, await x.text()]).toEqual([404, '<?xml version="1.0" encoding="utf-8"?><errors><error><code>404</code><description>service_code nope not found</description></error></errors>']);
  });

  it('refuses a POST without a valid api_key with 403, changing nothing', async () => {
    const before = await count();
    const none = await post('requests.json', { service_code: 'water.outage', lat: '39.05', long: '116.3' });
    expect([none.status, await none.json()]).toEqual([403, [{ code: 403, description: 'api_key: missing or invalid' }]]);
    const wrong = await post('requests.xml', { api_key: 'guess', service_code: 'water.outage', lat: '39.05', long: '116.3' });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('<errors><error><code>403</code>');
    expect(await count()).toBe(before);
  });

  it('refuses bad POSTs with 400 naming the parameter, changing nothing', async () => {
    const before = await count();
    const cases: [Record<string, string>, string][] = [
      [{ api_key: KEY, lat: '39.05', long: '116.3' }, 'service_code: required'],
      [{ api_key: KEY, service_code: 'nope', lat: '39.05', long: '116.3' }, 'service_code: nope not found'],
      [{ api_key: KEY, service_code: 'water.outage' }, 'lat/long or address_string: an address or lon/lat is required'],
      [{ api_key: KEY, service_code: 'water.outage', lat: '95', long: '116.3' }, 'lat: '],
      [{ api_key: KEY, service_code: 'water.outage', lat: '39.05', long: 'east' }, 'long: '],
    ];
    for (const [form, message] of cases) {
      const res = await post('requests.json', form);
      expect(res.status).toBe(400);
      const body = (await res.json()) as any[];
      expect(body[0].code).toBe(400);
      expect(body[0].description.startsWith(message), body[0].description).toBe(true);
    }
    const xml = await post('requests.xml', { api_key: KEY });
    expect([xml.status, await xml.text()]).toEqual([400, '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>service_code: required</description></error></errors>']);
    expect(await count()).toBe(before);
  });

  it('creates a request by POST (JSON and XML) and reads it back, with its token', async () => {
    const res = await post('requests.json', { api_key: KEY, service_code: 'water.outage', lat: '39.05', long: '116.3', description: '整栋楼停水', first_name: '四', last_name: '李', phone: '13700000000' });
    expect(res.status).toBe(201);
    const [r] = (await res.json()) as any[];
    expect(r).toEqual({ service_request_id: expect.stringMatching(/^\d+$/), token: expect.any(String), service_notice: null, account_id: null });
    created = r.service_request_id;
    const one = (await (await get(`requests/${created}.json`)).json()) as any[];
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ service_request_id: created, status: 'open', status_notes: 'dispatched', service_code: 'water.outage', service_name: '停水', description: '整栋楼停水', agency_responsible: '900002001', lat: 39.05, long: 116.3 });
    expect(JSON.stringify(one)).not.toContain('13700000000');
    const xml = await (await get(`requests/${created}.xml`)).text();
    expect(xml).toContain(`<service_requests><request><service_request_id>${created}</service_request_id><status>open</status>`);
    const tok = (await (await get(`tokens/${r.token}.json`)).json()) as any[];
    expect(tok).toEqual([{ service_request_id: created, token: r.token }]);
    expect(await (await get(`tokens/${r.token}.xml`)).text()).toBe(`<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>${created}</service_request_id><token>${r.token}</token></request></service_requests>`);
    const x = await post('requests.xml', { api_key: KEY, service_code: 'noise.night_construction', address_string: '甲一街道某工地' });
    expect(x.status).toBe(201);
    expect(await x.text()).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?><service_requests><request><service_request_id>\d+<\/service_request_id><token>[^<]+<\/token><service_notice\/><account_id\/><\/request><\/service_requests>$/);
  });

  it('answers 404 in the spec body for an unknown request, token or resource', async () => {
    for (const [path, desc] of [
      ['requests/999999.json', 'service_request_id 999999 not found'],
      ['tokens/nope.json', 'token nope not found'],
      ['widgets.json', 'No such resource: widgets'],
    ]) {
      const res = await get(path);
      expect([res.status, await res.json()]).toEqual([404, [{ code: 404, description: desc }]]);
    }
    const x = await get('requests/999999.xml');
    expect([x.status, await x.text()]).toEqual([404, '<?xml version="1.0" encoding="utf-8"?><errors><error><code>404</code><description>service_request_id 999999 not found</description></error></errors>']);
  });

  it('filters requests by id, service_code, dates and status, in JSON and XML', async () => {
    const now = Date.now();
    const closed = (await (await client.request('/api/tickets', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'consultation', channel: 'phone', category: 'water.pipe_leak', address: '问', receivedAt: new Date(now - 86_400_000).toISOString() }),
    })).json()) as any;
    const ids = async (q: string) => ((await (await get(`requests.json${q}`)).json()) as any[]).map((r) => r.service_request_id).sort();
    const all = await ids('');
    expect(all).toHaveLength(3);
    expect(await ids(`?service_request_id=${created},${closed.id}&status=open`)).toEqual([created, String(closed.id)].sort());
    expect(await ids('?service_code=water.pipe_leak')).toEqual([String(closed.id)]);
    expect(await ids('?status=closed')).toEqual([String(closed.id)]);
    expect(await ids('?status=open')).toHaveLength(2);
    expect(await ids('?status=open,closed')).toHaveLength(3);
    const end = new Date(now - 3_600_000).toISOString();
    expect(await ids(`?end_date=${end}`)).toEqual([String(closed.id)]);
    expect(await ids(`?start_date=${end}&service_code=water.outage`)).toEqual([created]);
    const xml = await (await get('requests.xml?status=closed')).text();
    expect(xml).toContain(`<service_requests><request><service_request_id>${closed.id}</service_request_id><status>closed</status>`);
    for (const q of ['?status=pending', '?start_date=yesterday', '?service_request_id=abc']) {
      const res = await get(`requests.json${q}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any[])[0].code).toBe(400);
    }
    const bad = await get('requests.xml?status=pending');
    expect([bad.status, await bad.text()]).toEqual([400, '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>status: must be open or closed</description></error></errors>']);
  });

  it('answers a signed-in POST with 503, Retry-After and the spec error body while the database is down, in JSON and XML', async () => {
    // The session is read (and cached) while the database is up; then every call fails the way pg
    // does when the server refuses connections.
    let broken = false;
    const down = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const flaky = new Proxy(db, {
      get(target, key) {
        if (broken && ['query', 'exec', 'transaction', 'copyCsv', 'listen'].includes(String(key))) return down;
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const downApp = createApp({ db: flaky });
    const caller = await signIn(downApp, flaky, { role: 'dispatcher' });
    expect((await caller.request('/open311/v2/requests.json')).status).toBe(200);
    broken = true;
    const form = new URLSearchParams({ api_key: KEY, service_code: 'water.outage', lat: '39.05', long: '116.02' }).toString();
    const post = (name: string) => caller.request(`/open311/v2/${name}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    try {
      const json = await post('requests.json');
      expect([json.status, json.headers.get('retry-after'), await json.json()]).toEqual([503, '2', [{ code: 503, description: 'the request could not be stored; retry shortly' }]]);
      const xml = await post('requests.xml');
      expect([xml.status, xml.headers.get('retry-after'), await xml.text()]).toEqual([
        503,
        '2',
        '<?xml version="1.0" encoding="utf-8"?><errors><error><code>503</code><description>the request could not be stored; retry shortly</description></error></errors>',
      ]);
    } finally {
      broken = false;
    }
  });
});
