// Accounts in a real browser against the real server (20k demo tickets, the demo accounts): the
// login page (a wrong password said in words, too many attempts with the minutes to wait, then
// landing on `next`), a street official who sees only their street, a dispatcher reading a
// caller in clear and the audit row it leaves on the admin page, an admin creating an account and
// a wall token, and a wall screen that is not authorised. Screenshots in tests/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR, openBrowser, waitForMapReady, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, DEMO_KIOSK, demoPassword, getJson, redeemKiosk } from './session.ts';
import { logIn, over, type Client } from '../helpers/auth.ts';
import type { TicketDetail } from '../../web/api/tickets.ts';

let server: RunningServer;
let admin: Client;
let dispatcher: Client;

beforeAll(async () => {
  server = await startServerForE2E();
  [admin, dispatcher] = await Promise.all([apiAs(server.url, 'admin'), apiAs(server.url, 'dispatcher')]);
});

afterAll(async () => {
  await server?.stop();
});

/** Refusals a test caused on purpose: the browser reports them as failed loads, and nothing else may fail. */
function expectOnly(b: E2EBrowser, allowed: RegExp[]): void {
  const unexpected = b.problemList().filter((line) => !allowed.some((re) => re.test(line)));
  expect(unexpected).toEqual([]);
}

async function windowOf(page: Page): Promise<string> {
  const el = page.getByTestId('range-span');
  return new URLSearchParams({
    from: (await el.getAttribute('data-from'))!,
    to: (await el.getAttribute('data-to'))!,
  }).toString();
}

