// The ranking views in a real browser against the real server: the monthly table and its
// choropleth, a unit's profile with charts, what-if and drill-down, the bulletin download,
// the reports page, and screenshots at a laptop and a wall size. One server for all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { DrillResult, MonthsResult, RankingResult, UnitProfile } from '../../server/ranking/service.ts';
import { openBrowser, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, api } from './session.ts';
import type { Client } from '../helpers/auth.ts';

let server: RunningServer;
/** the city analyst (市级分析员): the ranking is city-wide for them */
let client: Client;
let months: MonthsResult;
let streets: RankingResult;

beforeAll(async () => {
  server = await startServerForE2E();
  client = await apiAs(server.url, 'planner');
  months = await api<MonthsResult>(client, '/api/ranking/months');
  streets = await api<RankingResult>(client, `/api/ranking?table=street&month=${months.latestClosed}`);
});

afterAll(async () => {
  await server?.stop();
});

const rows = (page: Page) => page.getByTestId('ranking-row');

async function waitForRanking(page: Page, count: number): Promise<void> {
  await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(count);
  await page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 60_000 });
}

async function waitForProfile(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="trend-chart"][data-rendered="1"] canvas', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="rank-chart"][data-rendered="1"] canvas', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="what-if"] .intro, [data-testid="what-if"] .muted', { timeout: 30_000 });
}

