// The city map dashboard in a real browser against the real server: districts and points drawn,
// figures that match the API, the language switch, and screenshots for a laptop and a wall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, waitForMapReady, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, api } from './session.ts';
import type { Client } from '../helpers/auth.ts';

let server: RunningServer;
/** the administrator: the whole city */
let client: Client;

beforeAll(async () => {
  server = await startServerForE2E();
  client = await apiAs(server.url, 'admin');
});

afterAll(async () => {
  await server?.stop();
});

/** The exact window the page asked the API for (AppHeader exposes it for this purpose). */
async function pageRange(page: Page): Promise<{ from: string; to: string }> {
  const el = page.getByTestId('range-span');
  const from = await el.getAttribute('data-from');
  const to = await el.getAttribute('data-to');
  if (!from || !to) throw new Error('the page shows no time range');
  return { from, to };
}

async function pointCount(query: string): Promise<number> {
  const res = await client.request(`/api/tickets/points?${query}`);
  if (!res.ok) throw new Error(`points: HTTP ${res.status}`);
  return new DataView(await res.arrayBuffer()).getUint32(0, true);
}

const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

describe('city map dashboard', () => {
  let b: E2EBrowser;

  afterAll(async () => {
    await b?.close();
  });

  it('draws the districts and exactly the ticket points the API returns', async () => {
    b = await openBrowser({ baseUrl: server.url, session: client, viewport: { width: 1440, height: 900 } });
    await b.page.goto(server.url);
    await waitForMapReady(b.page);
    // the workspace opens on counts by area; ticket points are one click away
    await b.page.click('[data-testid="map-mode"] [data-value="points"]');
    await b.page.waitForTimeout(150);
    const drawn = await waitForMapReady(b.page);

    const { from, to } = await pageRange(b.page);
    const q = new URLSearchParams({ from, to }).toString();
    expect(drawn).toBe(await pointCount(q));
    expect(drawn).toBeGreaterThan(0);
    expect(await b.page.locator('[data-ticket-count]').first().getAttribute('data-ticket-count')).toBe(String(drawn));

    const summary = await api<{ total: number; byDistrict: { name: string }[] }>(client, `/api/summary?${q}`);
    const total = b.page.getByTestId('figure-total');
    expect(Number(await total.getAttribute('data-value'))).toBe(summary.total);
    expect(digits(await total.textContent())).toBe(summary.total);

    for (const name of ['朝阳区', '海淀区', ...summary.byDistrict.map((d) => d.name)]) {
      await expect
        .poll(() => b.page.getByText(name, { exact: true }).first().isVisible(), { message: name })
        .toBe(true);
    }
    await expect.poll(() => b.page.getByTestId('data-notice').isVisible()).toBe(true);
    await b.screenshot('map-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('draws the base map under our layers, fetched by range requests from our own server', async () => {
    const ranges: number[] = [];
    const onResponse = (res: { url(): string; status(): number }) => {
      if (res.url().endsWith('/basemap/city.pmtiles')) ranges.push(res.status());
    };
    b.page.on('response', onResponse);
    await b.page.reload();
    await waitForMapReady(b.page);
    await b.page.locator('.maplibregl-map[data-basemap="loaded"]').waitFor();
    b.page.off('response', onResponse);
    // the header and root directory, then tiles: every answer a 206
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ranges)).toEqual(new Set([206]));
    await b.screenshot('map-basemap-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('switches to English and remembers the choice', async () => {
    await b.page.click('[data-locale="en"]');
    await expect.poll(() => b.page.getByRole('heading', { name: 'This period vs previous' }).isVisible()).toBe(true);
    await expect.poll(() => b.page.getByRole('heading', { level: 1 }).textContent()).toContain('City Operations Map');
    await expect.poll(() => b.page.evaluate(() => document.documentElement.lang)).toBe('en');

    await b.page.reload();
    await waitForMapReady(b.page);
    await expect.poll(() => b.page.getByRole('heading', { name: 'Tickets by district' }).isVisible()).toBe(true);
    await b.screenshot('map-1440x900-en');
    expect(b.problemList()).toEqual([]);
  });

  it('fits a 1920×1080 display without overlap', async () => {
    const wall = await openBrowser({ baseUrl: server.url, session: client, viewport: { width: 1920, height: 1080 } });
    try {
      await wall.page.goto(server.url);
      await waitForMapReady(wall.page);
      // the legend and the player sit inside the map and clear of each other
      const legend = (await wall.page.getByTestId('count-legend').boundingBox())!;
      const player = (await wall.page.getByTestId('player').boundingBox())!;
      const map = (await wall.page.locator('.map-area').boundingBox())!;
      for (const box of [legend, player]) {
        expect(
          box.x >= map.x &&
            box.y >= map.y &&
            box.x + box.width <= map.x + map.width &&
            box.y + box.height <= map.y + map.height,
        ).toBe(true);
      }
      expect(legend.y + legend.height <= player.y || player.x >= legend.x + legend.width).toBe(true);
      await wall.screenshot('map-1920x1080-zh');
      expect(wall.problemList()).toEqual([]);
    } finally {
      await wall.close();
    }
  });
});