describe('signing in', () => {
  it('sends a signed-out visitor to the login page, says what went wrong, and lands on next', async () => {
    const b = await openBrowser({ baseUrl: server.url, viewport: { width: 1440, height: 900 } });
    try {
      await b.page.goto(`${server.url}/ranking?table=district`);
      await b.page.getByTestId('login-page').waitFor();
      const at = new URL(b.page.url());
      expect(at.pathname).toBe('/login');
      expect(at.searchParams.get('next')).toBe('/ranking?table=district');
      expect(await b.page.locator('.app > header').count()).toBe(0);
      // the cursor waits in the username field: typing can start at once
      expect(await b.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('login-username');
      expect(await b.page.getByTestId('login-product').getAttribute('aria-label')).toBe('12345 接诉即办 · 城市运行图');
      await b.screenshot('login-1440x900-zh');
      await b.page.click('[data-locale="en"]');
      expect(await b.page.textContent('h1')).toBe('Sign in');
      await b.screenshot('login-1440x900-en');
      await b.page.click('[data-locale="zh-CN"]');

      // wrong password: said in words, the password cleared and focused for another try
      await b.page.fill('[data-testid="login-username"]', 'sanlitun');
      await b.page.fill('[data-testid="login-password"]', 'not-the-password');
      await b.page.keyboard.press('Enter');
      await expect.poll(() => b.page.getByTestId('login-error').textContent()).toBe('用户名或密码错误，请重新输入。');
      expect(await b.page.inputValue('[data-testid="login-password"]')).toBe('');
      expect(await b.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('login-password');
      await b.screenshot('login-1440x900-zh-wrong-password');

      // then the right one, by keyboard alone: the page asked for at first
      await b.page.keyboard.type(demoPassword('sanlitun'));
      await b.page.keyboard.press('Enter');
      await b.page.waitForURL(`${server.url}/ranking?table=district`);
      await b.page.getByTestId('ranking-row').first().waitFor({ timeout: 30_000 });
      expect(await b.page.getByTestId('user-name').textContent()).toBe('三里屯街道');
      expect(await b.page.getByTestId('user-scope').textContent()).toBe('街乡镇工作人员 · 三里屯街道');
      // a street official's navigation: no studio (planning), no administration
      expect(await b.page.locator('.nav a').evaluateAll((els) => els.map((e) => e.getAttribute('data-nav')))).toEqual([
        'map',
        'ranking',
        'reports',
        'queue',
        'governance',
      ]);
      expect(await b.page.locator('[data-nav="admin"]').count()).toBe(0);

      // 退出登录 from the user's panel: back at the login page, and the pages are closed again
      await b.page.getByTestId('user-toggle').click();
      await b.page.getByTestId('logout').click();
      await b.page.getByTestId('login-page').waitFor();
      expect(await b.page.getByTestId('login-notice').textContent()).toBe('您已退出登录。');
      expect((await b.context.cookies()).map((c) => c.name)).not.toContain('hl_session');
      await b.page.goto(`${server.url}/queue`);
      await b.page.getByTestId('login-page').waitFor();
      expect(new URL(b.page.url()).searchParams.get('next')).toBe('/queue');
      expectOnly(b, [/POST .*\/api\/auth\/login: HTTP 401/, /status of 401/]);
    } finally {
      await b.close();
    }
  });

  it('tells how many minutes to wait after too many failed attempts', async () => {
    // five failures for one username from one address lock it there for 15 minutes (server/auth/rateLimit.ts)
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ghost', password: `guess-${i}` }),
      });
      expect(res.status).toBe(401);
    }
    const b = await openBrowser({ baseUrl: server.url, locale: 'en-US' });
    try {
      await b.page.goto(`${server.url}/login`);
      await b.page.click('[data-locale="en"]');
      await b.page.fill('[data-testid="login-username"]', 'ghost');
      await b.page.fill('[data-testid="login-password"]', 'another-guess');
      await b.page.click('[data-testid="login-submit"]');
      await expect
        .poll(() => b.page.getByTestId('login-error').textContent())
        .toBe('Too many failed sign-ins. Try again in 15 min.');
      expectOnly(b, [/POST .*\/api\/auth\/login: HTTP 429/, /status of 429/]);
    } finally {
      await b.close();
    }
  });

  it('sends the user back to the login page when the session ends mid-way, and says why', async () => {
    const temp = await logIn(over(server.url), 'planner', demoPassword('planner'));
    const b = await openBrowser({ baseUrl: server.url, session: temp });
    try {
      await b.page.goto(`${server.url}/reports`);
      await b.page.getByTestId('user-box').waitFor();
      await b.page.waitForLoadState('networkidle');
      // the session ends on the server (as when it expires); the next request finds out
      const out = await temp.request('/api/auth/logout', { method: 'POST' });
      expect(out.status).toBe(204);
      // Wait for state, not for time: the link is there, then its own click event (a pointer click
      // waits for the element to be "stable", which a busy machine's slow frames can hold past the
      // timeout); the page finds out about the ended session on the next request it makes.
      const ranking = b.page.locator('[data-nav="ranking"]');
      await ranking.waitFor({ state: 'visible', timeout: 60_000 });
      await ranking.dispatchEvent('click');
      await b.page.getByTestId('login-page').waitFor({ timeout: 60_000 });
      expect(await b.page.getByTestId('login-notice').textContent()).toBe('登录已过期或已在别处退出，请重新登录。');
      expect(new URL(b.page.url()).searchParams.get('next')).toMatch(/^\/ranking/);
      expectOnly(b, [/HTTP 401/, /status of 401/]);
    } finally {
      await b.close();
    }
  });
});

