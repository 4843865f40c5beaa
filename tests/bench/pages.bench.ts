// Benchmark: the office pages' budgets of issue 16 on the `npm start` demo — workspace map ready
// (districts and counts drawn: body[data-map-ready="1"]) and each studio tab ready (its analysis
// answered and drawn: [data-testid="tab-X"][data-state="ready"]), timed from navigation start in a
// fresh headless Chromium each time (cold browser cache), beside a same-run baseline: the sign-in
// page, which loads the same bundle and draws no data. Target: < 3 s each. The first studio run
// meets a server that has not computed the analysis yet; later runs read its short-lived cache.
import { openBrowser } from '../e2e/browser.ts';
import { loadNow } from './machine.ts';

export interface PageTiming {
  name: string;
  /** ms from navigation start to ready, per cold browser */
  ms: number[];
  /** the machine's 1-minute load average when each run ended */
  load: string[];
  medianMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const STUDIO_TABS = ['hotspots', 'emerging', 'clusters', 'topics', 'forecast'] as const;

async function timeOnce(
  base: string,
  path: string,
  ready: string,
  session: { cookie: string } | undefined,
): Promise<number> {
  const b = await openBrowser({ baseUrl: base, viewport: { width: 1920, height: 1080 }, session });
  try {
    // the clock is the page's own (performance.now() from navigation start): wait only for the commit
    await b.page.goto(`${base}${path}`, { waitUntil: 'commit', timeout: 180_000 });
    const handle = await b.page.waitForFunction(
      (sel) => document.querySelector(sel) !== null && performance.now(),
      ready,
      { timeout: 180_000, polling: 'raf' },
    );
    const ms = Math.round(Number(await handle.jsonValue()));
    const problems = b.problemList();
    if (problems.length) throw new Error(`pages bench: ${path} misbehaved:\n${problems.join('\n')}`);
    return ms;
  } finally {
    await b.close();
  }
}

export async function run(opts: {
  url: string;
  /** a signed-in administrator (sees every page) */
  session: { cookie: string };
  runs?: number;
  log?: (s: string) => void;
}): Promise<PageTiming[]> {
  const base = opts.url.replace(/\/$/, '');
  const log = opts.log ?? (() => {});
  const cases: { name: string; path: string; ready: string; session?: { cookie: string } }[] = [
    { name: 'baseline: sign-in page drawn (same bundle, no data)', path: '/login', ready: 'form input' },
    { name: 'workspace map ready', path: '/', ready: 'body[data-map-ready="1"]', session: opts.session },
    ...STUDIO_TABS.map((tab) => ({
      name: `studio tab ${tab} ready`,
      path: `/studio?tab=${tab}`,
      ready: `[data-testid="tab-${tab}"][data-state="ready"]`,
      session: opts.session,
    })),
  ];
  const out: PageTiming[] = [];
  for (const c of cases) {
    const ms: number[] = [];
    const load: string[] = [];
    for (let i = 0; i < (opts.runs ?? 3); i++) {
      // a page that never gets ready counts as failed (Infinity), and the others are still measured
      ms.push(await timeOnce(base, c.path, c.ready, c.session).catch(() => Number.POSITIVE_INFINITY));
      load.push(loadNow());
      const target = c.name.startsWith('baseline')
        ? ''
        : ms.at(-1)! < 3000
          ? '  (< 3 s: met)'
          : '  (target < 3 s: NOT met)';
      log(`  ${c.name}, run ${i + 1}: ${ms.at(-1)} ms${target}, ${load.at(-1)}`);
    }
    out.push({ name: c.name, ms, load, medianMs: median(ms) });
  }
  return out;
}
