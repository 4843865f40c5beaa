// Issue 15 ("Trust, hardened"): each finding of the outside review, replayed against the real
// application on both engines. Every test here failed before its fix: the login limit raced by
// concurrent guesses (H1), officials backdating or speaking for the hotline (H2), a unit acting on
// another unit's dispatch (M1), API keys reaching beyond filing (M2), reports showing an official
// the city (M3), 5xx answers to odd input (M4), unbounded live replay and streams (M5), a big CSV
// holding the event loop (M6), lockout as denial of service (M7) and the low findings.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { createApp } from '../../../server/app.ts';
import { createKiosk, createUser } from '../../../server/auth/accounts.ts';
import { createApiKey } from '../../../server/auth/apiKeys.ts';
import { LoginLimiter } from '../../../server/auth/rateLimit.ts';
import { parseCsv } from '../../../server/intake/csvImport.ts';
import { MAX_REPLAY_EVENTS, MAX_STREAMS_PER_SESSION } from '../../../server/routes/live.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { watchEventLoop } from '../../helpers/eventLoop.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const STREET = '900001001'; // 甲一街道
const SISTER = '900001002'; // 甲二街道, same district
const DISTRICT = '900001'; // 甲区
const FAR = '900002001'; // 乙一街道, another district
const POINT: Record<string, [number, number]> = {
  [STREET]: [116.02, 39.05],
  [SISTER]: [116.15, 39.05],
  [FAR]: [116.3, 39.05],
};
const MIN = 60_000;
const HUGE_ID = '100000000000000000000000000'; // 1e26

type App = ReturnType<typeof createApp>;

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; field?: string; message: string } }).error;
/** Bindings the Node server gives a request: where it came from (the login limiter keys on it). */
const from = (address: string, localPort = 8787) => ({
  incoming: {
    socket: {
      remoteAddress: address,
      remotePort: 40000,
      remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4',
      localAddress: '127.0.0.1',
      localPort,
    },
  },
});

