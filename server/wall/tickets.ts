// Tickets as the wall may show them: where, what, when — never who (no ticket_callers, no
// address or description, which callers fill with their own words and details). A district or
// street wall lists its own region's tickets only (the scope clause is in each WHERE).
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';

export interface WallTicket {
  id: number;
  receivedAt: string;
  lon: number | null;
  lat: number | null;
  categoryCode: string;
  categoryZh: string;
  categoryEn: string;
  groupCode: string;
  districtCode: string | null;
  districtZh: string | null;
  districtEn: string | null;
  streetCode: string | null;
  streetZh: string | null;
  streetEn: string | null;
}

/** The wall's ticket columns (no caller data), FROM tickets t with names; add WHERE / ORDER. */
export const WALL_TICKET_SELECT = `SELECT t.id::int AS id, t.received_at AS "receivedAt", ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
    t.category_code AS "categoryCode", c.name_zh AS "categoryZh", c.name_en AS "categoryEn", c.group_code AS "groupCode",
    t.district_code AS "districtCode", d.name_zh AS "districtZh", d.name_en AS "districtEn",
    t.street_code AS "streetCode", s.name_zh AS "streetZh", s.name_en AS "streetEn"
  FROM tickets t JOIN categories c ON c.code = t.category_code
  LEFT JOIN regions d ON d.code = t.district_code LEFT JOIN regions s ON s.code = t.street_code`;

const tidy = (rows: (WallTicket & { receivedAt: string | Date })[]): WallTicket[] =>
  rows.map((r) => ({
    ...r,
    receivedAt: new Date(r.receivedAt).toISOString(),
    lon: r.lon == null ? null : Number(r.lon),
    lat: r.lat == null ? null : Number(r.lat),
  }));

const inScope = (scope: Scope, params: unknown[]) => {
  const own = scopeClause(scope, params);
  return own ? ` AND ${own}` : '';
};

/** The named tickets, newest first (ids the live feed announced); ids outside the scope are not found. */
export async function ticketsById(db: Queryable, ids: readonly number[], scope: Scope): Promise<WallTicket[]> {
  if (ids.length === 0) return [];
  const params: unknown[] = [[...ids]];
  return tidy(
    await db.query(
      `${WALL_TICKET_SELECT} WHERE t.id = ANY($1::bigint[])${inScope(scope, params)} ORDER BY t.received_at DESC, t.id DESC`,
      params,
    ),
  );
}

/** The latest tickets received before `now`, newest first. */
export async function latestTickets(db: Queryable, now: Date, limit: number, scope: Scope): Promise<WallTicket[]> {
  const params: unknown[] = [now.toISOString(), limit];
  return tidy(
    await db.query(
      `${WALL_TICKET_SELECT} WHERE t.received_at < $1::timestamptz${inScope(scope, params)} ORDER BY t.received_at DESC, t.id DESC LIMIT $2`,
      params,
    ),
  );
}
