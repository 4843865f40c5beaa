// Jurisdiction in SQL: a district or street official's queries carry their region in the WHERE
// clause itself (never a filter applied afterwards in the browser or in JavaScript).
import type { Queryable } from '../../db/client.ts';
import type { Scope } from './principal.ts';

/** A request for something outside the caller's jurisdiction: 403 naming the field. */
export class OutOfScope extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The tickets column that holds the scope's region, or null for the whole city. */
export function scopeColumn(scope: Scope): 'district_code' | 'street_code' | null {
  return scope.level === 'district' ? 'district_code' : scope.level === 'street' ? 'street_code' : null;
}

/**
 * `t.street_code = $n` (or district) with the code pushed onto params; null for city scope.
 * `alias` is the tickets alias in the caller's SQL; pass '' for an unaliased tickets table.
 */
export function scopeClause(scope: Scope, params: unknown[], alias = 't'): string | null {
  const col = scopeColumn(scope);
  if (!col || scope.level === 'city') return null;
  params.push(scope.code);
  return `${alias ? `${alias}.` : ''}${col} = $${params.length}`;
}

/** Is region `code` the scope's own region or inside it (a street or grid of the district…)? */
export async function regionInScope(db: Queryable, scope: Scope, code: string): Promise<boolean> {
  if (scope.level === 'city') return true;
  if (code === scope.code) return true;
  const rows = await db.query(
    `WITH RECURSIVE up(code, parent, depth) AS (
       SELECT code, parent_code, 0 FROM regions WHERE code = $1
       UNION ALL
       SELECT r.code, r.parent_code, up.depth + 1 FROM regions r JOIN up ON r.code = up.parent WHERE up.depth < 8)
     SELECT 1 FROM up WHERE code = $2 LIMIT 1`,
    [code, scope.code],
  );
  return rows.length > 0;
}

/**
 * The region a scoped request is limited to: the requested one when it lies inside the scope, the
 * scope's own region when none was asked for (undefined for the city), OutOfScope otherwise.
 */
export async function scopedRegion(
  db: Queryable,
  scope: Scope,
  requested: string | undefined,
  field = 'region',
): Promise<string | undefined> {
  if (scope.level === 'city') return requested;
  if (requested === undefined) return scope.code;
  if (await regionInScope(db, scope, requested)) return requested;
  throw new OutOfScope(field, `${field}: ${requested} is outside your jurisdiction (${scope.code})`);
}
