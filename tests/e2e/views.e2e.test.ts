// Issue 16 in a real browser on the Beijing fixture: every view's state in the address bar (reload,
// Back and "copy link" reproduce it), the officials' own unit, the dispatcher's queue as home and
// the ranking's small units. Screenshots at 1366×768 and 1920×1080 under tests/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, waitForMapReady, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, type DemoUsername, browserAs, closeBrowsers } from './session.ts';

let server: RunningServer;
const browsers: E2EBrowser[] = [];

beforeAll(async () => {
  server = await startServerForE2E();
});

afterAll(async () => {
  await closeBrowsers(...browsers);
  await server?.stop();
});

const query = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

async function settled(page: Page): Promise<void> {
  await page.waitForTimeout(200);
  await waitForMapReady(page);
}

const pressed = (page: Page, testid: string) =>
  page.getByTestId(testid).locator('button[aria-pressed="true"]').getAttribute('data-value');
const rangeOn = (page: Page) =>
  page.locator('#page-controls [role="radio"][aria-checked="true"]').first().getAttribute('data-range');
const here = (page: Page) => page.getByTestId('breadcrumbs').locator('[aria-current="location"]').innerText();

describe('URL state (issue 16 item 2)', () => {
  it('keeps the workspace’s level, region, filters, time and mode in the address; reload, Back and a copied link reproduce it', async () => {
    const b = await browserAs(server.url, 'admin', { clipboard: true });
    const page = b.page;
    await page.goto(server.url);
    await settled(page);
    // the default view has a plain address
    expect(query(page)).toEqual({});

    const district = page.getByTestId('child-list').locator('button').first();
    const code = (await district.getAttribute('data-code'))!;
    const name = (await district.innerText()).split('\n')[0]!.trim();
    await district.click();
    await settled(page);
    await expect.poll(() => query(page).region).toBe(code);
    await page.locator('#page-controls [data-range="7d"]').first().click();
    await settled(page);
    await page.locator('select[data-filter="urgency"]').selectOption('emergency');
    await settled(page);
    await page.getByTestId('map-mode').locator('[data-value="points"]').click();
    await expect.poll(() => query(page)).toEqual({ region: code, range: '7d', urgency: 'emergency', mode: 'points' });
    const link = page.url();
    await b.screenshot('views-url-workspace-1366x768');

    // reload: the same view, names from the API
    await page.reload();
    await settled(page);
    expect(await here(page)).toContain(name);
    expect(await rangeOn(page)).toBe('7d');
    expect(await page.locator('select[data-filter="urgency"]').inputValue()).toBe('emergency');
    expect(await pressed(page, 'map-mode')).toBe('points');
    expect(query(page)).toEqual({ region: code, range: '7d', urgency: 'emergency', mode: 'points' });

    // Back steps through the changes one at a time
    await page.goBack();
    await expect.poll(() => pressed(page, 'map-mode')).toBe('choropleth');
    await page.goBack();
    await expect.poll(() => page.locator('select[data-filter="urgency"]').inputValue()).toBe('');
    expect(await rangeOn(page)).toBe('7d');
    await page.goBack();
    await expect.poll(() => rangeOn(page)).toBe('30d');
    await page.goBack();
    await settled(page);
    expect(query(page)).toEqual({});
    expect(await page.getByTestId('child-list').getAttribute('data-level')).toBe('district');

    // copy link: the clipboard holds the address of the view; a fresh browser opens it as it was
    await page.goForward();
    await page.goForward();
    await settled(page);
    await page.getByTestId('copy-link').click();
    await expect.poll(() => page.getByTestId('copy-link').getAttribute('data-done')).toBe('copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(Object.fromEntries(new URL(copied).searchParams)).toEqual({ region: code, range: '7d' });

    const other = await browserAs(server.url, 'admin', {
      viewport: { width: 1920, height: 1080 },
      locale: 'en-US',
      clipboard: true,
    });
    await other.page.goto(link);
    await settled(other.page);
    expect(query(other.page)).toEqual({ region: code, range: '7d', urgency: 'emergency', mode: 'points' });
    expect(await pressed(other.page, 'map-mode')).toBe('points');
    expect(await other.page.locator('select[data-filter="urgency"]').inputValue()).toBe('emergency');
    await other.screenshot('views-url-workspace-1920x1080');
    expect(b.problemList()).toEqual([]);
    expect(other.problemList()).toEqual([]);
  });

  it('keeps the ranking’s table, month and colouring, the reports’ kind, the queue’s tab and the studio’s tab; Back returns', async () => {
    const b = await browserAs(server.url, 'admin', { clipboard: true });
    const page = b.page;
    await page.goto(`${server.url}/ranking`);
    await page.getByTestId('ranking-row').first().waitFor();
    await page.getByTestId('table-picker').locator('[data-value="district"]').click();
    await page.getByTestId('color-mode').locator('[data-value="change"]').click();
    await expect.poll(() => query(page)).toMatchObject({ table: 'district', mode: 'change' });
    await page.reload();
    await page.getByTestId('ranking-row').first().waitFor();
    expect(await pressed(page, 'table-picker')).toBe('district');
    expect(await pressed(page, 'color-mode')).toBe('change');
    await page.goBack();
    await expect.poll(() => pressed(page, 'color-mode')).toBe('score');
    await page.goBack();
    await expect.poll(() => pressed(page, 'table-picker')).toBe('street');

    await page.goto(`${server.url}/reports`);
    await page.locator('[data-tab="weekly"]').click();
    await expect.poll(() => query(page).kind).toBe('weekly');
    await page.reload();
    await expect.poll(() => page.locator('[data-tab="weekly"]').getAttribute('aria-selected')).toBe('true');
    await page.goBack();
    await expect.poll(() => query(page).kind ?? 'monthly').toBe('monthly');

    await page.goto(`${server.url}/queue`);
    await page.locator('[data-testid="queue-tab"][data-kind="overdue"]').click();
    await expect.poll(() => query(page).tab).toBe('overdue');
    await page.reload();
    await expect
      .poll(() => page.locator('[data-testid="queue-tab"][data-kind="overdue"]').getAttribute('aria-selected'))
      .toBe('true');
    await page.goBack();
    await expect
      .poll(() => page.locator('[data-testid="queue-tab"][data-kind="unlocated"]').getAttribute('aria-selected'))
      .toBe('true');

    await page.goto(`${server.url}/studio?tab=clusters`);
    await expect.poll(() => page.locator('[data-tab="clusters"]').getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-tab="topics"]').click();
    await expect.poll(() => query(page).tab).toBe('topics');
    await page.goBack();
    await expect.poll(() => page.locator('[data-tab="clusters"]').getAttribute('aria-selected')).toBe('true');
    expect(b.problemList()).toEqual([]);
  });
});

describe('my unit (issue 16 item 5)', () => {
  async function expected(user: DemoUsername, table: 'street' | 'district') {
    const c = await apiAs(server.url, user);
    const get = async (p: string) => {
      const r = await c.request(p);
      if (!r.ok) throw new Error(`${p}: ${r.status}`);
      return (await r.json()) as any;
    };
    const me = await get('/api/auth/me');
    const months = await get('/api/ranking/months');
    const ranking = await get(`/api/ranking?table=${table}&month=${months.latestClosed}`);
    const row = ranking.rows.find((r: any) => r.code === me.scope.code);
    const above = ranking.rows.filter((r: any) => r.rank !== null && row.rank !== null && r.rank < row.rank);
    const next = above.sort((a: any, b: any) => b.rank - a.rank)[0];
    const overdue = (await get('/api/queue?kind=overdue&limit=1')).tickets[0]?.total ?? 0;
    return {
      code: me.scope.code as string,
      row,
      gap: row.rank === null ? null : next ? Math.max(0, next.score - row.score) : 0,
      overdue,
    };
  }

  async function card(page: Page) {
    await page.waitForSelector('[data-testid="my-unit"][data-state="ready"]', { timeout: 30_000 });
    const v = async (id: string) => page.getByTestId(id).getAttribute('data-value');
    return {
      rank: await v('my-unit-rank'),
      gap: await v('my-unit-gap'),
      overdue: await v('my-unit-overdue'),
      urgent: await v('my-unit-urgent'),
    };
  }

  for (const [user, table] of [
    ['sanlitun', 'street'],
    ['chaoyang', 'district'],
  ] as const) {
    it(`shows ${user}'s own ${table} on the workspace and pins it in the ranking`, async () => {
      const want = await expected(user, table);
      const b = await browserAs(server.url, user, { clipboard: true });
      const page = b.page;
      await page.goto(server.url);
      await settled(page);
      const got = await card(page);
      expect(got.rank).toBe(String(want.row.rank ?? ''));
      expect(got.gap).toBe(want.gap === null ? '' : String(want.gap));
      expect(got.overdue).toBe(String(want.overdue));
      expect(Number(got.urgent)).toBeGreaterThanOrEqual(0);
      await b.screenshot(`views-my-unit-${user}-workspace-1366x768`);

      await page.goto(`${server.url}/ranking?table=${table}`);
      await page.getByTestId('ranking-row').first().waitFor();
      await card(page);
      // pinned: first row whatever the order, and still in view when the table is scrolled to its end
      expect(await page.getByTestId('ranking-row').first().getAttribute('data-own')).toBe('1');
      expect(await page.getByTestId('ranking-row').first().getAttribute('data-code')).toBe(want.code);
      await page.locator('th.score button').click();
      expect(await page.getByTestId('ranking-row').first().getAttribute('data-code')).toBe(want.code);
      await page.locator('.table-wrap').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(100);
      await b.screenshot(`views-my-unit-${user}-ranking-1366x768`);
      const wrap = (await page.locator('.table-wrap').boundingBox())!;
      const pinned = (await page.locator('tr[data-own="1"] td').first().boundingBox())!;
      expect(pinned.y).toBeGreaterThanOrEqual(wrap.y);
      expect(pinned.y + pinned.height).toBeLessThanOrEqual(wrap.y + wrap.height);
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.waitForTimeout(300);
      await b.screenshot(`views-my-unit-${user}-ranking-1920x1080`);
      expect(b.problemList()).toEqual([]);
    });
  }
});

describe('the dispatcher’s queue (issue 16 item 7)', () => {
  it('lands a dispatcher on the queue; filters, search and the urgent tab narrow it, in the URL; the ticket page steps through the list', async () => {
    const c = await apiAs(server.url, 'dispatcher');
    const queues: Record<string, any[]> = {};
    for (const k of ['unlocated', 'overdue', 'returned', 'reminded']) {
      const r = await c.request(`/api/queue?kind=${k}&limit=500`);
      queues[k] = ((await r.json()) as any).tickets;
    }
    const urgentIds = new Set(
      Object.values(queues)
        .flat()
        .filter((r) => r.urgency === 'emergency')
        .map((r) => r.id),
    );

    // sign in through the login page, as a dispatcher does
    const b = await openBrowser({ baseUrl: server.url, viewport: { width: 1366, height: 768 } });
    browsers.push(b);
    const page = b.page;
    await page.goto(server.url);
    await page.getByTestId('login-page').waitFor();
    await page.fill('[data-testid="login-username"]', 'dispatcher');
    await page.fill('[data-testid="login-password"]', (await import('./session.ts')).demoPassword('dispatcher'));
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/queue');
    await page.getByTestId('queue-tab').first().waitFor();
    await expect
      .poll(() => page.locator('[data-testid="queue-tab"][data-kind="urgent"]').getAttribute('data-count'))
      .toBe(String(urgentIds.size));

    // filters: a district of the overdue queue; the rows shown are that district's, and the URL says so
    await page.locator('[data-testid="queue-tab"][data-kind="overdue"]').click();
    const district = queues.overdue!.find((r) => r.districtCode)!.districtCode as string;
    await page.locator('select[data-filter="district"]').selectOption(district);
    await expect.poll(() => query(page)).toEqual({ tab: 'overdue', district });
    // the same tickets (the table orders them by its own sort column, the time limit)
    const want = queues
      .overdue!.filter((r) => r.districtCode === district)
      .map((r) => String(r.id))
      .sort();
    await expect
      .poll(async () =>
        (await page.getByTestId('queue-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort(),
      )
      .toEqual(want);
    await b.screenshot('views-queue-filtered-1366x768');
    await page.reload();
    await expect.poll(() => page.getByTestId('queue-row').count()).toBe(want.length);
    expect(await page.locator('select[data-filter="district"]').inputValue()).toBe(district);

    // search by id
    const target = queues.overdue!.at(-1)!;
    await page.getByTestId('queue-filters-clear').click();
    await page.getByTestId('queue-search').fill(String(target.id));
    await page.getByTestId('queue-search').press('Enter');
    await expect.poll(() => query(page).q).toBe(String(target.id));
    await expect
      .poll(() => page.getByTestId('queue-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))))
      .toEqual([String(target.id)]);
    // and by address words
    const withAddress = queues.overdue!.find((r) => r.address && r.address.length > 4)!;
    await page.getByTestId('queue-search').fill(withAddress.address.slice(0, 6));
    await page.getByTestId('queue-search').press('Enter');
    await expect
      .poll(async () =>
        (await page.getByTestId('queue-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).includes(
          String(withAddress.id),
        ),
      )
      .toBe(true);
    await page.getByTestId('queue-filters-clear').click();

    // the urgent tab: open emergency tickets only
    await page.locator('[data-testid="queue-tab"][data-kind="urgent"]').click();
    if (urgentIds.size) {
      const shown = await page
        .getByTestId('queue-row')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
      expect(new Set(shown)).toEqual(urgentIds);
    } else await page.getByTestId('queue-empty').waitFor();
    await b.screenshot('views-queue-urgent-1366x768');

    // next / previous through the longest queue, keeping the tab
    const longest = Object.keys(queues).sort((x, y) => queues[y]!.length - queues[x]!.length)[0]!;
    expect(queues[longest]!.length).toBeGreaterThan(1);
    await page.locator(`[data-testid="queue-tab"][data-kind="${longest}"]`).click();
    // in the table's order (by time limit), which the ticket page follows
    await expect.poll(() => page.getByTestId('queue-row').count()).toBe(queues[longest]!.length);
    const ids = await page.getByTestId('queue-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
    await page.getByTestId('queue-row').first().click();
    await page.waitForURL((u) => u.pathname === `/tickets/${ids[0]}`);
    await expect.poll(() => page.getByTestId('ticket-position').getAttribute('data-index')).toBe('0');
    await b.screenshot('views-ticket-first-1366x768');
    expect(await page.getByTestId('ticket-stepper').innerText()).toContain(`/ ${ids.length}`);
    await page.getByTestId('ticket-next').click();
    await page.waitForURL((u) => u.pathname === `/tickets/${ids[1]}`);
    await expect.poll(() => page.getByTestId('ticket-position').getAttribute('data-index')).toBe('1');
    await b.screenshot('views-ticket-stepper-1366x768');
    await page.getByTestId('ticket-prev').click();
    await page.waitForURL((u) => u.pathname === `/tickets/${ids[0]}`);
    await page.getByTestId('back-to-queue').click();
    await page.waitForURL((u) => u.pathname === '/queue');
    expect(query(page).tab).toBe(longest);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await b.screenshot('views-queue-overdue-1920x1080');
    expect(b.problemList()).toEqual([]);
  });
});

describe('ranking: small units and per-10k (issue 16 item 9)', () => {
  it('flags units below the minimum sample instead of ranking them, never above a ranked unit in any performance order; per 10k is “—” only without a population', async () => {
    const c = await apiAs(server.url, 'planner');
    const months = (await (await c.request('/api/ranking/months')).json()) as any;
    const b = await browserAs(server.url, 'planner', { viewport: { width: 1920, height: 1080 }, clipboard: true });
    const page = b.page;
    for (const table of ['street', 'district'] as const) {
      const ranking = (await (
        await c.request(`/api/ranking?table=${table}&month=${months.latestClosed}`)
      ).json()) as any;
      const min = ranking.policy.minCalledBackToRank as number;
      // the API: nobody below the minimum has a rank
      for (const r of ranking.rows) if (r.counts.calledBack < min) expect(r.rank, r.code).toBeNull();
      await page.goto(`${server.url}/ranking?table=${table}&month=${months.latestClosed}`);
      await expect.poll(() => page.getByTestId('ranking-row').count(), { timeout: 30_000 }).toBe(ranking.rows.length);
      const small = ranking.rows
        .filter((r: any) => r.unranked === 'smallSample')
        .map((r: any) => r.code)
        .sort();
      expect(
        (
          await page
            .locator('tr:has([data-testid="small-sample"])')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))
        ).sort(),
      ).toEqual(small);
      for (const col of ['score', 'response', 'satisfaction']) {
        await page.locator(`th.${col} button`).click();
        const ranks = await page
          .getByTestId('ranking-row')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-rank')));
        const firstUnranked = ranks.indexOf('');
        if (firstUnranked >= 0)
          expect(
            ranks.slice(firstUnranked).every((r) => r === ''),
            `${table} by ${col}`,
          ).toBe(true);
      }
      const per10k = await page
        .getByTestId('ranking-row')
        .evaluateAll((els) =>
          els.map(
            (e) =>
              [e.getAttribute('data-code'), e.querySelector('[data-testid="per10k"]')?.textContent?.trim()] as [
                string,
                string,
              ],
          ),
        );
      const byCode = new Map(ranking.rows.map((r: any) => [r.code, r]));
      for (const [code, text] of per10k)
        expect(text === '—', code).toBe((byCode.get(code) as any).volumePer10k === null);
      if (table === 'district') expect(per10k.some(([, text]) => text !== '—')).toBe(true);
      await b.screenshot(`views-ranking-${table}-by-satisfaction-1920x1080`);
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(300);
    await b.screenshot('views-ranking-district-1366x768');
    expect(b.problemList()).toEqual([]);
  });
});
