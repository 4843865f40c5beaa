// GET /api/live: Server-Sent Events of new tickets and state changes (ticket_events), resumable
// with Last-Event-ID (or ?since=). Without either, the stream starts after the latest event.
// A scoped principal (official, district wall) receives only events of tickets in their region.
// Bounded (issue 15, M5): a resume replays at most MAX_REPLAY_EVENTS events — asked for more, the
// stream starts that far back and first sends `event: reset` { requested, from } so the page
// reloads its lists instead — and one session holds at most MAX_STREAMS_PER_SESSION streams
// (one more is a 429 naming the session, with Retry-After).
// Surge alerts (server/alerts/) come as `event: alert` with the alert's row, those of the
// principal's region only, from the moment the stream opens (GET /api/alerts gives what was before).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { FeedReader, hubFor, latestEventId } from '../lifecycle/liveFeed.ts';
import { alertsAfter, latestAlertVersion } from '../alerts/store.ts';

const HEARTBEAT_MS = 15_000;
/** How soon to look again while a gap in the ids waits for a running transaction (a rollback sends no NOTIFY). */
const GAP_POLL_MS = 100;
/** Events a resume may replay: a reconnect after a few minutes' outage, not the whole table. */
export const MAX_REPLAY_EVENTS = 10_000;
/** Open streams per session: a few tabs; the pages fall back to polling beyond. */
export const MAX_STREAMS_PER_SESSION = 4;
const RETRY_AFTER_S = 5;

/** Open streams by session. */
const open = new Map<string, number>();

export const live = new Hono<AppEnv>().get('/', async (c) => {
  const db = c.get('db');
  const p = c.get('principal');
  const raw = c.req.header('last-event-id') ?? c.req.query('since');
  if (raw !== undefined && !/^\d{1,15}$/.test(raw))
    return c.json(errorBody('invalid_input', 'Last-Event-ID: not an event id', 'Last-Event-ID'), 400);
  const session = p.sessionHash || `${p.kind}:${p.id}`;
  if ((open.get(session) ?? 0) >= MAX_STREAMS_PER_SESSION) {
    c.header('Retry-After', String(RETRY_AFTER_S));
    return c.json(
      errorBody(
        'rate_limited',
        `session: at most ${MAX_STREAMS_PER_SESSION} live streams per session; close one (another tab) first`,
        'session',
      ),
      429,
    );
  }
  const latest = await latestEventId(db);
  const asked = raw !== undefined ? Number(raw) : latest;
  const last = Math.max(asked, latest - MAX_REPLAY_EVENTS);
  const feed = new FeedReader(db, last, p.scope);
  let alertVersion = await latestAlertVersion(db);
  open.set(session, (open.get(session) ?? 0) + 1);
  let counted = true;
  const release = () => {
    if (!counted) return;
    counted = false;
    const n = (open.get(session) ?? 1) - 1;
    if (n > 0) open.set(session, n);
    else open.delete(session);
  };
  return streamSSE(c, async (stream) => {
    let wake: () => void = () => {};
    let pending = true;
    let closed = false;
    // before anything is awaited: a client may leave while the stream is still being set up
    stream.onAbort(() => {
      closed = true;
      release();
      wake();
    });
    try {
      const leave = await hubFor(db).join(() => {
        pending = true;
        wake();
      });
      try {
        if (stream.aborted) return;
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ after: last }), retry: 3000 } as never);
        if (last > asked)
          await stream.writeSSE({ event: 'reset', data: JSON.stringify({ requested: asked, from: last }) });
        while (!closed && !stream.aborted) {
          if (pending) {
            pending = false;
            for (;;) {
              const batch = await feed.next();
              for (const e of batch)
                await stream.writeSSE({ id: String(e.id), event: 'ticket', data: JSON.stringify(e) });
              if (!feed.more || closed) break;
            }
            for (;;) {
              const changed = await alertsAfter(db, alertVersion, p.scope);
              for (const a of changed) await stream.writeSSE({ event: 'alert', data: JSON.stringify(a) });
              // out-of-scope writes never match the query; the cursor follows the newest sent (the
              // wall also re-reads GET /api/alerts every minute, which covers a write committed out of order)
              if (changed.length) alertVersion = changed[changed.length - 1]!.version;
              if (changed.length < 50 || closed) break;
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
    } finally {
      release();
    }
  });
});
