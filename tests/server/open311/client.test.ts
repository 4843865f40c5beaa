// A client that knows only the GeoReport v2 specification, end to end: it discovers the endpoint,
// lists the services, reads the chosen one's definition, files a request with its api_key and
// follows it to `closed` with the agency that handled it and that agency's notes. The client side
// uses nothing but the Open311 URLs the discovery document leads to (JSON in one walk, XML in the
// other); the work in between is done through the app's own API, as the street and the hotline do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApiKey } from '../../../server/auth/apiKeys.ts';
import { createApp } from '../../../server/app.ts';
import { deactivateCity } from '../../../server/city.ts';
import { ENGINES } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { openTinyOpen311City, TINY_ATTRIBUTES } from './city.ts';
import { parseXml, spark } from './xml.ts';

type Fmt = 'json' | 'xml';
const MIME: Record<Fmt, string> = { json: 'application/json', xml: 'text/xml' };

/** The client: a fetch, a discovery URL, an api_key, and the spec. */
function specClient(
  fetcher: (url: string, init?: RequestInit) => Promise<Response>,
  discoveryUrl: string,
  apiKey: string,
  format: Fmt,
) {
  const read = async (res: Response) => {
    const text = await res.text();
    if (!res.ok) throw new Error(`${res.status} ${text}`);
    return format === 'json' ? JSON.parse(text) : spark(parseXml(text));
  };
  let base = '';
  return {
    async discover() {
      const d = await read(await fetcher(discoveryUrl.replace(/\.json$/, `.${format}`)));
      const endpoint = d.endpoints.find(
        (e: any) =>
          e.specification === 'http://wiki.open311.org/GeoReport_v2' &&
          e.type === 'production' &&
          e.formats.includes(MIME[format]),
      );
      base = endpoint.url;
      return endpoint;
    },
    services: async () => (await read(await fetcher(`${base}/services.${format}`))) as any[],
    definition: async (code: string) => read(await fetcher(`${base}/services/${encodeURIComponent(code)}.${format}`)),
    async file(fields: Record<string, string>) {
      const res = await fetcher(`${base}/requests.${format}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams({ api_key: apiKey, ...fields }).toString(),
      });
      const [created] = (await read(res)) as any[];
      return created;
    },
    request: async (id: string) => ((await read(await fetcher(`${base}/requests/${id}.${format}`))) as any[])[0],
    requests: async (query: string) => (await read(await fetcher(`${base}/requests.${format}?${query}`))) as any[],
  };
}

describe.each(ENGINES)('an Open311 client follows its request to closed on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let street: Client;
  let hotline: Client;

  beforeAll(async () => {
    delete process.env.OPEN311_PUBLIC_READS;
    db = await openTinyOpen311City(engine, 'hotline_test_open311_client', {
      publicReads: true,
      attributes: TINY_ATTRIBUTES,
    });
    app = createApp({ db });
    key = await createApiKey(db, 'fixmystreet-style-app');
    street = await signIn(app, db, { role: 'street_official', regionCode: '900001001' });
    hotline = await signIn(app, db, { role: 'dispatcher' });
  });
  afterAll(async () => {
    deactivateCity();
    await db?.close();
  });

  it.each(['json', 'xml'] as const)('in %s', async (format) => {
    const client = specClient(
      async (url, init) => app.request(url, init),
      'http://localhost/open311/v2/discovery.json',
      key,
      format,
    );
    // 1. discover
    const endpoint = await client.discover();
    expect(endpoint.url).toBe('http://localhost/open311/v2');
    // 2. list the services and pick one by its group and name
    const services = await client.services();
    const outage = services.find((s) => s.group === '供水' && s.service_name === '停水');
    expect(outage).toMatchObject({ service_code: 'water.outage', type: 'realtime' });
    // 3. metadata: the definition says what to ask; the required single-value question gets an answer
    expect(String(outage.metadata)).toBe('true');
    const definition = await client.definition(outage.service_code);
    const answers: Record<string, string> = {};
    for (const a of definition.attributes) {
      if (String(a.required) === 'true' && a.datatype === 'singlevaluelist')
        answers[`attribute[${a.code}]`] = a.values[1].key;
    }
    expect(answers).toEqual({ 'attribute[SCOPE]': 'building' });
    // 4. file it with the api_key
    const created = await client.file({
      service_code: outage.service_code,
      lat: '39.05',
      long: '116.03',
      description: `整栋楼停水（${format}）`,
      first_name: '四',
      last_name: '李',
      phone: '13700000000',
      ...answers,
    });
    const id = String(created.service_request_id);
    expect(id).toMatch(/^\d+$/);
    // 5. follow it: open, already with the street it was dispatched to
    expect(await client.request(id)).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'water.outage',
      agency_responsible: '甲一街道',
    });

    // — meanwhile the street works it and the hotline calls the citizen back (the app's own API) —
    const act = async (who: Client, action: string, body: object) => {
      const res = await who.request(`/api/tickets/${id}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, `${action}: ${await res.clone().text()}`).toBe(200);
    };
    await act(street, 'accept', {});
    await act(street, 'reply', { note: '已协调自来水集团更换阀门，当晚恢复供水' });
    await act(hotline, 'callback', { solved: true, satisfaction: 'satisfied' });
    await act(hotline, 'close', {});

    // 6. … and the client sees it closed, by whom, with the street's notes
    const done = await client.request(id);
    expect(done).toMatchObject({
      service_request_id: id,
      status: 'closed',
      agency_responsible: '甲一街道',
      status_notes: '已协调自来水集团更换阀门，当晚恢复供水',
      description: `整栋楼停水（${format}）`,
    });
    const [{ closed_at }] = (await db.query<{ closed_at: Date }>('SELECT closed_at FROM tickets WHERE id = $1', [
      id,
    ])) as [{ closed_at: Date }];
    expect(done.updated_datetime).toBe(new Date(closed_at).toISOString());
    expect((await client.requests('status=closed')).map((r) => String(r.service_request_id))).toContain(id);
    expect(JSON.stringify(done)).not.toMatch(/13700000000|李四/);
  });
});
