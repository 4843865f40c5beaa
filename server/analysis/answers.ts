// The planning analyses' answers (emerging trends, recurring clusters, the forecast and its
// backtest), kept while the data they read is unchanged: a planner coming back to a studio tab, a
// second planner, or the wall's scene asking again, is answered at once instead of after seconds of
// engine time (on the embedded engine those seconds hold every other page). The data's version is
// the newest ticket and the newest ticket event (two primary-key probes): any filed ticket, and any
// change the lifecycle records (recategorised, relocated, called back...), makes a fresh answer.
// At most 10 minutes old either way.
//
// A city files a ticket every few seconds, so on a live server the version changes between any two
// visits. The running server (main.ts, ANALYSIS_STALE_SECONDS) may therefore answer from the
// previous version while it computes the new one in the background, as long as that answer is
// younger than the staleness bound: a year of history does not turn over in minutes, and a planner
// waiting 10 s for one more ticket in the forecast is the worse trade. Each answer says when it was
// computed (`computedAt`, the route's `X-Computed-At` header). By default (tests, tools) answers
// are always of the current version.
import type { Queryable } from '../../db/client.ts';
import { perObject } from './ttlCache.ts';

/** How long an answer is kept at all. */
const MAX_AGE_MS = 10 * 60_000;
/** Answers kept per database (oldest dropped first). */
const MAX_ANSWERS = 30;

let staleMs = 0;
let beforeRefresh: () => Promise<void> = async () => {};

/**
 * Let an answer computed on older data be served while a fresh one is computed, when it is younger
 * than `ms` (at most the 10 minutes an answer is kept). 0 (the default): never. The background
 * computation starts when `before` resolves (the server: when no page is loading).
 */
export function serveStaleAnswers(ms: number, before: () => Promise<void> = async () => {}): void {
  staleMs = Math.max(0, Math.min(ms, MAX_AGE_MS));
  beforeRefresh = before;
}

export interface Answer<T> {
  value: T;
  /** When the computation started: the data it read is at least that recent. */
  computedAt: Date;
}

interface Entry {
  version: string;
  at: number;
  value: Promise<unknown>;
  /** A background computation for a newer version is under way. */
  refreshing?: Promise<void>;
}

/** Each database's answers, by question. */
const storeOf = perObject(() => new Map<string, Entry>());

/** The version of the tickets an analysis reads: it changes with every new ticket or ticket event. */
export async function ticketDataVersion(db: Queryable): Promise<string> {
  const [r] = await db.query<{ t: string | null; e: string | null }>(
    `SELECT (SELECT max(id) FROM tickets)::text AS t, (SELECT max(id) FROM ticket_events)::text AS e`,
  );
  return `${r?.t ?? ''}:${r?.e ?? ''}`;
}

function put(store: Map<string, Entry>, key: string, entry: Entry): void {
  store.delete(key); // re-inserted last: the oldest-first order is the order of computation
  if (store.size >= MAX_ANSWERS) store.delete(store.keys().next().value as string);
  store.set(key, entry);
  entry.value.catch(() => {
    if (store.get(key) === entry) store.delete(key);
  });
}

/**
 * `compute`'s answer to `question` (JSON-able: the analysis, its parameters and the scope), once per
 * data version; or, when stale answers are allowed, the previous version's while this one is computed.
 */
export async function answerOnce<T>(db: Queryable, question: unknown, compute: () => Promise<T>): Promise<Answer<T>> {
  const store = storeOf(db);
  const key = JSON.stringify(question);
  const version = await ticketDataVersion(db);
  const now = Date.now();
  const hit = store.get(key);
  if (hit && now - hit.at < MAX_AGE_MS) {
    if (hit.version === version) return answer(hit);
    if (now - hit.at < staleMs) {
      hit.refreshing ??= refresh(db, store, key, hit, compute);
      return answer(hit);
    }
  }
  const entry: Entry = { version, at: now, value: compute() };
  put(store, key, entry);
  return answer(entry);
}

async function answer<T>(entry: Entry): Promise<Answer<T>> {
  return { value: (await entry.value) as T, computedAt: new Date(entry.at) };
}

/** Computes a newer answer in the background; it replaces `old` once it succeeds. */
function refresh(db: Queryable, store: Map<string, Entry>, key: string, old: Entry, compute: () => Promise<unknown>) {
  let at = 0;
  let version = old.version;
  const value = beforeRefresh().then(async () => {
    // the version and time of the data the computation reads, not of the visit that asked for it
    at = Date.now();
    version = await ticketDataVersion(db);
    return compute();
  });
  return value.then(
    () => {
      if (store.get(key) === old) put(store, key, { version, at, value });
    },
    (err: unknown) => {
      // The old answer stays (until its age runs out); the next visit tries again.
      console.warn(`analysis refresh failed: ${err instanceof Error ? err.message : err}`);
      if (store.get(key) === old) old.refreshing = undefined;
    },
  );
}

/** Resolves when no background refresh of `db`'s answers is running (the standing questions' pacing). */
export async function refreshesSettled(db: object): Promise<void> {
  // A refresh, settled, has replaced its entry or cleared its mark; one may have started meanwhile.
  for (;;) {
    const running = [...storeOf(db).values()].flatMap((e) => (e.refreshing ? [e.refreshing] : []));
    if (running.length === 0) return;
    await Promise.all(running);
  }
}

/** The header saying when a served answer was computed (it may predate the newest ticket: see above). */
export const computedAtHeader = (a: Answer<unknown>) => ({ 'X-Computed-At': a.computedAt.toISOString() });
