// The officials' workspace at 1440×900 in a real browser against the real server: drill-down
// city → district → street → grid → tickets, filters driving map and figures together, time
// playback with one colour scale, the follow-up lists, and the CSV/XLSX/PNG downloads.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, waitForMapReady, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, api } from './session.ts';
import type { Client } from '../helpers/auth.ts';
import { countBreaks } from '../../web/map/workspaceChoropleth.ts';

let server: RunningServer;
let b: E2EBrowser;
/** the administrator sees the whole city, as the workspace's city-wide checks need */
let client: Client;

beforeAll(async () => {
  server = await startServerForE2E();
  client = await apiAs(server.url, 'admin');
  b = await openBrowser({ baseUrl: server.url, session: client, viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await b?.close();
  await server?.stop();
});

/** The window the page shows, as the query string the API needs for the same answer. */
async function pageWindow(page: Page, extra: Record<string, string> = {}): Promise<string> {
  const el = page.getByTestId('range-span');
  const from = (await el.getAttribute('data-from'))!;
  const to = (await el.getAttribute('data-to'))!;
  return new URLSearchParams({ from, to, ...extra }).toString();
}

async function settled(page: Page): Promise<void> {
  // the ready flag drops while a new filter loads; give the watcher a tick to lower it first
  await page.waitForTimeout(150);
  await waitForMapReady(page);
}

async function childList(page: Page): Promise<{ level: string; items: [string, number][] }> {
  const list = page.getByTestId('child-list');
  const level = (await list.getAttribute('data-level'))!;
  const items = await list
    .locator('button')
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-code')!, Number(e.getAttribute('data-count'))] as [string, number]),
    );
  return { level, items };
}

async function downloadOf(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
}

describe('officials’ workspace', () => {
  it('drills down city → district → street → grid → tickets with the API’s names and counts', async () => {
    const page = b.page;
    await page.goto(server.url);
    await waitForMapReady(page);
    const q = await pageWindow(page);

    const city = await api(client, `/api/summary?${q}`);
    expect(await childList(page)).toEqual({
      level: 'district',
      items: city.children.items.map((c: any) => [c.code, c.count]),
    });
    expect(Number(await page.getByTestId('figure-total').getAttribute('data-value'))).toBe(city.total);
    // the comparison is with the same length just before
    const from = Date.parse(new URLSearchParams(q).get('from')!);
    const to = Date.parse(new URLSearchParams(q).get('to')!);
    const prev = await api(
      client,
      `/api/summary?from=${new Date(2 * from - to).toISOString()}&to=${new Date(from).toISOString()}`,
    );
    expect(Number(await page.getByTestId('delta-total').getAttribute('data-previous'))).toBe(prev.total);
    expect(Number(await page.getByTestId('delta-total').getAttribute('data-value'))).toBe(city.total - prev.total);
    for (const d of city.children.items.slice(0, 16))
      await expect
        .poll(() => page.getByText(d.name, { exact: true }).first().isVisible(), { message: d.name })
        .toBe(true);
    await b.screenshot('workspace-1440x900-city');

    // hovering an area names it with its count
    const box = (await page.locator('.map-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5);
    await expect.poll(() => page.getByTestId('map-tooltip').isVisible()).toBe(true);
    expect(await page.getByTestId('map-tooltip').textContent()).toMatch(/\d+ 件/);

    const district = city.children.items[0];
    await page.click(`[data-testid="child-list"] [data-code="${district.code}"]`);
    await settled(page);
    const inDistrict = await api(client, `/api/summary?${q}&region=${district.code}`);
    expect(inDistrict.total).toBe(district.count);
    expect(await childList(page)).toEqual({
      level: 'street',
      items: inDistrict.children.items.map((c: any) => [c.code, c.count]),
    });
    expect(await page.getByTestId('breadcrumbs').textContent()).toContain(district.name);
    expect(Number(await page.getByTestId('figure-total').getAttribute('data-value'))).toBe(district.count);
    await b.screenshot('workspace-1440x900-district');

    const street = inDistrict.children.items[0];
    await page.click(`[data-testid="child-list"] [data-code="${street.code}"]`);
    await settled(page);
    const inStreet = await api(client, `/api/summary?${q}&region=${street.code}`);
    expect(await childList(page)).toEqual({
      level: 'grid',
      items: inStreet.children.items.map((c: any) => [c.code, c.count]),
    });
    expect(await page.getByTestId('breadcrumbs').textContent()).toContain(street.name);
    await b.screenshot('workspace-1440x900-street');

    const grid = inStreet.children.items[0];
    await page.click(`[data-testid="child-list"] [data-code="${grid.code}"]`);
    await settled(page);
    const tickets = await api(client, `/api/tickets?${q}&region=${grid.code}&limit=200`);
    expect(Number(await page.getByTestId('grid-tickets-heading').getAttribute('data-total'))).toBe(grid.count);
    expect(tickets.total).toBe(grid.count);
    const links = await page
      .getByTestId('grid-tickets')
      .locator('a')
      .evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(links).toEqual(tickets.items.map((t: any) => `/tickets/${t.id}`));
    await b.screenshot('workspace-1440x900-grid');

    // breadcrumbs go back up; a click on the map drills like the list
    await page.click('[data-testid="breadcrumbs"] [data-depth="0"]');
    await settled(page);
    expect((await childList(page)).level).toBe('district');
    await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
    await settled(page);
    expect((await childList(page)).level).toBe('street');
    await page.click('[data-testid="breadcrumbs"] [data-depth="0"]');
    await settled(page);
    expect(b.problemList()).toEqual([]);
  });

  it('filters change the map, the figures and the follow-up lists together', async () => {
    const page = b.page;
    // a custom window of city dates, both days included
    const last = (await api(client, '/api/summary')).dataRange.last as string;
    const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    const [from, to] = [day(Date.parse(last) - 20 * 86_400_000), day(Date.parse(last) - 6 * 86_400_000)];
    await page.click('[data-range="custom"]');
    await page.fill('[data-testid="custom-from"]', from);
    await page.fill('[data-testid="custom-to"]', to);
    await page.click('[data-testid="custom-apply"]');
    await settled(page);
    const custom = await api(client, `/api/summary?from=${from}&to=${to}`);
    expect(await pageWindow(page)).toBe(new URLSearchParams({ from: custom.from, to: custom.to }).toString());
    expect(Number(await page.getByTestId('figure-total').getAttribute('data-value'))).toBe(custom.total);

    await page.click('[data-range="90d"]');
    await settled(page);
    await page.click('[data-testid="map-mode"] [data-value="points"]');
    await page.selectOption('[data-filter="channel"]', 'wechat');
    await settled(page);
    const q = await pageWindow(page, { channel: 'wechat' });
    const s = await api(client, `/api/summary?${q}`);
    expect(s.total).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('figure-total').getAttribute('data-value'))).toBe(s.total);
    expect(await childList(page)).toEqual({
      level: 'district',
      items: s.children.items.map((c: any) => [c.code, c.count]),
    });
    const points = await client.request(`/api/tickets/points?${q}`);
    expect(Number(await page.evaluate(() => document.body.dataset.ticketCount))).toBe(
      Number(points.headers.get('x-total-count')),
    );
    for (const flag of ['overdue', 'returned']) {
      const list = await api(client, `/api/tickets?${q}&flag=${flag}&limit=1`);
      await expect
        .poll(() => page.getByTestId(`queue-${flag}-total`).getAttribute('data-value'))
        .toBe(String(list.total));
    }
    await b.screenshot('workspace-1440x900-points-wechat');
    await page.click('[data-testid="map-mode"] [data-value="choropleth"]');
    expect(b.problemList()).toEqual([]);
  });

  it('plays months with one colour scale fixed over the whole span', async () => {
    const page = b.page;
    await page.click('[data-range="13m"]');
    await settled(page);
    const q = await pageWindow(page, { channel: 'wechat' });
    const series = await api(client, `/api/summary/series?${q}&step=month`);
    expect(series.buckets.length).toBeGreaterThanOrEqual(13);
    const expected = countBreaks(series.max).join(',');

    await page.getByTestId('player-open').click();
    await expect.poll(() => page.getByTestId('player-label').getAttribute('data-bucket')).toBe(series.buckets[0]);
    expect(await page.getByTestId('count-legend').getAttribute('data-breaks')).toBe(expected);
    await page.getByTestId('player-next').click();
    await expect.poll(() => page.getByTestId('player-label').getAttribute('data-bucket')).toBe(series.buckets[1]);
    expect(await page.getByTestId('count-legend').getAttribute('data-breaks')).toBe(expected);
    // the list beside the map shows the same month's counts as the map
    const month = new Map(series.regions.map((r: any) => [r.code, r.counts[1]]));
    const listed = await childList(page);
    expect(listed.items.length).toBe(16);
    for (const [code, count] of listed.items) expect(count, code).toBe(month.get(code) ?? 0);
    await page.getByTestId('player-play').click();
    await expect
      .poll(() => page.getByTestId('player-label').getAttribute('data-bucket'), { timeout: 10_000 })
      .toBe(series.buckets[3]);
    expect(await page.getByTestId('count-legend').getAttribute('data-breaks')).toBe(expected);
    await page.getByTestId('player-play').click(); // pause
    await b.screenshot('workspace-1440x900-playback');
    await page.getByTestId('player-exit').click();
    expect(b.problemList()).toEqual([]);
  });

  it('downloads the filtered tickets as CSV and XLSX matching the API, and the map as a PNG', async () => {
    const page = b.page;
    const q = await pageWindow(page, { channel: 'wechat' });
    const list = await api(client, `/api/tickets?${q}&limit=1`);
    const known = list.items[0];

    const csv = await downloadOf(page, 'export-csv');
    expect(csv.name).toMatch(/^工单-wechat-\d{4}-\d{2}-\d{2}至\d{4}-\d{2}-\d{2}\.csv$/);
    expect(Array.from(csv.bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['工单号', '受理时间', '诉求类型', '渠道']);
    expect(lines.length - 1).toBe(list.total);
    const row = lines.find((l) => l.startsWith(`${known.id},`))!;
    expect(row).toContain(',微信,');

    const xlsx = await downloadOf(page, 'export-xlsx');
    expect(xlsx.name.endsWith('.xlsx')).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as never);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount - 1).toBe(list.total);
    expect(ws.getRow(1).getCell(1).value).toBe('工单号');
    expect(ws.getRow(ws.rowCount).getCell(1).value).toBe(known.id); // oldest first: the newest is last

    const png = await downloadOf(page, 'export-png');
    expect(png.name.endsWith('.png')).toBe(true);
    expect(Array.from(png.bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const map = (await page.locator('.map-canvas canvas').boundingBox())!;
    expect(png.bytes.readUInt32BE(16)).toBe(Math.round(map.width));
    expect(png.bytes.readUInt32BE(20)).toBeGreaterThan(Math.round(map.height));
    // a real picture of the map, not a blank canvas: many distinct colours in its middle
    const colours = await page.evaluate(async (b64) => {
      const img = await createImageBitmap(
        new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }),
      );
      const c = new OffscreenCanvas(img.width, img.height);
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, Math.floor(img.height / 4), img.width, Math.floor(img.height / 2)).data;
      const set = new Set<number>();
      for (let i = 0; i < d.length; i += 16) set.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return set.size;
    }, png.bytes.toString('base64'));
    expect(colours).toBeGreaterThan(30);
    fs.writeFileSync(
      `${(await b.screenshot('workspace-1440x900-export')).replace(/-export\.png$/, '-map-export.png')}`,
      png.bytes,
    );
    expect(b.problemList()).toEqual([]);
  });
});
