import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../../../db/client.ts';
import { answerOnce, refreshesSettled, serveStaleAnswers } from '../../../server/analysis/answers.ts';

/** A database whose newest ticket and event ids the test sets. */
function fakeDb() {
  const data = { ticket: 1, event: 1 };
  const db = {
    query: async () => [{ t: String(data.ticket), e: String(data.event) }],
  } as unknown as Queryable;
  return { db, data };
}

/** An analysis that answers with its call number, and whose calls the test can hold open. */
function analysis() {
  let calls = 0;
  let gate: Promise<void> | null = null;
  let open = () => {};
  return {
    compute: async () => {
      const n = ++calls;
      if (gate) await gate;
      return n;
    },
    calls: () => calls,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
  };
}

const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-08T08:00:00Z'));
});
afterEach(() => {
  serveStaleAnswers(0);
  vi.useRealTimers();
});

describe('analysis answers kept per data version', () => {
  it('answers a repeated question from the first computation until a ticket or an event comes in', async () => {
    const { db, data } = fakeDb();
    const a = analysis();
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(1);
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(1);
    expect((await answerOnce(db, ['other'], a.compute)).value).toBe(2); // another question
    data.ticket = 2;
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(3);
    data.event = 7;
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(4);
    expect(a.calls()).toBe(4);
  });

  it('never shares an answer between two databases, and keeps one at most 10 minutes', async () => {
    const one = fakeDb();
    const two = fakeDb();
    const a = analysis();
    expect((await answerOnce(one.db, ['q'], a.compute)).value).toBe(1);
    expect((await answerOnce(two.db, ['q'], a.compute)).value).toBe(2);
    vi.setSystemTime(Date.now() + 10 * MINUTE);
    expect((await answerOnce(one.db, ['q'], a.compute)).value).toBe(3);
  });

  it('by default (tests, tools) waits for the new version rather than serving the old one', async () => {
    const { db, data } = fakeDb();
    const a = analysis();
    await answerOnce(db, ['q'], a.compute);
    data.ticket = 2;
    a.hold();
    const pending = answerOnce(db, ['q'], a.compute);
    let settled = false;
    void pending.then(() => (settled = true));
    await vi.waitFor(() => expect(a.calls()).toBe(2));
    expect(settled).toBe(false);
    a.release();
    expect((await pending).value).toBe(2);
  });
});

describe('with stale answers allowed (the running server)', () => {
  it('serves the previous answer with its time at once and computes the new one once in the background', async () => {
    serveStaleAnswers(10 * MINUTE);
    const { db, data } = fakeDb();
    const a = analysis();
    const first = await answerOnce(db, ['q'], a.compute);
    expect(first).toEqual({ value: 1, computedAt: new Date('2026-12-08T08:00:00Z') });

    vi.setSystemTime(new Date('2026-12-08T08:03:00Z'));
    data.ticket = 2;
    a.hold();
    // two visits while the new answer is computed: both get the old one, one computation runs
    expect(await answerOnce(db, ['q'], a.compute)).toEqual(first);
    expect(await answerOnce(db, ['q'], a.compute)).toEqual(first);
    expect(a.calls()).toBe(2);
    a.release();
    await refreshesSettled(db);
    expect(await answerOnce(db, ['q'], a.compute)).toEqual({
      value: 2,
      computedAt: new Date('2026-12-08T08:03:00Z'),
    });
    expect(a.calls()).toBe(2);
  });

  it('starts the background computation only when the server says so (no page loading)', async () => {
    let quiet = () => {};
    const gate = new Promise<void>((r) => (quiet = r));
    serveStaleAnswers(10 * MINUTE, () => gate);
    const { db, data } = fakeDb();
    const a = analysis();
    await answerOnce(db, ['q'], a.compute);
    data.ticket = 2;
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(a.calls()).toBe(1); // waiting for the quiet moment
    vi.setSystemTime(new Date('2026-12-08T08:05:00Z'));
    quiet();
    await refreshesSettled(db);
    expect(a.calls()).toBe(2);
    // stamped with the moment it read the data, not the visit that asked for it
    expect(await answerOnce(db, ['q'], a.compute)).toEqual({ value: 2, computedAt: new Date('2026-12-08T08:05:00Z') });
  });

  it('waits for the new answer when the old one is older than the bound', async () => {
    serveStaleAnswers(2 * MINUTE);
    const { db, data } = fakeDb();
    const a = analysis();
    await answerOnce(db, ['q'], a.compute);
    vi.setSystemTime(Date.now() + 2 * MINUTE);
    data.ticket = 2;
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(2);
  });

  it('keeps the old answer when the background computation fails, and tries again on the next visit', async () => {
    serveStaleAnswers(10 * MINUTE);
    const { db, data } = fakeDb();
    let fail = true;
    let calls = 0;
    const compute = async () => {
      calls++;
      if (calls > 1 && fail) throw new Error('database gone');
      return calls;
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await answerOnce(db, ['q'], compute);
    data.ticket = 2;
    expect((await answerOnce(db, ['q'], compute)).value).toBe(1);
    await refreshesSettled(db);
    expect(warn).toHaveBeenCalledWith('analysis refresh failed: database gone');
    fail = false;
    expect((await answerOnce(db, ['q'], compute)).value).toBe(1); // served old, retried in the background
    await refreshesSettled(db);
    expect((await answerOnce(db, ['q'], compute)).value).toBe(3);
    warn.mockRestore();
  });

  it('never serves an answer older than 10 minutes, whatever the bound asked for', async () => {
    serveStaleAnswers(60 * MINUTE);
    const { db, data } = fakeDb();
    const a = analysis();
    await answerOnce(db, ['q'], a.compute);
    vi.setSystemTime(Date.now() + 10 * MINUTE);
    data.ticket = 2;
    expect((await answerOnce(db, ['q'], a.compute)).value).toBe(2);
  });
});
