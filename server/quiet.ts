// Background work (the standing questions, the surge scan, the assistant's training) gives way to
// people's requests: the embedded engine runs one statement at a time in the server's own thread,
// so a background read that starts while a page loads makes the page wait behind it (seconds, for
// a year of history), and on PostgreSQL the cores are shared all the same. Such work starts when no
// request has been in flight for a moment: urgent work (the surge scan) after a minute at most
// whatever the traffic, deferrable work (training, answers asked ahead) after a longer quiet.
import type { MiddlewareHandler } from 'hono';

let inFlight = 0;
let lastDone = 0;

/** Counts the requests in flight (a live feed's stream counts until its handler returns, not for its life). */
export const trackRequests = (): MiddlewareHandler => async (_c, next) => {
  inFlight++;
  try {
    await next();
  } finally {
    inFlight--;
    lastDone = Date.now();
  }
};

/** When this server process started (module load). */
export const started = Date.now();

export interface Quiet {
  /** no request in flight for this long */
  quietMs: number;
  /** started after this long whatever the traffic */
  maxWaitMs: number;
  /** never within this long of the server's start, when screens that were open reconnect and load */
  graceMs?: number;
}

/** Urgent background work (the surge scan): a second of quiet, a minute at most. */
export const URGENT: Quiet = { quietMs: 1000, maxWaitMs: 60_000 };
/**
 * Work that can wait (the assistant's training, the standing questions): 2.5 s of quiet, not in the
 * first 30 s after a start (a wall reconnecting then loads first), 5 minutes at most.
 */
export const DEFERRABLE: Quiet = { quietMs: 2500, maxWaitMs: 5 * 60_000, graceMs: 30_000 };

/** Resolves once no request has been in flight for `quietMs` (and the grace after start is over), or after `maxWaitMs`. */
export async function whenQuiet({ quietMs, maxWaitMs, graceMs = 0 }: Quiet): Promise<void> {
  const give = Date.now() + maxWaitMs;
  const busy = () => Date.now() - started < graceMs || inFlight > 0 || Date.now() - lastDone < quietMs;
  while (Date.now() < give && busy()) await new Promise((r) => setTimeout(r, 200));
}
