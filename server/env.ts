// The Hono environment every route and middleware shares: what the request context carries.
// Its own module so that routes need not import server/app.ts (which imports every route).
import type { Database } from '../db/client.ts';
import type { Principal } from './auth/principal.ts';

export interface AppEnv {
  /** principal: who is signed in (set by auth/middleware.ts; present on every gated route). */
  Variables: { db: Database; principal: Principal };
}
