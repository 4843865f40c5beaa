// Signing browser tests in: the demo accounts (server/auth/demoAccounts.ts, made by the test
// server and by `npm start`), an API client per account, and a browser context carrying that
// client's session cookies, so most tests skip the login page (one test goes through it).
import type { BrowserContext } from 'playwright-core';
import { DEMO_KIOSK, demoUsersFor } from '../../server/auth/demoAccounts.ts';
import { readCityPackage } from '../../data/city/package.ts';

/** The browser tests' accounts: the Beijing demo city's (its package names the officials). */
const DEMO_USERS = demoUsersFor(readCityPackage('data/cities/beijing').pkg!.manifest);
import { logIn, over, type Client } from '../helpers/auth.ts';

export type DemoUsername = 'admin' | 'dispatcher' | 'planner' | 'chaoyang' | 'sanlitun';
export { DEMO_KIOSK };

export function demoPassword(username: DemoUsername): string {
  const u = DEMO_USERS.find((x) => x.username === username);
  if (!u) throw new Error(`no demo account ${username}`);
  return u.password;
}

/** A signed-in API client for a demo account on the server at `url`. */
export const apiAs = (url: string, username: DemoUsername): Promise<Client> =>
  logIn(over(url), username, demoPassword(username));

/** JSON from a signed-in client; throws with the answer on any non-2xx. */
export async function getJson<T>(client: Client, path: string, init?: RequestInit): Promise<T> {
  const res = await client.request(path, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Put a client's session cookies into a browser context, as the login page would have. */
export async function addSession(context: BrowserContext, url: string, client: Pick<Client, 'cookie'>): Promise<void> {
  const pairs = client.cookie.split(';').map((p) => p.trim().split('=') as [string, string]);
  await context.addCookies(
    pairs.map(([name, value]) => ({ name, value, url, httpOnly: name === 'hl_session', sameSite: 'Strict' as const })),
  );
}

/** The cookies a kiosk token gives a wall screen, redeemed through the API. */
export async function redeemKiosk(url: string, token: string): Promise<{ cookie: string }> {
  const res = await fetch(new URL('/api/auth/kiosk', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.status !== 200) throw new Error(`kiosk: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((l) => l.split(';')[0]!)
    .join('; ');
  return { cookie };
}
