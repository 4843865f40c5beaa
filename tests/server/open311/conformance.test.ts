// Conformance with the published GeoReport v2 specification (wiki.open311.org/GeoReport_v2, its
// Service Discovery page and the open311/schema-validation JSON schemas), walked method by method
// as the document lists them, for JSON and XML, on both engines. The expectations below are the
// document's: field names and order, types, the XML root and item elements, the error array and the
// HTTP status of each error path — not whatever this server happens to answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApiKey } from '../../../server/auth/apiKeys.ts';
import { createApp } from '../../../server/app.ts';
import { deactivateCity } from '../../../server/city.ts';
import { ENGINES } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { openTinyOpen311City, TINY_ATTRIBUTES } from './city.ts';
import { asText, parseXml, spark, wellFormedError, type El } from './xml.ts';

const FORMATS = ['json', 'xml'] as const;
type Fmt = (typeof FORMATS)[number];

// --- what the specification says ------------------------------------------------------------
/** "Timezone information (either Z meaning UTC, or an HH:MM offset from UTC) must be included." */
const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const CONTENT_TYPE = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };
const DISCOVERY_FIELDS = ['changeset', 'contact', 'key_service', 'endpoints'];
const ENDPOINT_FIELDS = ['specification', 'url', 'changeset', 'type', 'formats'];
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const DEFINITION_FIELDS = ['service_code', 'attributes'];
const ATTRIBUTE_FIELDS = [
  'variable',
  'code',
  'datatype',
  'required',
  'datatype_description',
  'order',
  'description',
  'values',
];
const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];
/** POST response: service_request_id or token (never both), service_notice, account_id. */
const CREATED_FIELDS = ['service_request_id', 'service_notice', 'account_id'];
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const numOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const dateOrNull = (v: unknown) => v === null || (typeof v === 'string' && W3C_DATETIME.test(v));

function checkService(s: any) {
  expect(Object.keys(s)).toEqual(SERVICE_FIELDS);
  expect([typeof s.service_code, typeof s.service_name, typeof s.metadata]).toEqual(['string', 'string', 'boolean']);
  expect(['realtime', 'batch', 'blackbox']).toContain(s.type);
  expect([strOrNull(s.description), strOrNull(s.keywords), strOrNull(s.group)]).toEqual([true, true, true]);
}
function checkRequest(r: any) {
  expect(Object.keys(r)).toEqual(REQUEST_FIELDS);
  expect([typeof r.service_request_id, typeof r.service_code, typeof r.requested_datetime]).toEqual([
    'string',
    'string',
    'string',
  ]);
  expect(['open', 'closed']).toContain(r.status);
  for (const k of [
    'status_notes',
    'service_name',
    'agency_responsible',
    'service_notice',
    'address',
    'address_id',
    'zipcode',
    'media_url',
  ])
    expect(strOrNull(r[k]), k).toBe(true);
  expect(r.description === null || (typeof r.description === 'string' && r.description.length <= 4000)).toBe(true);
  expect(W3C_DATETIME.test(r.requested_datetime)).toBe(true);
  expect([
    dateOrNull(r.updated_datetime),
    dateOrNull(r.expected_datetime),
    numOrNull(r.lat),
    numOrNull(r.long),
  ]).toEqual([true, true, true, true]);
}
function checkAttribute(a: any) {
  expect(Object.keys(a)).toEqual(ATTRIBUTE_FIELDS);
  expect([typeof a.variable, typeof a.code, typeof a.required, typeof a.order]).toEqual([
    'boolean',
    'string',
    'boolean',
    'number',
  ]);
  expect(DATATYPES).toContain(a.datatype);
  expect(Number.isInteger(a.order) && a.order > 0).toBe(true);
  expect([strOrNull(a.datatype_description), strOrNull(a.description)]).toEqual([true, true]);
  for (const v of a.values)
    expect([Object.keys(v), typeof v.key, typeof v.name]).toEqual([['key', 'name'], 'string', 'string']);
}
/** Every element of each item in document order: the spec's field order. */
const order = (list: El) => list.children.map((item) => item.children.map((c) => c.name));

