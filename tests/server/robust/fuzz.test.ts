// Bad input never breaks the server or the data: a seeded generator sends well over 1,000 malformed
// requests to every write endpoint, and odd values (non-Latin-1 and non-characters, CR/LF, extreme
// dates and numbers) to every query parameter and path part of every GET endpoint (broken JSON, wrong types, NaN/Infinity/out-of-range
// coordinates, huge strings and bodies, GeoJSON where it does not belong, SQL/HTML injection,
// wrong content types). Every answer is a 4xx naming the field (or the body), never a 5xx, and
// tickets, events, dispatches, callers, accounts, kiosk tokens and sessions are byte-for-byte what
// they were. The storm comes from a signed-in admin with the CSRF header (so it reaches the routes'
// own validation); a slice of it is sent again without a session, and with a session but without
// the CSRF token, and is turned away at the gate naming the session or the token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { createKiosk } from '../../../server/auth/accounts.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { dbFingerprint, makeRng, malformedRequests, queryCases } from './generators.ts';

const API_KEY = 'fuzz-key';
const PER_ENGINE = 1300;

/** The field a 4xx names: our error body, the Open311 spec body ("field: …"), or a CSV row report. */
async function namedField(res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.headers.get('content-type')?.includes('xml')) return /<description>([\w./ -]+?): /.exec(text)?.[1];
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(body)) return /^([\w./ -]+?): /.exec(body[0]?.description ?? '')?.[1];
  if (body?.error) return typeof body.error.field === 'string' && body.error.field ? body.error.field : undefined;
  if (Array.isArray(body?.errors)) return body.errors[0]?.field || undefined;
  return undefined;
}

