// The dispatcher's assistant in a real browser against the real server (20k demo tickets ending
// now, the category model retrained on them): an operator opens 受理来电 from the queue, types the
// caller's words, sees the top-3 categories with probabilities, driving words and receiving units,
// accepts the first with one key, is offered the earlier request nearby with similar words and
// links it, files the call, and opens a knowledge-base entry from the ticket page. 1440×900.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDetail } from '../../web/api/tickets.ts';
import { openBrowser, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, api } from './session.ts';
import type { Client } from '../helpers/auth.ts';

const VIEWPORT = { width: 1440, height: 900 };
// A spot in 建外街道 (朝阳区) as the Beijing package draws its streets (near the real 三里屯, but inside
// the package's synthetic 建外 boundary), and a second one about 17 m east of it.
const SPOT = { lon: 116.4551, lat: 39.9335 };
const NEAR = { lon: 116.4553, lat: 39.9335 };

let server: RunningServer;
let client: Client;
let b: E2EBrowser;
let earlier: number;

beforeAll(async () => {
  server = await startServerForE2E();
  client = await apiAs(server.url, 'dispatcher');
  // The call a neighbour made an hour ago about the same building site.
  earlier = (
    await api<{ id: number; locationStatus: string }>(client, '/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'noise.construction',
      description: '楼下工地半夜还在打桩，吵得睡不着',
      ...SPOT,
      receivedAt: new Date(Date.now() - 60 * 60_000).toISOString(),
    })
  ).id;
  // Train the model on the demo year (the server trains on start; the test server is built directly).
  await api(client, '/api/assist/retrain', {});
  // Wait for the state (a retrained model exists), not for a time: poll every 250 ms up to 120 s.
  // A request that fails in transit (a kept-alive connection the busy server closed) is only "not yet".
  const deadline = Date.now() + 120_000;
  let last: unknown;
  for (;;) {
    try {
      const m = await api<{ training: boolean; model: { version: number } | null }>(client, '/api/assist/model');
      if (m.model?.version != null) break;
      last = JSON.stringify(m);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // fetch failed; an HTTP error status still fails the test
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`no retrained category model after 120 s (GET /api/assist/model; last: ${String(last)})`, {
        cause: last,
      });
    await new Promise((r) => setTimeout(r, 250));
  }
  b = await openBrowser({ baseUrl: server.url, session: client, viewport: VIEWPORT });
}, 300_000);

afterAll(async () => {
  await b?.close();
  await server?.stop();
});

describe("the dispatcher's assistant", () => {
  let filed: number;

  it('suggests categories, words and units as the operator types; one key accepts; the nearby repeat is offered and linked', async () => {
    const page = b.page;
    await page.goto(`${server.url}/queue`);
    await page.getByTestId('queue-intake').click();
    await page.waitForURL(/\/intake$/);
    await page.getByTestId('intake-lon').fill(String(NEAR.lon));
    await page.getByTestId('intake-lat').fill(String(NEAR.lat));
    await page.getByTestId('intake-description').fill('工地晚上打桩太吵了，孩子睡不着觉，都十一点多了还在干');
    await expect.poll(() => page.getByTestId('suggestion').count(), { timeout: 30_000 }).toBe(3);
    const first = page.getByTestId('suggestion').first();
    expect(await first.getAttribute('data-code')).toBe('noise.construction');
    expect(Number(await first.getByTestId('suggestion-p').getAttribute('data-p'))).toBeGreaterThan(0.5);
    expect(await first.getByTestId('suggestion-p').textContent()).toMatch(/^(> 99|[1-9]\d?)%$/);
    expect(await first.getByTestId('suggestion-word').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/工地|打桩|施工/)]),
    );
    // Who it would go to: the street of the spot, and the enforcement bureau in parallel.
    await expect
      .poll(() => first.getByTestId('suggestion-units').textContent(), { timeout: 15_000 })
      .toContain('建外街道');
    expect(await first.getByTestId('suggestion-units').textContent()).toContain('城管执法');
    await b.screenshot('assist-intake-suggestions');

    // One key accepts the first suggestion.
    await page.getByTestId('intake-description').focus();
    await page.keyboard.press('Alt+Enter');
    await expect
      .poll(() => page.locator('[data-testid="suggestion"].chosen').getAttribute('data-code'))
      .toBe('noise.construction');
    expect(await page.getByTestId('intake-category').inputValue()).toBe('noise.construction');

    // The earlier call at the same site is offered before filing, and linked.
    const offer = page.locator(`[data-testid="repeat-offer"][data-ticket="${earlier}"]`);
    await offer.waitFor({ timeout: 30_000 });
    await offer.getByTestId('repeat-link').click();
    await expect.poll(() => offer.getByTestId('repeat-linked').isVisible()).toBe(true);
    await b.screenshot('assist-intake-repeat');

    await page.getByTestId('intake-submit').click();
    await page.waitForURL(/\/tickets\/\d+$/, { timeout: 30_000 });
    filed = Number(page.url().split('/').pop());
    const t = await api<TicketDetail>(client, `/api/tickets/${filed}`);
    expect(t.categoryCode).toBe('noise.construction');
    expect(t.repeatOf).toBe(earlier);
    expect(t.dispatches.map((d) => d.unitCode)).toEqual(expect.arrayContaining(['urban_enforcement']));
  });

  it('shows the assistant on the ticket page and opens a knowledge-base entry from it', async () => {
    const page = b.page;
    await page.waitForSelector(`[data-ticket="${filed}"]`, { timeout: 30_000 });
    const panel = page.getByTestId('ticket-assist');
    await panel.waitFor();
    await expect.poll(() => panel.getByTestId('suggestion').count(), { timeout: 30_000 }).toBe(3);
    const entries = panel.getByTestId('ticket-kb-entry');
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const title = (await entries.first().textContent())!.trim();
    await panel.scrollIntoViewIfNeeded();
    await b.screenshot('assist-ticket-panel');
    await entries.first().click();
    await page.waitForURL(/\/kb\/\d+$/);
    const entry = page.getByTestId('kb-entry');
    await entry.waitFor();
    expect((await entry.locator('h3').textContent())!.trim()).toBe(title);
    const id = Number(page.url().split('/').pop());
    const body = await api<{ body: string; category: string | null }>(client, `/api/kb/${id}`);
    expect(await entry.textContent()).toContain(body.body.slice(0, 20));
    await b.screenshot('assist-kb-entry');
    // The knowledge base searches in Chinese.
    await page.goto(`${server.url}/kb?q=${encodeURIComponent('夜间施工')}`);
    await expect.poll(() => page.getByTestId('kb-result').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('kb-result').first().textContent()).toContain('夜间施工');
    await b.screenshot('assist-kb-search');
    expect(b.problemList()).toEqual([]);
  });
});