describe('monthly ranking, unit profile and reports', () => {
  let b: E2EBrowser;

  afterAll(async () => {
    await b?.close();
  });

  it('shows every street of the latest closed month, ranked as the API ranks them', async () => {
    expect(months.latestClosed).toBeTruthy();
    expect(streets.rows.length).toBe(339);
    b = await openBrowser({ baseUrl: server.url, session: client, viewport: { width: 1440, height: 900 } });
    await b.page.goto(`${server.url}/ranking`);
    await waitForRanking(b.page, 339);

    expect(await b.page.getByTestId('month-picker').inputValue()).toBe(months.latestClosed);
    const first = rows(b.page).first();
    const top = streets.rows[0];
    expect(await first.getAttribute('data-code')).toBe(top.code);
    expect(await first.getAttribute('data-rank')).toBe(String(top.rank));
    expect(await first.getAttribute('data-score')).toBe(String(top.score));
    await expect.poll(() => first.textContent()).toContain(top.nameZh);
    // the navigation marks the current page
    expect(await b.page.locator('[data-nav="ranking"]').getAttribute('aria-current')).toBe('page');
    expect(await b.page.locator('[data-nav="map"]').getAttribute('aria-current')).toBeNull();
    await b.screenshot('ranking-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('lists streets below the minimum sample after the ranked ones, marked, and explains the missing per-10k figure', async () => {
    const small = streets.rows.filter((r) => r.unranked === 'smallSample');
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((r) => r.rank === null && r.counts.calledBack < streets.policy.minCalledBackToRank)).toBe(true);
    expect(
      streets.rows
        .filter((r) => r.rank !== null)
        .every((r) => r.counts.calledBack >= streets.policy.minCalledBackToRank),
    ).toBe(true);
    const marks = b.page.getByTestId('small-sample');
    expect(await marks.count()).toBe(small.length);
    expect(await marks.first().textContent()).toContain('样本不足');
    expect(await marks.first().getAttribute('title')).toContain(`不足 ${streets.policy.minCalledBackToRank} 件`);
    // in rank order every ranked row comes before every unranked one
    const ranks = await rows(b.page).evaluateAll((els) => els.map((e) => e.getAttribute('data-rank')));
    expect(ranks.slice(ranks.indexOf('')).every((r) => r === '')).toBe(true);
    expect(ranks.filter((r) => r !== '').length).toBe(streets.ranked);
    await expect
      .poll(() => b.page.getByTestId('ranking-meta').textContent())
      .toContain(`回访不足 ${streets.policy.minCalledBackToRank} 件不参与排名`);
    // Beijing's street layer carries no population: "—" with the reason, not a blank or a hidden column
    expect(streets.rows.every((r) => r.volumePer10k === null)).toBe(true);
    const per10k = b.page.getByTestId('per10k');
    expect(await per10k.count()).toBe(339);
    expect((await per10k.first().textContent())?.trim()).toBe('—');
    expect(await per10k.first().getAttribute('title')).toContain('没有街乡镇常住人口');
    expect(b.problemList()).toEqual([]);
  });

  it('switches the table to districts (16 rows) and back', async () => {
    await b.page.locator('[data-testid="table-picker"] [data-value="district"]').click();
    await waitForRanking(b.page, 16);
    const districts = await api<RankingResult>(client, `/api/ranking?table=district&month=${months.latestClosed}`);
    expect(await rows(b.page).first().getAttribute('data-code')).toBe(districts.rows[0].code);
    await b.page.locator('[data-testid="color-mode"] [data-value="class"]').click();
    await b.page.waitForSelector('[data-testid="ranking-map"][data-ready="1"]', { timeout: 30_000 });
    await b.screenshot('ranking-district-1440x900-zh');
    await b.page.locator('[data-testid="table-picker"] [data-value="street"]').click();
    await waitForRanking(b.page, 339);
    expect(b.problemList()).toEqual([]);
  });

  it('opens a unit profile from a row, with charts and the rank the API gives', async () => {
    // a street with callbacks, so its drill-down has tickets to show
    const target = streets.rows.find((r) => r.rank !== null && r.resolution.denominator >= 5) ?? streets.rows[0];
    await b.page.locator(`[data-testid="ranking-row"][data-code="${target.code}"]`).click();
    await b.page.waitForURL(new RegExp(`/units/${target.code}`));
    await waitForProfile(b.page);

    const profile = await api<UnitProfile>(
      client,
      `/api/ranking/units/${target.code}?months=13&to=${months.latestClosed}`,
    );
    const point = profile.series.find((p) => p.month === months.latestClosed)!;
    const standing = b.page.getByTestId('unit-standing');
    expect(await standing.getAttribute('data-rank')).toBe(String(point.rank));
    expect(point.rank).toBe(target.rank);
    expect(await standing.getAttribute('data-score')).toBe(String(point.score));
    expect(await b.page.getByTestId('unit-name').textContent()).toBe(target.nameZh);
    // the chart canvas really has pixels on it
    const painted = await b.page
      .locator('[data-testid="trend-chart"] canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d');
        if (!ctx) return 0;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
    expect(painted).toBeGreaterThan(1000);
    expect(await b.page.locator('[data-nav="ranking"]').getAttribute('aria-current')).toBe('page');
    await b.screenshot('unit-1440x900-zh');

    // drill-down: the tickets behind the resolution rate's denominator
    await b.page.locator('[data-drill="resolution-denominator"]').click();
    await b.page.waitForSelector('[data-testid="drill"][data-state="ready"]', { timeout: 30_000 });
    const drill = await api<DrillResult>(
      client,
      `/api/ranking/units/${target.code}/drill?month=${months.latestClosed}&rate=resolution&part=denominator&limit=50`,
    );
    expect(drill.value).toBe(point.resolution.denominator);
    expect(Number(await b.page.getByTestId('drill').getAttribute('data-value'))).toBe(drill.value);
    expect(Number(await b.page.getByTestId('drill').getAttribute('data-total'))).toBe(drill.total);
    await expect.poll(() => b.page.getByTestId('drill-ticket').count()).toBe(Math.min(50, drill.total));
    const ids = await b.page.getByTestId('drill-ticket').locator('td:first-child').allTextContents();
    expect(ids.map(Number)).toEqual(drill.tickets.map((x) => x.id));
    await b.page.getByTestId('drill').scrollIntoViewIfNeeded();
    await b.screenshot('unit-drill-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('downloads the monthly bulletin as an Excel file with Chinese headers', async () => {
    await b.page.goto(`${server.url}/ranking`);
    await waitForRanking(b.page, 339);
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      b.page.getByTestId('download-xlsx').click(),
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'bulletin-')), download.suggestedFilename() || 'bulletin.xlsx');
    await download.saveAs(path);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.length).toBeGreaterThan(0);
    const headers = wb.worksheets.map(
      (ws) => (ws.getRow(1).values as unknown[]).filter((v) => typeof v === 'string') as string[],
    );
    const ranked = headers.find((h) => h.includes('排名'));
    expect(ranked, JSON.stringify(headers)).toBeTruthy();
    expect(ranked!.every((h) => /[\u4e00-\u9fff]/.test(h) || /^[\w%/ -]+$/.test(h))).toBe(true);
    // the printable bulletin opens in a new tab
    const href = await b.page.getByTestId('download-html').getAttribute('href');
    expect(await b.page.getByTestId('download-html').getAttribute('target')).toBe('_blank');
    const html = await client.request(href!);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(b.problemList()).toEqual([]);
  });

  it('summarises each report on the reports page', async () => {
    await b.page.goto(`${server.url}/reports`);
    for (const kind of ['daily', 'weekly', 'monthly', 'annual'] as const) {
      await b.page.locator(`[data-tab="${kind}"]`).click();
      await b.page.waitForSelector(
        `[role="tabpanel"][data-kind="${kind}"][data-state="ready"] [data-testid="report-figures"]`,
        { timeout: 60_000 },
      );
      const report = await api<{ label: string; city: { counts: { volume: number } } }>(client, `/api/reports/${kind}`);
      await expect.poll(() => b.page.getByTestId('report-label').textContent()).toContain(report.label);
      const volume = await b.page
        .locator('[data-testid="report-figures"] tr[data-key="volume"] td')
        .first()
        .textContent();
      expect(Number((volume ?? '').replace(/[^\d]/g, ''))).toBe(report.city.counts.volume);
      if (kind === 'monthly') await b.screenshot('reports-monthly-1440x900-zh');
    }
    expect(b.problemList()).toEqual([]);
  });

  it('labels the report period in the app language, not the browser language', async () => {
    const en = await openBrowser({ baseUrl: server.url, session: client, locale: 'en-US' });
    try {
      await en.page.goto(`${server.url}/reports?kind=weekly`);
      await en.page.waitForSelector('[role="tabpanel"][data-kind="weekly"][data-state="ready"]', { timeout: 60_000 });
      const weekly = await api<{ label: string }>(client, '/api/reports/weekly');
      const select = en.page.getByTestId('report-period-select');
      await expect.poll(() => select.inputValue()).toBe(weekly.label);
      const week = Number(weekly.label.slice(6));
      expect(await select.locator('option:checked').textContent()).toContain(`第${week}周`);
      // monthly: Chinese month names from the months with data, newest first
      await en.page.locator('[data-tab="monthly"]').click();
      await en.page.waitForSelector('[role="tabpanel"][data-kind="monthly"][data-state="ready"]', { timeout: 60_000 });
      const [y, m] = months.last!.split('-').map(Number);
      expect(await select.locator('option').first().textContent()).toBe(`${y}年${m}月`);
      // daily: a month and a day; picking a day loads that day's report
      await en.page.locator('[data-tab="daily"]').click();
      await en.page.waitForSelector('[role="tabpanel"][data-kind="daily"][data-state="ready"]', { timeout: 60_000 });
      const day = en.page.getByTestId('report-period-day');
      const options = await day.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
      const pick = options[0]!;
      await day.selectOption(pick);
      await en.page.waitForURL(new RegExp(`period=${pick}`));
      await expect.poll(() => en.page.getByTestId('report-label').textContent(), { timeout: 30_000 }).toContain(pick);
      expect(await day.locator('option:checked').textContent()).toMatch(/^\d+月\d+日 周[一二三四五六日]$/);
      await en.screenshot('reports-daily-picker-en-browser-zh');
      expect(en.problemList()).toEqual([]);
    } finally {
      await en.close();
    }
  });

  it('reads at 1920×1080 on a wall display', async () => {
    const wall = await openBrowser({ baseUrl: server.url, session: client, viewport: { width: 1920, height: 1080 } });
    try {
      await wall.page.goto(`${server.url}/ranking`);
      await waitForRanking(wall.page, 339);
      await wall.screenshot('ranking-1920x1080-zh');
      const code = streets.rows[0].code;
      await wall.page.goto(`${server.url}/units/${code}?month=${months.latestClosed}`);
      await waitForProfile(wall.page);
      await wall.screenshot('unit-1920x1080-zh');
      // keyboard: the header's navigation is reachable by Tab and opens the reports page
      await wall.page.locator('[data-nav="reports"]').focus();
      await wall.page.keyboard.press('Enter');
      await wall.page.waitForURL(/\/reports/);
      await wall.page.waitForSelector('[role="tabpanel"][data-state="ready"] [data-testid="report-figures"]', {
        timeout: 60_000,
      });
      await wall.screenshot('reports-1920x1080-zh');
      expect(wall.problemList()).toEqual([]);
    } finally {
      await wall.close();
    }
  });
});