const KEY_NAME = 'conformance-client';

describe.each(ENGINES)('Open311 GeoReport v2 conformance on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let admin: Client;
  let key: string;
  /** A client of the spec: no session, only URLs and form posts. */
  const get = (path: string) => app.request(`http://localhost/open311/v2/${path}`);
  const post = (path: string, form: Record<string, string>) =>
    app.request(`http://localhost/open311/v2/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(form).toString(),
    });
  const count = async (table = 'tickets') =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const body = async (res: Response, format: Fmt) => {
    expect(res.headers.get('content-type')).toBe(CONTENT_TYPE[format]);
    const text = await res.text();
    if (format === 'json') return JSON.parse(text);
    // "the root element must be preceded with the XML declaration including the encoding"
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>/i);
    return parseXml(text);
  };
  /** The error shape: HTTP status, and a body array of {code, description} / <errors><error>. */
  async function expectError(res: Response, format: Fmt, status: number, description: string | RegExp) {
    expect(res.status).toBe(status);
    const b = await body(res, format);
    const list = format === 'json' ? b : (expect((b as El).name).toBe('errors'), spark(b as El));
    expect(Array.isArray(list) && list.length >= 1).toBe(true);
    for (const e of list as any[]) expect(Object.keys(e)).toEqual(['code', 'description']);
    const [e] = list as any[];
    expect(String(e.code)).toBe(String(status));
    if (format === 'json') expect(typeof e.code).toBe('number');
    if (typeof description === 'string') expect(e.description).toBe(description);
    else expect(e.description).toMatch(description);
  }
  const filed: { id: string; at: number }[] = [];

  beforeAll(async () => {
    delete process.env.OPEN311_PUBLIC_READS;
    db = await openTinyOpen311City(engine, 'hotline_test_open311_conformance', {
      publicReads: true,
      acceptCrs: ['WGS84', 'GCJ02', 'BD09'],
      attributes: TINY_ATTRIBUTES,
    });
    app = createApp({ db });
    admin = await signIn(app, db);
    key = await createApiKey(db, KEY_NAME);
    // Three requests of the tiny city filed by the spec's POST; one of them is then closed.
    for (const form of [
      { service_code: 'noise.night_construction', lat: '39.05', long: '116.02', description: '夜里两点还在打桩' },
      { service_code: 'water.pipe_leak', lat: '39.05', long: '116.30', description: '管道漏水' },
      { service_code: 'water.outage', address_string: '乙区某小区', 'attribute[SCOPE]': 'unit' },
    ] as Record<string, string>[]) {
      const res = await post('requests.json', { api_key: key, ...form });
      expect(res.status, await res.clone().text()).toBe(201);
      filed.push({ id: ((await res.json()) as any[])[0].service_request_id, at: Date.now() });
    }
    await db.query(`UPDATE tickets SET status = 'closed', closed_at = now() WHERE id = $1`, [filed[1]!.id]);
  });
  afterAll(async () => {
    deactivateCity();
    await db?.close();
  });

  describe.each(FORMATS)('%s', (format) => {
    it('Service Discovery: every field, endpoints.endpoint with formats.format, both formats listed', async () => {
      const res = await get(`discovery.${format}`);
      expect(res.status).toBe(200);
      const b = await body(res, format);
      const d = format === 'json' ? b : spark(b as El);
      if (format === 'xml') {
        expect((b as El).name).toBe('discovery');
        expect((b as El).children.map((c) => c.name)).toEqual(DISCOVERY_FIELDS);
        expect(order((b as El).children[3]!)).toEqual([ENDPOINT_FIELDS]);
      }
      expect(Object.keys(d)).toEqual(DISCOVERY_FIELDS);
      for (const k of ['changeset', 'contact', 'key_service'])
        expect(typeof d[k] === 'string' && d[k].length > 0, k).toBe(true);
      expect(d.endpoints).toHaveLength(1);
      const [e] = d.endpoints;
      expect(Object.keys(e)).toEqual(ENDPOINT_FIELDS);
      expect([e.specification, e.url, e.type]).toEqual([
        'http://wiki.open311.org/GeoReport_v2',
        'http://localhost/open311/v2',
        'production',
      ]);
      expect([...e.formats].sort()).toEqual(['application/json', 'text/xml']);
      // changeset is "sortable" and tracks the services and their definitions
      expect(e.changeset <= d.changeset).toBe(true);
    });

    it('GET Service List: services.service with every field, in order and typed', async () => {
      const b = await body(await get(`services.${format}`), format);
      const json = (await (await get('services.json')).json()) as any[];
      if (format === 'xml') {
        expect((b as El).name).toBe('services');
        expect(order(b as El)).toEqual(json.map(() => SERVICE_FIELDS));
        expect(spark(b as El)).toEqual(asText(json));
      }
      json.forEach(checkService);
      expect(json.map((s) => s.service_code)).toEqual(['noise.night_construction', 'water.outage', 'water.pipe_leak']);
      // metadata: true exactly where the service definition asks the user something
      expect(json.map((s) => s.metadata)).toEqual([false, true, false]);
      expect(json[1]).toEqual({
        service_code: 'water.outage',
        service_name: '停水',
        description: '停水',
        metadata: true,
        type: 'realtime',
        keywords: 'Water outage, Water supply',
        group: '供水',
      });
    });

    it('GET Service Definition: service_definition with attributes.attribute and values.value', async () => {
      const b = await body(await get(`services/water.outage.${format}`), format);
      const json = (await (await get('services/water.outage.json')).json()) as any;
      if (format === 'xml') {
        expect((b as El).name).toBe('service_definition');
        expect((b as El).children.map((c) => c.name)).toEqual(DEFINITION_FIELDS);
        expect(order((b as El).children[1]!)).toEqual(json.attributes.map(() => ATTRIBUTE_FIELDS));
        expect(spark(b as El)).toEqual(asText(json));
      }
      expect(Object.keys(json)).toEqual(DEFINITION_FIELDS);
      expect(json.service_code).toBe('water.outage');
      json.attributes.forEach(checkAttribute);
      expect(json.attributes.map((a: any) => [a.order, a.code, a.datatype, a.required, a.variable])).toEqual([
        [1, 'SCOPE', 'singlevaluelist', true, true],
        [2, 'FLOORS', 'multivaluelist', false, true],
        [3, 'SINCE', 'datetime', false, true],
        [4, 'HOMES', 'number', false, true],
        [5, 'METER', 'string', false, true],
        [6, 'NOTE', 'text', false, true],
        [7, 'INFO', 'text', false, false],
      ]);
      expect(json.attributes[0].values).toEqual([
        { key: 'unit', name: '本户' },
        { key: 'building', name: '整栋楼' },
      ]);
      expect(json.attributes[4].datatype_description).toBe('表盘上的编号');
      // a service without questions has an empty definition
      expect(await (await get('services/water.pipe_leak.json')).json()).toEqual({
        service_code: 'water.pipe_leak',
        attributes: [],
      });
      // "404 - service_code … not found"
      await expectError(await get(`services/nope.${format}`), format, 404, 'service_code nope not found');
    });

    it('POST Service Request: each error path answers its status in the error body and files nothing', async () => {
      const before = [await count(), await count('open311_attributes'), await count('open311_media')];
      const base = { api_key: key, service_code: 'noise.night_construction', lat: '39.05', long: '116.02' };
      const outage = { ...base, service_code: 'water.outage', 'attribute[SCOPE]': 'unit' };
      const cases: [Record<string, string>, number, string | RegExp][] = [
        // "403 for errors because of wrong or missing api_key"
        [{ ...base, api_key: '' }, 403, /^api_key: missing/],
        [{ ...base, api_key: 'key_not-issued' }, 403, 'api_key: not a valid key'],
        // "400 - service_code … was not provided"; "404 - service_code … was not found"
        [{ ...base, service_code: '' }, 400, 'service_code: required'],
        [{ ...base, service_code: 'nope' }, 404, 'service_code: nope not found'],
        // "A full location parameter must be submitted": lat & long, or address_string, or address_id
        [
          { api_key: key, service_code: 'noise.night_construction' },
          400,
          'lat/long or address_string: a location is required',
        ],
        [
          { api_key: key, service_code: 'noise.night_construction', lat: '39.05' },
          400,
          'long: lat and long are sent together',
        ],
        [{ api_key: key, service_code: 'noise.night_construction', address_id: '545483' }, 400, /^address_id: /],
        [{ ...base, lat: '95' }, 400, /^lat: /],
        [{ ...base, long: 'east' }, 400, /^long: /],
        // attributes "based on Service Definitions"; required ones "only required if the service_code requires"
        [{ ...base, service_code: 'water.outage' }, 400, 'attribute[SCOPE]: required'],
        [
          { ...outage, 'attribute[SCOPE]': 'street' },
          400,
          /^attribute\[SCOPE\]: "street" is not one of unit, building$/,
        ],
        [{ ...outage, 'attribute[FLOORS][]': 'roof' }, 400, /^attribute\[FLOORS\]: /],
        [{ ...outage, 'attribute[HOMES]': 'many' }, 400, 'attribute[HOMES]: not a number'],
        [{ ...outage, 'attribute[SINCE]': 'yesterday' }, 400, /^attribute\[SINCE\]: not a W3C date-time/],
        [{ ...outage, 'attribute[METER]': 'a\nb' }, 400, /^attribute\[METER\]: /],
        [{ ...outage, 'attribute[INFO]': 'x' }, 400, 'attribute[INFO]: not an attribute of service water.outage'],
        [{ ...outage, 'attribute[COLOUR]': 'red' }, 400, 'attribute[COLOUR]: not an attribute of service water.outage'],
        [{ ...base, description: 'x'.repeat(4001) }, 400, /^description: /],
        [{ ...base, media_url: 'javascript:alert(1)' }, 400, /^media_url: /],
        [{ ...base, crs: 'EPSG:3857' }, 400, 'crs: this city accepts WGS84, GCJ02, BD09'],
        // "404 - jurisdiction_id provided was not found"
        [
          { ...base, jurisdiction_id: 'elsewhere.gov' },
          404,
          'jurisdiction_id elsewhere.gov not found; this endpoint serves tiny',
        ],
      ];
      for (const [form, status, description] of cases)
        await expectError(await post(`requests.${format}`, form), format, status, description);
      await expectError(await post(`requests.${format}`, { ...base, api_key: '' }), format, 403, /^api_key/);
      // a POST to anything but requests, and a method the spec has not
      await expectError(await post(`services.${format}`, base), format, 404, /^No such resource/);
      await expectError(
        await app.request(`/open311/v2/requests.${format}`, { method: 'DELETE' }),
        format,
        405,
        /^DELETE is not allowed/,
      );
      expect([await count(), await count('open311_attributes'), await count('open311_media')]).toEqual(before);
    });

    it('POST Service Request: service_requests.request with service_request_id (realtime: no token), service_notice, account_id', async () => {
      const res = await post(`requests.${format}`, {
        api_key: key,
        service_code: 'water.outage',
        lat: '39.05',
        long: '116.12',
        description: 'A large sinkhole',
        email: 'smit333@example.org',
        device_id: 'tt222111',
        account_id: '123456',
        first_name: 'john',
        last_name: 'smith',
        phone: '111111111',
        'attribute[SCOPE]': 'building',
        'attribute[FLOORS][]': 'low',
        'attribute[HOMES]': '12',
      });
      expect(res.status).toBe(201);
      const b = await body(res, format);
      const list =
        format === 'json'
          ? b
          : (expect((b as El).name).toBe('service_requests'),
            expect(order(b as El)).toEqual([CREATED_FIELDS]),
            spark(b as El));
      expect(list).toHaveLength(1);
      const [r] = list as any[];
      expect(Object.keys(r)).toEqual(CREATED_FIELDS);
      expect(r.service_request_id).toMatch(/^\d+$/);
      const [stored] = await db.query<{ attributes: unknown }>(
        'SELECT attributes FROM open311_attributes WHERE ticket_id = $1',
        [r.service_request_id],
      );
      expect(stored!.attributes).toEqual({ SCOPE: 'building', FLOORS: ['low'], HOMES: '12' });
      // the services list says realtime: the id comes back at once, so no token flow is involved
      const services = (await (await get('services.json')).json()) as any[];
      expect(services.every((s) => s.type === 'realtime')).toBe(true);
      // the api_key may be in the query string instead of the body
      const q = await app.request(`http://localhost/open311/v2/requests.${format}?api_key=${encodeURIComponent(key)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service_code: 'noise.night_construction', address_string: '甲一街道' }).toString(),
      });
      expect(q.status).toBe(201);
    });

    it('GET Service Requests: service_requests.request with every field, in order and typed', async () => {
      const res = await get(`requests.${format}`);
      expect(res.status).toBe(200);
      const b = await body(res, format);
      const json = (await (await get('requests.json')).json()) as any[];
      if (format === 'xml') {
        expect((b as El).name).toBe('service_requests');
        expect(order(b as El)).toEqual(json.map(() => REQUEST_FIELDS));
        expect(spark(b as El)).toEqual(asText(json));
      }
      expect(json.length).toBeGreaterThanOrEqual(3);
      json.forEach(checkRequest);
      const closed = json.find((r) => r.service_request_id === filed[1]!.id);
      expect([closed.status, closed.service_code]).toEqual(['closed', 'water.pipe_leak']);
      // "For requests with status=closed, this will be the date the request was closed."
      const [{ closed_at }] = (await db.query<{ closed_at: Date }>('SELECT closed_at FROM tickets WHERE id = $1', [
        filed[1]!.id,
      ])) as [{ closed_at: Date }];
      expect(closed.updated_datetime).toBe(new Date(closed_at).toISOString());
    });

    it('GET Service Requests: service_request_id overrides, service_code, status, start_date/end_date, the 90-day default and paging', async () => {
      const ids = async (q: string) => {
        const res = await get(`requests.${format}${q}`);
        expect(res.status, q).toBe(200);
        const b = await body(res, format);
        const list = (format === 'json' ? b : spark(b as El)) as any[];
        return list.map((r) => r.service_request_id).sort();
      };
      const [noise, leak, outage] = filed.map((f) => f.id) as [string, string, string];
      // "This overrides all other arguments."
      expect(await ids(`?service_request_id=${noise},${leak}&status=closed&service_code=water.outage`)).toEqual(
        [noise, leak].sort(),
      );
      // the truth from the database: requests of the last 90 days by service and status
      const truth = async (codes: string[], statuses: string[]) =>
        (
          await db.query<{ id: string }>(
            `SELECT id::text AS id FROM tickets WHERE category_code = ANY($1::text[]) AND (status = 'closed') = ANY($2::boolean[]) AND received_at >= now() - interval '90 days'`,
            [codes, statuses.map((s) => s === 'closed')],
          )
        )
          .map((r) => r.id)
          .sort();
      expect(await ids('?service_code=water.pipe_leak')).toEqual([leak]);
      const noiseOpen = await truth(['water.pipe_leak', 'noise.night_construction'], ['open']);
      expect(noiseOpen).toContain(noise);
      expect(await ids('?service_code=water.pipe_leak,noise.night_construction&status=open')).toEqual(noiseOpen);
      expect(await ids('?status=closed')).toEqual([leak]);
      expect(await ids('?status=open')).toEqual(
        await truth(['noise.night_construction', 'water.outage', 'water.pipe_leak'], ['open']),
      );
      expect((await ids('?status=open,closed')).length).toBe((await ids('')).length);
      // an empty optional argument is the same as none
      expect(await ids('?status=&service_code=')).toEqual(await ids(''));
      // "When not specified, the range defaults to most recent 90 days."
      await db.query(`UPDATE tickets SET received_at = now() - interval '100 days' WHERE id = $1`, [outage]);
      try {
        expect(await ids('')).not.toContain(outage);
        expect(
          await ids(
            `?start_date=${new Date(Date.now() - 101 * 86_400_000).toISOString()}&end_date=${new Date(Date.now() - 99 * 86_400_000).toISOString()}`,
          ),
        ).toEqual([outage]);
        expect(
          await ids(
            `?end_date=${encodeURIComponent(new Date(Date.now() - 99 * 86_400_000).toISOString().replace('Z', '+00:00'))}`,
          ),
        ).toEqual([outage]);
        expect(await ids(`?service_request_id=${outage}`)).toEqual([outage]);
      } finally {
        await db.query(`UPDATE tickets SET received_at = now() WHERE id = $1`, [outage]);
      }
      // paging (the page / page_size extension) within the 1000 limit
      const all = (await (await get('requests.json')).json()) as any[];
      const page = async (n: number) =>
        ((await (await get(`requests.json?page_size=2&page=${n}`)).json()) as any[]).map((r) => r.service_request_id);
      const pages: string[] = [];
      for (let n = 1; n <= Math.ceil(all.length / 2) + 1; n++) pages.push(...(await page(n)));
      expect(pages).toEqual(all.map((r) => r.service_request_id));
      expect(await page(Math.ceil(all.length / 2) + 1)).toEqual([]);
      for (const [q, d] of [
        ['?status=pending', 'status: open, closed or both (comma-separated)'],
        ['?start_date=yesterday', 'start_date: not a W3C date-time (e.g. 2010-01-01T00:00:00Z)'],
        ['?end_date=2010-13-45T00:00:00Z', 'end_date: not a W3C date-time (e.g. 2010-01-01T00:00:00Z)'],
        ['?start_date=2010-02-01T00:00:00Z&end_date=2010-01-01T00:00:00Z', 'start_date: after end_date'],
        ['?service_request_id=abc', 'service_request_id: a comma-separated list of request ids'],
        ['?page_size=1001', 'page_size: a whole number from 1 to 1000'],
        ['?page=0', 'page: a whole number from 1 to 1000000'],
      ])
        await expectError(await get(`requests.${format}${q}`), format, 400, d!);
      await expectError(
        await get(`requests.${format}?jurisdiction_id=elsewhere.gov`),
        format,
        404,
        /^jurisdiction_id elsewhere\.gov not found/,
      );
      expect((await get(`requests.${format}?jurisdiction_id=tiny`)).status).toBe(200);
    });

    it('GET Service Request: one request as service_requests.request; 404 for one that does not exist', async () => {
      const id = filed[0]!.id;
      const b = await body(await get(`requests/${id}.${format}`), format);
      const [json] = (await (await get(`requests/${id}.json`)).json()) as any[];
      if (format === 'xml') {
        expect((b as El).name).toBe('service_requests');
        expect(order(b as El)).toEqual([REQUEST_FIELDS]);
        expect(spark(b as El)).toEqual(asText([json]));
      }
      checkRequest(json);
      expect(json).toMatchObject({
        service_request_id: id,
        status: 'open',
        service_code: 'noise.night_construction',
        service_name: '夜间施工噪声',
        description: '夜里两点还在打桩',
        agency_responsible: '甲一街道',
        lat: 39.05,
        long: 116.02,
      });
      for (const missing of ['999999999', 'abc'])
        await expectError(
          await get(`requests/${missing}.${format}`),
          format,
          404,
          `service_request_id ${missing} not found`,
        );
    });

    it('GET service_request_id from a token: 404 for a token never issued', async () => {
      await expectError(await get(`tokens/12345.${format}`), format, 404, 'token 12345 not found');
    });

    it('"404 for resources that don\'t exist", in the format asked for', async () => {
      await expectError(await get(`widgets.${format}`), format, 404, 'No such resource: widgets');
      await expectError(await get(`requests/1/notes.${format}`), format, 404, /^No such endpoint/);
    });

    it('XML stays well-formed and JSON exact whatever a ticket holds: controls, U+FFFE/FFFF, lone surrogates, markup', async () => {
      // NUL and lone surrogates cannot be stored in PostgreSQL text at all (format.test.ts covers them)
      const nasty = 'a\u0001b\u0008\u000B\u000C\u001F\u007F c\uFFFE\uFFFF d\uFDD0 f]]><g>&amp;"\'\t\r\n😀 end';
      const kept = 'ab\u007F c d\uFDD0 f]]><g>&amp;"\'\t\r\n😀 end';
      const id = filed[0]!.id;
      // as text stored before the intake rules (an old import) or by any path that misses them
      const [was] = await db.query<{ description: string; address: string | null }>(
        'SELECT description, address FROM tickets WHERE id = $1',
        [id],
      );
      await db.query(`UPDATE tickets SET description = $2, address = $3 WHERE id = $1`, [id, nasty, nasty]);
      try {
        for (const path of [
          `requests.${format}`,
          `requests/${id}.${format}`,
          `requests.${format}?service_request_id=${id}`,
        ]) {
          const res = await get(path);
          const text = await res.clone().text();
          if (format === 'xml') {
            expect(wellFormedError(text), path).toBeNull();
            expect(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(text)).toBe(false);
          }
          const list = (format === 'json' ? await res.json() : spark(parseXml(text))) as any[];
          const r = list.find((x) => x.service_request_id === id);
          // JSON carries every character (escaped); XML leaves out exactly those XML cannot carry
          expect([r.description, r.address]).toEqual(format === 'json' ? [nasty, nasty] : [kept, kept]);
        }
      } finally {
        await db.query(`UPDATE tickets SET description = $2, address = $3 WHERE id = $1`, [
          id,
          was!.description,
          was!.address,
        ]);
      }
    });

    it("reads never carry a caller's name, phone or e-mail, for the public or a signed-in admin", async () => {
      const res = await post('requests.json', {
        api_key: key,
        service_code: 'noise.night_construction',
        lat: '39.05',
        long: '116.02',
        first_name: 'Zhangsan',
        last_name: 'Li',
        phone: '13912345678',
        email: 'li@example.org',
      });
      const [{ service_request_id: id }] = (await res.json()) as any[];
      const [caller] = await db.query<{ name: string; phone: string }>(
        'SELECT name, phone FROM ticket_callers WHERE ticket_id = $1',
        [id],
      );
      expect(caller).toEqual({ name: 'LiZhangsan', phone: '13912345678' });
      for (const reader of [{ request: (p: string) => app.request(p) }, admin]) {
        for (const p of [
          `requests.${format}`,
          `requests/${id}.${format}`,
          `requests.${format}?service_request_id=${id}`,
        ]) {
          const text = await (await reader.request(`/open311/v2/${p}`)).text();
          expect(text).toContain(id);
          for (const secret of ['Zhangsan', '13912345678', 'li@example.org'])
            expect(text, `${p} ${secret}`).not.toContain(secret);
        }
      }
    });
  });
});
