// The gate every request passes: who is asking (session cookie), may they (policy.ts), and for a
// write, does it come from our own page (Origin / Sec-Fetch-Site, and the CSRF token header).
import { hostname } from 'node:os';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env.ts';
import { errorBody, isDatabaseUnavailable, RETRY_AFTER_SECONDS, unavailable } from '../errors.ts';
import { formatOfPath, open311Error } from '../open311/format.ts';
import { can } from './principal.ts';
import { gateOf } from './policy.ts';
import { CSRF_HEADER, readSession, SESSION_COOKIE } from './sessions.ts';
import { readApiKey } from './apiKeys.ts';
import { safeEqual } from './secret.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const unauthenticated = (c: Context) =>
  c.json(errorBody('unauthenticated', 'Sign in first: no valid session (it may have expired)', 'session'), 401);

/** PUBLIC_ORIGIN (comma-separated, e.g. https://hotline.example.gov): the origins the pages are served from. */
function configuredOrigins(): string[] | null {
  const raw = process.env.PUBLIC_ORIGIN?.trim();
  if (!raw) return null;
  return raw
    .split(',')
    .map((o) => {
      try {
        return new URL(o.trim()).origin;
      } catch {
        return null;
      }
    })
    .filter((o): o is string => o !== null);
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/;

/**
 * Whether an Origin is this server's own: one of PUBLIC_ORIGIN when it is set; otherwise the
 * origin it listens on — the port the request came in on, under a loopback name, the address the
 * connection reached, or this machine's host name. The Host header alone proves nothing (a
 * DNS-rebinding page sends Host and Origin that agree with each other).
 */
function ownOrigin(c: Context, origin: URL): boolean {
  const configured = configuredOrigins();
  if (configured) return configured.includes(origin.origin);
  const socket = (c.env as { incoming?: { socket?: { localPort?: number; localAddress?: string } } } | undefined)
    ?.incoming?.socket;
  const port = origin.port || (origin.protocol === 'https:' ? '443' : '80');
  if (socket?.localPort !== undefined && String(socket.localPort) !== port) return false;
  const name = bare(origin.hostname);
  if (LOOPBACK.test(name) || name === hostname().toLowerCase()) return true;
  const local = socket?.localAddress ? bare(socket.localAddress).replace(/^::ffff:(?=\d+\.)/, '') : undefined;
  return local !== undefined && name === local;
}

/** A write from another site: the browser says so in Sec-Fetch-Site, or names another Origin. */
function crossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (!origin) return false;
  try {
    return !ownOrigin(c, new URL(origin));
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
    if (gate === 'open311_read' || gate === 'open311_api_key') return open311Gate(c, next);
    if (gate === null && path.startsWith('/open311/') && !SAFE.has(c.req.method))
      return open311Error(formatOfPath(path), 405, `${c.req.method} is not allowed on ${path}`, { Allow: 'GET, POST' });
    const unsafe = !SAFE.has(c.req.method);
    if (unsafe && crossSite(c))
      return c.json(errorBody('forbidden', 'Origin: writes are accepted only from this dashboard', 'Origin'), 403);
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
    if (gate === null)
      return unsafe
        ? c.json(errorBody('forbidden', `${c.req.method} ${path} is not open to anyone`, 'path'), 403)
        : next();
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

/**
 * Open311 decides in its route, answering in the spec's error body: reads by the city's setting or
 * the reader's session, writes by the api_key they carry. A write's key is not ambient (no cookie
 * can stand in for it), so neither the Origin check nor a CSRF token applies to it.
 */
async function open311Gate(c: Context, next: () => Promise<void>) {
  try {
    const principal = await readSession(c.get('db'), getCookie(c, SESSION_COOKIE));
    if (principal) c.set('principal', principal);
  } catch (e) {
    if (isDatabaseUnavailable(e))
      return open311Error(formatOfPath(c.req.path), 503, 'the service is unavailable; retry shortly', {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    throw e;
  }
  await next();
}

const csrfOk = (c: Context, token: string) => safeEqual(c.req.header(CSRF_HEADER) ?? '', token);
const csrfRefused = (c: Context) =>
  c.json(errorBody('forbidden', `${CSRF_HEADER}: missing or wrong; reload the page and try again`, CSRF_HEADER), 403);

/** `Authorization: Bearer <key>`, or Open311's `api_key` (query or form field, urlencoded or multipart, as the spec has it). */
async function apiKeyOf(c: Context): Promise<string | undefined> {
  const auth = c.req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  if (!c.req.path.startsWith('/open311/')) return undefined;
  const inQuery = c.req.query('api_key');
  if (inQuery) return inQuery;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (
    c.req.method !== 'POST' ||
    !(type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data'))
  )
    return undefined;
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return typeof form.api_key === 'string' ? form.api_key : undefined;
}
