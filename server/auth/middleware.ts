// The gate every request passes: who is asking (session cookie), may they (policy.ts), and for a
// write, does it come from our own page (Origin / Sec-Fetch-Site, and the CSRF token header).
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app.ts';
import { errorBody, isDatabaseUnavailable, unavailable } from '../errors.ts';
import { can } from './principal.ts';
import { gateOf } from './policy.ts';
import { CSRF_HEADER, readSession, SESSION_COOKIE } from './sessions.ts';
import { readApiKey } from './apiKeys.ts';
import { safeEqual } from './secret.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const unauthenticated = (c: Context) =>
  c.json(errorBody('unauthenticated', 'Sign in first: no valid session (it may have expired)', 'session'), 401);

/** A write from another site: the browser says so in Origin or Sec-Fetch-Site. */
function crossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (!origin) return false;
  const host = c.req.header('host');
  try {
    return !host || new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    const isApi = path.startsWith('/api/') || path.startsWith('/open311/');
    if (!isApi) return next();
    const gate = gateOf(c.req.method, path);
    const unsafe = !SAFE.has(c.req.method);
    if (unsafe && crossSite(c)) return c.json(errorBody('forbidden', 'Origin: writes are accepted only from this dashboard', 'Origin'), 403);
    let principal;
    try {
      principal = await readSession(c.get('db'), getCookie(c, SESSION_COOKIE));
      // Systems that file tickets send an API key instead (never ambient, so no CSRF token).
      if (!principal) {
        const key = await apiKeyOf(c);
        if (key) principal = await readApiKey(c.get('db'), key);
      }
    } catch (e) {
      if (isDatabaseUnavailable(e)) return unavailable(c);
      throw e;
    }
    if (principal) c.set('principal', principal);
    // No rule: unknown reads fall through to 404/405; unknown writes are refused.
    if (gate === null) return unsafe ? c.json(errorBody('forbidden', `${c.req.method} ${path} is not open to anyone`, 'path'), 403) : next();
    if (gate === 'public') {
      if (unsafe && principal && !csrfOk(c, principal.csrfToken)) return csrfRefused(c);
      return next();
    }
    if (!principal) return unauthenticated(c);
    if (unsafe && principal.kind !== 'api' && !csrfOk(c, principal.csrfToken)) return csrfRefused(c);
    if (gate !== 'signed_in' && !can(principal, gate)) {
      return c.json(errorBody('forbidden', `role: a ${principal.role} may not ${c.req.method} ${path}`, 'role'), 403);
    }
    return next();
  };
}

const csrfOk = (c: Context, token: string) => safeEqual(c.req.header(CSRF_HEADER) ?? '', token);
const csrfRefused = (c: Context) =>
  c.json(errorBody('forbidden', `${CSRF_HEADER}: missing or wrong; reload the page and try again`, CSRF_HEADER), 403);

/** `Authorization: Bearer <key>`, or Open311's `api_key` (query or form field, as the spec has it). */
async function apiKeyOf(c: Context): Promise<string | undefined> {
  const auth = c.req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  if (!c.req.path.startsWith('/open311/')) return undefined;
  const inQuery = c.req.query('api_key');
  if (inQuery) return inQuery;
  if (c.req.method !== 'POST' || !(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return typeof form.api_key === 'string' ? form.api_key : undefined;
}
