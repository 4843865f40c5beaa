import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { listCategories, listCategoryGroups } from '../geo/sql.ts';

/** GET /api/categories — the two-level taxonomy; `categories` order is the index used by binary point sets. */
export const categories = new Hono<AppEnv>().get('/', async (c) => {
  const db = c.get('db');
  const [groups, cats] = await Promise.all([listCategoryGroups(db), listCategories(db)]);
  return c.json({ groups, categories: cats });
});
