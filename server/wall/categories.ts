// The categories most tickets were received under in a window (today, this week).
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import type { Window } from './windows.ts';

export interface TopCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  groupCode: string;
  count: number;
}

/** The scope's own tickets only (a district or street wall). */
export async function topCategories(db: Queryable, w: Window, limit: number, scope: Scope): Promise<TopCategory[]> {
  const params: unknown[] = [w.from.toISOString(), w.to.toISOString(), limit];
  const own = scopeClause(scope, params, '');
  return db.query<TopCategory>(
    `SELECT c.code, c.name_zh AS "nameZh", c.name_en AS "nameEn", c.group_code AS "groupCode", x.n::int AS count
     FROM (SELECT category_code, count(*) AS n FROM tickets
           WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz${own ? ` AND ${own}` : ''} GROUP BY category_code) x
     JOIN categories c ON c.code = x.category_code
     ORDER BY x.n DESC, c.code LIMIT $3`,
    params,
  );
}
