// A wall display signed in as it is in the field: an admin's kiosk token for one screen (bound to a
// region or the city), redeemed through POST /api/auth/kiosk; the client then carries its cookie.
import type { Queryable } from '../../../db/client.ts';
import { createKiosk } from '../../../server/auth/accounts.ts';
import { cookiesOf, type Client } from '../../helpers/auth.ts';

type Fetcher = { request(path: string, init?: RequestInit): Promise<Response> | Response };

export async function kioskClient(
  app: Fetcher,
  db: Queryable,
  screen: string,
  regionCode: string | null,
): Promise<Client> {
  const { token } = await createKiosk(db, { screen, regionCode });
  const res = await app.request('/api/auth/kiosk', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.status !== 200) throw new Error(`kiosk ${screen}: ${res.status} ${await res.text()}`);
  const c = cookiesOf(res);
  const cookie = `hl_session=${c.hl_session}; hl_csrf=${c.hl_csrf}`;
  return {
    username: screen,
    cookie,
    csrfToken: c.hl_csrf!,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      return app.request(path, { ...init, headers });
    },
  };
}
