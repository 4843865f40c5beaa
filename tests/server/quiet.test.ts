import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono';
import { started, trackRequests, whenQuiet } from '../../server/quiet.ts';

/** An app whose one route answers when the test says so. */
function heldApp() {
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const app = new Hono().use('*', trackRequests()).get('/slow', async (c) => {
    await gate;
    return c.text('ok');
  });
  return { app, release };
}

/** Whether `p` has settled after the pending microtasks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

afterEach(() => vi.useRealTimers());

describe('background work gives way to requests', () => {
  it('starts only once no request has been in flight for the quiet period', async () => {
    vi.useFakeTimers();
    const { app, release } = heldApp();
    const request = app.request('/slow');
    const quiet = whenQuiet({ quietMs: 1000, maxWaitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await settled(quiet)).toBe(false); // a page is loading
    release();
    expect(await (await request).text()).toBe('ok');
    await vi.advanceTimersByTimeAsync(600);
    expect(await settled(quiet)).toBe(false); // quiet for less than a second
    await vi.advanceTimersByTimeAsync(600);
    expect(await settled(quiet)).toBe(true);
  });

  it('starts after the longest wait even while requests never stop', async () => {
    vi.useFakeTimers();
    const { app, release } = heldApp();
    const request = app.request('/slow');
    const quiet = whenQuiet({ quietMs: 1000, maxWaitMs: 10_000 });
    await vi.advanceTimersByTimeAsync(9_000);
    expect(await settled(quiet)).toBe(false);
    await vi.advanceTimersByTimeAsync(1_400);
    expect(await settled(quiet)).toBe(true);
    release();
    await request;
  });

  it('waits out the grace after the start, when reconnecting screens load, even when nothing is in flight', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.now() + 3_600_000); // past the earlier tests' last request
    const graceMs = Date.now() - started + 5_000; // 5 s of grace left
    const quiet = whenQuiet({ quietMs: 0, maxWaitMs: 60_000, graceMs });
    await vi.advanceTimersByTimeAsync(4_500);
    expect(await settled(quiet)).toBe(false);
    await vi.advanceTimersByTimeAsync(800);
    expect(await settled(quiet)).toBe(true);
  });
});
