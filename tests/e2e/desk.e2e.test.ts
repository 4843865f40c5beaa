// Issue 16 items 6 and 7 in a real browser on the Beijing fixture: one figure for "overdue" and
// "open" on the workspace, the queue and the reports; reports opening on the last complete day;
// the queue's bulk remind / escalate / re-dispatch with a result per ticket; re-dispatch on the
// ticket page. Screenshots of the pages touched at four sizes in both languages (tests/artifacts/).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../../server/lifecycle/clock.ts';
import { startTestServer, type RunningServer } from '../helpers/testServer.ts';
import { waitForMapReady } from './browser.ts';
import { apiAs, browserAs, closeBrowsers } from './session.ts';

let server: RunningServer;

beforeAll(async () => {
  // a server of its own: the bulk test makes tickets overdue in its database
  server = await startTestServer();
});

afterAll(async () => {
  await closeBrowsers();
  await server?.stop();
});

/** the queue page has its queues loaded (its panel says so) */
const queueReady = (page: Page) => page.waitForSelector('.queue-page [role="tabpanel"][data-state="ready"]');

const SIZES = [
  [1440, 900],
  [1366, 768],
  [1920, 1080],
  [3840, 2160],
] as const;

describe('one number, one meaning (issue 16 item 6)', () => {
  it('shows the same overdue and open figures on the workspace, the queue and the daily report', async () => {
    const c = await apiAs(server.url, 'dispatcher');
    const backlog = (await (await c.request('/api/summary/backlog')).json()) as {
      open: number;
      overdue: number;
      urgent: number;
    };
    expect(backlog.overdue).toBeGreaterThan(0);
    const b = await browserAs(server.url, 'dispatcher');
    const page = b.page;

    await page.goto(`${server.url}/`);
    await waitForMapReady(page);
    await expect
      .poll(() => page.getByTestId('backlog-overdue').getAttribute('data-value'))
      .toBe(String(backlog.overdue));
    expect(await page.getByTestId('backlog-open').getAttribute('data-value')).toBe(String(backlog.open));
    expect(await page.getByTestId('backlog-urgent').getAttribute('data-value')).toBe(String(backlog.urgent));

    await page.goto(`${server.url}/queue?tab=overdue`);
    await expect
      .poll(() => page.locator('[data-testid="queue-tab"][data-kind="overdue"]').getAttribute('data-count'))
      .toBe(String(backlog.overdue));

    // the daily report opens on the last complete day, not today, and carries the same backlog as of its end
    await page.goto(`${server.url}/reports?kind=daily`);
    await page.waitForSelector('[role="tabpanel"][data-kind="daily"][data-state="ready"]');
    const daily = (await (await c.request('/api/reports/daily')).json()) as {
      date: string;
      comparison: string;
      backlog: { overdue: number };
    };
    expect(daily.comparison).toBe('full-period');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(daily.date < today).toBe(true);
    await expect
      .poll(() => page.getByTestId('report-backlog').getAttribute('data-overdue'))
      .toBe(String(daily.backlog.overdue));
    // today asked for by name: compared same-time-to-date, its backlog the queue's
    await page.goto(`${server.url}/reports?kind=daily&period=${today}`);
    await page.getByTestId('report-same-time').waitFor();
    await expect
      .poll(() => page.getByTestId('report-backlog').getAttribute('data-overdue'))
      .toBe(String(backlog.overdue));
    expect(b.problemList()).toEqual([]);
  });
});

