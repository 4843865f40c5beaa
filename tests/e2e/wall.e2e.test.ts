// The command-centre wall in a real browser against a real server, at 1920×1080 and 3840×2160:
// real content (district names and today's figures as the API gives them), a ticket filed during
// the test on the wall within 5 s, scene rotation by itself and by keyboard, and a server restart:
// the "stale" badge while the feed is down, gone once it is back, and the feed resumed without a
// reload. Each screen is authorised by a kiosk token in its link. This file starts a server of its
// own (not E2E_BASE_URL) because it restarts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { listen, type Listening } from '../../server/listen.ts';
import { DIST_DIR } from '../../server/webBuild.ts';
import type { WallTodayResponse } from '../../server/routes/wall.ts';
import type { RankingResult } from '../../server/ranking/service.ts';
import type { WallTicket } from '../../server/wall/tickets.ts';
import { openE2EDatabase } from '../helpers/testServer.ts';
import { openBrowser, type E2EBrowser } from './browser.ts';
import { api, apiAs, DEMO_KIOSK } from './session.ts';
import type { Client } from '../helpers/auth.ts';

let db: Database;
let app: ReturnType<typeof createApp>;
let server: Listening;
let url: string;
/** the administrator, for the API checks and a second screen's kiosk token */
let admin: Client;

