// The one fetch every API call goes through: writes carry the CSRF token the server set in the
// readable hl_csrf cookie, and a 401 in the middle of a session (expired, signed out elsewhere)
// is reported once to whoever registered for it (main.ts sends the user to the login page).

const CSRF_COOKIE = 'hl_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

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

export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (!SAFE.has(method)) {
    const token = csrfToken();
    if (token) headers.set('x-csrf-token', token);
  }
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  // the auth endpoints answer 401 as part of their own protocol (wrong password, not signed in)
  if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthenticated?.(path);
  return res;
}
