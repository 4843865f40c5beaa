// Who is signed in: loaded once from GET /api/auth/me when the app starts (the router waits for
// it), replaced on sign-in, cleared on sign-out or when the server says the session is gone.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { apiFetch, hasSessionCookie } from '../auth/http.ts';
import type { AuthErrorBody, Capability, Me } from '../auth/types.ts';

export type LoginResult = { ok: true; me: Me } | { ok: false; status: number; code: string; retryAfter: number | null };

export const useSessionStore = defineStore('session', () => {
  const me = shallowRef<Me | null>(null);
  /** set when a request was refused because the session had ended (the login page says so) */
  const expired = ref(false);
  let loading: Promise<Me | null> | null = null;

  async function fetchMe(): Promise<Me | null> {
    // no readable cookie means no session: skip the request that would only answer 401
    if (!hasSessionCookie()) return null;
    try {
      const res = await apiFetch('/api/auth/me', { headers: { accept: 'application/json' } });
      return res.ok ? ((await res.json()) as Me) : null;
    } catch {
      return null;
    }
  }

  /** The session as the server knows it; the first call fetches, later calls reuse it. */
  function ready(): Promise<Me | null> {
    loading ??= fetchMe().then((m) => (me.value = m));
    return loading;
  }

  async function login(username: string, password: string): Promise<LoginResult> {
    let res: Response;
    try {
      res = await apiFetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch {
      return { ok: false, status: 0, code: 'network', retryAfter: null };
    }
    if (res.ok) {
      const m = (await res.json()) as Me;
      signedIn(m);
      return { ok: true, me: m };
    }
    const body = (await res.json().catch(() => null)) as AuthErrorBody | null;
    const wait = Number(res.headers.get('retry-after'));
    return { ok: false, status: res.status, code: body?.error.code ?? 'http', retryAfter: Number.isFinite(wait) && wait > 0 ? wait : null };
  }

  function signedIn(m: Me) {
    me.value = m;
    expired.value = false;
    loading = Promise.resolve(m);
  }

  async function logout(): Promise<void> {
    try {
      await apiFetch('/api/auth/logout', { method: 'POST' });
    } finally {
      forget(false);
    }
  }

  /** The server no longer knows this session (or the user signed out). */
  function forget(becauseExpired: boolean) {
    if (becauseExpired && me.value) expired.value = true;
    me.value = null;
    loading = Promise.resolve(null);
  }

  const can = (cap: Capability) => me.value?.capabilities.includes(cap) ?? false;
  const scope = computed(() => me.value?.scope ?? null);

  return { me, expired, scope, ready, login, logout, signedIn, forget, can };
});
