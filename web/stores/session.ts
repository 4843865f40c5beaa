// Who is signed in: loaded once from GET /api/auth/me when the app starts (the router waits for
// it), replaced on sign-in, cleared on sign-out or when the server says the session is gone.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ApiError, hasSessionCookie, request, requestJson } from '../api/request.ts';
import type { Capability, Me } from '../auth/types.ts';

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
      return await requestJson<Me>('/api/auth/me');
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
    try {
      const m = await requestJson<Me>('/api/auth/login', { method: 'POST', json: { username, password } });
      signedIn(m);
      return { ok: true, me: m };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { ok: false, status: err.status, code: err.code, retryAfter: err.retryAfter };
    }
  }

  function signedIn(m: Me) {
    me.value = m;
    expired.value = false;
    loading = Promise.resolve(m);
  }

  async function logout(): Promise<void> {
    try {
      await request('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
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
