// GET /api/live: Server-Sent Events of new tickets and state changes (ticket_events), resumable
// with Last-Event-ID (or ?since=). Without either, the stream starts after the latest event.
// A scoped principal (official, district wall) receives only events of tickets in their region.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../app.ts';
import { errorBody } from '../errors.ts';
import { FeedReader, hubFor, latestEventId } from '../lifecycle/liveFeed.ts';

const HEARTBEAT_MS = 15_000;
/** How soon to look again while a gap in the ids waits for a running transaction (a rollback sends no NOTIFY). */
const GAP_POLL_MS = 100;

export const live = new Hono<AppEnv>().get('/', async (c) => {
  const db = c.get('db');
  const raw = c.req.header('last-event-id') ?? c.req.query('since');
  if (raw !== undefined && !/^\d{1,15}$/.test(raw)) return c.json(errorBody('invalid_input', 'Last-Event-ID: not an event id', 'Last-Event-ID'), 400);
  const last = raw !== undefined ? Number(raw) : await latestEventId(db);
  const feed = new FeedReader(db, last, c.get('principal').scope);
  return streamSSE(c, async (stream) => {
    let wake: () => void = () => {};
    let pending = true;
    const leave = await hubFor(db).join(() => {
      pending = true;
      wake();
    });
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake();
    });
    try {
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ after: last }), retry: 3000 } as never);
      while (!closed) {
        if (pending) {
          pending = false;
          for (;;) {
            const batch = await feed.next();
            for (const e of batch) await stream.writeSSE({ id: String(e.id), event: 'ticket', data: JSON.stringify(e) });
            if (!feed.more) break;
          }
        }
        const gap = feed.waiting;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending || closed) resolve();
          setTimeout(resolve, gap ? GAP_POLL_MS : HEARTBEAT_MS).unref?.();
        });
        if (gap) pending = true;
        else if (!pending && !closed) await stream.write(': ping\n\n');
      }
    } finally {
      await leave();
    }
  });
});
