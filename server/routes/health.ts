import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

/** GET /api/health — stable path for monitoring: 200 { ok: true, engine } once the database answers. */
export const health = new Hono<AppEnv>().get('/', async (c) => {
  const db = c.get('db');
  await db.query('SELECT 1');
  return c.json({ ok: true as const, engine: db.engine });
});
