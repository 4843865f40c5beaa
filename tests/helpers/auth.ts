// Signed-in test clients: a real account (scrypt hash) and a real POST /api/auth/login, then every
// request carries the session cookie, and writes the CSRF header, as the dashboard's pages do.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Queryable } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import { createUser } from '../../server/auth/accounts.ts';

type Fetcher = (path: string, init?: RequestInit) => Promise<Response> | Response;

export interface Client {
  /** Same shape as Hono's app.request: a path (or URL) and RequestInit. */
  request(path: string, init?: RequestInit): Promise<Response>;
  username: string;
  /** `hl_session=…; hl_csrf=…` for clients outside this helper (SSE readers, browsers). */
  cookie: string;
  csrfToken: string;
}

export interface SignInOptions {
  role?: Exclude<Role, 'wall' | 'integration'>;
  regionCode?: string;
  username?: string;
}

/** Cookie pairs from a response's Set-Cookie headers. */
export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i).trim()] = pair!.slice(i + 1).trim();
  }
  return out;
}

/** Log in an existing account through the API; throws with the answer when it fails. */
export async function logIn(fetcher: Fetcher, username: string, password: string): Promise<Client> {
  const res = await fetcher('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const c = cookiesOf(res);
  const cookie = `hl_session=${c.hl_session}; hl_csrf=${c.hl_csrf}`;
  const csrfToken = c.hl_csrf!;
  return {
    username,
    cookie,
    csrfToken,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      const method = (init.method ?? 'GET').toUpperCase();
      if (!['GET', 'HEAD'].includes(method) && !headers.has('x-csrf-token')) headers.set('x-csrf-token', csrfToken);
      return fetcher(path, { ...init, headers });
    },
  };
}

/** A fresh account of `role` (admin by default) in `db`, signed in through `fetcher`. */
export async function signIn(
  fetcher: Fetcher | { request: Fetcher },
  db: Queryable,
  opts: SignInOptions = {},
): Promise<Client> {
  const role = opts.role ?? 'admin';
  const username = opts.username ?? `${role}-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  await createUser(db, { username, displayName: username, role, regionCode: opts.regionCode ?? null, password });
  const f: Fetcher = typeof fetcher === 'function' ? fetcher : (p, i) => fetcher.request(p, i);
  return logIn(f, username, password);
}

/** A fetcher for a listening server at `base` (http://127.0.0.1:port). */
export const over =
  (base: string): Fetcher =>
  (path, init) =>
    fetch(new URL(path, base), init);

/** A JSON POST that must succeed (status < 300, the body named in the failure); its JSON answer. */
export async function postOk<T = unknown>(client: Client, path: string, body: unknown): Promise<T> {
  const res = await client.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return (await res.json()) as T;
}
