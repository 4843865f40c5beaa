// What this city's Open311 endpoint adds to the specification's shapes (conformance.test.ts): who
// may read (public per city, or a reader's own jurisdiction), coarsened public locations, declared
// GCJ-02/BD-09 coordinates, media uploads stored and served back without their metadata, the
// unit's name and reply as agency_responsible and status_notes, and the 503 of a database outage.
import gcoord from 'gcoord';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApiKey } from '../../../server/auth/apiKeys.ts';
import { createApp } from '../../../server/app.ts';
import { deactivateCity } from '../../../server/city.ts';
import { coarsen } from '../../../server/open311/mapping.ts';
import { MAX_MEDIA_BYTES } from '../../../server/open311/media.ts';
import { ENGINES } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { openTinyOpen311City, storeCity, tinyManifest } from './city.ts';

const seg = (marker: number, payload: number[]) => [
  0xff,
  marker,
  (payload.length + 2) >> 8,
  (payload.length + 2) & 0xff,
  ...payload,
];
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
/** A JPEG as phones write them: JFIF, then EXIF with a GPS position, a comment, tables, the scan. */
export const PHOTO = {
  jfif: seg(0xe0, [...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  exif: seg(0xe1, ascii('Exif\0\0GPS 39.9042N 116.4074E Pixel 8 Pro')),
  comment: seg(0xfe, ascii('taken at home')),
  tables: seg(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => i + 1)]),
  scan: [...seg(0xda, [1, 1, 0, 0, 63, 0]), 0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9],
};
const jpeg = (...parts: number[][]) => new Uint8Array([0xff, 0xd8, ...parts.flat()]);

