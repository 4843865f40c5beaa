// The standing questions: what the studio's tabs and the wall ask before anyone has chosen a
// category or a month (their default views, city-wide). The server asks them itself, at start and
// then every few minutes, so the first planner of the day, or the first after a restart, finds the
// answer computed (server/analysis/answers.ts keeps it; a question whose data has not changed costs
// two index probes). They go through the same routes, validation and cache keys as a planner's
// request, on an in-process app that no socket reaches.
import { Hono } from 'hono';
import type { Database } from '../../db/client.ts';
import { refreshesSettled } from '../analysis/answers.ts';
import { CITY, type Principal } from '../auth/principal.ts';
import type { AppEnv } from '../env.ts';
import { analysis } from './analysis.ts';
import { DEFERRABLE, whenQuiet } from '../quiet.ts';

/** The default views' requests, as the web builds them (web/components/studio/api.ts, wallApi.ts; a test checks). */
export const STANDING_QUESTIONS = [
  '/api/hotspots/emerging?res=8&k=1&step=month&steps=12&series=counts',
  '/api/forecast?res=8&limit=30',
  '/api/clusters',
  '/api/hotspots/emerging?res=7&series=none',
] as const;
// Not the forecast's backtest: a minute of arithmetic on the demo for an answer the forecast tab
// shows beside its map, not before it; it is computed on the first visit and kept like the others.

/** How often the server asks again (a question whose data is unchanged costs nothing). */
export const STANDING_EVERY_MS = 5 * 60_000;

/** The server itself, city-wide, as a planner would ask. */
const SERVER: Principal = {
  kind: 'user',
  id: 0,
  username: 'server',
  displayName: 'server',
  role: 'admin',
  scope: CITY,
  sessionHash: '',
  csrfToken: '',
};

/**
 * Asks every standing question once, one after another (each waits for its background refresh);
 * `before` runs ahead of each (the server waits for a quiet moment).
 */
export async function askStandingQuestions(
  db: Database,
  { stopped = () => false, before = async () => {} }: { stopped?: () => boolean; before?: () => Promise<void> } = {},
): Promise<void> {
  const reads = db.reads ?? db;
  const app = new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.set('db', db);
      c.set('reads', reads);
      c.set('principal', SERVER);
      await next();
    })
    .route('/api', analysis);
  for (const url of STANDING_QUESTIONS) {
    await before();
    if (stopped()) return;
    const res = await app.request(url);
    // 4xx: nothing to answer yet (no tickets, no history); the next round asks again
    if (res.status >= 500) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    await Promise.all([refreshesSettled(db), refreshesSettled(reads)]);
  }
}

/** Asks the standing questions now and every `everyMs`; returns the stop function. */
export function startStandingQuestions(db: Database, everyMs: number, log: (line: string) => void): () => void {
  let stopped = false;
  let running = false;
  let first = true;
  const run = async () => {
    if (running || stopped) return;
    running = true;
    const t0 = Date.now();
    try {
      await askStandingQuestions(db, {
        stopped: () => stopped,
        before: () => whenQuiet(DEFERRABLE),
      });
      if (first && !stopped) log(`studio's default answers ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      first = false;
    } catch (err) {
      if (!stopped) console.warn(`standing questions: ${err instanceof Error ? err.message : err}`);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
