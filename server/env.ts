// The Hono environment every route and middleware shares: what the request context carries.
// Its own module so that routes need not import server/app.ts (which imports every route).
import type { Database } from '../db/client.ts';
import type { Principal } from './auth/principal.ts';

export interface AppEnv {
  /**
   * db: the primary (writes, and reads that must see the caller's own writes: a ticket just filed,
   * the queue after an action). reads: where dashboards and analyses read (wall, ranking, hot spots,
   * reports, studio): the replicas of DATABASE_READ_URL, or the primary itself without them.
   * principal: who is signed in (set by auth/middleware.ts; present on every gated route).
   */
  Variables: { db: Database; reads: Database; principal: Principal };
}
