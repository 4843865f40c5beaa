// A second city in a real browser: New York City's package (data/cities/nyc: English, America/
// New_York with daylight saving, boroughs → community districts) imported into PGlite with a demo
// year, and nothing of Beijing anywhere on the pages. Every map fits New York, times are New York
// time although the browser runs in Shanghai, titles say New York City, levels are named as the
// city names them, and English is the default language. Screenshots of the workspace, ranking and
// wall at 1920×1080 and 1366×768 go to .data/screenshots/ (gitignored) to be looked at.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CityInfo } from '../../server/city.ts';
import { deactivateCity } from '../../server/city.ts';
import { cityDir, startCityTestServer, type RunningServer } from '../helpers/testServer.ts';
import { openBrowser, waitForMapReady, type E2EBrowser } from './browser.ts';
import { apiAs, DEMO_KIOSK, getJson } from './session.ts';
import type { Client } from '../helpers/auth.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../.data/screenshots/', import.meta.url));
const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
] as const;

/** Two instants whose New York wall time is known by hand: one in daylight time, one in standard time. */
const SUMMER = { at: '2025-07-04T16:05:00Z', date: '07/04/2025', time: '12:05' }; // EDT, UTC−4 (Shanghai: 07/05 00:05)
const WINTER = { at: '2025-01-15T03:30:00Z', date: '01/14/2025', time: '22:30' }; // EST, UTC−5 (Shanghai: 01/15 11:30)

let server: RunningServer;
let admin: Client;
let city: CityInfo;
const filed: Record<'summer' | 'winter', number> = { summer: 0, winter: 0 };

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startCityTestServer({ city: cityDir('nyc'), tickets: 3000, seed: 11 });
  admin = await apiAs(server.url, 'admin');
  city = (await getJson<{ city: CityInfo }>(admin, '/api/config')).city;
  const cats = await getJson<{ categories: { code: string }[] }>(admin, '/api/categories');
  for (const [key, when] of [
    ['summer', SUMMER],
    ['winter', WINTER],
  ] as const) {
    // a point in Midtown Manhattan, filed through the normal intake with the time it came in
    const body = {
      kind: 'complaint',
      channel: 'phone',
      category: cats.categories[0]!.code,
      lon: -73.9857,
      lat: 40.7484,
      receivedAt: when.at,
      description: 'e2e: a known instant',
    };
    filed[key] = (
      await getJson<{ id: number }>(admin, '/api/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).id;
  }
});