describe.each(ENGINES)('Open311 on %s: reads, privacy, coordinates and media', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let dispatcher: Client;
  let official: Client;
  const anon = (path: string) => app.request(`http://localhost/open311/v2/${path}`);
  const file = async (form: Record<string, string>, format = 'json') => {
    const res = await app.request(`/open311/v2/requests.${format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: key, ...form }).toString(),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as any[])[0].service_request_id as string;
  };
  const upload = (fields: Record<string, string>, media?: Blob, format = 'json') => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ api_key: key, ...fields })) form.append(k, v);
    if (media) form.append('media', media, 'photo.jpg');
    return app.request(`/open311/v2/requests.${format}`, { method: 'POST', body: form });
  };
  const settings = { publicReads: true, coarsenMeters: 100, acceptCrs: ['WGS84', 'GCJ02', 'BD09'] };

  beforeAll(async () => {
    delete process.env.OPEN311_PUBLIC_READS;
    db = await openTinyOpen311City(engine, 'hotline_test_open311', settings);
    app = createApp({ db });
    key = await createApiKey(db, 'city-app');
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
    official = await signIn(app, db, { role: 'street_official', regionCode: '900001001' });
  });
  afterEach(async () => {
    delete process.env.OPEN311_PUBLIC_READS;
    delete process.env.OPEN311_MEDIA_MAX_MB;
    await storeCity(db, tinyManifest(settings));
  });
  afterAll(async () => {
    deactivateCity();
    await db?.close();
  });

  it('serves reads to the public only where the city publishes them; a reader signed in always reads their own jurisdiction', async () => {
    const mine = await file({ service_code: 'noise.night_construction', lat: '39.05', long: '116.02' });
    const other = await file({ service_code: 'noise.night_construction', lat: '39.05', long: '116.3' });
    const ids = async (res: Response) => ((await res.json()) as any[]).map((r) => r.service_request_id);
    // published (the demo's setting): anyone reads the whole city
    expect(await ids(await anon(`requests.json?service_request_id=${mine},${other}`))).toEqual([other, mine]);
    // a street official reads their street's, public reads or not
    expect(await ids(await official.request(`/open311/v2/requests.json?service_request_id=${mine},${other}`))).toEqual([
      mine,
    ]);
    expect((await official.request(`/open311/v2/requests/${other}.json`)).status).toBe(404);
    // switched off for this server: the public gets the spec's 403, services stay public
    process.env.OPEN311_PUBLIC_READS = '0';
    for (const p of ['requests.json', `requests/${mine}.json`, 'tokens/abc.json']) {
      const res = await anon(p);
      expect([p, res.status, await res.json()]).toEqual([
        p,
        403,
        [
          {
            code: 403,
            description:
              'Open311 requests are not public here: read them with a signed-in session (api_key files requests only)',
          },
        ],
      ]);
    }
    const xml = await anon('requests.xml');
    expect([xml.status, await xml.text()]).toEqual([
      403,
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>403</code><description>Open311 requests are not public here: read them with a signed-in session (api_key files requests only)</description></error></errors>',
    ]);
    // an api_key files requests; it does not read them
    expect((await anon(`requests.json?api_key=${key}`)).status).toBe(403);
    expect((await anon('services.json')).status).toBe(200);
    expect((await anon('discovery.xml')).status).toBe(200);
    expect(
      await ids(await dispatcher.request(`/open311/v2/requests.json?service_request_id=${mine},${other}`)),
    ).toEqual([other, mine]);
    // and the city's own setting decides when the server does not override it
    delete process.env.OPEN311_PUBLIC_READS;
    await storeCity(db, tinyManifest({ ...settings, publicReads: false }));
    expect((await anon('requests.json')).status).toBe(403);
    process.env.OPEN311_PUBLIC_READS = 'on';
    expect((await anon('requests.json')).status).toBe(200);
    process.env.OPEN311_PUBLIC_READS = 'maybe';
    expect((await anon('requests.json')).status).toBe(500);
  });

  it('masks phone numbers and e-mail addresses typed into the text for the public, not for staff', async () => {
    const id = await file({
      service_code: 'noise.night_construction',
      lat: '39.05',
      long: '116.02',
      description: '2026-12-07 夜里施工，请回电 139 1234 5678 或 li@example.org',
    });
    const [pub] = (await (await anon(`requests/${id}.json`)).json()) as any[];
    expect(pub.description).toBe('2026-12-07 夜里施工，请回电 *** 或 ***');
    const xml = await (await anon(`requests.xml?service_request_id=${id}`)).text();
    expect(xml).toContain('<description>2026-12-07 夜里施工，请回电 *** 或 ***</description>');
    const [staff] = (await (await dispatcher.request(`/open311/v2/requests/${id}.json`)).json()) as any[];
    expect(staff.description).toBe('2026-12-07 夜里施工，请回电 139 1234 5678 或 li@example.org');
  });

  it('gives the public a coarsened place (grid cell centre, street and district) and staff the exact one', async () => {
    const id = await file({
      service_code: 'noise.night_construction',
      lat: '39.051234',
      long: '116.023456',
      address_string: '甲一街道幸福小区3号楼2单元',
    });
    const [pub] = (await (await anon(`requests/${id}.json`)).json()) as any[];
    const [lat, long] = coarsen(39.051234, 116.023456, 100);
    expect([pub.lat, pub.long, pub.address]).toEqual([lat, long, '甲一街道, 甲区']);
    expect(Math.abs(lat - 39.051234) * 111_320).toBeLessThanOrEqual(50);
    const [exact] = (await (await dispatcher.request(`/open311/v2/requests/${id}.json`)).json()) as any[];
    expect([exact.lat, exact.long, exact.address]).toEqual([39.051234, 116.023456, '甲一街道幸福小区3号楼2单元']);
    // every point of a cell reads the same
    const [a, b] = [coarsen(39.05001, 116.02001, 100), coarsen(39.05009, 116.02009, 100)];
    expect(a).toEqual(b);
  });

  it('converts GCJ-02 and BD-09 where the city accepts them, and refuses them where it does not', async () => {
    const [wLon, wLat] = [116.05, 39.05];
    for (const crs of ['GCJ02', 'BD09'] as const) {
      const [x, y] = gcoord.transform([wLon, wLat], gcoord[crs], gcoord.WGS84) as [number, number];
      const declared = gcoord.transform([wLon, wLat], gcoord.WGS84, gcoord[crs]) as [number, number];
      const id = await file({
        service_code: 'noise.night_construction',
        lat: String(declared[1]),
        long: String(declared[0]),
        crs: crs === 'GCJ02' ? 'GCJ-02' : 'bd09',
      });
      const [row] = await db.query<{ lon: number; lat: number; source_crs: string; street_code: string }>(
        'SELECT ST_X(geom) lon, ST_Y(geom) lat, source_crs, street_code FROM tickets WHERE id = $1',
        [id],
      );
      expect(row!.source_crs).toBe(crs);
      expect(row!.street_code).toBe('900001001');
      // the stored point is the WGS-84 one, within a metre (the conversion's round trip)
      expect(Math.abs(row!.lon - wLon) * 86_000).toBeLessThan(1);
      expect(Math.abs(row!.lat - wLat) * 111_000).toBeLessThan(1);
      expect(Math.abs(x - wLon)).toBeGreaterThan(0.001);
      expect(y).toBeTypeOf('number');
    }
    // a city whose package accepts WGS-84 only (New York's, say)
    await storeCity(db, tinyManifest({ ...settings, acceptCrs: ['WGS84'] }, 'en'));
    const res = await app.request('/open311/v2/requests.json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: key,
        service_code: 'noise.night_construction',
        lat: '39.05',
        long: '116.05',
        crs: 'GCJ02',
      }).toString(),
    });
    expect([res.status, await res.json()]).toEqual([400, [{ code: 400, description: 'crs: this city accepts WGS84' }]]);
  });

  it('stores an uploaded photo without its EXIF and comments, and serves it back as media_url', async () => {
    const photo = jpeg(PHOTO.jfif, PHOTO.exif, PHOTO.comment, PHOTO.tables, PHOTO.scan);
    const res = await upload(
      { service_code: 'noise.night_construction', lat: '39.05', long: '116.02', description: '有照片' },
      new Blob([photo], { type: 'image/jpeg' }),
      'xml',
    );
    expect(res.status, await res.clone().text()).toBe(201);
    // another site's app may read the answer (no credentials involved)
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const id = /<service_request_id>(\d+)<\/service_request_id>/.exec(await res.text())![1]!;
    for (const reader of [{ request: anon }, { request: (p: string) => dispatcher.request(`/open311/v2/${p}`) }]) {
      const [r] = (await (await reader.request(`requests/${id}.json`)).json()) as any[];
      expect(r.media_url).toBe(`http://localhost/open311/v2/media/${id}.jpg`);
    }
    const got = await app.request(`/open311/v2/media/${id}.jpg`);
    expect([
      got.status,
      got.headers.get('content-type'),
      got.headers.get('access-control-allow-origin'),
      got.headers.get('cross-origin-resource-policy'),
    ]).toEqual([200, 'image/jpeg', '*', 'cross-origin']);
    const bytes = new Uint8Array(await got.arrayBuffer());
    expect([...bytes]).toEqual([...jpeg(PHOTO.jfif, PHOTO.tables, PHOTO.scan)]);
    expect(Buffer.from(bytes).includes('GPS')).toBe(false);
    expect((await app.request(`/open311/v2/media/${id}.png`)).status).toBe(404);
    // a PNG loses its text chunks too
    const chunk = (type: string, data: number[]) => [
      0,
      0,
      data.length >> 8,
      data.length & 0xff,
      ...ascii(type),
      ...data,
      0,
      0,
      0,
      0,
    ];
    const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const ihdr = chunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    const png = new Uint8Array([
      ...sig,
      ...ihdr,
      ...chunk('tEXt', ascii('Author\0Li Si')),
      ...chunk('IDAT', [1, 2, 3]),
      ...chunk('IEND', []),
    ]);
    const p = await upload(
      { service_code: 'noise.night_construction', lat: '39.05', long: '116.02' },
      new Blob([png], { type: 'image/png' }),
    );
    const pid = ((await p.json()) as any[])[0].service_request_id;
    const served = new Uint8Array(await (await anon(`media/${pid}.png`)).arrayBuffer());
    expect([...served]).toEqual([...sig, ...ihdr, ...chunk('IDAT', [1, 2, 3]), ...chunk('IEND', [])]);
    // a media_url the client hosts is kept as it is
    const u = await file({
      service_code: 'noise.night_construction',
      lat: '39.05',
      long: '116.02',
      media_url: 'https://photos.example.org/1.jpg',
    });
    expect(((await (await anon(`requests/${u}.json`)).json()) as any[])[0].media_url).toBe(
      'https://photos.example.org/1.jpg',
    );
  });

  it('refuses media that is not a JPEG or PNG, too large, or beyond the store, filing nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int n FROM tickets'))[0]!.n;
    const base = { service_code: 'noise.night_construction', lat: '39.05', long: '116.02' };
    const cases: [Blob, string][] = [
      [new Blob(['GIF89a....']), 'media: send a JPEG or PNG image'],
      [
        new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/jpeg' }),
        'media: send a JPEG or PNG image',
      ],
      [new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff])]), 'media: not a readable JPEG file'],
      [new Blob([new Uint8Array(MAX_MEDIA_BYTES + 1).fill(0xff)]), `media: over ${MAX_MEDIA_BYTES} bytes`],
    ];
    for (const [blob, description] of cases) {
      const res = await upload(base, blob);
      expect([res.status, await res.json()]).toEqual([400, [{ code: 400, description }]]);
    }
    const both = await upload(
      { ...base, media_url: 'https://photos.example.org/1.jpg' },
      new Blob([jpeg(PHOTO.tables, PHOTO.scan)]),
    );
    expect([both.status, await both.json()]).toEqual([
      400,
      [{ code: 400, description: 'media: send media or media_url, not both' }],
    ]);
    const huge = await upload(base, new Blob([new Uint8Array(MAX_MEDIA_BYTES + 512 * 1024)]), 'xml');
    expect(huge.status).toBe(413);
    expect(await huge.text()).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><errors><error><code>413<\/code><description>body: over \d+ bytes<\/description><\/error><\/errors>$/,
    );
    process.env.OPEN311_MEDIA_MAX_MB = '0';
    const full = await upload(base, new Blob([jpeg(PHOTO.tables, PHOTO.scan)]));
    expect([full.status, await full.json()]).toEqual([
      400,
      [{ code: 400, description: 'media: the media store is full; send the request without media' }],
    ]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int n FROM tickets'))[0]!.n).toBe(before);
  });

  it("names the dispatched unit in the city's language, the other as fallback, and gives its reply as status_notes", async () => {
    const id = await file({ service_code: 'water.outage', lat: '39.05', long: '116.02', description: '停水了' });
    const read = async () => ((await (await anon(`requests/${id}.json`)).json()) as any[])[0];
    expect(await read()).toMatchObject({ status: 'open', agency_responsible: '甲一街道', status_notes: null });
    await db.query(`UPDATE regions SET name_en = 'Jia-1 Street' WHERE code = '900001001'`);
    await storeCity(db, tinyManifest(settings, 'en'));
    expect((await read()).agency_responsible).toBe('Jia-1 Street');
    await db.query(`UPDATE regions SET name_en = '' WHERE code = '900001001'`);
    expect((await read()).agency_responsible).toBe('甲一街道');
    await storeCity(db, tinyManifest(settings));
    const act = (action: string, body: object, who = official) =>
      who.request(`/api/tickets/${id}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await act('accept', {})).status).toBe(200);
    expect((await act('reply', { note: '已联系自来水集团抢修，今晚恢复供水' })).status).toBe(200);
    const due = (await db.query<{ due: Date }>('SELECT resolve_due_at AS due FROM tickets WHERE id = $1', [id]))[0]!
      .due;
    expect(await read()).toMatchObject({
      status: 'open',
      status_notes: '已联系自来水集团抢修，今晚恢复供水',
      expected_datetime: new Date(due).toISOString(),
    });
  });

  it('answers a signed-in POST with 503, Retry-After and the spec error body while the database is down, in JSON and XML', async () => {
    process.env.OPEN311_API_KEYS = 'env-key-311';
    let broken = false;
    const down = () =>
      Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const flaky = new Proxy(db, {
      get(target, k) {
        if (broken && ['query', 'exec', 'transaction', 'copyCsv', 'listen'].includes(String(k))) return down;
        const v = Reflect.get(target, k);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const downApp = createApp({ db: flaky });
    const form = new URLSearchParams({
      api_key: 'env-key-311',
      service_code: 'water.outage',
      lat: '39.05',
      long: '116.02',
    }).toString();
    const post = (name: string) =>
      downApp.request(`/open311/v2/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
    broken = true;
    try {
      const json = await post('requests.json');
      expect([json.status, json.headers.get('retry-after'), await json.json()]).toEqual([
        503,
        '2',
        [{ code: 503, description: 'the service is unavailable; retry shortly' }],
      ]);
      const xml = await post('requests.xml');
      expect([xml.status, xml.headers.get('retry-after'), await xml.text()]).toEqual([
        503,
        '2',
        '<?xml version="1.0" encoding="utf-8"?><errors><error><code>503</code><description>the service is unavailable; retry shortly</description></error></errors>',
      ]);
      const read = await downApp.request('/open311/v2/requests.xml');
      expect([read.status, read.headers.get('retry-after')]).toEqual([503, '2']);
    } finally {
      broken = false;
      delete process.env.OPEN311_API_KEYS;
    }
  });
});