describe('bulk actions and re-dispatch (issue 16 item 7)', () => {
  it(
    'ticks overdue tickets, reminds and escalates them with a result per ticket, and re-dispatches one from the ticket page',
    { timeout: 300_000 },
    async () => {
      // The demo spreads its tickets over 25 months, so only a couple are overdue at any moment (how
      // many depends on the hour the run starts). Six open tickets a street or department holds, each
      // with another unit, get a resolve deadline an hour ago, and the clock marks them as it would.
      await server.db.query(
        `UPDATE tickets t SET resolve_due_at = now() - interval '1 hour',
                remind_at = LEAST(t.remind_at, now() - interval '2 hours'),
                respond_due_at = LEAST(t.respond_due_at, now() - interval '2 hours')
         WHERE t.id IN (SELECT id FROM (
           SELECT DISTINCT ON (d.unit_code) t2.id FROM tickets t2
           JOIN dispatches d ON d.ticket_id = t2.id AND d.active AND d.role = 'territorial'
           WHERE t2.status IN ('dispatched', 'accepted', 'in_progress') AND t2.overdue_at IS NULL
             AND t2.received_at < now() - interval '1 day'
           ORDER BY d.unit_code, t2.id) x ORDER BY id LIMIT 6)`,
      );
      expect((await runClock(server.db)).overdue).toBeGreaterThanOrEqual(6);
      const c = await apiAs(server.url, 'dispatcher');
      const overdue = (
        (await (await c.request('/api/queue?kind=overdue&limit=500')).json()) as {
          tickets: { id: number; status: string }[];
        }
      ).tickets;
      const held = overdue.filter((t) => t.status !== 'returned');
      expect(held.length).toBeGreaterThan(3);
      const b = await browserAs(server.url, 'dispatcher');
      const page = b.page;
      await page.goto(`${server.url}/queue?tab=overdue`);
      await page.getByTestId('queue-row').first().waitFor();
      const ids = (
        await page.getByTestId('queue-row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))
      )
        .filter((id) => held.some((t) => t.id === id))
        .slice(0, 3);
      for (const id of ids)
        await page.locator(`[data-testid="queue-row"][data-id="${id}"] [data-testid="queue-check"]`).check();
      await expect.poll(() => page.getByTestId('queue-bulk-count').getAttribute('data-count')).toBe('3');
      // Space on a focused row ticks it too
      const fourth = page
        .locator('[data-testid="queue-row"]')
        .filter({ hasNot: page.locator('[data-testid="queue-check"]:checked') })
        .first();
      await fourth.focus();
      await page.keyboard.press('Space');
      await expect.poll(() => page.getByTestId('queue-bulk-count').getAttribute('data-count')).toBe('4');
      await page.keyboard.press('Space');
      await expect.poll(() => page.getByTestId('queue-bulk-count').getAttribute('data-count')).toBe('3');
      await b.screenshot('desk-queue-bulk-1366x768-zh');

      await page.getByTestId('bulk-remind').click();
      await expect.poll(() => page.getByTestId('bulk-result').getAttribute('data-done')).toBe('3');
      expect(await page.getByTestId('bulk-result').getAttribute('data-failed')).toBe('0');
      for (const id of ids) {
        const d = (await (await c.request(`/api/tickets/${id}`)).json()) as {
          events: { type: string; actor: string }[];
        };
        expect(d.events.filter((e) => e.type === 'reminded' && e.actor === 'hotline').length).toBe(1);
      }

      // the bar stays with its result; clear it
      await page.getByTestId('bulk-clear').click();
      await expect.poll(() => page.getByTestId('queue-bulk').count()).toBe(0);

      // re-dispatch two tickets to the unit that holds one of them: that one is refused, the other moves
      const holderOf = async (id: number) =>
        (
          (await (await c.request(`/api/tickets/${id}`)).json()) as {
            dispatches: { unitCode: string; active: boolean; role: string }[];
          }
        ).dispatches.find((d) => d.active && d.role === 'territorial')!.unitCode;
      const pair = [] as number[];
      const unit = await holderOf(ids[0]!);
      for (const t of held) if (t.id !== ids[0] && pair.length < 1 && (await holderOf(t.id)) !== unit) pair.push(t.id);
      const [first, second] = [ids[0]!, pair[0]!];
      for (const id of [first, second])
        await page.locator(`[data-testid="queue-row"][data-id="${id}"] [data-testid="queue-check"]`).check();
      await page.getByTestId('bulk-escalate').click();
      await expect.poll(() => page.getByTestId('bulk-result').getAttribute('data-done')).toBe('2');
      // both were escalated, so nothing stays ticked (only what was not done does) and the bar's
      // actions wait for a new selection; tick the two again to re-dispatch them
      await expect.poll(() => page.getByTestId('queue-bulk-count').getAttribute('data-count')).toBe('0');
      expect(await page.getByTestId('bulk-redispatch').isDisabled()).toBe(true);
      for (const id of [first, second])
        await page.locator(`[data-testid="queue-row"][data-id="${id}"] [data-testid="queue-check"]`).check();
      await expect.poll(() => page.getByTestId('queue-bulk-count').getAttribute('data-count')).toBe('2');
      await page.getByTestId('bulk-redispatch').click();
      await expect.poll(() => page.getByTestId('bulk-unit').locator(`option[value="${unit}"]`).count()).toBe(1);
      await page.getByTestId('bulk-unit').selectOption(unit);
      await page.getByTestId('bulk-redispatch-go').click();
      await expect.poll(() => page.getByTestId('bulk-result').getAttribute('data-done')).toBe('1');
      expect(await page.getByTestId('bulk-failed').getAttribute('data-id')).toBe(String(first));
      // the reason in the page's language, not the server's English
      expect(await page.getByTestId('bulk-failed').textContent()).toContain('所选单位已在承办此工单');
      expect(await holderOf(second)).toBe(unit);
      // what was not done stays ticked
      await expect.poll(() => page.getByTestId('queue-bulk-count').getAttribute('data-count')).toBe('1');
      await b.screenshot('desk-queue-bulk-result-1366x768-zh');
      const a = ids[2]!;

      // the ticket page: a ticket its unit still holds can be re-dispatched (改派)
      await page.goto(`${server.url}/tickets/${a}`);
      await page.locator('[data-action="redispatch"]').click();
      await page.getByTestId('reassign-effect').waitFor();
      const select = page.getByTestId('unit-select');
      const before = (
        (await (await c.request(`/api/tickets/${a}`)).json()) as {
          dispatches: { unitCode: string; active: boolean; role: string }[];
        }
      ).dispatches;
      const holder = before.find((d) => d.active && d.role === 'territorial')!.unitCode;
      const choice = await select
        .locator('option:not([disabled])')
        .evaluateAll((els, h) => els.map((e) => (e as HTMLOptionElement).value).find((v) => v && v !== h)!, holder);
      await select.selectOption(choice);
      await b.screenshot('desk-ticket-redispatch-1366x768-zh');
      await page.getByTestId('action-submit').click();
      await page.getByTestId('action-done').waitFor();
      const after = (await (await c.request(`/api/tickets/${a}`)).json()) as {
        status: string;
        dispatches: { unitCode: string; active: boolean; role: string }[];
      };
      expect(after.status).toBe('dispatched');
      expect(after.dispatches.filter((d) => d.active && d.role === 'territorial').map((d) => d.unitCode)).toEqual([
        choice,
      ]);
      expect(b.problemList()).toEqual([]);
    },
  );
});

describe('screenshots of the pages touched (issue 16 item 6, 7)', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(
      `the queue, the workspace's figures and the daily report at four sizes in ${locale}`,
      { timeout: 600_000 },
      async () => {
        const b = await browserAs(server.url, 'dispatcher', { viewport: { width: 1440, height: 900 }, locale });
        const page = b.page;
        const lang = locale === 'en' ? 'en' : 'zh';
        // the app's language is the one chosen in this browser (the header's switch), not the browser's
        await page.goto(`${server.url}/queue`);
        await page.evaluate((l) => localStorage.setItem('hotline.locale', l), locale);
        // each page is left only once it is ready: a navigation that starts while the page is
        // still fetching its lazy chunks aborts them, which would read as failed requests
        await queueReady(page);
        for (const [w, h] of SIZES) {
          await page.setViewportSize({ width: w, height: h });
          await page.goto(`${server.url}/queue?tab=overdue`);
          await queueReady(page);
          await page.getByTestId('queue-row').first().waitFor();
          await page.getByTestId('queue-check').first().check();
          await page.getByTestId('queue-bulk').waitFor();
          await b.screenshot(`desk-queue-${w}x${h}-${lang}`);
          await page.goto(`${server.url}/`);
          await waitForMapReady(page);
          await page.getByTestId('backlog').waitFor();
          await b.screenshot(`desk-workspace-${w}x${h}-${lang}`);
          await page.goto(`${server.url}/reports?kind=daily`);
          await page.waitForSelector('[role="tabpanel"][data-kind="daily"][data-state="ready"]');
          await page.getByTestId('report-backlog').waitFor();
          await b.screenshot(`desk-reports-daily-${w}x${h}-${lang}`);
        }
        expect(b.problemList()).toEqual([]);
      },
    );
  }
});
