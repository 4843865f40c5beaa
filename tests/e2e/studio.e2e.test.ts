// The planners' studio in a real browser at 1440×900 against the real server (PGlite, Beijing, the
// 20k-ticket demo with planted ground truth): every tab draws what its API returns, the planted
// recurring cluster and topic show up, and the topic brief shows the API's figures and prints
// without the navigation. Fails on any console error or failed request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { readDemoTruth, type DemoTruth } from '../../data/demo/index.ts';
import type {
  ClusterResult,
  EmergingResult,
  ForecastResult,
  HotspotResult,
  RegionHotspotResult,
  TopicResult,
  BacktestResult,
} from '../../web/components/studio/api.ts';
import { ARTIFACTS_DIR, openBrowser, type E2EBrowser } from './browser.ts';
import { startTestServer, type RunningServer } from '../helpers/testServer.ts';
import { apiAs, api } from './session.ts';
import type { Client } from '../helpers/auth.ts';

let server: RunningServer;
let truth: DemoTruth;
let b: E2EBrowser;
/** the city analyst (市级分析员): the studio is planning work */
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  truth = (await readDemoTruth(server.db))!;
  client = await apiAs(server.url, 'planner');
  b = await openBrowser({ baseUrl: server.url, session: client, viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await b?.close();
  await server?.stop();
});

/** Items each deck.gl layer received, once the map has drawn them (StudioMap's test hook). */
async function drawn(page: Page, layer: string): Promise<number> {
  const handle = await page.waitForFunction(
    (id) => {
      const el = document.querySelector('[data-testid="studio-map"][data-ready="1"]') as HTMLElement | null;
      if (!el) return null;
      const counts = JSON.parse(el.dataset.drawn ?? '{}') as Record<string, number>;
      return id in counts ? counts[id] : null;
    },
    layer,
    { timeout: 90_000, polling: 200 },
  );
  return (await handle.jsonValue()) as number;
}

async function tabReady(page: Page, tab: string): Promise<void> {
  await page.waitForSelector(`[data-testid="tab-${tab}"][data-state="ready"]`, { timeout: 90_000 });
}

const metres = (a: [number, number], c: [number, number]) => {
  const k = Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((a[0] - c[0]) * k, a[1] - c[1]) * 111_195;
};