beforeAll(async () => {
  db = await openE2EDatabase();
  app = createApp({ db, staticDir: DIST_DIR });
  server = await listen(app, 0);
  url = server.url;
  admin = await apiAs(url, 'admin');
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const FIGURES = ['received', 'dispatched', 'respondedInTime', 'overdue', 'solved', 'satisfied'] as const;

async function waitForWall(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.wallReady === '1', undefined, { timeout, polling: 200 });
}

/** Today's figures as the page shows them, and the API's at the same moment (nothing else writes). */
async function expectFiguresMatchApi(page: Page): Promise<void> {
  const shown = await page.evaluate(
    (keys) =>
      Object.fromEntries(
        keys.map((k) => [k, document.querySelector(`[data-testid="figure-${k}"]`)?.getAttribute('data-value')]),
      ),
    [...FIGURES],
  );
  const today = await api<WallTodayResponse>(admin, '/api/wall/today');
  expect(shown).toEqual(Object.fromEntries(FIGURES.map((k) => [k, String(today.figures[k].today)])));
  // and the big number is the same figure, formatted
  const received = await page.getByTestId('figure-received').locator('.value').textContent();
  expect(Number(received?.replace(/[^\d]/g, ''))).toBe(today.figures.received.today);
}

async function expectRealDistricts(page: Page): Promise<void> {
  const ranking = await api<RankingResult>(admin, '/api/ranking?table=district');
  expect(ranking.rows).toHaveLength(16);
  const rows = page.getByTestId('wall-district-row');
  await expect.poll(() => rows.count()).toBe(16);
  expect(await rows.locator('.name').allTextContents()).toEqual(ranking.rows.map((r) => r.nameZh));
  expect(await rows.first().locator('.name').textContent()).toMatch(/区$/);
}

/** Files a ticket the way a hotline system does, at a point in Dongcheng. */
async function fileTicket(): Promise<WallTicket> {
  const cats = await api<{ categories: { code: string }[] }>(admin, '/api/categories');
  const code = cats.categories.find((c) => c.code === 'environment.garbage')?.code ?? cats.categories[0]!.code;
  const created = await api<{ id: number }>(admin, '/api/tickets', {
    kind: 'complaint',
    channel: 'phone',
    category: code,
    lon: 116.4165,
    lat: 39.9288,
    callerName: '李四',
    callerPhone: '13900000000',
  });
  const [t] = (await api<{ tickets: WallTicket[] }>(admin, `/api/wall/tickets?ids=${created.id}`)).tickets;
  expect(t?.streetZh).toBeTruthy();
  return t!;
}

async function expectTicketOnWall(page: Page, t: WallTicket): Promise<void> {
  const row = page.locator(`[data-testid="wall-ticket"][data-ticket-id="${t.id}"]`);
  await row.waitFor({ state: 'visible', timeout: 5000 });
  const text = await row.textContent();
  expect(text).toContain(t.categoryZh);
  expect(text).toContain(t.streetZh!);
  expect(text).not.toContain('李四');
}

describe('command-centre wall', () => {
  let b: E2EBrowser;

  afterAll(async () => {
    await b?.close();
  });

  it('at 1920×1080 shows the districts, the figures the API gives, and no app header', async () => {
    b = await openBrowser({ baseUrl: url, viewport: { width: 1920, height: 1080 } });
    // the screen is set up as an admin hands it over: the kiosk link, which binds this screen
    await b.page.goto(`${url}/wall?kiosk=${encodeURIComponent(DEMO_KIOSK.token)}&interval=600`); // one steady scene for the screenshot
    await waitForWall(b.page, 90_000);
    // the token left the address bar (and history) at once; the rest of the query stays
    expect(new URL(b.page.url()).search).toBe('?interval=600');
    expect(await b.page.locator('.app > header').count()).toBe(0); // the app's own header is gone on the bare route
    await expectRealDistricts(b.page);
    await expectFiguresMatchApi(b.page);
    await b.page.getByTestId('live-badge').waitFor({ timeout: 10_000 });
    // the wall fills the viewport exactly: nothing scrolls on an unattended screen
    const size = await b.page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.scrollHeight,
    ]);
    expect(size).toEqual([1920, 1080]);
    // the urgent band is there with its three blocks; no keyboard hint on an unattended screen
    for (const id of ['urgent-alerts', 'urgent-emergency', 'urgent-overdue']) await b.page.getByTestId(id).waitFor();
    expect(await b.page.getByTestId('wall-keys').count()).toBe(0);
    // no text smaller than 24 px at 1080p
    const smallest = await b.page.evaluate(() => {
      let min = Infinity;
      for (const el of document.querySelectorAll('.wall *')) {
        if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim())) continue;
        const r = (el as HTMLElement).getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
      }
      return min;
    });
    expect(Math.round(smallest * 100) / 100).toBeGreaterThanOrEqual(24); // sizes in vw land a hair under
    await b.screenshot('wall-1920x1080');
    expect(b.problemList()).toEqual([]);
  });

  it('shows a ticket filed now within 5 s, with its category and street and no caller data', async () => {
    const t = await fileTicket();
    await expectTicketOnWall(b.page, t);
    // the figures follow the feed
    await expect
      .poll(async () => Number(await b.page.getByTestId('figure-received').getAttribute('data-value')), {
        timeout: 10_000,
      })
      .toBe((await api<WallTodayResponse>(admin, '/api/wall/today')).figures.received.today);
  });

  it('rotates scenes by itself, and space pauses, arrows step', async () => {
    await b.page.goto(`${url}/wall?interval=6`);
    await waitForWall(b.page, 90_000);
    const scene = () => b.page.evaluate(() => document.body.dataset.wallScene);
    const first = await scene();
    await expect.poll(scene, { timeout: 15_000 }).not.toBe(first); // ?interval=6
    await b.page.keyboard.press('Space');
    await b.page.locator('.rotation .paused').waitFor();
    const held = await scene();
    await b.page.waitForTimeout(7000);
    expect(await scene()).toBe(held);
    await b.page.keyboard.press('ArrowRight');
    const next = await scene();
    expect(next).not.toBe(held);
    await b.page.keyboard.press('ArrowLeft');
    expect(await scene()).toBe(held);
    // a key shows the keyboard hint
    await b.page.getByTestId('wall-keys').waitFor();
    // the district scenes come after the city-wide ones, in groups, and name their districts
    for (let i = 0; i < 40 && !(await scene())?.startsWith('districts:'); i++)
      await b.page.keyboard.press('ArrowRight');
    const codes = (await scene())!.slice('districts:'.length).split('+');
    const ranking = await api<RankingResult>(admin, '/api/ranking?table=district');
    const name = ranking.rows.find((r) => r.code === codes[0])!.nameZh;
    const named = () =>
      b.page.evaluate(
        () =>
          `${document.querySelector('[data-testid="scene-title"]')?.textContent} ${document.querySelector('[data-testid="district-group"]')?.textContent ?? ''}`,
      );
    await expect.poll(named).toContain(name);
    const total = await b.page.evaluate(() => document.querySelector('.rotation .counter')?.textContent);
    expect(Number(total!.split('/')[1])).toBeLessThanOrEqual(10); // 16 districts in a few groups: a short cycle
    await b.screenshot('wall-1920x1080-districts');
    await b.page.keyboard.press('Space');
    await b.page.locator('.rotation .paused').waitFor({ state: 'detached' });
  });

  it('marks its data stale while the server is down and recovers by itself after a restart', async () => {
    const before = { consoleErrors: b.problems.consoleErrors.length, failedRequests: b.problems.failedRequests.length };
    const port = server.port;
    await server.close();
    const badge = b.page.getByTestId('stale-badge');
    await badge.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await badge.textContent()).toMatch(/数据自 \d{2}:\d{2} 起未更新/);
    expect(await b.page.evaluate(() => document.body.dataset.wallStale)).toBe('1');
    await b.screenshot('wall-1920x1080-stale');
    await b.page.waitForTimeout(3000);
    server = await listen(app, port);
    await badge.waitFor({ state: 'detached', timeout: 30_000 });
    await b.page.getByTestId('live-badge').waitFor({ timeout: 5000 });
    // the same page, resumed: a new ticket still arrives live
    await expectTicketOnWall(b.page, await fileTicket());
    // refused connections while the server was down were the point of the test; nothing else may fail
    b.problems.consoleErrors.splice(before.consoleErrors);
    b.problems.failedRequests.splice(before.failedRequests);
    expect(b.problemList()).toEqual([]);
  });

  it('at 3840×2160 shows the same content at twice the size', async () => {
    // a second screen needs a token of its own: the first one is bound to the 1920×1080 screen
    const { token } = await api<{ token: string }>(admin, '/api/admin/kiosks', { screen: '4K 大屏' });
    const big = await openBrowser({ baseUrl: url, viewport: { width: 3840, height: 2160 } });
    try {
      await big.page.goto(`${url}/wall?kiosk=${encodeURIComponent(token)}&interval=600`);
      await waitForWall(big.page, 110_000);
      await expectRealDistricts(big.page);
      await expectFiguresMatchApi(big.page);
      await big.page.getByTestId('live-badge').waitFor({ timeout: 60_000 });
      // everything scales with the viewport: the title is twice as tall as at 1920×1080
      const h = await big.page.locator('.wall h1').evaluate((el) => el.getBoundingClientRect().height);
      const small = await b.page.locator('.wall h1').evaluate((el) => el.getBoundingClientRect().height);
      expect(h / small).toBeGreaterThan(1.9);
      expect(h / small).toBeLessThan(2.1);
      await big.screenshot('wall-3840x2160');
      // English: names not cut
      await big.page.evaluate(() => localStorage.setItem('hotline.locale', 'en'));
      await big.page.reload();
      await waitForWall(big.page, 110_000);
      await big.screenshot('wall-3840x2160-en');
      expect(big.problemList()).toEqual([]);
    } finally {
      await big.close();
    }
  }, 180_000);
});