describe.each(ENGINES)('issue 15 findings on %s', (engine) => {
  let db: Database;
  let app: App;
  let admin: Client;
  let dispatcher: Client;
  let street: Client;
  let district: Client;
  let far: Client;
  const saved = { COOKIE_SECURE: process.env.COOKIE_SECURE, PUBLIC_ORIGIN: process.env.PUBLIC_ORIGIN };

  const post = (c: Client, path: string, body: unknown, headers: Record<string, string> = {}) =>
    c.request(path, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
  async function file(where: string, extra: Record<string, unknown> = {}): Promise<number> {
    const [lon, lat] = POINT[where]!;
    const res = await post(dispatcher, '/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      description: '测试',
      lon,
      lat,
      ...extra,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: number }).id;
  }
  const counts = async () =>
    (
      await db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_events)::int AS events, (SELECT count(*) FROM dispatches)::int AS dispatches`,
      )
    )[0]!;
  const dispatchesOf = (id: number) =>
    db.query<{ unit: string; role: string; accepted: Date | null; active: boolean }>(
      'SELECT unit_code AS unit, role, accepted_at AS accepted, active FROM dispatches WHERE ticket_id = $1 ORDER BY id',
      [id],
    );

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_security_hardening');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db, loginLimiter: new LoginLimiter() });
    admin = await signIn(app, db, { role: 'admin' });
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
    street = await signIn(app, db, { role: 'street_official', regionCode: STREET });
    district = await signIn(app, db, { role: 'district_official', regionCode: DISTRICT });
    far = await signIn(app, db, { role: 'street_official', regionCode: FAR });
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  async function account(role: 'analyst' | 'dispatcher' = 'analyst') {
    const username = `u${Math.random().toString(36).slice(2, 9)}`;
    const password = `pw-${Math.random().toString(36).slice(2)}-x`;
    await createUser(db, { username, displayName: username, role, regionCode: null, password });
    return { username, password };
  }
  const login = (a: App, username: string, password: string, address?: string) =>
    a.request(
      '/api/auth/login',
      { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ username, password }) },
      address ? from(address) : undefined,
    );

  // --- H1 ---------------------------------------------------------------------------------------

  it('H1: reserves each sign-in attempt before hashing: of 40 concurrent guesses at most 5 are checked, and the right password sent with them waits', async () => {
    const fresh = createApp({ db, loginLimiter: new LoginLimiter() });
    const u = await account();
    const guesses = Array.from({ length: 40 }, (_, i) => login(fresh, u.username, `wrong-password-${i}`, '192.0.2.66'));
    const right = login(fresh, u.username, u.password, '192.0.2.66');
    const statuses = (await Promise.all([...guesses, right])).map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
  });

  // --- M7 ---------------------------------------------------------------------------------------

  it('M7: wrong passwords from elsewhere do not lock the real user out, case variants are other usernames, and an admin unlocks', async () => {
    const fresh = createApp({ db, loginLimiter: new LoginLimiter() });
    const u = await account();
    // an attacker at one address: locked there after 5 failures
    for (let i = 0; i < 5; i++) expect((await login(fresh, u.username, `guess-${i}`, '203.0.113.9')).status).toBe(401);
    const locked = await login(fresh, u.username, u.password, '203.0.113.9');
    expect([locked.status, (await errorOf(locked)).field]).toEqual([429, 'username']);
    // the real user at their desk signs in
    expect((await login(fresh, u.username, u.password, '198.51.100.20')).status).toBe(200);
    // five failures for the upper-case variant (another, unknown username) lock nobody real
    for (let i = 0; i < 5; i++)
      expect((await login(fresh, u.username.toUpperCase(), `guess-${i}`, '203.0.113.10')).status).toBe(401);
    expect((await login(fresh, u.username, u.password, '203.0.113.10')).status).toBe(200);
    // an admin lifts the attacker-side lock (a user who really forgot their password, on one shared PC)
    const adminHere = await signIn(fresh, db, { role: 'admin' });
    const unlock = await post(adminHere, '/api/auth/unlock', { username: u.username });
    expect(unlock.status).toBe(204);
    expect((await login(fresh, u.username, u.password, '203.0.113.9')).status).toBe(200);
    const rows = await db.query<{ detail: { username: string } }>(
      `SELECT detail FROM audit_log WHERE action = 'login.unlock' AND username = $1`,
      [adminHere.username],
    );
    expect(rows.map((r) => r.detail.username)).toEqual([u.username]);
    // unlock names what to unlock, and is for admins only
    const empty = await post(adminHere, '/api/auth/unlock', {});
    expect([empty.status, (await errorOf(empty)).field]).toEqual([400, 'body']);
    const notAdmin = await post(dispatcher, '/api/auth/unlock', { username: u.username });
    expect([notAdmin.status, (await errorOf(notAdmin)).field]).toEqual([403, 'role']);
  });

  // --- H2 ---------------------------------------------------------------------------------------

  it('H2: an official cannot backdate an action or record it as the hotline’s; the time and actor are the server’s, and an admin’s override is audited', async () => {
    const receivedAt = new Date(Date.now() - 3 * 24 * 60 * MIN).toISOString();
    const id = await file(STREET, { receivedAt });
    const before = await counts();
    const early = new Date(Date.parse(receivedAt) + 10 * MIN).toISOString();
    for (const [body, field] of [
      [{ at: early, actor: 'hotline' }, 'at'],
      [{ at: early }, 'at'],
      [{ actor: 'hotline' }, 'actor'],
    ] as const) {
      const res = await post(street, `/api/tickets/${id}/accept`, body);
      expect([JSON.stringify(body), res.status, (await errorOf(res)).field]).toEqual([
        JSON.stringify(body),
        403,
        field,
      ]);
    }
    // dispatchers too: only admins (and imports) set a past time
    const disp = await post(dispatcher, `/api/tickets/${id}/accept`, { at: early });
    expect([disp.status, (await errorOf(disp)).field]).toEqual([403, 'at']);
    expect(await counts()).toEqual(before);
    expect((await dispatchesOf(id)).map((d) => d.accepted)).toEqual([null]);

    const t0 = Date.now();
    const ok = await post(street, `/api/tickets/${id}/accept`, {});
    expect(ok.status, await ok.clone().text()).toBe(200);
    const t1 = Date.now();
    const [ev] = await db.query<{ at: Date; actor: string; by: string }>(
      `SELECT at, actor, data->>'by' AS by FROM ticket_events WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(ev!.actor).toBe('unit');
    expect(ev!.by).toBe(street.username);
    expect(new Date(ev!.at).getTime()).toBeGreaterThanOrEqual(t0 - 5);
    expect(new Date(ev!.at).getTime()).toBeLessThanOrEqual(t1 + 5);
    const [d] = await dispatchesOf(id);
    expect(new Date(d!.accepted!).getTime()).toBeGreaterThanOrEqual(t0 - 5);
    // the detail judges the response deadline missed, as it was
    const detail = (await (await admin.request(`/api/tickets/${id}`)).json()) as {
      deadlines?: { respond?: { state?: string } };
    };
    if (detail.deadlines?.respond?.state) expect(detail.deadlines.respond.state).toBe('missed');

    // an admin may record a time and actor (a correction), and it is written to the audit log
    const at = new Date(t1 + 1).toISOString();
    const fix = await post(admin, `/api/tickets/${id}/progress`, { at, actor: 'system', note: '补录' });
    expect(fix.status, await fix.clone().text()).toBe(200);
    const audit = await db.query<{ username: string; detail: Record<string, unknown> }>(
      `SELECT username, detail FROM audit_log WHERE action = 'ticket.override' AND ticket_id = $1`,
      [id],
    );
    expect(audit).toEqual([
      { username: admin.username, detail: expect.objectContaining({ action: 'progress', at, actor: 'system' }) },
    ]);
  });

  it('H2: manual locating takes no past time from anyone but an admin', async () => {
    const res = await post(dispatcher, '/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      address: '某路 1 号',
    });
    const { id } = (await res.json()) as { id: number };
    const back = await post(dispatcher, `/api/tickets/${id}/locate`, {
      lon: 116.02,
      lat: 39.05,
      at: new Date(Date.now() - 60 * MIN).toISOString(),
    });
    expect([back.status, (await errorOf(back)).field]).toEqual([403, 'at']);
    expect((await post(dispatcher, `/api/tickets/${id}/locate`, { lon: 116.02, lat: 39.05 })).status).toBe(200);
  });

  // --- M1 ---------------------------------------------------------------------------------------

  it('M1: a street official’s accept touches only their own dispatch, never a utility’s sent in parallel', async () => {
    const id = await file(STREET, { category: 'water.outage' });
    expect((await dispatchesOf(id)).map((d) => [d.unit, d.role])).toEqual([
      [STREET, 'territorial'],
      ['water_group', 'line'],
    ]);
    const res = await post(street, `/api/tickets/${id}/accept`, {});
    expect(res.status, await res.clone().text()).toBe(200);
    const after = await dispatchesOf(id);
    expect(after.map((d) => [d.unit, d.accepted !== null])).toEqual([
      [STREET, true],
      ['water_group', false],
    ]);
    const [ev] = await db.query<{ unit: string }>(
      `SELECT unit_code AS unit FROM ticket_events WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(ev!.unit).toBe(STREET);
    // naming the utility is refused outright
    const other = await post(street, `/api/tickets/${id}/progress`, { unitCode: 'water_group' });
    expect([other.status, (await errorOf(other)).field]).toEqual([403, 'unitCode']);
  });

  it('M1: a ticket in the street but now dispatched to another street is not the first street’s to act on', async () => {
    const id = await file(STREET);
    expect((await post(dispatcher, `/api/tickets/${id}/return`, { reason: '非本辖区' })).status).toBe(200);
    expect(
      (await post(dispatcher, `/api/tickets/${id}/redispatch`, { unitCode: SISTER, justified: true })).status,
    ).toBe(200);
    const before = await counts();
    const res = await post(street, `/api/tickets/${id}/accept`, {});
    expect([res.status, (await errorOf(res)).field]).toEqual([409, 'unitCode']);
    const ret = await post(street, `/api/tickets/${id}/return`, { reason: '不是我们的' });
    expect([ret.status, (await errorOf(ret)).field]).toEqual([409, 'unitCode']);
    expect(await counts()).toEqual(before);
    expect((await dispatchesOf(id)).filter((d) => d.active).map((d) => [d.unit, d.accepted])).toEqual([[SISTER, null]]);
    // the district's official acts for the street that holds it
    const ok = await post(district, `/api/tickets/${id}/accept`, {});
    expect(ok.status, await ok.clone().text()).toBe(200);
    const [ev] = await db.query<{ unit: string }>(
      `SELECT unit_code AS unit FROM ticket_events WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(ev!.unit).toBe(SISTER);
    // and may not name a street of its district that holds nothing
    const id2 = await file(SISTER);
    const wrong = await post(district, `/api/tickets/${id2}/accept`, { unitCode: STREET });
    expect([wrong.status, (await errorOf(wrong)).field]).toEqual([409, 'unitCode']);
  });

  // --- M2 ---------------------------------------------------------------------------------------

  it('M2: an API key files tickets only; locate, import and past receipt times need a grant an admin gives by name, and grants are audited', async () => {
    const key = await createApiKey(db, 'sec-telephony');
    const bearer = { authorization: `Bearer ${key}` };
    const ticket = (extra: Record<string, unknown> = {}) => ({
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      address: '某路 2 号',
      ...extra,
    });
    const asKey = (path: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
      app.request(path, {
        method: 'POST',
        headers: { ...headers, ...bearer },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const filed = await asKey('/api/tickets', ticket());
    expect(filed.status).toBe(201);
    const { id } = (await filed.json()) as { id: number };
    const csv =
      'kind,channel,category,description,lon,lat,received_at\ncomplaint,phone,noise.night_construction,旧单,116.02,39.05,2024-01-02T03:00:00Z\n';
    const refusals = async () => {
      const locate = await asKey(`/api/tickets/${id}/locate`, { lon: 116.02, lat: 39.05 });
      const imp = await asKey('/api/import/tickets', csv, { 'content-type': 'text/csv' });
      const past = await asKey(
        '/api/tickets',
        ticket({ receivedAt: new Date(Date.now() - 2 * 24 * 60 * MIN).toISOString() }),
      );
      return [
        locate.status,
        (await errorOf(locate)).field,
        imp.status,
        (await errorOf(imp)).field,
        past.status,
        (await errorOf(past)).field,
      ];
    };
    expect(await refusals()).toEqual([403, 'role', 403, 'role', 403, 'receivedAt']);
    // a receipt time of a minute ago (the call that just ended) is filing, not backdating
    expect((await asKey('/api/tickets', ticket({ receivedAt: new Date(Date.now() - MIN).toISOString() }))).status).toBe(
      201,
    );

    const grant = (grants: unknown) =>
      admin.request('/api/admin/api-keys/sec-telephony', {
        method: 'PATCH',
        headers: JSON_HEADERS,
        body: JSON.stringify({ grants }),
      });
    const bad = await grant(['locate', 'everything']);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toMatch(/^grants/);
    expect(
      (
        await dispatcher.request('/api/admin/api-keys/sec-telephony', {
          method: 'PATCH',
          headers: JSON_HEADERS,
          body: JSON.stringify({ grants: ['locate'] }),
        })
      ).status,
    ).toBe(403);
    const g = await grant(['locate']);
    expect([g.status, await g.json()]).toEqual([200, { name: 'sec-telephony', grants: ['locate'] }]);
    const located = await asKey(`/api/tickets/${id}/locate`, { lon: 116.02, lat: 39.05 });
    expect(located.status, await located.clone().text()).toBe(200);
    expect((await asKey('/api/import/tickets', csv, { 'content-type': 'text/csv' })).status).toBe(403);
    expect((await grant(['locate', 'import'])).status).toBe(200);
    expect((await asKey('/api/import/tickets', csv, { 'content-type': 'text/csv' })).status).toBe(200);
    expect(
      (await asKey('/api/tickets', ticket({ receivedAt: new Date(Date.now() - 2 * 24 * 60 * MIN).toISOString() })))
        .status,
    ).toBe(201);
    // still no reads, no actions
    expect((await app.request('/api/tickets', { headers: bearer })).status).toBe(403);
    expect((await asKey(`/api/tickets/${id}/close`, {})).status).toBe(403);
    const list = (await (await admin.request('/api/admin/api-keys')).json()) as {
      items: { name: string; grants: string[] }[];
    };
    expect(list.items.find((k) => k.name === 'sec-telephony')?.grants).toEqual(['locate', 'import']);
    const audit = await db.query<{ detail: { name: string; grants: string[] } }>(
      `SELECT detail FROM audit_log WHERE action = 'api_key.grant' ORDER BY id`,
    );
    expect(audit.map((r) => r.detail)).toEqual([
      { name: 'sec-telephony', grants: ['locate'] },
      { name: 'sec-telephony', grants: ['locate', 'import'] },
    ]);
  });

  // --- M3 ---------------------------------------------------------------------------------------

  it('M3: reports give an official their own unit’s figures and the published monthly ranking, never the city’s or other units’ tables', async () => {
    const day = '2025-03-12';
    const receivedAt = `${day}T04:00:00Z`;
    for (const where of [STREET, STREET, SISTER, FAR, FAR]) await file(where, { receivedAt });
    const get = async (c: Client, path: string) => {
      const res = await c.request(path);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      return res.json() as Promise<any>;
    };
    const sum = (cats: { current: number }[]) => cats.reduce((a, c) => a + c.current, 0);

    const cityDaily = await get(admin, `/api/reports/daily?date=${day}`);
    expect(cityDaily.intake.total).toBe(5);
    expect(cityDaily.districts.map((r: any) => r.code).sort()).toEqual(['900001', '900002']);
    const own = await get(street, `/api/reports/daily?date=${day}`);
    expect(own.intake.total).toBe(2);
    expect(sum(own.categories)).toBe(2);
    expect(own.city.counts.volume).toBe(2);
    expect(own.districts).toEqual([]);
    expect(own.warnings.every((w: any) => w.districtCode === null || w.districtCode === DISTRICT)).toBe(true);
    expect(own.jurisdiction).toEqual({ level: 'street', code: STREET });
    const mine = await get(district, `/api/reports/daily?date=${day}`);
    expect(mine.intake.total).toBe(3);
    expect(mine.districts.map((r: any) => r.code)).toEqual([DISTRICT]);

    const week = await get(street, '/api/reports/weekly?week=2025-W11');
    expect(week.intake.total).toBe(2);
    expect(week.districts).toEqual([]);
    for (const r of [...week.streets.best, ...week.streets.worst]) expect(r.code).toBe(STREET);

    // the monthly bulletin's rankings are the published scores (/api/ranking): whole; its figures are the street's
    const cityMonth = await get(admin, '/api/reports/monthly?month=2025-03');
    const month = await get(street, '/api/reports/monthly?month=2025-03');
    expect(month.streets.rows.map((r: any) => r.code)).toEqual(cityMonth.streets.rows.map((r: any) => r.code));
    expect(month.city.counts.volume).toBe(2);
    expect(cityMonth.city.counts.volume).toBe(5);
    expect(sum(month.categories)).toBe(2);

    const year = await get(street, '/api/reports/annual?year=2025');
    expect(year.districts).toEqual([]);
    expect(year.streets.map((r: any) => r.code)).toEqual([STREET]);
    expect(year.city.counts.volume).toBe(2);
    const farYear = await get(far, '/api/reports/annual?year=2025&format=json');
    expect(farYear.city.counts.volume).toBe(2);
    expect(farYear.districts).toEqual([]);
  });

  // --- M4 ---------------------------------------------------------------------------------------

  it('M4: odd input answers 4xx naming the field: regions?parent= with non-Latin-1 text or CRLF, emerging?to=9999-12-31, a path id of 1e26', async () => {
    for (const parent of ['甲区', 'a\r\nb', 'x\u0000', '😀']) {
      const res = await admin.request(`/api/regions?level=street&parent=${encodeURIComponent(parent)}`);
      expect([JSON.stringify(parent), res.status, (await errorOf(res)).field]).toEqual([
        JSON.stringify(parent),
        400,
        'parent',
      ]);
    }
    const ok = await admin.request(`/api/regions?level=street&parent=${DISTRICT}`);
    expect(ok.status).toBe(200);
    const etag = ok.headers.get('etag')!;
    expect(
      (await admin.request(`/api/regions?level=street&parent=${DISTRICT}`, { headers: { 'if-none-match': etag } }))
        .status,
    ).toBe(304);

    for (const p of [
      '/api/hotspots/emerging?to=9999-12-31',
      '/api/hotspots?to=9999-12-31',
      '/api/hotspots?from=0001-01-01',
      '/api/clusters?to=9999-12-31',
    ]) {
      const res = await admin.request(p);
      expect([p, res.status, (await errorOf(res)).field]).toEqual([p, 400, /from/.test(p) ? 'from' : 'to']);
    }

    for (const [method, path] of [
      ['GET', `/api/tickets/${HUGE_ID}`],
      ['GET', `/api/tickets/${HUGE_ID}/caller`],
      ['POST', `/api/tickets/${HUGE_ID}/accept`],
      ['POST', `/api/tickets/${HUGE_ID}/locate`],
    ] as const) {
      const res = await admin.request(
        path,
        method === 'POST'
          ? {
              method,
              headers: JSON_HEADERS,
              body: method === 'POST' && path.endsWith('locate') ? JSON.stringify({ lon: 116.02, lat: 39.05 }) : '{}',
            }
          : {},
      );
      const e = await errorOf(res);
      expect([path, res.status, e.field]).toEqual([path, 404, 'id']);
      expect(e.message).not.toMatch(/bigint|out of range|PostgreSQL|syntax/i);
    }
  });

  it('M4: concurrent redemptions of one new kiosk token: one screen binds, the others are told 409, no orphaned sessions', async () => {
    const { token, id } = await createKiosk(db, { screen: `race-${engine}` });
    const redeem = () =>
      app.request('/api/auth/kiosk', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ token }) });
    const statuses = (await Promise.all(Array.from({ length: 8 }, redeem))).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE kiosk_id = $1', [id]);
    expect(n!.n).toBe(1);
  });

  // --- M5 ---------------------------------------------------------------------------------------

  /** Reads SSE blocks (event name, id, data) until `done` or 10 s. */
  async function sse(res: Response, done: (blocks: { event: string; id?: number; data: any }[]) => boolean) {
    const reader = res.body!.getReader();
    const blocks: { event: string; id?: number; data: any }[] = [];
    let buf = '';
    const deadline = Date.now() + 10_000;
    while (!done(blocks) && Date.now() < deadline) {
      const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
      if (next === null) continue;
      if (next.done) break;
      buf += new TextDecoder().decode(next.value);
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        if (event) blocks.push({ event, id: id ? Number(id) : undefined, data: data ? JSON.parse(data) : null });
      }
    }
    await reader.cancel().catch(() => {});
    return blocks;
  }

  it('M5: a replay from since=0 starts at most MAX_REPLAY_EVENTS back, and says so', async () => {
    const id = await file(STREET);
    await db.query(
      `INSERT INTO ticket_events (ticket_id, at, type, actor) SELECT $1, now(), 'reminded', 'system' FROM generate_series(1, $2::int)`,
      [id, MAX_REPLAY_EVENTS + 500],
    );
    const [{ last }] = (await db.query<{ last: number }>('SELECT max(id)::int AS last FROM ticket_events')) as [
      { last: number },
    ];
    const ctrl = new AbortController();
    const res = await admin.request('/api/live?since=0', { signal: ctrl.signal });
    expect(res.status).toBe(200);
    const blocks = await sse(res, (b) => b.some((x) => x.event === 'ticket'));
    ctrl.abort();
    const reset = blocks.find((b) => b.event === 'reset');
    expect(reset?.data).toEqual({ requested: 0, from: last - MAX_REPLAY_EVENTS });
    const first = blocks.find((b) => b.event === 'ticket')!;
    expect(first.id).toBe(last - MAX_REPLAY_EVENTS + 1);
  });

  it('M5: one session holds at most MAX_STREAMS_PER_SESSION live streams; another session is not affected; a closed stream frees its place', async () => {
    const me = await signIn(app, db, { role: 'analyst' });
    // a client going away cancels the response body (the Node server does so when the socket closes)
    const open: Response[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) {
      const res = await me.request('/api/live');
      expect(res.status).toBe(200);
      open.push(res);
    }
    const over = await me.request('/api/live');
    expect([over.status, (await errorOf(over)).field]).toEqual([429, 'session']);
    expect(over.headers.get('retry-after')).toBeTruthy();
    const other = await dispatcher.request('/api/live');
    expect(other.status).toBe(200);
    await other.body!.cancel();
    await open.pop()!.body!.cancel();
    let again: Response | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await me.request('/api/live');
    }
    expect(again?.status).toBe(200);
    open.push(again!);
    for (const r of open) await r.body!.cancel();
  });

  // --- M6 ---------------------------------------------------------------------------------------

  it('M6: a large CSV import leaves the event loop free: timers keep firing and other requests are answered meanwhile', async () => {
    const rows = 120_000;
    const line = 'bogus,phone,noise.night_construction,夜间施工噪声扰民请尽快处理,116.02,39.05\n';
    const csv = `kind,channel,category,description,lon,lat\n${line.repeat(rows)}`;
    const loop = watchEventLoop();
    let healthAt = 0;
    let importAt = 0;
    const started = performance.now();
    const imp = dispatcher
      .request('/api/import/tickets', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })
      .then(async (r) => {
        importAt = performance.now();
        return r;
      });
    // once the import is under way, ask for health
    await new Promise((r) => setTimeout(r, 100));
    const health = Promise.resolve(app.request('/api/health')).then((r) => {
      healthAt = performance.now();
      return r;
    });
    const [ri, rh] = await Promise.all([imp, health]);
    const worst = loop.stop();
    expect(rh.status).toBe(200);
    expect(ri.status).toBe(422);
    const report = (await ri.json()) as { rows: number; rejected: number };
    expect([report.rows, report.rejected]).toEqual([rows, rows]);
    // the import took a while; health came back long before it was done, and no timer waited long
    expect(importAt - started).toBeGreaterThan(500);
    expect(healthAt).toBeLessThan(importAt);
    expect(worst).toBeLessThan(1000);
  });

  // --- Low --------------------------------------------------------------------------------------

  it('Low: HSTS with COOKIE_SECURE=1, and none without', async () => {
    expect((await app.request('/api/health')).headers.get('strict-transport-security')).toBeNull();
    process.env.COOKIE_SECURE = '1';
    expect((await app.request('/api/health')).headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect((await app.request('/api/nope')).headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it('Low: Cache-Control: no-store on the ticket detail, exports, reports and /api/auth/me', async () => {
    const id = await file(STREET);
    for (const p of [
      `/api/tickets/${id}`,
      '/api/tickets/export?format=csv',
      '/api/tickets/export?format=xlsx',
      '/api/reports/daily',
      '/api/reports/monthly?format=xlsx',
      '/api/auth/me',
      '/api/tickets',
      '/api/summary',
    ]) {
      const res = await admin.request(p);
      expect([p, res.status, res.headers.get('cache-control')]).toEqual([p, 200, 'no-store']);
    }
  });

  it('Low: U+FFFE and other non-characters never reach the Open311 XML feed, which stays well-formed', async () => {
    const id = await file(STREET, { description: 'a\uFFFEb\uFFFF c\uFDD0' });
    const [{ description }] = (await db.query<{ description: string }>(
      'SELECT description FROM tickets WHERE id = $1',
      [id],
    )) as [{ description: string }];
    expect(description).toBe('ab c');
    // stored before this rule (an old import): the feed still leaves them out
    await db.query(`UPDATE tickets SET description = $2, address = $3 WHERE id = $1`, [
      id,
      'x\uFFFEy',
      'z\uFFFF\u0001',
    ]);
    const res = await admin.request(`/open311/v2/requests.xml?service_request_id=${id}`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<description>xy</description>');
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    expect(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)).toBe(false);
  });

  it('Low: Open311 takes api_key from a multipart body too', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({
      api_key: 'multipart-key',
      service_code: 'noise.night_construction',
      lat: '39.05',
      long: '116.02',
      description: 'multipart',
    }))
      form.append(k, v);
    const key = await createApiKey(db, 'multipart-client');
    form.set('api_key', key);
    const res = await app.request('/open311/v2/requests.json', { method: 'POST', body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    const bad = new FormData();
    for (const [k, v] of Object.entries({
      api_key: 'key_not-a-key',
      service_code: 'noise.night_construction',
      lat: '39.05',
      long: '116.02',
    }))
      bad.append(k, v);
    const refused = await app.request('/open311/v2/requests.json', { method: 'POST', body: bad });
    expect([refused.status, await refused.json()]).toEqual([
      403,
      [{ code: 403, description: 'api_key: not a valid key' }],
    ]);
  });

  it('Low: /open311/v2/discovery.json (and .xml) is a minimal valid discovery document, open to anyone', async () => {
    const res = await app.request('http://localhost/open311/v2/discovery.json');
    expect(res.status).toBe(200);
    const d = (await res.json()) as any;
    expect(d).toMatchObject({
      changeset: expect.any(String),
      contact: expect.any(String),
      key_service: expect.any(String),
    });
    expect(d.endpoints).toEqual([
      expect.objectContaining({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'http://localhost/open311/v2',
        type: 'production',
        formats: ['text/xml', 'application/json'],
      }),
    ]);
    const xml = await app.request('/open311/v2/discovery.xml');
    expect(xml.status).toBe(200);
    expect(await xml.text()).toMatch(
      /^<\?xml[^>]*\?><discovery>.*<endpoints><endpoint><specification>http:\/\/wiki\.open311\.org\/GeoReport_v2<\/specification>/,
    );
  });

  it('Low: a CSV row with an unterminated quote is one rejected row; the lines after it are read as rows of their own', async () => {
    const good = (n: number) => `complaint,phone,noise.night_construction,第${n}行,116.02,39.05`;
    const text = [
      'kind,channel,category,description,lon,lat',
      'complaint,phone,noise.night_construction,"未闭合的引号,116.02,39.05',
      ...Array.from({ length: 9 }, (_, i) => good(i + 3)),
    ].join('\n');
    const records = parseCsv(text);
    expect(records.map((r) => [r.line, r.error ?? null, r.fields.length])).toEqual([
      [1, null, 6],
      [2, expect.stringMatching(/quote/), expect.any(Number)],
      ...Array.from({ length: 9 }, (_, i) => [i + 3, null, 6]),
    ]);
    // a quoted field may still span lines, and a quote closed later on its own line is still one field
    expect(parseCsv('a,b\n"x\ny",1\n').map((r) => [r.line, r.fields, r.error ?? null])).toEqual([
      [1, ['a', 'b'], null],
      [2, ['x\ny', '1'], null],
    ]);
    const res = await dispatcher.request('/api/import/tickets', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: text,
    });
    const report = (await res.json()) as {
      imported: number;
      rejected: number;
      errors: { line: number; field: string; message: string }[];
    };
    expect([report.imported, report.rejected]).toEqual([9, 1]);
    expect(report.errors).toEqual([{ line: 2, field: 'row', message: expect.stringMatching(/quote/) }]);
  });

  it('Low: the Origin check compares with the configured or listening origin, not with whatever Host the request names', async () => {
    const body = JSON.stringify({
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      address: 'origin test',
    });
    const write = (url: string, headers: Record<string, string>, env?: object) =>
      app.request(
        url,
        {
          method: 'POST',
          headers: { ...JSON_HEADERS, cookie: dispatcher.cookie, 'x-csrf-token': dispatcher.csrfToken, ...headers },
          body,
        },
        env,
      );
    // a rebinding page: Host and Origin agree, but name a host this server does not answer as
    const rebound = await write(
      'http://evil.example/api/tickets',
      { host: 'evil.example', origin: 'http://evil.example' },
      from('127.0.0.1'),
    );
    expect([rebound.status, (await errorOf(rebound)).field]).toEqual([403, 'Origin']);
    const rebound2 = await write(
      'http://evil.example:8787/api/tickets',
      { host: 'evil.example:8787', origin: 'http://evil.example:8787' },
      from('127.0.0.1'),
    );
    expect([rebound2.status, (await errorOf(rebound2)).field]).toEqual([403, 'Origin']);
    // the listening origin itself
    expect(
      (
        await write(
          'http://127.0.0.1:8787/api/tickets',
          { host: '127.0.0.1:8787', origin: 'http://127.0.0.1:8787' },
          from('127.0.0.1'),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await write(
          'http://localhost:8787/api/tickets',
          { host: 'localhost:8787', origin: 'http://localhost:8787' },
          from('127.0.0.1'),
        )
      ).status,
    ).toBe(201);
    // a port other than the one listening is another origin
    const port = await write(
      'http://127.0.0.1:9999/api/tickets',
      { host: '127.0.0.1:9999', origin: 'http://127.0.0.1:9999' },
      from('127.0.0.1'),
    );
    expect([port.status, (await errorOf(port)).field]).toEqual([403, 'Origin']);
    // behind a proxy: PUBLIC_ORIGIN names the origin the browser sees
    process.env.PUBLIC_ORIGIN = 'https://hotline.example.gov';
    expect(
      (
        await write(
          'http://hotline.example.gov/api/tickets',
          { host: 'hotline.example.gov', origin: 'https://hotline.example.gov' },
          from('10.0.0.5'),
        )
      ).status,
    ).toBe(201);
    const spoof = await write(
      'http://evil.example/api/tickets',
      { host: 'evil.example', origin: 'https://evil.example' },
      from('10.0.0.5'),
    );
    expect([spoof.status, (await errorOf(spoof)).field]).toEqual([403, 'Origin']);
  });
});
