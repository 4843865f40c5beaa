// The dispatcher's pages in a real browser against the real server (20k demo tickets ending now):
// the queue's four sections and their counts, opening a ticket with the keyboard, the detail's
// timeline against the API, and acting on tickets (re-dispatch a return, locate an address-only
// ticket by typed coordinates, a refused action showing the server's reason). 1440×900.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { QueueResponse, TicketDetail } from '../../web/api/tickets.ts';
import { openBrowser, type E2EBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';
import { apiAs, api } from './session.ts';
import type { Client } from '../helpers/auth.ts';

const KINDS = ['unlocated', 'overdue', 'returned', 'reminded'] as const;
const VIEWPORT = { width: 1440, height: 900 };

let server: RunningServer;
/** the hotline's dispatcher (派单员): every queue and every ticket action */
let client: Client;
let b: E2EBrowser;
let unlocatedId: number;
let returnedId: number;
let category: string;

const total = async (kind: string) =>
  (await api<QueueResponse>(client, `/api/queue?kind=${kind}&limit=1`)).tickets[0]?.total ?? 0;
const detail = (id: number) => api<TicketDetail>(client, `/api/tickets/${id}`);

async function waitForTicket(page: Page, id: number): Promise<void> {
  await page.waitForSelector(`[data-ticket="${id}"]`, { timeout: 30_000 });
  await page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]', { timeout: 60_000 });
}
const timelineIds = (page: Page) =>
  page
    .locator('[data-testid="timeline-event"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-event-id'))));

beforeAll(async () => {
  server = await startServerForE2E();
  client = await apiAs(server.url, 'dispatcher');
  category = (await api<{ categories: { code: string }[] }>(client, '/api/categories')).categories[0].code;
  const now = Date.now();
  // an address-only ticket waiting for location, and a ticket its street sends back (退单)
  unlocatedId = (
    await api<{ id: number }>(client, '/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category,
      address: '建国门外大街甲1号院东门',
      receivedAt: new Date(now - 40 * 60_000).toISOString(),
    })
  ).id;
  returnedId = (
    await api<{ id: number }>(client, '/api/tickets', {
      kind: 'report',
      channel: 'wechat',
      category,
      description: '楼下餐馆油烟扰民',
      lon: 116.397,
      lat: 39.909,
      callerName: '王五',
      callerPhone: '13911112222',
      receivedAt: new Date(now - 30 * 60_000).toISOString(),
    })
  ).id;
  // sent back 20 minutes ago: only an admin may record an action at a time other than now
  const admin = await apiAs(server.url, 'admin');
  const back = await admin.request(`/api/tickets/${returnedId}/return`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reason: '非本辖区', at: new Date(now - 20 * 60_000).toISOString() }),
  });
  if (!back.ok) throw new Error(`return: HTTP ${back.status} ${await back.text()}`);
  b = await openBrowser({ baseUrl: server.url, session: client, viewport: VIEWPORT });
});

afterAll(async () => {
  await b?.close();
  await server?.stop();
});

