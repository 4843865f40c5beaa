// Signing browser tests in: the demo accounts (server/auth/demoAccounts.ts, made by the test
// server and by `npm start`), an API client per account, and a browser context carrying that
// client's session cookies, so most tests skip the login page (one test goes through it).
import { DEMO_KIOSK, demoUsersFor } from '../../server/auth/demoAccounts.ts';
import { readCityPackage } from '../../data/city/package.ts';
import { openBrowser, type E2EBrowser } from './browser.ts';

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

/** GET `path`, or POST `body` as JSON when one is given; the JSON answer (throws on any non-2xx). */
export const api = <T = any>(client: Client, path: string, body?: unknown): Promise<T> =>
  getJson<T>(
    client,
    path,
    body === undefined
      ? undefined
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );

const opened: E2EBrowser[] = [];

/**
 * A browser on the server at `url`, signed in as a demo account (or with a client's session).
 * Every one is closed by closeBrowsers() (in the file's afterAll).
 */
export async function browserAs(
  url: string,
  who: DemoUsername | Client,
  opts: { viewport?: { width: number; height: number }; locale?: string; clipboard?: boolean } = {},
): Promise<E2EBrowser> {
  const session = typeof who === 'string' ? await apiAs(url, who) : who;
  const b = await openBrowser({
    baseUrl: url,
    session,
    viewport: opts.viewport ?? { width: 1366, height: 768 },
    locale: opts.locale ?? 'zh-CN',
  });
  opened.push(b);
  if (opts.clipboard)
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  return b;
}

/** Close every browser browserAs() opened (and any other handed in). */
export async function closeBrowsers(...more: (E2EBrowser | undefined)[]): Promise<void> {
  for (const b of [...opened.splice(0), ...more]) await b?.close();
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
