// Issue 6's budget: 500,000 ticket points delivered and drawn in the browser in under 3 s with
// under 10 MB transferred. Measured in headless Chromium against the real server and page: the
// workspace in point mode switches to a window holding every ticket; the clock runs from the
// start of the points request to the frame that first draws them (the click-to-draw time is
// printed too), and the bytes are what crossed the wire for /api/tickets/points.
import { chromium, type Page } from 'playwright-core';
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { listen } from '../../server/listen.ts';
import { DIST_DIR, ensureWebBuilt } from '../../server/webBuild.ts';
import { row } from './machine.ts';
import { over, signIn } from '../helpers/auth.ts';

const TARGET_MS = 3000;
const TARGET_BYTES = 10 * 2 ** 20;

async function pointsDrawn(page: Page, atLeast: number, timeout = 120_000): Promise<number> {
  await page.waitForFunction((n) => Number(document.body.dataset.pointsDrawn ?? 0) >= n, atLeast, {
    timeout,
    polling: 16,
  });
  return Number(await page.evaluate(() => document.body.dataset.pointsDrawn));
}

export interface PointsBenchResult {
  points: number;
  /** from the points request's start to the frame that drew them */
  ms: number;
  /** from the click on "13 months" (includes the browser's input latency on a loaded machine) */
  clickMs: number;
  bytes: number;
  rawBytes: number;
  requestMs: number;
}

/** `db` must hold at least `minTickets` located tickets within 13 months of its latest. */
export async function run(
  db: Database,
  opts: { minTickets?: number; rounds?: number } = {},
): Promise<PointsBenchResult> {
  const minTickets = opts.minTickets ?? 500_000;
  await ensureWebBuilt();
  const server = await listen(createApp({ db, staticDir: DIST_DIR }), 0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    // A city analyst's session, signed in through the API, carried by the browser.
    const analyst = await signIn(over(server.url), db, { role: 'analyst' });
    await page.context().addCookies(
      analyst.cookie.split('; ').map((pair) => {
        const [name, value] = pair.split('=') as [string, string];
        return { name, value, url: server.url };
      }),
    );
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const wire = new Map<string, { url: string; bytes: number; raw: number }>();
    cdp.on('Network.responseReceived', (e) => wire.set(e.requestId, { url: e.response.url, bytes: 0, raw: 0 }));
    cdp.on('Network.dataReceived', (e) => {
      const w = wire.get(e.requestId);
      if (w) w.raw += e.dataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const w = wire.get(e.requestId);
      if (w) w.bytes = e.encodedDataLength;
    });

    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.mapReady === '1', undefined, { timeout: 120_000 });
    await page.click('[data-testid="map-mode"] [data-value="points"]');
    await pointsDrawn(page, 1);

    const results: PointsBenchResult[] = [];
    for (let i = 0; i < (opts.rounds ?? 3); i++) {
      // back to a small window, then the clock runs for the whole year
      await page.click('[data-range="7d"]');
      await page.waitForFunction(() => document.body.dataset.mapReady === '1', undefined, { timeout: 120_000 });
      wire.clear();
      await page.evaluate(() => performance.clearResourceTimings());
      // Clicked from inside the page and timed on the page's own clock: Playwright's click first
      // waits for the button to sit still over two animation frames, and with half a million
      // points each frame of headless software WebGL is slow, which is not what a user waits for.
      const clickAt = await page.evaluate(() => {
        const t = performance.now();
        (document.querySelector('[data-range="13m"]') as HTMLElement).click();
        return t;
      });
      const points = await pointsDrawn(page, minTickets);
      const ms = Number(await page.evaluate(() => document.body.dataset.pointsDrawnAt)) - clickAt;
      const req = [...wire.values()].find((w) => w.url.includes('/api/tickets/points'));
      // the page stamps the frame that first drew the points (WorkspaceMap's bench hook)
      const t = await page.evaluate(() => {
        const e = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/tickets/points')) as
          PerformanceResourceTiming | undefined;
        const drawnAt = Number(document.body.dataset.pointsDrawnAt);
        return e
          ? { requestMs: e.responseEnd - e.startTime, deliveredDrawnMs: drawnAt - e.startTime }
          : { requestMs: NaN, deliveredDrawnMs: NaN };
      });
      results.push({
        points,
        ms: t.deliveredDrawnMs,
        clickMs: ms,
        bytes: req?.bytes ?? NaN,
        rawBytes: req?.raw ?? NaN,
        requestMs: t.requestMs,
      });
    }
    const best = results.reduce((a, b) => (b.ms < a.ms ? b : a));
    const median = [...results].sort((a, b) => a.ms - b.ms)[Math.floor(results.length / 2)]!;
    row(
      '  each round',
      results.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(' '),
      `request ${results.map((r) => (r.requestMs / 1000).toFixed(2)).join(' ')} s; from the click ${results.map((r) => (r.clickMs / 1000).toFixed(2)).join(' ')} s`,
    );
    row(
      `ticket points delivered + drawn (${best.points.toLocaleString('en')})`,
      `${(median.ms / 1000).toFixed(2)} s`,
      `median of ${results.length}; best ${(best.ms / 1000).toFixed(2)} s; target < ${TARGET_MS / 1000} s`,
    );
    row('  of which the points request', `${(median.requestMs / 1000).toFixed(2)} s`, 'server query + transfer');
    row(
      '  bytes transferred for the points',
      `${(median.bytes / 2 ** 20).toFixed(2)} MB`,
      `on the wire, headers included; target < ${TARGET_BYTES / 2 ** 20} MB`,
    );
    return median;
  } finally {
    await browser.close();
    await server.close();
  }
}