describe('planners’ studio at 1440×900', () => {
  it('draws one hexagon per cell the hot spot API returns, with the seven confidence classes counted in the legend', async () => {
    const expected = await api<HotspotResult>(client, '/api/hotspots?res=8&k=1');
    expect(expected.cells.length).toBeGreaterThan(100);
    await b.page.goto(`${server.url}/studio`);
    await tabReady(b.page, 'hotspots');
    expect(await drawn(b.page, 'hotspot-hexes')).toBe(expected.cells.length);
    for (const bin of ['3', '2', '1', '0', '-1', '-2', '-3']) {
      const item = b.page.locator(`[data-testid="map-legend"] [data-legend-key="bin${bin}"] .count`);
      expect(Number((await item.textContent())!.replace(/,/g, ''))).toBe(expected.bins[bin]);
    }
    // the strongest hot cell with tickets of its own heads the list
    const top = [...expected.cells].filter((c) => c.bin > 0 && c.count > 0).sort((x, y) => y.z - x.z)[0]!;
    expect(await b.page.getByTestId('hotspot-row').first().getAttribute('data-cell')).toBe(top.cell);
    expect(await b.page.locator('[data-nav="studio"]').getAttribute('aria-current')).toBe('page');
    await b.screenshot('studio-hotspots-1440x900-zh');

    // another resolution and neighbourhood: the map follows the API again
    await b.page.locator('[data-testid="hotspot-res"] [data-value="7"]').click();
    await b.page.locator('[data-testid="hotspot-k"] [data-value="2"]').click();
    const r7 = await api<HotspotResult>(client, `/api/hotspots?res=7&k=2&from=${expected.from}&to=${expected.to}`);
    await b.page.waitForSelector(`[data-testid="tab-hotspots"][data-state="ready"][data-cells="${r7.cells.length}"]`, {
      timeout: 60_000,
    });
    expect(await drawn(b.page, 'hotspot-hexes')).toBe(r7.cells.length);
    expect(b.problemList()).toEqual([]);
  });

  it('colours emerging hot spots by the 17 classes, lists all 17 in the legend and shows a cell’s series on click', async () => {
    const expected = await api<EmergingResult>(
      client,
      '/api/hotspots/emerging?res=8&k=1&step=month&steps=12&series=counts',
    );
    await b.page.locator('[data-tab="emerging"]').click();
    await tabReady(b.page, 'emerging');
    expect(await drawn(b.page, 'emerging-hexes')).toBe(expected.cells.length);
    const keys = await b.page
      .locator('[data-testid="map-legend"] [data-legend-key]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-legend-key')));
    expect(keys).toHaveLength(17);
    expect(keys).toEqual(expected.patterns.map((p) => p.id));
    for (const p of expected.patterns) {
      const count = await b.page.locator(`[data-testid="map-legend"] [data-legend-key="${p.id}"] .count`).textContent();
      expect(Number(count!.replace(/,/g, ''))).toBe(p.cells);
    }
    // planted persistent hot spots are reported as such
    expect(expected.patterns.find((p) => p.id === 'persistent_hot')!.cells).toBeGreaterThan(0);
    await b.page.locator('[data-testid="emerging-class"][data-pattern="persistent_hot"] button').click();
    const busiest = expected.cells
      .filter((c) => c.pattern === 'persistent_hot')
      .sort((x, y) => y.total - x.total || (x.cell < y.cell ? -1 : 1))[0]!;
    await b.page.waitForSelector(`[data-testid="emerging-detail"][data-cell="${busiest.cell}"]`);
    await b.page.waitForSelector('[data-testid="emerging-chart"][data-rendered="1"] svg');
    // one bar per step
    expect(await b.page.locator('[data-testid="emerging-chart"] svg path[d]').count()).toBeGreaterThanOrEqual(12);
    await b.page.waitForTimeout(800); // camera flight to the cell
    await b.screenshot('studio-emerging-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('lists every recurring cluster the API finds, the planted roof-leak estate among them, with its monthly timeline', async () => {
    const expected = await api<ClusterResult>(client, '/api/clusters');
    await b.page.locator('[data-tab="clusters"]').click();
    await tabReady(b.page, 'clusters');
    expect(await b.page.getByTestId('cluster-row').count()).toBe(expected.clusters.length);
    expect(await drawn(b.page, 'cluster-markers')).toBe(expected.clusters.length);

    const planted = truth.clusters.find((c) => c.categoryCode === 'property.roof_leak')!;
    const found = expected.clusters.find(
      (c) =>
        c.category.code === planted.categoryCode && metres(c.centroid, planted.centre) <= planted.radiusMetres + 150,
    );
    expect(found, 'planted roof-leak cluster recovered by the API').toBeTruthy();
    expect(found!.pattern).toBe('seasonal');
    const row = b.page.locator(`[data-testid="cluster-row"][data-id="${found!.id}"]`);
    expect(Number(await row.getAttribute('data-tickets'))).toBe(found!.tickets);
    await row.click();
    await b.page.waitForSelector(`[data-testid="cluster-detail"][data-id="${found!.id}"]`);
    await b.page.waitForSelector('[data-testid="cluster-chart"][data-rendered="1"] svg');
    await b.page.waitForTimeout(900);
    await b.screenshot('studio-clusters-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('ranks topic candidates as the API does, with score parts, and maps the first one', async () => {
    const expected = await api<TopicResult>(client, '/api/topics?limit=12');
    await b.page.locator('[data-tab="topics"]').click();
    await tabReady(b.page, 'topics');
    const rows = b.page.getByTestId('topic-row');
    expect(await rows.count()).toBe(expected.candidates.length);
    const shown = await rows.evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute('data-category'),
        Number(e.getAttribute('data-rank')),
        Number(e.getAttribute('data-score')),
      ]),
    );
    expect(shown).toEqual(expected.candidates.map((c) => [c.category.code, c.rank, c.score]));
    // six score parts per candidate
    expect(await rows.first().locator('.stack span').count()).toBe(6);
    // a planted problem (the new gym's prepaid-card refunds, the mall's disputes, …) is a candidate
    const plantedCategories = new Set(truth.hotspots.flatMap((h) => h.categories));
    expect(expected.candidates.some((c) => plantedCategories.has(c.category.code))).toBe(true);
    expect(shown.some(([code]) => plantedCategories.has(code as string))).toBe(true);

    const first = expected.candidates[0]!;
    const where = await api<HotspotResult>(client, first.map.replace('res=8', 'res=7'));
    expect(await drawn(b.page, 'topic-hexes')).toBe(where.cells.filter((c) => c.count > 0).length);
    await b.screenshot('studio-topics-1440x900-zh');

    // an earlier month ranks that month's window, as the API does
    const [y, m] = expected.month.split('-').map(Number);
    const earlier = m === 1 ? `${y! - 1}-12` : `${y}-${String(m! - 1).padStart(2, '0')}`;
    const before = await api<TopicResult>(client, `/api/topics?month=${earlier}&limit=12`);
    await b.page.getByTestId('topic-month').fill(earlier);
    await expect
      .poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-category'))), { timeout: 30_000 })
      .toEqual(before.candidates.map((c) => c.category.code));
    expect(await rows.first().getAttribute('data-score')).toBe(String(before.candidates[0]!.score));
    expect(b.problemList()).toEqual([]);
  });

  it('draws next month’s forecast cells, the proactive work list and the backtest against both baselines', async () => {
    const expected = await api<ForecastResult>(client, '/api/forecast?res=8&limit=30');
    const backtest = await api<BacktestResult>(client, '/api/forecast/backtest?res=8&k=50');
    await b.page.locator('[data-tab="forecast"]').click();
    await tabReady(b.page, 'forecast');
    // cells expecting under 0.05 tickets a month stay uncoloured (the legend says so)
    expect(await drawn(b.page, 'forecast-hexes')).toBe(expected.cells.filter((c) => c.expected >= 0.05).length);
    const work = b.page.getByTestId('work-row');
    expect(await work.count()).toBe(expected.workList.length);
    expect(await work.first().getAttribute('data-cell')).toBe(expected.workList[0]!.cell);
    expect(await work.first().getAttribute('data-category')).toBe(expected.workList[0]!.category.code);
    await b.page.waitForSelector('[data-testid="backtest-chart"][data-rendered="1"] svg', { timeout: 60_000 });
    const legendNames = await b.page.locator('[data-testid="backtest-chart"] svg text').allTextContents();
    expect(legendNames).toEqual(expect.arrayContaining(['本预测', '上月法', '去年同月法']));
    const f = backtest.mean.forecast!;
    expect(await b.page.getByTestId('backtest-means').textContent()).toContain(`${(f * 100).toFixed(1)}%`);
    await b.screenshot('studio-forecast-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('opens the topic brief with the API’s figures and prints it without the navigation', async () => {
    const list = await api<TopicResult>(client, '/api/topics?limit=12');
    const chosen = list.candidates[0]!;
    await b.page.locator('[data-tab="topics"]').click();
    await tabReady(b.page, 'topics');
    await b.page
      .locator(`[data-testid="topic-row"][data-category="${chosen.category.code}"] [data-testid="open-brief"]`)
      .click();
    await b.page.waitForURL(new RegExp(`/studio/topics/${chosen.category.code.replace('.', '\\.')}`));
    await b.page.waitForSelector('[data-testid="brief"][data-state="ready"]', { timeout: 90_000 });
    await b.page.waitForSelector('[data-testid="brief-trend"][data-rendered="1"] svg');

    // the brief ranks as the studio does (same minimum volume), so its rank and score match the list
    const all = await api<TopicResult>(client, `/api/topics?month=${list.month}&limit=100`);
    const c = all.candidates.find((x) => x.category.code === chosen.category.code)!;
    expect(await b.page.getByTestId('brief-title').textContent()).toBe(c.category.nameZh);
    expect(c.rank).toBe(chosen.rank);
    expect(c.score).toBe(chosen.score);
    const value = (id: string) => b.page.getByTestId(id).getAttribute('data-value');
    expect(Number(await value('fig-window'))).toBe(c.tickets.window);
    expect(Number(await value('fig-month'))).toBe(c.tickets.month);
    expect(Number(await value('fig-covered'))).toBe(c.coveredLastYear);
    expect(Number(await value('fig-repeats'))).toBe(c.repeats);
    expect(await value('fig-solved')).toBe(String(c.resolutionRate ?? ''));
    expect(await value('fig-satisfied')).toBe(String(c.satisfactionRate ?? ''));
    expect(await b.page.getByTestId('fig-window').textContent()).toContain(c.tickets.window.toLocaleString('zh-CN'));
    const districts = await api<RegionHotspotResult>(
      client,
      `/api/hotspots/regions?level=district&category=${c.category.code}&from=${all.window.from}&to=${all.window.to}`,
    );
    const top = [...districts.regions].filter((r) => r.count > 0).sort((x, y) => y.count - x.count)[0]!;
    const firstDistrict = b.page.locator('[data-testid="brief-districts"] tbody tr').first();
    expect(await firstDistrict.getAttribute('data-code')).toBe(top.code);
    expect(Number(await firstDistrict.getAttribute('data-count'))).toBe(top.count);
    const streets = await b.page
      .locator('[data-testid="brief-streets"] tr')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-code'), Number(e.getAttribute('data-tickets'))]));
    expect(streets).toEqual(c.topStreets.map((s) => [s.code, s.tickets]));
    const forecast = await api<ForecastResult>(client, `/api/forecast?category=${c.category.code}&res=8&limit=5`);
    expect(Number(await b.page.getByTestId('brief-expected').getAttribute('data-value'))).toBe(
      forecast.categories.find((x) => x.code === c.category.code)!.expected,
    );
    const where = await api<HotspotResult>(client, c.map.replace('res=8', 'res=7'));
    expect(Number(await b.page.getByTestId('mini-map').getAttribute('data-cells'))).toBe(
      where.cells.filter((x) => x.count > 0).length,
    );
    expect(await b.page.locator('.app-header').isVisible()).toBe(true);
    await b.screenshot('studio-brief-1440x900-zh');

    await b.page.emulateMedia({ media: 'print' });
    expect(await b.page.locator('.app-header').isVisible()).toBe(false);
    expect(await b.page.getByTestId('print-brief').isVisible()).toBe(false);
    expect(await b.page.getByTestId('brief-title').isVisible()).toBe(true);
    await b.page.screenshot({ path: resolve(ARTIFACTS_DIR, 'studio-brief-print.png'), fullPage: true });
    const pdfPath = resolve(ARTIFACTS_DIR, 'studio-brief-A4.pdf');
    await b.page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    const pages = (readFileSync(pdfPath, 'latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    await b.page.emulateMedia({ media: 'screen' });
    expect(b.problemList()).toEqual([]);
  });

  it('reads in English as well', async () => {
    await b.page.evaluate(() => localStorage.setItem('hotline.locale', 'en'));
    await b.page.goto(`${server.url}/studio?tab=emerging`);
    await tabReady(b.page, 'emerging');
    await drawn(b.page, 'emerging-hexes');
    expect(
      await b.page.locator('[data-testid="map-legend"] [data-legend-key="persistent_hot"] .label').textContent(),
    ).toBe('Persistent hot spot');
    expect(await b.page.locator('[data-tab="clusters"]').textContent()).toContain('Recurring');
    await b.screenshot('studio-emerging-1440x900-en');
    await b.page.evaluate(() => localStorage.removeItem('hotline.locale'));
    expect(b.problemList()).toEqual([]);
  });
});
