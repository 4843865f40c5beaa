// The main pages at the four screen sizes of issue 16 (1440×900, 1366×768, 1920×1080, 3840×2160)
// in both languages, saved under tests/artifacts/screens-<page>-<size>-<lang>.png for people to look
// at. One server, one browser, one page resized between sizes; each shot waits for its page's own
// ready mark. The checks are the ones a look at every size needs: no console error, nothing fetched
// from outside, no horizontal scrollbar, and the header title shown whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, waitForMapReady, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, getJson } from './session.ts';

const SIZES = [
  [1440, 900],
  [1366, 768],
  [1920, 1080],
  [3840, 2160],
] as const;
const LANGS = ['zh-CN', 'en'] as const;

let server: RunningServer;
let b: E2EBrowser;
let ticketId: number;

beforeAll(async () => {
  server = await startServerForE2E();
  const admin = await apiAs(server.url, 'admin');
  const q = await getJson<{ tickets: { id: number }[] }>(admin, '/api/queue?kind=overdue&limit=1');
  ticketId = q.tickets[0]!.id;
  b = await openBrowser({ baseUrl: server.url, session: admin });
});

afterAll(async () => {
  await b?.close();
  await server?.stop();
});

const PAGES: { name: string; path: () => string; ready: (page: Page) => Promise<unknown> }[] = [
  {
    name: 'wall',
    path: () => '/wall?interval=600',
    ready: (page) =>
      page.waitForFunction(() => document.body.dataset.wallReady === '1', undefined, { timeout: 90_000, polling: 200 }),
  },
  { name: 'workspace', path: () => '/', ready: (page) => waitForMapReady(page) },
  {
    name: 'queue',
    path: () => '/queue?tab=overdue',
    ready: (page) => page.getByTestId('queue-row').first().waitFor({ timeout: 60_000 }),
  },
  {
    name: 'ranking',
    path: () => '/ranking',
    ready: (page) => page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 60_000 }),
  },
  {
    name: 'studio',
    path: () => '/studio',
    ready: (page) =>
      page
        .waitForSelector('[data-testid="tab-hotspots"][data-state="ready"]', { timeout: 60_000 })
        .then(() => page.waitForSelector('[data-testid="studio-map"][data-ready="1"]', { timeout: 60_000 })),
  },
  {
    name: 'ticket',
    path: () => `/tickets/${ticketId}`,
    ready: (page) => page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]', { timeout: 60_000 }),
  },
];

describe.each(LANGS)('%s', (lang) => {
  beforeAll(async () => {
    await b.page.goto(`${server.url}/login`);
    await b.page.evaluate((l) => localStorage.setItem('hotline.locale', l), lang);
  });

  it.each(SIZES)(
    '%i×%i: every main page saved, readable and whole',
    async (width, height) => {
      const { page } = b;
      const odd: string[] = [];
      await page.setViewportSize({ width, height });
      for (const p of PAGES) {
        await page.goto(`${server.url}${p.path()}`);
        await p.ready(page);
        const size = `${width}x${height}`;
        await b.screenshot(`screens-${p.name}-${size}-${lang === 'en' ? 'en' : 'zh'}`);
        const where = `${p.name} ${size} ${lang}`;
        const layout = await page.evaluate(() => {
          const h1 = document.querySelector<HTMLElement>('.app-header h1');
          return {
            scrollX: document.documentElement.scrollWidth > window.innerWidth + 1,
            // the title is cut (an ellipsis) when its box is narrower than its text
            titleCut: h1 ? h1.scrollWidth > h1.clientWidth + 1 : false,
          };
        });
        if (layout.scrollX) odd.push(`${where}: horizontal scrollbar`);
        if (layout.titleCut) odd.push(`${where}: header title cut`);
      }
      expect(odd).toEqual([]);
      expect(b.problemList()).toEqual([]);
      // six pages with maps and analyses per size: more than one ordinary test's time on a busy machine
    },
    300_000,
  );
});