describe('a street official (三里屯街道 110105004)', () => {
  it('sees only their street: the workspace starts there, with the API’s totals, and offers no other region', async () => {
    const sanlitun = await apiAs(server.url, 'sanlitun');
    const b = await openBrowser({ baseUrl: server.url, session: sanlitun });
    try {
      await b.page.goto(server.url);
      await waitForMapReady(b.page);
      const q = await windowOf(b.page);
      const street = await getJson<{
        total: number;
        children: { level: string; items: { code: string; count: number }[] };
      }>(sanlitun, `/api/summary?${q}&region=110105004`);
      expect(Number(await b.page.getByTestId('figure-total').getAttribute('data-value'))).toBe(street.total);
      expect(street.total).toBeGreaterThan(0);
      // the children are the street's own grid cells, with the API's counts
      const list = b.page.getByTestId('child-list');
      expect(await list.getAttribute('data-level')).toBe('grid');
      const items = await list
        .locator('button')
        .evaluateAll((els) => els.map((e) => [e.getAttribute('data-code'), Number(e.getAttribute('data-count'))]));
      expect(items).toEqual(street.children.items.map((c) => [c.code, c.count]));
      // the breadcrumbs start at the street: no way up to the district or the city
      const crumbs = b.page.getByTestId('breadcrumbs');
      expect(await crumbs.textContent()).toContain('三里屯街道');
      expect(await crumbs.locator('[data-depth="0"]').count()).toBe(0);
      expect(await crumbs.textContent()).not.toContain('全市');
      await b.screenshot('workspace-street-official-1440x900');
      // who is signed in: name and street on the header's button, the role in its panel (keyboard: Enter, Escape)
      await b.page.getByTestId('user-toggle').focus();
      await b.page.keyboard.press('Enter');
      await b.page.getByTestId('user-scope').waitFor({ state: 'visible' });
      expect(await b.page.getByTestId('user-scope').textContent()).toBe('街乡镇工作人员 · 三里屯街道');
      await b.page.screenshot({
        path: `${ARTIFACTS_DIR}/header-user-panel-1440.png`,
        clip: { x: 840, y: 0, width: 600, height: 260 },
      });
      await b.page.keyboard.press('Escape');
      await b.page.getByTestId('user-scope').waitFor({ state: 'hidden' });

      // the ranking shows every street's scores, and marks theirs
      await b.page.click('[data-nav="ranking"]');
      const own = b.page.locator('[data-testid="ranking-row"][data-own="1"]');
      await own.waitFor({ timeout: 30_000 });
      expect(await own.getAttribute('data-code')).toBe('110105004');
      expect(await b.page.locator('[data-testid="ranking-row"][data-own="1"]').count()).toBe(1);
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('caller details', () => {
  let ticketId: number;

  beforeAll(async () => {
    const cats = await getJson<{ categories: { code: string }[] }>(dispatcher, '/api/categories');
    // filed where a demo ticket of 三里屯街道 is, so the street's official sees it too
    const inStreet = await getJson<{ items: { id: number }[] }>(dispatcher, '/api/tickets?region=110105004&limit=1');
    const at = await getJson<TicketDetail>(dispatcher, `/api/tickets/${inStreet.items[0]!.id}`);
    ticketId = (
      await getJson<{ id: number }>(dispatcher, '/api/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'complaint',
          channel: 'phone',
          category: cats.categories[0]!.code,
          description: '夜间施工噪音',
          lon: at.lon,
          lat: at.lat,
          callerName: '王小五',
          callerPhone: '13911112222',
        }),
      })
    ).id;
    expect((await getJson<TicketDetail>(dispatcher, `/api/tickets/${ticketId}`)).streetCode).toBe('110105004');
  });

  it('are masked on the ticket page; a dispatcher reads them in clear, told that the read is logged', async () => {
    const masked = await getJson<TicketDetail>(dispatcher, `/api/tickets/${ticketId}`);
    expect(masked.caller).toBeTruthy();
    expect(masked.caller!.name).not.toBe('王小五');
    expect(masked.caller!.phone).not.toBe('13911112222');

    const b = await openBrowser({ baseUrl: server.url, session: dispatcher });
    try {
      await b.page.goto(`${server.url}/tickets/${ticketId}`);
      const panel = b.page.getByTestId('caller-panel');
      await panel.waitFor({ timeout: 30_000 });
      await b.page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]', { timeout: 60_000 });
      expect(await b.page.getByTestId('caller-name').textContent()).toBe(masked.caller!.name);
      expect(await b.page.getByTestId('caller-phone').textContent()).toBe(masked.caller!.phone);
      expect(await panel.textContent()).toContain('查看完整信息将记入审计日志');
      await b.screenshot('ticket-caller-masked-1440x900');

      await b.page.getByTestId('caller-reveal').click();
      await expect.poll(() => b.page.getByTestId('caller-name').textContent()).toBe('王小五');
      expect(await b.page.getByTestId('caller-phone').textContent()).toBe('13911112222');
      expect(await b.page.getByTestId('caller-logged').textContent()).toContain('已记入审计日志');
      await b.screenshot('ticket-caller-revealed-1440x900');
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('read in clear leaves an audit row the admin finds on the admin page', async () => {
    const b = await openBrowser({ baseUrl: server.url, session: admin });
    try {
      await b.page.goto(`${server.url}/admin?tab=audit`);
      await b.page.getByTestId('audit-row').first().waitFor({ timeout: 30_000 });
      await b.page.fill('[data-testid="audit-ticket"]', String(ticketId));
      await b.page.click('[data-testid="audit-apply"]');
      const rows = b.page.locator(`[data-testid="audit-row"][data-ticket="${ticketId}"]`);
      await expect.poll(() => rows.count()).toBe(1);
      expect(await b.page.getByTestId('audit-row').count()).toBe(1);
      expect(await rows.getAttribute('data-action')).toBe('caller.read');
      expect(await rows.getAttribute('data-username')).toBe('dispatcher');
      expect(await rows.textContent()).toContain('查看来电人完整信息');
      await b.screenshot('admin-audit-1440x900');
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('stay masked for a street official, who is offered no button to read them', async () => {
    const sanlitun = await apiAs(server.url, 'sanlitun');
    const b = await openBrowser({ baseUrl: server.url, session: sanlitun });
    try {
      await b.page.goto(`${server.url}/tickets/${ticketId}`);
      await b.page.getByTestId('caller-panel').waitFor({ timeout: 30_000 });
      expect(await b.page.getByTestId('caller-reveal').count()).toBe(0);
      expect(await b.page.getByTestId('caller-name').textContent()).not.toBe('王小五');
      // a unit's own actions only: nothing of the hotline's (dispatch, close, …)
      const actions = await b.page
        .locator('[data-testid="ticket-actions"] [data-action]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      for (const a of actions) expect(['accept', 'progress', 'return', 'report', 'defer', 'reply']).toContain(a);
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('administration', () => {
  it('creates an account with a street picked from its district, who can then sign in to that street', async () => {
    const b = await openBrowser({ baseUrl: server.url, session: admin });
    try {
      await b.page.goto(`${server.url}/admin`);
      await b.page.getByTestId('user-row').first().waitFor({ timeout: 30_000 });
      // 系统管理 lives in the signed-in user's panel, marked as the current page
      expect(await b.page.locator('[data-testid="user-box"] [data-nav="admin"]').getAttribute('aria-current')).toBe(
        'page',
      );
      await b.page.fill('[data-testid="new-username"]', 'jianwai');
      await b.page.fill('[data-testid="new-display-name"]', '建外街道办事处');
      await b.page.selectOption('[data-testid="new-role"]', 'street_official');
      await b.page.selectOption('[data-testid="new-region-district"]', '110105');
      await b.page.selectOption('[data-testid="new-region-street"]', '110105001');
      await b.page.fill('[data-testid="new-password"]', 'jianwai-pass-2026');
      await b.page.click('[data-testid="create-user"]');
      await expect.poll(() => b.page.getByTestId('users-message').textContent()).toBe('已创建账号 jianwai。');
      const row = b.page.locator('[data-testid="user-row"][data-username="jianwai"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('朝阳区 › 建外街道');
      await b.screenshot('admin-accounts-1440x900');
      const me = await getJson<{ role: string; scope: { level: string; code: string } }>(
        await logIn(over(server.url), 'jianwai', 'jianwai-pass-2026'),
        '/api/auth/me',
      );
      expect(me).toMatchObject({ role: 'street_official', scope: { level: 'street', code: '110105001' } });

      // a taken username is refused in words, naming the field
      await b.page.fill('[data-testid="new-username"]', 'jianwai');
      await b.page.fill('[data-testid="new-display-name"]', '重复');
      await b.page.selectOption('[data-testid="new-region-district"]', '110105');
      await b.page.selectOption('[data-testid="new-region-street"]', '110105001');
      await b.page.fill('[data-testid="new-password"]', 'jianwai-pass-2026');
      await b.page.click('[data-testid="create-user"]');
      await expect.poll(() => b.page.getByTestId('user-form-error').getAttribute('data-field')).toBe('username');
      expectOnly(b, [/POST .*\/api\/admin\/users: HTTP 409/, /status of 409/]);
    } finally {
      await b.close();
    }
  });

  it('disables and enables an account, and resets its password, each taking effect at once', async () => {
    const login = (password: string) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'jianwai', password }),
      });
    const b = await openBrowser({ baseUrl: server.url, session: admin });
    try {
      await b.page.goto(`${server.url}/admin`);
      const row = b.page.locator('[data-testid="user-row"][data-username="jianwai"]');
      await row.waitFor({ timeout: 30_000 });
      await row.getByTestId('toggle-disabled').click();
      await expect.poll(() => row.getAttribute('data-disabled')).toBe('1');
      expect(await b.page.getByTestId('users-message').textContent()).toBe('jianwai 已停用，其所有登录已失效。');
      expect((await login('jianwai-pass-2026')).status).toBe(401);
      await row.getByTestId('toggle-disabled').click();
      await expect.poll(() => row.getAttribute('data-disabled')).toBe('0');
      expect((await login('jianwai-pass-2026')).status).toBe(200);

      await row.getByTestId('reset-password').click();
      await row.getByTestId('reset-password-input').fill('jianwai-new-2026');
      await row.getByTestId('reset-password-input').press('Enter');
      await expect
        .poll(() => b.page.getByTestId('users-message').textContent())
        .toBe('jianwai 的密码已重置，其所有登录已失效。');
      expect((await login('jianwai-pass-2026')).status).toBe(401);
      expect((await login('jianwai-new-2026')).status).toBe(200);
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('creates a wall token shown once with its link, which then authorises a screen', async () => {
    const b = await openBrowser({ baseUrl: server.url, session: admin });
    try {
      await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await b.page.goto(`${server.url}/admin?tab=kiosks`);
      await b.page.getByTestId('kiosk-row').first().waitFor({ timeout: 30_000 });
      await b.page.fill('[data-testid="new-screen"]', '朝阳区指挥中心');
      await b.page.selectOption('[data-testid="kiosk-region-district"]', '110105');
      await b.page.click('[data-testid="create-kiosk"]');
      const link = (await b.page.getByTestId('kiosk-link').textContent())!;
      const token = (await b.page.getByTestId('kiosk-token-value').textContent())!;
      expect(link).toBe(`${server.url}/wall?kiosk=${encodeURIComponent(token)}`);
      // the token panel's own button (the header has a copy-link button of its own, for the page's address)
      await b.page.click('[data-testid="kiosk-token"] [data-testid="copy-link"]');
      expect(await b.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
      const row = b.page.locator('[data-testid="kiosk-row"][data-screen="朝阳区指挥中心"]');
      expect(await row.getAttribute('data-bound')).toBe('0');
      expect(await row.textContent()).toContain('朝阳区');
      await b.screenshot('admin-kiosks-1440x900');

      // the token works once, on one screen; the list then says it is bound
      const screen = await redeemKiosk(server.url, token);
      expect(screen.cookie).toContain('hl_session=');
      await b.page.reload();
      await expect
        .poll(() =>
          b.page.locator('[data-testid="kiosk-row"][data-screen="朝阳区指挥中心"]').getAttribute('data-bound'),
        )
        .toBe('1');
      // the token is never shown again
      expect(await b.page.getByTestId('kiosk-token').count()).toBe(0);
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('a wall screen', () => {
  it('without a session says, large and calmly, that it is not authorised and what to do', async () => {
    const b = await openBrowser({ baseUrl: server.url, viewport: { width: 1920, height: 1080 } });
    try {
      await b.page.goto(`${server.url}/wall`);
      const screen = b.page.getByTestId('wall-unauthorised');
      await screen.waitFor();
      expect(await screen.getAttribute('data-state')).toBe('unauthorised');
      expect(await b.page.getByTestId('wall-unauthorised-title').textContent()).toBe('此大屏未授权');
      expect(await screen.textContent()).toContain('/wall?kiosk=');
      // readable across a room: the title is at least 60 px tall at 1920×1080
      const size = await b.page
        .getByTestId('wall-unauthorised-title')
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThanOrEqual(60);
      await b.screenshot('wall-unauthorised-1920x1080');
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('with a token bound to another screen says so', async () => {
    // the demo token binds to the first screen that redeems it (if no test has yet, this one does)
    await fetch(`${server.url}/api/auth/kiosk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: DEMO_KIOSK.token }),
    });
    const b = await openBrowser({ baseUrl: server.url, viewport: { width: 1920, height: 1080 } });
    try {
      await b.page.goto(`${server.url}/wall?kiosk=${DEMO_KIOSK.token}`);
      const screen = b.page.getByTestId('wall-unauthorised');
      await expect.poll(() => screen.getAttribute('data-state'), { timeout: 15_000 }).toBe('bound');
      expect(await b.page.getByTestId('wall-unauthorised-message').textContent()).toContain('此令牌已绑定另一块屏幕');
      expect(b.page.url()).toBe(`${server.url}/wall`);
      await b.screenshot('wall-token-bound-1920x1080');
      expectOnly(b, [/POST .*\/api\/auth\/kiosk: HTTP 409/, /status of 409/]);
    } finally {
      await b.close();
    }
  });
});
