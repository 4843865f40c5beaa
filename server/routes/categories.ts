import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

/** GET /api/categories — the two-level taxonomy; `categories` order is the index used by binary point sets. */
export const categories = new Hono<AppEnv>().get('/', async (c) => {
  const db = c.get('db');
  const [groups, cats] = await Promise.all([
    db.query<{ code: string; nameZh: string; nameEn: string }>(
      'SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM category_groups ORDER BY code',
    ),
    listCategories(db),
  ]);
  return c.json({ groups, categories: cats });
});

export interface CategoryRow {
  code: string;
  groupCode: string;
  nameZh: string;
  nameEn: string;
  urgency: string;
}

export function listCategories(db: AppEnv['Variables']['db']) {
  return db.query<CategoryRow>(
    'SELECT code, group_code AS "groupCode", name_zh AS "nameZh", name_en AS "nameEn", urgency FROM categories ORDER BY code',
  );
}