afterAll(async () => {
  await server?.stop();
  deactivateCity();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** What a map frames, from its container's test hook (web/map/maplibre.ts exposeView). */
async function viewOf(
  page: Page,
  selector: string,
): Promise<{ center: [number, number]; bounds: [number, number, number, number] }> {
  const el = page.locator(`${selector} [data-center], ${selector}[data-center]`).first();
  await el.waitFor({ state: 'attached', timeout: 30_000 });
  const center = (await el.getAttribute('data-center'))!.split(',').map(Number) as [number, number];
  const bounds = (await el.getAttribute('data-bounds'))!.split(',').map(Number) as [number, number, number, number];
  return { center, bounds };
}

/** The map is on New York: its centre inside the city's bounds, and (`whole`) the city, not the world, filling it. */
async function expectFramesNyc(page: Page, selector: string, whole = true): Promise<void> {
  const [[w, s], [e, n]] = city.bounds!;
  await expect
    .poll(
      async () => {
        const { center } = await viewOf(page, selector);
        return center[0] > w && center[0] < e && center[1] > s && center[1] < n;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  if (!whole) return;
  const { bounds } = await viewOf(page, selector);
  const width = bounds[2] - bounds[0];
  expect(width).toBeGreaterThan((e - w) * 0.4);
  expect(width).toBeLessThan((e - w) * 8);
}

describe('New York City: the city comes from its package, not from the code', () => {
  it('serves the package as the city: names, zone, levels, bounds, language', () => {
    expect(city.code).toBe('nyc');
    expect(city.timeZone).toBe('America/New_York');
    expect(city.locale).toBe('en');
    expect(city.levels.map((l) => l.names.local)).toEqual(['Borough', 'Community district']);
    const [[w, s], [e, n]] = city.bounds!;
    expect([w, s, e, n].map(Math.round)).toEqual([-74, 40, -74, 41]);
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;

    describe(`at ${size}`, () => {
      let b: E2EBrowser;
      beforeAll(async () => {
        // a Chinese browser in Shanghai: neither may leak into a New York page
        b = await openBrowser({ baseUrl: server.url, session: admin, viewport, locale: 'zh-CN' });
      });
      afterAll(async () => {
        await b?.close();
      });

      it('workspace: English by default, New York titles and levels, the map on New York', async () => {
        const { page } = b;
        await page.goto(`${server.url}/`);
        await waitForMapReady(page);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
        expect(await page.locator('.app-header .subtitle-text').textContent()).toContain('New York City');
        expect(await page.locator('.map-canvas').getAttribute('aria-label')).toBe(
          'Map of hotline tickets in New York City',
        );
        expect(await page.getByTestId('breadcrumbs').textContent()).toContain('New York City');
        expect(await page.locator('#children-heading').textContent()).toBe('Tickets by borough');
        expect(await page.locator('#count-legend-heading').textContent()).toContain('Borough');
        expect(await page.getByTestId('data-provenance').textContent()).toContain('NYC Department of City Planning');
        await expectFramesNyc(page, '.map-canvas');
        const body = (await page.locator('body').textContent()) ?? '';
        for (const word of ['Beijing', '北京', 'Street/township', 'Streets & towns']) expect(body).not.toContain(word);
        await shot(page, `nyc-workspace-${size}`);

        // into Manhattan: its community districts, named as the city names them
        await page.locator('[data-testid="child-list"] button[data-code="1"]').click();
        await page.waitForTimeout(150);
        await waitForMapReady(page);
        expect(await page.locator('[data-testid="breadcrumbs"] strong small').textContent()).toBe('Borough');
        expect(await page.locator('#children-heading').textContent()).toBe('Tickets by community district');
        expect(await page.getByTestId('child-list').getAttribute('data-level')).toBe('street');
        await expectFramesNyc(page, '.map-canvas');
        await shot(page, `nyc-workspace-manhattan-${size}`);
        expect(b.problemList()).toEqual([]);
      });

      it('ranking: boroughs and community districts, the map on New York', async () => {
        const { page } = b;
        await page.goto(`${server.url}/ranking`);
        await page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 60_000 });
        const tabs = await page.getByTestId('table-picker').locator('button').allTextContents();
        expect(tabs.map((x) => x.trim()).slice(0, 2)).toEqual(['Community districts', 'Boroughs']);
        expect(await page.locator('.map-head h3').textContent()).toBe('Community districts');
        await expectFramesNyc(page, '[data-testid="ranking-map"]');
        await shot(page, `nyc-ranking-${size}`);
        await page.getByTestId('table-picker').locator('button', { hasText: 'Boroughs' }).click();
        await page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 60_000 });
        await expect.poll(() => page.getByTestId('ranking-row').count()).toBe(5);
        await expectFramesNyc(page, '[data-testid="ranking-map"]');
        await shot(page, `nyc-ranking-boroughs-${size}`);
        expect(b.problemList()).toEqual([]);
      });
    });
  }

  it('shows a ticket’s time in New York time, daylight saving or not, in a browser set to Shanghai', async () => {
    const b = await openBrowser({ baseUrl: server.url, session: admin });
    try {
      for (const [key, when] of [
        ['summer', SUMMER],
        ['winter', WINTER],
      ] as const) {
        await b.page.goto(`${server.url}/tickets/${filed[key]}`);
        const received = b.page.getByTestId('ticket-received');
        await received.waitFor({ timeout: 30_000 });
        const text = (await received.textContent())!;
        expect(text).toContain(when.date);
        expect(text).toContain(when.time);
        // its map drawn before the next page (leaving earlier aborts the map's worker load)
        await b.page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]', { timeout: 60_000 });
      }
      // the ticket's own map is on New York too (framing the ticket's community district)
      await expectFramesNyc(b.page, '[data-testid="ticket-map"]', false);
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('keeps a language the user chose: Chinese names of the city and its levels', async () => {
    const b = await openBrowser({ baseUrl: server.url, session: admin, viewport: { width: 1366, height: 768 } });
    try {
      await b.page.goto(`${server.url}/ranking`);
      await b.page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 60_000 });
      await b.page.click('[data-locale="zh-CN"]');
      await b.page.reload();
      await b.page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 60_000 });
      expect(await b.page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      const tabs = await b.page.getByTestId('table-picker').locator('button').allTextContents();
      expect(tabs.map((x) => x.trim()).slice(0, 2)).toEqual(['社区委员会辖区', '行政区']);
      expect(await b.page.locator('.app-header .subtitle-text').textContent()).toContain('纽约市');
      expect(b.problemList()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    it(`wall at ${size}: New York title, clock in New York time, the map on New York`, async () => {
      const b = await openBrowser({ baseUrl: server.url, viewport });
      try {
        if (viewport.width !== 1920) {
          // the demo kiosk token binds to the first screen; this second one is signed in as a wall
          const { token } = await getJson<{ token: string }>(admin, '/api/admin/kiosks', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ screen: `e2e ${size}` }),
          });
          await b.page.goto(`${server.url}/wall?kiosk=${encodeURIComponent(token)}&interval=600`);
        } else {
          await b.page.goto(`${server.url}/wall?kiosk=${encodeURIComponent(DEMO_KIOSK.token)}&interval=600`);
        }
        await b.page.waitForFunction(() => document.body.dataset.wallReady === '1', undefined, {
          timeout: 90_000,
          polling: 200,
        });
        expect(await b.page.locator('.wall h1').textContent()).toBe(
          '12345 Hotline · New York City Operations Command Wall',
        );
        expect(await b.page.getByTestId('scene-title').textContent()).toContain('New York City');
        expect(await b.page.locator('.wall .ranking h2').textContent()).toMatch(/^Borough ranking/);
        // the clock: New York's hour and minute (either side of a minute turning over)
        const clock = (await b.page.getByTestId('wall-clock').textContent())!;
        const ny = (ms: number) =>
          new Intl.DateTimeFormat('en-US', {
            timeZone: 'America/New_York',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }).format(ms);
        expect([ny(Date.now()), ny(Date.now() - 60_000)]).toContain(clock.slice(0, 5));
        await expectFramesNyc(b.page, '[data-testid="wall-map"]');
        const body = (await b.page.locator('body').textContent()) ?? '';
        for (const word of ['Beijing', '北京']) expect(body).not.toContain(word);
        await shot(b.page, `nyc-wall-${size}`);
        expect(b.problemList()).toEqual([]);
      } finally {
        await b.close();
      }
    });
  }
});
