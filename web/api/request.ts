// The one way the pages talk to the server. Every call goes through `request()`: writes carry the
// CSRF token the server set in the readable hl_csrf cookie, every call has a timeout, a refusal
// becomes an ApiError with the server's error body ({ error: { code, message, field? } }), and a
// 401 in the middle of a session (expired, signed out elsewhere) is reported once to whoever
// registered for it (main.ts sends the user to the login page). Response shapes come from the
// contract (web/api/types.ts: z.infer of server/contract/, type-only).
//
// (This folder sits under the dev server's /api prefix; vite.config.ts proxies only non-module
// paths, so runtime code may live here.)

import type { ErrorBody } from '../../server/contract/common.ts';

const CSRF_COOKIE = 'hl_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Generous: analyses take seconds on a busy server; a hung request must still end. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === CSRF_COOKIE) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/** Both session cookies are set and expire together; without the readable one there is no session. */
export const hasSessionCookie = () => csrfToken() !== null;

type Handler = (path: string) => void;
let onUnauthenticated: Handler | null = null;

export function whenUnauthenticated(h: Handler): void {
  onUnauthenticated = h;
}

/** The server's error body (server/contract/common.ts); a 409 on a ticket action also names the status and what is allowed. */
export type ApiErrorBody = ErrorBody;

/** HTTP, network or timeout failure; `status` is 0 when the request never got an answer. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string = 'http',
    readonly field?: string,
    /** the server's error body, when it sent one */
    readonly body: ApiErrorBody | null = null,
    /** seconds from a Retry-After header (429, 503) */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** sent as JSON */
  json?: unknown;
  signal?: AbortSignal;
  /** default DEFAULT_TIMEOUT_MS; the request then fails as an ApiError with code 'timeout' */
  timeoutMs?: number;
  accept?: string;
}

/**
 * One API call. Resolves with the response when it is 2xx; otherwise throws an ApiError (the
 * caller's own abort is rethrown as the AbortError it is, so pages can ignore it).
 */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers = new Headers({ accept: opts.accept ?? 'application/json' });
  if (opts.json !== undefined) headers.set('content-type', 'application/json');
  if (!SAFE.has(method)) {
    const token = csrfToken();
    if (token) headers.set('x-csrf-token', token);
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      signal,
      credentials: 'same-origin',
      body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (timeout.aborted) throw new ApiError(`timeout for ${path}`, 0, 'timeout');
    throw new ApiError(`network error for ${path}`, 0, 'network');
  }
  // the auth endpoints answer 401 as part of their own protocol (wrong password, not signed in)
  if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthenticated?.(path);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ApiErrorBody | null;
    const wait = Number(res.headers.get('retry-after'));
    const retryAfter = res.headers.has('retry-after') && Number.isFinite(wait) && wait > 0 ? wait : null;
    const e = body?.error;
    throw new ApiError(
      `${res.status} ${e?.message ?? res.statusText} (${path})`,
      res.status,
      e?.code ?? 'http',
      e?.field,
      body?.error ? body : null,
      retryAfter,
    );
  }
  return res;
}

/** A call whose answer is JSON of type T (a 204 resolves to undefined). */
export async function requestJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(path, opts);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** GET a JSON answer. */
export const getJson = <T>(path: string, signal?: AbortSignal, timeoutMs?: number): Promise<T> =>
  requestJson<T>(path, { signal, timeoutMs });

/** Query string from the defined, non-empty parameters (numbers and booleans as text). */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
