// Accounts over the real application, on both engines: signing in and out, the cookies' flags,
// expiry, disabled accounts, the login throttle, CSRF and Origin checks, role gates, kiosk tokens
// bound to one screen, the admin API, session secret rotation, and the accounts CLI as a process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { createUser } from '../../../server/auth/accounts.ts';
import { LoginLimiter } from '../../../server/auth/rateLimit.ts';
import { hmac, rotateStoredSecret } from '../../../server/auth/secret.ts';
import { createSession } from '../../../server/auth/sessions.ts';
import { cookiesOf, logIn, signIn, type Client } from '../../helpers/auth.ts';
import { ENGINES, openTestDatabase, testDatabaseName, testDatabaseUrl } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { createApiKey, revokeApiKey } from '../../../server/auth/apiKeys.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';

const run = promisify(execFile);
const ROOT = new URL('../../..', import.meta.url).pathname;
const DB_NAME = 'hotline_test_auth_api';
const JSON_HEADERS = { 'content-type': 'application/json' };
const OLD_SECRET = 'old-secret-0123456789abcdefghijklmnop';
const NEW_SECRET = 'new-secret-0123456789abcdefghijklmnop';

type App = ReturnType<typeof createApp>;

/** The tiny city's regions and categories (no tickets: intake here numbers its own). */
async function tinyCity(db: Database) {
  const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
  await seedTaxonomy(db, TINY_TAXONOMY);
}

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; field?: string; message: string } }).error;

function setCookieLine(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`no Set-Cookie for ${name}`);
  return line;
}

/** The cookie's attributes, lower-cased names: { 'max-age': '43200', httponly: true, … }. */
function attributes(line: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const part of line.split(';').slice(1)) {
    const [k, v] = part.trim().split('=');
    out[k!.toLowerCase()] = v ?? true;
  }
  return out;
}

const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), cookie },
});

