// Headless Chromium for e2e tests: WebGL through SwiftShader (no GPU on CI), every console
// error, page error, failed request and off-origin request recorded so a test can fail on
// any of them, and screenshots saved under tests/artifacts/ (gitignored).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ARTIFACTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  // software WebGL2: MapLibre and deck.gl need it and CI machines have no GPU
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  // keep the browser itself off the network, so "offline by design" is what we test
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

/**
 * What only the test runs add (VITEST is set in vitest's workers; `npm run bench` measures the
 * browser as configured above). Without a GPU, Chromium's compositor drawing the page through
 * SwiftShader costs more than its software compositor: a screenshot of a page with a map took
 * 1.5-10 s instead of 0.2-1.7 s on the busy 2-core machine. The maps (WebGL) still draw through
 * SwiftShader and are in every screenshot.
 */
const TEST_ONLY_ARGS = ['--disable-gpu-compositing'];

/**
 * In test runs, a window at least 2560 px wide reports devicePixelRatio 0.5, so MapLibre and
 * deck.gl draw their WebGL canvases at half the width and height (a quarter of the pixels) and
 * the canvas is scaled up to its CSS size. Layout, CSS pixels and all DOM text are untouched
 * (Chromium renders at deviceScaleFactor 1); at 3840×2160 a map is what SwiftShader spends most
 * of its time on (a 4K workspace took 27 s to ready, 13 s so). ECharts keeps its own floor of 1.
 */
const WIDE_MAP_PIXEL_RATIO = `Object.defineProperty(window, 'devicePixelRatio', {
  configurable: true,
  get: () => (window.innerWidth >= 2560 ? 0.5 : 1),
});`;

export interface BrowserProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  /** requests that left the app's origin: the dashboard must work offline */
  externalRequests: string[];
}

export interface E2EBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  problems: BrowserProblems;
  /** all problems as lines; empty when the page behaved */
  problemList(): string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Put a client's session cookies into a browser context, as the login page would have. */
export async function addSession(context: BrowserContext, url: string, client: { cookie: string }): Promise<void> {
  const pairs = client.cookie.split(';').map((p) => p.trim().split('=') as [string, string]);
  await context.addCookies(
    pairs.map(([name, value]) => ({ name, value, url, httpOnly: name === 'hl_session', sameSite: 'Strict' as const })),
  );
}

const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: process.env.VITEST ? [...CHROMIUM_ARGS, ...TEST_ONLY_ARGS] : CHROMIUM_ARGS,
  });

/**
 * In test runs the browsers a file opens at the same time are contexts of one Chromium process
 * (each with its own cookies, storage and cache, as separate browsers would have): a launch costs
 * 1-2.5 s on a busy machine. The process closes with its last context. Benches launch their own.
 */
let shared: { browser: Promise<Browser>; users: number } | undefined;

async function acquireBrowser(): Promise<Browser> {
  if (!process.env.VITEST) return launch();
  shared ??= { browser: launch(), users: 0 };
  shared.users++;
  return shared.browser;
}

async function releaseBrowser(browser: Browser, context: BrowserContext): Promise<void> {
  if (!shared) return browser.close();
  await context.close();
  if (--shared.users === 0) {
    shared = undefined;
    await browser.close();
  }
}

export async function openBrowser(opts: {
  baseUrl: string;
  viewport?: { width: number; height: number };
  locale?: string;
  /** a signed-in client whose session the browser starts with (tests/e2e/session.ts) */
  session?: { cookie: string };
}): Promise<E2EBrowser> {
  const browser = await acquireBrowser();
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  if (process.env.VITEST) await context.addInitScript(WIDE_MAP_PIXEL_RATIO);
  const origin = new URL(opts.baseUrl).origin;
  if (opts.session) await addSession(context, origin, opts.session);
  const problems: BrowserProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: [] };

  // Abort anything not served by our own server (CDNs, fonts, tiles) and record it.
  await context.route(
    (url) => url.origin !== origin && !['data:', 'blob:'].includes(url.protocol),
    async (route) => {
      problems.externalRequests.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );

  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error')
      problems.consoleErrors.push(`${msg.text()} @ ${msg.location().url}:${msg.location().lineNumber}`);
  });
  page.on('pageerror', (err) => problems.pageErrors.push(err.stack ?? err.message));
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? 'failed';
    // requests superseded by a newer filter are aborted on purpose (AbortController), and so are
    // base-map range reads for tiles the map no longer shows and a page's own scripts (the map's
    // worker) still loading when the test navigates on
    if (reason === 'net::ERR_ABORTED' && /\/(api|basemap|assets)\//.test(new URL(req.url()).pathname)) return;
    if (reason === 'net::ERR_BLOCKED_BY_CLIENT') return; // already in externalRequests
    problems.failedRequests.push(`${req.method()} ${req.url()}: ${reason}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400)
      problems.failedRequests.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
  });

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  let closing: Promise<void> | undefined; // closing twice is closing once
  return {
    browser,
    context,
    page,
    problems,
    problemList: () => [
      ...problems.consoleErrors.map((e) => `console error: ${e}`),
      ...problems.pageErrors.map((e) => `page error: ${e}`),
      ...problems.failedRequests.map((e) => `failed request: ${e}`),
      ...problems.externalRequests.map((e) => `external request: ${e}`),
    ],
    async screenshot(name: string) {
      const path = resolve(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => (closing ??= releaseBrowser(browser, context)),
  };
}

/** Resolves when the map has drawn districts and ticket points (see MapView's test hook). */
export async function waitForMapReady(page: Page, timeout = 60_000): Promise<number> {
  await page.waitForFunction(() => document.body.dataset.mapReady === '1', undefined, { timeout, polling: 100 });
  return Number(await page.evaluate(() => document.body.dataset.ticketCount));
}