describe.each(ENGINES)('fuzzing every write endpoint on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let admin: Client;
  const ids = { located: 0, unlocated: 0 };
  const SCREEN = 'fuzz-screen';
  const targets = () => ({ ...ids, apiKey: API_KEY, admin: admin.username, screen: SCREEN });

  beforeAll(async () => {
    process.env.OPEN311_API_KEYS = API_KEY;
    db = await openTestDatabase(engine, 'hotline_test_robust_fuzz');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db });
    admin = await signIn(app, db, { role: 'admin' });
    await createKiosk(db, { screen: SCREEN });
    const post = async (body: object) => {
      const res = await admin.request('/api/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: number }).id;
    };
    ids.located = await post({
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      description: '夜间施工',
      lon: 116.02,
      lat: 39.05,
      callerName: '张三',
      callerPhone: '13800000000',
    });
    ids.unlocated = await post({
      kind: 'complaint',
      channel: 'phone',
      category: 'water.pipe_leak',
      description: '漏水',
      address: '某小区',
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('covers every write route the application has', () => {
    const writes = app.routes
      .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
      .map((r) => `${r.method} ${r.path}`);
    const covered = new Set(malformedRequests(makeRng(1), 2000, targets()).map((c) => c.route));
    expect([...new Set(writes)].filter((w) => !covered.has(w))).toEqual([]);
  });

  it(`answers ${PER_ENGINE} malformed requests with 4xx naming the field, no 5xx, the database unchanged`, async () => {
    const before = await dbFingerprint(db);
    expect(before.tickets).toBe(2);
    const cases = malformedRequests(makeRng(20261126), PER_ENGINE, targets());
    expect(cases.length).toBe(PER_ENGINE);
    const failures: string[] = [];
    const byRoute = new Map<string, number>();
    for (const c of cases) {
      const res = await admin.request(c.path, c.init);
      byRoute.set(c.route, (byRoute.get(c.route) ?? 0) + 1);
      const field = await namedField(res.clone());
      if (res.status >= 500 || res.status < 400 || !field) {
        failures.push(`${c.label} → ${res.status} ${(await res.text()).slice(0, 300)}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // Every route got a real share of the storm.
    for (const [route, n] of byRoute) expect(n, route).toBeGreaterThanOrEqual(30);
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it('turns a slice of the storm away at the gate without a session, or without the CSRF token', async () => {
    const before = await dbFingerprint(db);
    const cases = malformedRequests(makeRng(7), 340, targets());
    const PUBLIC = new Set(['POST /api/auth/login', 'POST /api/auth/kiosk']);
    const failures: string[] = [];
    const gate = { session: 0, csrf: 0 };
    // The body guard (server/security.ts: size, content type, JSON that parses with finite numbers)
    // answers before the gate, naming the field, and never reaches a route; a write no rule names
    // is refused at the gate naming the path; everything else meets the session and CSRF checks.
    const guard = (status: number, field: string | undefined) =>
      (status === 413 && field === 'body') ||
      (status === 415 && field === 'content-type') ||
      (status === 400 && !!field) ||
      (status === 403 && field === 'path');
    for (const c of cases) {
      if (!PUBLIC.has(c.route)) {
        const res = await app.request(c.path, c.init);
        const field = await namedField(res.clone());
        // Open311 filing is gated by its api_key in the route (the spec's 403), not by a session.
        const byKey = c.route === 'POST /open311/v2/:name' && res.status >= 400 && res.status < 500 && !!field;
        const ok =
          (res.status === 401 && field === 'session') ||
          (res.status === 403 && field === 'Origin') ||
          guard(res.status, field) ||
          byKey;
        if (res.status === 401) gate.session++;
        if (!ok) failures.push(`no session: ${c.label} → ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
      const headers = new Headers(c.init.headers);
      headers.set('cookie', admin.cookie);
      const res = await app.request(c.path, { ...c.init, headers });
      const field = await namedField(res.clone());
      const byKey = c.route === 'POST /open311/v2/:name' && res.status >= 400 && res.status < 500 && !!field;
      const ok =
        (res.status === 403 && (field === 'x-csrf-token' || field === 'Origin')) || guard(res.status, field) || byKey;
      if (field === 'x-csrf-token') gate.csrf++;
      if (!ok) failures.push(`no CSRF token: ${c.label} → ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // Most of the slice gets past the body guard and is stopped by the gate itself.
    expect(gate.session).toBeGreaterThan(cases.length / 2);
    expect(gate.csrf).toBeGreaterThan(cases.length / 2);
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it('answers Unicode, CR/LF, extreme dates and numbers in every query parameter and path part of every GET endpoint without a 5xx', async () => {
    // Query parameters come from each route's own schema (validQuery records them); the routes that
    // read the query by hand list theirs here, and every route also gets a parameter it does not know.
    const BY_HAND: Record<string, string[]> = {
      'GET /api/live': ['since'],
      'GET /open311/v2/:name': [
        'service_request_id',
        'service_code',
        'start_date',
        'end_date',
        'status',
        'api_key',
        'page',
        'page_size',
        'jurisdiction_id',
      ],
      'GET /open311/v2/requests/:name': ['jurisdiction_id'],
      'GET /open311/v2/services/:name': ['jurisdiction_id'],
      'GET /open311/v2/tokens/:name': ['jurisdiction_id'],
    };
    const id = String(ids.located);
    const HUGE = '100000000000000000000000000';
    /** A concrete path for each route, and odd values for its path parameters. */
    const PATHS: Record<string, string[]> = {
      ':id{[0-9]+}': [id, HUGE, '0', '999999999999999'],
      ':code': ['900001001', encodeURIComponent('甲区'), 'a%0D%0Ab', encodeURIComponent('\uFFFE'), '9'.repeat(80)],
      ':name': [
        'requests.json',
        'requests.xml',
        'discovery.json',
        'services.xml',
        `${id}.json`,
        `${HUGE}.xml`,
        encodeURIComponent('甲.json'),
        'x%0D%0A.json',
        encodeURIComponent('\uFFFE.xml'),
      ],
    };
    const gets = app.routes.filter((r) => r.method === 'GET' && !r.path.endsWith('*'));
    const keysOf = new Map<string, Set<string>>();
    for (const r of gets) {
      const route = `GET ${r.path}`;
      const keys = keysOf.get(route) ?? new Set(['x-unknown', ...(BY_HAND[route] ?? [])]);
      // (a router with its own error handler wraps each handler; Hono keeps the original beside it)
      type H = { queryKeys?: string[]; __COMPOSED_HANDLER?: H };
      const h = r.handler as unknown as H;
      for (const k of h.queryKeys ?? h.__COMPOSED_HANDLER?.queryKeys ?? []) keys.add(k);
      keysOf.set(route, keys);
    }
    const routes: { route: string; path: string; keys: string[] }[] = [];
    for (const [route, keys] of keysOf) {
      const template = route.slice(4);
      const param = Object.keys(PATHS).find((p) => template.includes(p));
      const paths = param ? PATHS[param]!.map((v) => template.replace(param, v)) : [template];
      // the first (ordinary) path gets every query parameter; the odd path parts are asked plainly
      routes.push({ route, path: paths[0]!, keys: [...keys] });
      for (const p of paths.slice(1)) routes.push({ route, path: p, keys: [] });
    }
    // the fuzz reaches every query parameter a schema declares (a route with no schema still gets one)
    expect(routes.filter((r) => r.route === 'GET /api/tickets')[0]!.keys).toEqual(
      expect.arrayContaining(['from', 'to', 'region', 'bbox', 'limit', 'offset']),
    );
    expect(routes.filter((r) => r.route === 'GET /api/hotspots/emerging')[0]!.keys).toEqual(
      expect.arrayContaining(['to', 'steps', 'trendAlpha']),
    );
    const cases = [
      ...queryCases(makeRng(1511), routes),
      ...routes.filter((r) => r.keys.length === 0).map((r) => ({ route: r.route, key: '', value: '', path: r.path })),
    ];
    expect(cases.length).toBeGreaterThan(1500);
    const failures: string[] = [];
    const unnamed: string[] = [];
    for (const c of cases) {
      const res = await admin.request(c.path);
      const text = res.status === 200 ? '' : await res.text();
      if (res.status === 200) await res.body?.cancel();
      if (res.status >= 500)
        failures.push(
          `${c.route} ${c.key}=${JSON.stringify(c.value).slice(0, 40)} (${c.path.slice(0, 120)}) → ${res.status} ${text.slice(0, 200)}`,
        );
      else if (res.status >= 400 && c.path.startsWith('/api/')) {
        const field = (() => {
          try {
            return JSON.parse(text)?.error?.field;
          } catch {
            return undefined;
          }
        })();
        if (!field)
          unnamed.push(
            `${c.route} ${c.key}=${JSON.stringify(c.value).slice(0, 40)} → ${res.status} ${text.slice(0, 200)}`,
          );
      }
    }
    expect(failures.slice(0, 30)).toEqual([]);
    expect(unnamed.slice(0, 30)).toEqual([]);
  });

  it('names the body or header for the edge refusals: 404, 405, 413, 415 and malformed JSON', async () => {
    const check = async (path: string, init: RequestInit, status: number, code: string, field: string) => {
      const res = await admin.request(path, init);
      expect([res.status, ((await res.clone().json()) as any).error]).toEqual([
        status,
        expect.objectContaining({ code, field }),
      ]);
      return res;
    };
    const json = { 'content-type': 'application/json' };
    await check('/api/nope', {}, 404, 'not_found', 'path');
    const r405 = await check('/api/tickets/1/accept', { method: 'GET' }, 405, 'method_not_allowed', 'method');
    expect(r405.headers.get('allow')).toBe('POST');
    await check(
      '/api/tickets',
      { method: 'POST', headers: json, body: `{"description":"${'x'.repeat(70_000)}"}` },
      413,
      'too_large',
      'body',
    );
    await check(
      '/api/tickets',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' },
      415,
      'unsupported_media_type',
      'content-type',
    );
    await check('/api/tickets', { method: 'POST', headers: json, body: '{"kind":' }, 400, 'invalid_input', 'body');
    const lon = await check(
      '/api/tickets',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          kind: 'complaint',
          channel: 'phone',
          category: 'noise.night_construction',
          lon: 200,
          lat: 39,
        }),
      },
      400,
      'invalid_input',
      'lon',
    );
    expect(((await lon.json()) as any).error.message).toBe(
      'lon: must be a finite longitude in degrees, between -180 and 180',
    );
  });

  it('stores text normalised: NFC, trimmed, control characters stripped', async () => {
    const res = await admin.request('/api/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // "e" + combining acute is NFC "é"; NUL and BEL are stripped; surrounding blanks trimmed; newline kept.
      body: JSON.stringify({
        kind: 'complaint',
        channel: 'phone',
        category: 'noise.night_construction',
        description: '  cafe\u0301\u0000 夜间\u0007施工\n第二行 \t',
        lon: 116.02,
        lat: 39.05,
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const row = (await db.query<{ description: string }>('SELECT description FROM tickets WHERE id = $1', [id]))[0];
    expect(row?.description).toBe('café 夜间施工\n第二行');
  });

  it('puts the security headers on API answers, errors and pages', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-fuzz-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
    const withPages = createApp({ db, staticDir: dist });
    const page = await withPages.request('/ranking');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=UTF-8']);
    for (const [path, res] of [
      ['/ranking', page],
      ...(await Promise.all(
        ['/api/health', '/api/nope', '/open311/v2/services.json', '/index.html'].map(
          async (p) => [p, await withPages.request(p)] as const,
        ),
      )),
    ] as const) {
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("worker-src 'self' blob:");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
    fs.rmSync(dist, { recursive: true, force: true });
  });
});