async function cli(args: string[], env: Record<string, string | undefined>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  try {
    // the CLI in node under tsx's loader: a real process, without npx's own start-up (~2 s a call)
    const r = await run(process.execPath, ['--import', 'tsx', 'server/auth/cli.ts', ...args], {
      cwd: ROOT,
      env: childEnv,
      timeout: 120_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe.each(ENGINES)('accounts and sessions on %s', (engine) => {
  let db: Database;
  let app: App;
  let admin: Client;
  const savedEnv = {
    SESSION_HOURS: process.env.SESSION_HOURS,
    COOKIE_SECURE: process.env.COOKIE_SECURE,
    SESSION_SECRET: process.env.SESSION_SECRET,
  };

  beforeAll(async () => {
    db = await openTestDatabase(engine, DB_NAME);
    await tinyCity(db);
    app = createApp({ db, loginLimiter: new LoginLimiter() });
    admin = await signIn(app, db, { role: 'admin' });
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  async function account(
    role: 'admin' | 'dispatcher' | 'analyst' | 'district_official' | 'street_official',
    regionCode?: string,
  ) {
    const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
    const password = `pw-${Math.random().toString(36).slice(2)}-x`;
    await createUser(db, { username, displayName: username, role, regionCode: regionCode ?? null, password });
    return { username, password };
  }

  const login = (a: App, username: string, password: string, headers: Record<string, string> = {}) =>
    a.request('/api/auth/login', {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...headers },
      body: JSON.stringify({ username, password }),
    });

  it('signs in, tells the page who is signed in, and signs out', async () => {
    const u = await account('street_official', '900001001');
    const res = await login(app, u.username, u.password);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({
      kind: 'user',
      username: u.username,
      role: 'street_official',
      scope: { level: 'street', code: '900001001', district: '900001', nameZh: '甲一街道' },
      capabilities: ['read', 'unit_actions', 'wall'],
    });
    const c = cookiesOf(res);
    expect(body.csrfToken).toBe(c.hl_csrf);
    const cookie = `hl_session=${c.hl_session}; hl_csrf=${c.hl_csrf}`;
    const me = await app.request('/api/auth/me', withCookie(cookie));
    expect(me.status).toBe(200);
    expect(((await me.json()) as any).username).toBe(u.username);

    expect(
      (
        await app.request(
          '/api/auth/logout',
          withCookie(cookie, { method: 'POST', headers: { 'x-csrf-token': c.hl_csrf! } }),
        )
      ).status,
    ).toBe(204);
    const after = await app.request('/api/auth/me', withCookie(cookie));
    expect([after.status, (await errorOf(after)).field]).toEqual([401, 'session']);
    const tickets = await app.request('/api/tickets', withCookie(cookie));
    expect([tickets.status, (await errorOf(tickets)).field]).toEqual([401, 'session']);
  });

  it('answers 401 naming the session to a request without one', async () => {
    for (const p of ['/api/tickets', '/api/summary', '/api/wall/today', '/api/admin/users']) {
      const res = await app.request(p);
      expect([p, res.status, (await errorOf(res)).field]).toEqual([p, 401, 'session']);
    }
    // A forged cookie (unsigned, or signed with something else) is no session either.
    const forged = await app.request('/api/tickets', withCookie('hl_session=abc.def'));
    expect(forged.status).toBe(401);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/, Max-Age of SESSION_HOURS, Secure only with COOKIE_SECURE=1', async () => {
    const u = await account('analyst');
    process.env.SESSION_HOURS = '2';
    const plain = await login(app, u.username, u.password);
    const s = attributes(setCookieLine(plain, 'hl_session'));
    expect(s).toEqual({ 'max-age': String(2 * 3600), path: '/', httponly: true, samesite: 'Strict' });
    // The CSRF cookie is readable by the page (no HttpOnly) and otherwise the same.
    expect(attributes(setCookieLine(plain, 'hl_csrf'))).toEqual({
      'max-age': String(2 * 3600),
      path: '/',
      samesite: 'Strict',
    });

    delete process.env.SESSION_HOURS;
    process.env.COOKIE_SECURE = '1';
    const secure = await login(app, u.username, u.password);
    expect(attributes(setCookieLine(secure, 'hl_session'))).toEqual({
      'max-age': String(12 * 3600),
      path: '/',
      httponly: true,
      samesite: 'Strict',
      secure: true,
    });
    expect(attributes(setCookieLine(secure, 'hl_csrf')).secure).toBe(true);
  });

  it('refuses a session whose expiry has passed', async () => {
    const u = await account('analyst');
    const id = (await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [u.username]))[0]!.id;
    const stale = await createSession(db, { userId: id }, -1);
    const fresh = await createSession(db, { userId: id }, 1);
    expect((await app.request('/api/summary', withCookie(`hl_session=${fresh.cookie}`))).status).toBe(200);
    const res = await app.request('/api/summary', withCookie(`hl_session=${stale.cookie}`));
    expect([res.status, (await errorOf(res)).field]).toEqual([401, 'session']);
  });

  it('signs a disabled user out and refuses their password', async () => {
    const u = await account('dispatcher');
    const c = await logIn((p, i) => app.request(p, i), u.username, u.password);
    expect((await c.request('/api/tickets')).status).toBe(200);
    const patch = await admin.request(`/api/admin/users/${u.username}`, {
      method: 'PATCH',
      headers: JSON_HEADERS,
      body: JSON.stringify({ disabled: true }),
    });
    expect(patch.status).toBe(204);
    expect((await c.request('/api/tickets')).status).toBe(401);
    const again = await login(app, u.username, u.password);
    expect([again.status, (await errorOf(again)).field]).toEqual([401, 'password']);
  });

  it('answers a wrong password with 401 naming the password and writes login.failed to the audit log', async () => {
    const u = await account('analyst');
    const res = await login(app, u.username, 'not-the-password');
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid_credentials', field: 'password' });
    const rows = await db.query<{ username: string; detail: { username: string } }>(
      `SELECT username, detail FROM audit_log WHERE action = 'login.failed' AND detail->>'username' = $1`,
      [u.username],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.username).toBe('-');
    // An unknown user gets the same answer.
    const unknown = await login(app, 'nobody-here', 'whatever-pass');
    expect([unknown.status, (await errorOf(unknown)).field]).toEqual([401, 'password']);
  });

  it('locks a username on the 6th attempt after 5 failures with 429 and an exact Retry-After', async () => {
    const now = 1_800_000_000_000;
    const throttled = createApp({ db, loginLimiter: new LoginLimiter(undefined, undefined, () => now) });
    const u = await account('analyst');
    for (let i = 0; i < 5; i++) expect((await login(throttled, u.username, `wrong-password-${i}`)).status).toBe(401);
    // Even the right password waits: the lock is on the username.
    const sixth = await login(throttled, u.username, u.password);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toBe('900');
    expect(await errorOf(sixth)).toMatchObject({ code: 'rate_limited', field: 'username' });
  });

  it('refuses writes without the CSRF token or from another site, and never asks for it on a GET', async () => {
    const c = await signIn(app, db, { role: 'dispatcher' });
    const body = JSON.stringify({
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      description: '测试',
      lon: 116.02,
      lat: 39.05,
    });
    const missing = await app.request(
      '/api/tickets',
      withCookie(c.cookie, { method: 'POST', headers: JSON_HEADERS, body }),
    );
    expect([missing.status, (await errorOf(missing)).field]).toEqual([403, 'x-csrf-token']);
    const wrong = await app.request(
      '/api/tickets',
      withCookie(c.cookie, { method: 'POST', headers: { ...JSON_HEADERS, 'x-csrf-token': `${c.csrfToken}x` }, body }),
    );
    expect([wrong.status, (await errorOf(wrong)).field]).toEqual([403, 'x-csrf-token']);
    const otherSite = await c.request('http://localhost/api/tickets', {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: 'https://evil.example' },
      body,
    });
    expect([otherSite.status, (await errorOf(otherSite)).field]).toEqual([403, 'Origin']);
    const fetchSite = await c.request('/api/tickets', {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect([fetchSite.status, (await errorOf(fetchSite)).field]).toEqual([403, 'Origin']);
    // Nothing was written by the refused requests; the same request with the token is taken.
    const ok = await c.request('http://localhost/api/tickets', {
      method: 'POST',
      headers: { ...JSON_HEADERS, host: 'localhost', origin: 'http://localhost' },
      body,
    });
    expect(ok.status).toBe(201);
    for (const p of ['/api/tickets', '/api/summary', '/api/auth/me', '/api/queue?kind=unlocated']) {
      expect((await app.request(p, withCookie(c.cookie))).status, p).toBe(200);
    }
  });

  it('gates by role: analysts do not file tickets, kiosks see only the wall, non-admins no admin API', async () => {
    const analyst = await signIn(app, db, { role: 'analyst' });
    const post = await analyst.request('/api/tickets', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        kind: 'complaint',
        channel: 'phone',
        category: 'noise.night_construction',
        lon: 116.02,
        lat: 39.05,
      }),
    });
    expect([post.status, (await errorOf(post)).field]).toEqual([403, 'role']);

    const kiosk = await admin.request('/api/admin/kiosks', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ screen: 'gate-wall' }),
    });
    expect(kiosk.status).toBe(201);
    const { token } = (await kiosk.json()) as { token: string };
    const redeem = await app.request('/api/auth/kiosk', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ token }),
    });
    expect(redeem.status).toBe(200);
    const wallCookie = `hl_session=${cookiesOf(redeem).hl_session}`;
    const list = await app.request('/api/tickets', withCookie(wallCookie));
    expect([list.status, (await errorOf(list)).field]).toEqual([403, 'role']);
    expect((await app.request('/api/wall/today', withCookie(wallCookie))).status).toBe(200);

    for (const role of ['dispatcher', 'analyst'] as const) {
      const c = role === 'analyst' ? analyst : await signIn(app, db, { role });
      const res = await c.request('/api/admin/users');
      expect([role, res.status, (await errorOf(res)).field]).toEqual([role, 403, 'role']);
    }
    const official = await signIn(app, db, { role: 'district_official', regionCode: '900002' });
    expect((await official.request('/api/admin/users')).status).toBe(403);
    expect((await admin.request('/api/admin/users')).status).toBe(200);
  });

  it('lets a system with an API key file tickets (Bearer or Open311 api_key) and nothing else; a revoked key is refused', async () => {
    const key = await createApiKey(db, 'telephony');
    expect(key).toMatch(/^key_/);
    const bearer = { authorization: `Bearer ${key}` };
    const ticket = {
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.night_construction',
      lon: 116.02,
      lat: 39.05,
      idempotencyKey: 'api-key-1',
    };
    const filed = await app.request('/api/tickets', {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...bearer },
      body: JSON.stringify(ticket),
    });
    expect(filed.status).toBe(201);
    const { id } = (await filed.json()) as { id: number };
    expect((await db.query('SELECT count(*)::int AS n FROM tickets WHERE id = $1', [id]))[0]).toEqual({ n: 1 });
    // Filing is all a key may do: no reads, no actions.
    for (const [path, method] of [
      ['/api/tickets', 'GET'],
      [`/api/tickets/${id}`, 'GET'],
      [`/api/tickets/${id}/close`, 'POST'],
    ] as const) {
      const res = await app.request(path, {
        method,
        headers: { ...JSON_HEADERS, ...bearer },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect([path, res.status, (await errorOf(res)).field]).toEqual([path, 403, 'role']);
    }
    // Open311 clients send the key as api_key, with no session at all.
    const form = new URLSearchParams({
      api_key: key,
      service_code: 'noise.night_construction',
      lat: '39.05',
      long: '116.02',
    }).toString();
    const o311 = await app.request('/open311/v2/requests.json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(o311.status).toBe(201);
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0]!.n;
    await revokeApiKey(db, 'telephony');
    const after = await app.request('/api/tickets', {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...bearer },
      body: JSON.stringify({ ...ticket, idempotencyKey: 'api-key-2' }),
    });
    expect([after.status, (await errorOf(after)).field]).toEqual([401, 'session']);
    const guess = await app.request('/api/tickets', {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: 'Bearer key_guess' },
      body: JSON.stringify(ticket),
    });
    expect(guess.status).toBe(401);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0]!.n).toBe(before);
  });

  it('binds a kiosk token to the first screen; release lets a new screen in and signs the old one out; revoke ends it', async () => {
    const created = await admin.request('/api/admin/kiosks', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ screen: '大厅屏', regionCode: '900001' }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const redeem = () =>
      app.request('/api/auth/kiosk', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ token }) });
    const first = await redeem();
    expect(first.status).toBe(200);
    expect((await first.json()) as any).toMatchObject({
      kind: 'kiosk',
      role: 'wall',
      scope: { level: 'district', code: '900001' },
    });
    const firstCookie = `hl_session=${cookiesOf(first).hl_session}`;
    expect((await app.request('/api/wall/today', withCookie(firstCookie))).status).toBe(200);

    const second = await redeem();
    expect([second.status, (await errorOf(second)).field]).toEqual([409, 'token']);

    expect(
      (await admin.request(`/api/admin/kiosks/${encodeURIComponent('大厅屏')}/release`, { method: 'POST' })).status,
    ).toBe(204);
    const third = await redeem();
    expect(third.status).toBe(200);
    const thirdCookie = `hl_session=${cookiesOf(third).hl_session}`;
    expect((await app.request('/api/wall/today', withCookie(firstCookie))).status).toBe(401);
    expect((await app.request('/api/wall/today', withCookie(thirdCookie))).status).toBe(200);

    expect(
      (await admin.request(`/api/admin/kiosks/${encodeURIComponent('大厅屏')}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await app.request('/api/wall/today', withCookie(thirdCookie))).status).toBe(401);
    const afterRevoke = await redeem();
    expect([afterRevoke.status, (await errorOf(afterRevoke)).field]).toEqual([404, 'token']);
  });

  it("lets a kiosk token bind again once its screen's session is gone (expired, or ended by a secret rotation)", async () => {
    delete process.env.SESSION_SECRET;
    const created = await admin.request('/api/admin/kiosks', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ screen: 'expiring-wall' }),
    });
    const { token } = (await created.json()) as { token: string };
    const redeem = () =>
      app.request('/api/auth/kiosk', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ token }) });
    expect((await redeem()).status).toBe(200);
    expect((await redeem()).status).toBe(409);
    await db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE kiosk_id = (SELECT id FROM kiosk_tokens WHERE screen = 'expiring-wall')`,
    );
    const again = await redeem();
    expect(again.status).toBe(200);
    const cookie = `hl_session=${cookiesOf(again).hl_session}`;
    expect((await app.request('/api/wall/today', withCookie(cookie))).status).toBe(200);
    expect((await redeem()).status).toBe(409);
    await rotateStoredSecret(db);
    expect((await app.request('/api/wall/today', withCookie(cookie))).status).toBe(401);
    expect((await redeem()).status).toBe(200);
    admin = await signIn(app, db);
  });

  it('creates accounts through the admin API, naming the field it refuses', async () => {
    const post = (body: object) =>
      admin.request('/api/admin/users', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    const good = {
      username: 'new.street',
      displayName: '甲二街道值班',
      role: 'street_official',
      regionCode: '900001002',
      password: 'long-enough-1',
    };
    const created = await post(good);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      username: 'new.street',
      role: 'street_official',
      regionCode: '900001002',
      disabled: false,
    });
    expect(JSON.stringify(await (await admin.request('/api/admin/users')).json())).not.toMatch(/password|scrypt/);

    const cases: [object, number, string][] = [
      [{ ...good, username: 'r1', role: 'superuser' }, 400, 'role'],
      [{ ...good, username: 'r2', role: 'wall' }, 400, 'role'],
      [{ ...good, username: 'r3', regionCode: '999999999' }, 400, 'regionCode'],
      [{ ...good, username: 'r4', regionCode: '900001' }, 400, 'regionCode'],
      [{ ...good, username: 'r5', role: 'analyst' }, 400, 'regionCode'],
      [{ ...good, username: 'r6', password: 'short' }, 400, 'password'],
      [{ ...good, username: 'bad name!' }, 400, 'username'],
      [good, 409, 'username'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect([res.status, (await errorOf(res)).field]).toEqual([status, field]);
    }
    // The new account signs in.
    expect((await login(app, 'new.street', 'long-enough-1')).status).toBe(200);
    // Changes name the field they refuse too: nothing to change, an unknown user, a weak password.
    const patch = (who: string, body: object) =>
      admin.request(`/api/admin/users/${who}`, { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify(body) });
    for (const [who, body, status, field] of [
      ['new.street', {}, 400, 'body'],
      ['nobody-at-all', { disabled: true }, 404, 'username'],
      ['new.street', { password: 'short' }, 400, 'password'],
      ['new.street', { role: 'admin' }, 400, 'role'],
    ] as const) {
      const res = await patch(who, body);
      expect([who, res.status, (await errorOf(res)).field]).toEqual([who, status, field]);
    }
  });

  it('signs everyone out when the stored secret rotates', async () => {
    delete process.env.SESSION_SECRET;
    const c = await signIn(app, db, { role: 'analyst' });
    expect((await c.request('/api/summary')).status).toBe(200);
    await rotateStoredSecret(db);
    const res = await c.request('/api/summary');
    expect([res.status, (await errorOf(res)).field]).toEqual([401, 'session']);
    expect((await (await signIn(app, db, { role: 'analyst' })).request('/api/summary')).status).toBe(200);
  });

  it('with SESSION_SECRET="new,old" accepts cookies signed with old and signs new sessions with new', async () => {
    process.env.SESSION_SECRET = OLD_SECRET;
    const before = await signIn(app, db, { role: 'analyst' });
    const [id, sig] = before.cookie.split(';')[0]!.slice('hl_session='.length).split('.') as [string, string];
    expect(sig).toBe(hmac(OLD_SECRET, id));

    process.env.SESSION_SECRET = `${NEW_SECRET},${OLD_SECRET}`;
    expect((await before.request('/api/summary')).status).toBe(200);
    // Writes still work: the CSRF token follows the secret that signed the cookie.
    const logoutOther = await signIn(app, db, { role: 'analyst' });
    const [id2, sig2] = logoutOther.cookie.split(';')[0]!.slice('hl_session='.length).split('.') as [string, string];
    expect(sig2).toBe(hmac(NEW_SECRET, id2));
    expect(logoutOther.csrfToken).toBe(hmac(NEW_SECRET, `csrf:${id2}`));
    expect(before.csrfToken).toBe(hmac(OLD_SECRET, `csrf:${id}`));

    process.env.SESSION_SECRET = NEW_SECRET;
    expect((await before.request('/api/summary')).status).toBe(401);
    expect((await logoutOther.request('/api/summary')).status).toBe(200);
  });

  it('runs the accounts CLI as a process: add, a kiosk token that redeems; on PostgreSQL also list and a bad role refused', async () => {
    let env: Record<string, string | undefined>;
    let dir: string | undefined;
    if (engine === 'postgres') {
      const url = new URL(testDatabaseUrl());
      url.pathname = `/${testDatabaseName(DB_NAME)}`;
      env = { DATABASE_URL: url.toString(), PGLITE_DIR: undefined };
    } else {
      // PGlite allows one process per folder: the CLI gets a folder of its own.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-cli-'));
      env = { DATABASE_URL: undefined, PGLITE_DIR: dir };
    }
    try {
      const add = await cli(['add', 'cli.planner', '--role', 'analyst', '--name', '规划员'], {
        ...env,
        ACCOUNT_PASSWORD: 'cli-password-1',
      });
      expect([add.code, add.stdout.trim()]).toEqual([0, 'created cli.planner (analyst)']);
      const kiosk = await cli(['kiosk', 'cli-screen'], env);
      expect(kiosk.code).toBe(0);
      const token = /\(shown once\): (\S+)/.exec(kiosk.stdout)?.[1];
      expect(token).toMatch(/^wall_/);
      // Argument handling and listing do not depend on the engine; each PGlite process costs
      // seconds to open, so they run on PostgreSQL only (PGlite's folder is checked directly below).
      if (engine === 'postgres') {
        const bad = await cli(['add', 'cli.bad', '--role', 'superuser'], {
          ...env,
          ACCOUNT_PASSWORD: 'cli-password-1',
        });
        expect(bad.code).toBe(1);
        expect(bad.stderr.trim()).toMatch(/^role: Invalid option/);
        const noPassword = await cli(['add', 'cli.nopw', '--role', 'analyst'], { ...env, ACCOUNT_PASSWORD: undefined });
        expect([noPassword.code, noPassword.stderr.trim()]).toEqual([
          1,
          'password: set ACCOUNT_PASSWORD or run in a terminal',
        ]);
        const list = await cli(['list'], env);
        expect(list.code).toBe(0);
        expect(list.stdout).toContain('cli.planner\tanalyst\tcity\t\t规划员');
        expect(list.stdout).toContain('kiosk cli-screen\tcity\tunbound');
        expect(list.stdout).not.toContain('cli.bad');
        // API keys file tickets only unless granted more by name; grants are listed and audited
        const key = await cli(['api-key', 'cli.telephony', '--grant', 'locate'], env);
        expect([key.code, key.stdout]).toEqual([0, expect.stringContaining('it may file tickets and locate)')]);
        const grant = await cli(['api-key-grant', 'cli.telephony', 'locate,import'], env);
        expect([grant.code, grant.stdout.trim()]).toEqual([0, 'cli.telephony may file tickets and locate, import']);
        const badGrant = await cli(['api-key-grant', 'cli.telephony', 'admin'], env);
        expect([badGrant.code, badGrant.stderr.trim()]).toEqual([1, 'grants: one or more of locate, import']);
        expect((await cli(['list'], env)).stdout).toMatch(/api-key cli\.telephony\t\S+\tlocate,import/);
        const audited = await db.query<{ username: string; detail: { grants: string[] } }>(
          `SELECT username, detail FROM audit_log WHERE action = 'api_key.grant' AND detail->>'name' = 'cli.telephony' ORDER BY id`,
        );
        expect(audited.map((r) => [r.username, r.detail.grants])).toEqual([
          ['cli', ['locate']],
          ['cli', ['locate', 'import']],
        ]);
      }

      if (engine === 'postgres') {
        expect((await login(app, 'cli.planner', 'cli-password-1')).status).toBe(200);
        const redeem = await app.request('/api/auth/kiosk', {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ token }),
        });
        expect(redeem.status).toBe(200);
        expect(
          (await app.request('/api/wall/today', withCookie(`hl_session=${cookiesOf(redeem).hl_session}`))).status,
        ).toBe(200);
      } else {
        // The CLI's own folder, opened here once it has exited: the account and token are real.
        const { openDatabase } = await import('../../../db/client.ts');
        const cliDb = await openDatabase({ databaseUrl: '', pgliteDir: dir! });
        try {
          await tinyCity(cliDb);
          const cliApp = createApp({ db: cliDb, loginLimiter: new LoginLimiter() });
          expect((await login(cliApp, 'cli.planner', 'cli-password-1')).status).toBe(200);
          const redeem = await cliApp.request('/api/auth/kiosk', {
            method: 'POST',
            headers: JSON_HEADERS,
            body: JSON.stringify({ token }),
          });
          expect(redeem.status).toBe(200);
          expect(
            (await cliApp.request('/api/wall/today', withCookie(`hl_session=${cookiesOf(redeem).hl_session}`))).status,
          ).toBe(200);
        } finally {
          await cliDb.close();
        }
      }
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