describe('dispatcher queue and ticket detail', () => {
  it('shows the four queues with the counts the API gives, the demo tickets and ours in them', async () => {
    const expected = Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, await total(k)] as const)));
    // the demo year ending now leaves overdue and reminded tickets open; ours add one each to the other two
    expect(expected.overdue).toBeGreaterThan(0);
    expect(expected.reminded).toBeGreaterThan(0);
    expect(expected.unlocated).toBeGreaterThanOrEqual(1);
    expect(expected.returned).toBeGreaterThanOrEqual(1);

    await b.page.goto(`${server.url}/queue`);
    await b.page.waitForSelector('[data-testid="queue-row"]', { timeout: 30_000 });
    for (const k of KINDS)
      expect(await b.page.locator(`[data-testid="queue-tab"][data-kind="${k}"]`).getAttribute('data-count'), k).toBe(
        String(expected[k]),
      );
    expect(await b.page.locator('[data-nav="queue"]').getAttribute('aria-current')).toBe('page');
    // the unlocated tab lists every waiting ticket (fewer than a page), ours with its address
    const rows = b.page.locator('[data-testid="queue-row"]');
    expect(await rows.count()).toBe(Math.min(expected.unlocated, 500));
    await expect
      .poll(() => b.page.locator(`[data-testid="queue-row"][data-id="${unlocatedId}"]`).textContent())
      .toContain('建国门外大街甲1号院东门');
    await expect
      .poll(() => b.page.getByTestId('live-mode').getAttribute('data-mode'), { timeout: 15_000 })
      .toBe('live');
    await b.screenshot('queue-unlocated-1440x900-zh');

    await b.page.locator('[data-testid="queue-tab"][data-kind="overdue"]').click();
    await expect.poll(() => rows.count()).toBe(Math.min(expected.overdue, 500));
    expect(await b.page.locator('[data-testid="queue-table"]').getAttribute('data-kind')).toBe('overdue');
    // most overdue first: every row says how long past its limit
    const firstTimes = await b.page
      .locator('[data-testid="queue-row"] .c-time')
      .evaluateAll((els) => els.slice(0, 5).map((e) => e.getAttribute('data-limit')));
    expect(firstTimes).toEqual(Array(Math.min(5, expected.overdue)).fill('overdue'));
    await b.screenshot('queue-overdue-1440x900-zh');
    // sorting by ticket number, then reversed
    const ids = () =>
      b.page
        .locator('[data-testid="queue-row"]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
    const shown = await ids();
    await b.page.locator('[data-sort="id"]').click();
    expect(await ids()).toEqual([...shown].sort((x, y) => x - y));
    await b.page.locator('[data-sort="id"]').click();
    expect(await ids()).toEqual([...shown].sort((x, y) => y - x));
    expect(await b.page.locator('th:has([data-sort="id"])').getAttribute('aria-sort')).toBe('descending');
    expect(b.problemList()).toEqual([]);
  });

  it('opens a returned ticket from the queue with the keyboard', async () => {
    await b.page.goto(`${server.url}/queue`);
    await b.page.waitForSelector('[data-testid="queue-row"]', { timeout: 30_000 });
    await b.page.locator('[data-testid="queue-tab"][data-kind="unlocated"]').focus();
    await b.page.keyboard.press('ArrowRight');
    await b.page.keyboard.press('ArrowRight');
    await expect.poll(() => b.page.locator('[data-testid="queue-table"]').getAttribute('data-kind')).toBe('returned');
    expect(await b.page.evaluate(() => document.activeElement?.getAttribute('data-kind'))).toBe('returned');
    await b.page.keyboard.press('ArrowDown');
    const n = await b.page.locator('[data-testid="queue-row"]').count();
    for (let i = 0; i < n; i++) {
      const focused = await b.page.evaluate(() => document.activeElement?.getAttribute('data-id'));
      if (focused === String(returnedId)) break;
      await b.page.keyboard.press('ArrowDown');
    }
    expect(await b.page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(String(returnedId));
    await b.screenshot('queue-returned-1440x900-zh');
    await b.page.keyboard.press('Enter');
    await b.page.waitForURL(`**/tickets/${returnedId}?from=returned`);
    await waitForTicket(b.page, returnedId);
    expect(b.problemList()).toEqual([]);
  });

  it('lists exactly the events the API returns, and no caller data', async () => {
    const t = await detail(returnedId);
    expect(t.events.map((e) => e.type)).toEqual(['received', 'dispatched', 'returned']);
    expect(await timelineIds(b.page)).toEqual(t.events.map((e) => e.id));
    expect(
      await b.page
        .locator('[data-testid="timeline-event"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-type'))),
    ).toEqual(t.events.map((e) => e.type));
    expect(await b.page.getByTestId('ticket-status').getAttribute('data-status')).toBe('returned');
    const body = (await b.page.locator('body').textContent()) ?? '';
    expect(body).toContain('楼下餐馆油烟扰民');
    expect(body).toContain('非本辖区');
    expect(body).not.toContain('13911112222');
    expect(body).not.toContain('王五');
    // a returned ticket offers exactly the dispatcher's two rulings, and 督办 (escalate to the
    // centre's supervision), which the state machine allows on a returned ticket too
    expect(
      await b.page
        .locator('[data-testid="ticket-actions"] [data-action]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
    ).toEqual(t.actions);
    expect(t.actions).toEqual(['redispatch', 'rule-return', 'escalate']);
    await b.screenshot('ticket-returned-1440x900-zh');
  });

  it('re-dispatches the return to another street and shows the new state, as the API has it', async () => {
    const before = await detail(returnedId);
    const returnedBy = before.dispatches.find((d) => d.returnedAt)!.unitCode;
    const target = before.unitChoices.find(
      (u) => u.kind === 'street' && u.districtCode === before.districtCode && u.code !== returnedBy,
    )!;
    await b.page.locator('[data-action="redispatch"]').click();
    await b.page.getByTestId('unit-select').selectOption(target.code);
    await b.page.getByTestId('action-note').fill('属地核实后改派');
    await b.page.getByTestId('action-submit').click();
    await expect
      .poll(() => b.page.getByTestId('ticket-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('dispatched');
    const after = await detail(returnedId);
    expect(after.status).toBe('dispatched');
    expect(after.dispatches.filter((d) => d.active && d.role === 'territorial').map((d) => d.unitCode)).toEqual([
      target.code,
    ]);
    expect(after.dispatches.find((d) => d.unitCode === returnedBy && d.returnedAt)?.returnJustified).toBe(true);
    await expect.poll(() => timelineIds(b.page)).toEqual(after.events.map((e) => e.id));
    expect(after.events.at(-1)).toMatchObject({ type: 'redispatched', unitCode: target.code, note: '属地核实后改派' });
    await expect
      .poll(() => b.page.locator(`[data-testid="dispatch"][data-unit="${target.code}"]`).getAttribute('data-active'))
      .toBe('true');
    await b.page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]');
    await b.screenshot('ticket-redispatched-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('locates an address-only ticket by typed coordinates; it is dispatched to the street there', async () => {
    await b.page.goto(`${server.url}/tickets/${unlocatedId}`);
    await waitForTicket(b.page, unlocatedId);
    expect(await b.page.getByTestId('ticket-location').getAttribute('data-location')).toBe('unlocated');
    await b.page.locator('[data-action="locate"]').click();
    await b.page.getByTestId('locate-lon').fill('116.4466');
    await b.page.getByTestId('locate-lat').fill('39.9087');
    await b.page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]');
    await b.screenshot('ticket-locate-1440x900-zh');
    await b.page.getByTestId('action-submit').click();
    await expect
      .poll(() => b.page.getByTestId('ticket-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('dispatched');
    const t = await detail(unlocatedId);
    expect([t.status, t.locationStatus, t.lon, t.lat]).toEqual(['dispatched', 'located', 116.4466, 39.9087]);
    expect(t.streetCode).toMatch(/^\d{9}$/);
    expect(await b.page.getByTestId('ticket-location').getAttribute('data-location')).toBe('located');
    await expect.poll(() => b.page.getByTestId('ticket-street').textContent()).toBe(t.streetZh);
    expect(await timelineIds(b.page)).toEqual(t.events.map((e) => e.id));
    expect(t.events.map((e) => e.type)).toEqual(['received', 'located', 'dispatched']);
    // the unlocated queue no longer holds it
    expect(
      (await api<QueueResponse>(client, '/api/queue?kind=unlocated&limit=1000')).tickets.map((x) => x.id),
    ).not.toContain(unlocatedId);
    await b.page.waitForSelector('[data-testid="ticket-map"][data-ready="1"]');
    await b.screenshot('ticket-located-1440x900-zh');
    expect(b.problemList()).toEqual([]);
  });

  it('shows the server’s refusal (409) when the ticket moved on behind the page', async () => {
    // without the live feed the page keeps its stale view (the feed's abort is not a failure)
    await b.page.route('**/api/live', (r) => r.abort('aborted'));
    await b.page.goto(`${server.url}/tickets/${unlocatedId}`);
    await waitForTicket(b.page, unlocatedId);
    await api(client, `/api/tickets/${unlocatedId}/accept`, {});
    await api(client, `/api/tickets/${unlocatedId}/reply`, {});
    await b.page.locator('[data-action="accept"]').click();
    await b.page.getByTestId('action-submit').click();
    await expect
      .poll(() => b.page.getByTestId('action-error').textContent())
      .toBe('工单当前为“已办结”，不能响应。可执行：记录回访');
    await b.screenshot('ticket-refused-1440x900-zh');
    await b.page.unroute('**/api/live');
    // the one refusal is the browser's only complaint (it logs every 4xx response)
    expect(b.problemList()).toEqual([
      `console error: Failed to load resource: the server responded with a status of 409 (Conflict) @ ${server.url}/api/tickets/${unlocatedId}/accept:0`,
      `failed request: POST ${server.url}/api/tickets/${unlocatedId}/accept: HTTP 409`,
    ]);
    b.problems.consoleErrors.length = 0;
    b.problems.failedRequests.length = 0;
  });

  it('reads in English, with an empty state where a queue is empty', async () => {
    await b.page.evaluate(() => localStorage.setItem('hotline.locale', 'en'));
    await b.page.goto(`${server.url}/queue?tab=returned`);
    await b.page.waitForSelector('[data-testid="queue-tab"][data-count]', { timeout: 30_000 });
    const returned = await total('returned');
    if (returned === 0)
      await expect.poll(() => b.page.getByTestId('queue-empty').textContent()).toContain('No returns waiting');
    else expect(await b.page.locator('[data-testid="queue-row"]').count()).toBe(returned);
    expect(await b.page.locator('[data-nav="queue"]').textContent()).toContain('Dispatch');
    await b.screenshot('queue-returned-1440x900-en');
    await b.page.goto(`${server.url}/tickets/${returnedId}`);
    await waitForTicket(b.page, returnedId);
    await b.screenshot('ticket-1440x900-en');
    await b.page.evaluate(() => localStorage.removeItem('hotline.locale'));
    expect(b.problemList()).toEqual([]);
  });
});
