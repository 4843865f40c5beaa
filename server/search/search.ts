// The header's search (GET /api/search): a ticket by its id, tickets by address words, and places
// (districts, streets, grid cells) by name or code — each in the reader's jurisdiction, in SQL.
// The answer is a list of typed sections so other kinds of hit (a knowledge base, landmarks from a
// city package) can be added as sections of their own without changing the ones here.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';

export interface TicketHit {
  id: number;
  address: string | null;
  categoryCode: string;
  status: string;
  receivedAt: string;
  districtCode: string | null;
  streetCode: string | null;
  /** WGS-84 [lon, lat]; null for an address-only ticket. */
  at: [number, number] | null;
}

export interface PlaceHit {
  code: string;
  level: string;
  nameZh: string;
  nameEn: string;
  /** Codes from the district down to this place: the workspace's drill path. */
  path: string[];
  /** A point inside the place and its extent [minLon, minLat, maxLon, maxLat], for the map to fly to. */
  center: [number, number];
  bbox: [number, number, number, number];
}

export type SearchSection = { kind: 'tickets'; items: TicketHit[] } | { kind: 'places'; items: PlaceHit[] };

/** LIKE's own characters taken literally. */
const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function tickets(db: Queryable, q: string, limit: number, scope: Scope): Promise<TicketHit[]> {
  const params: unknown[] = [like(q), /^\d{1,15}$/.test(q) ? q : null, limit];
  const own = scopeClause(scope, params);
  const rows = await db.query<{
    id: number;
    address: string | null;
    category_code: string;
    status: string;
    received_at: Date | string;
    district_code: string | null;
    street_code: string | null;
    lon: number | null;
    lat: number | null;
    exact: boolean;
  }>(
    `SELECT t.id::float8 AS id, t.address, t.category_code, t.status, t.received_at, t.district_code, t.street_code,
            ST_X(t.geom)::float8 AS lon, ST_Y(t.geom)::float8 AS lat, (t.id = $2::bigint) AS exact
     FROM tickets t
     WHERE (t.id = $2::bigint OR t.address ILIKE $1)${own ? ` AND ${own}` : ''}
     ORDER BY (t.id = $2::bigint) DESC, t.received_at DESC, t.id DESC LIMIT $3`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    address: r.address,
    categoryCode: r.category_code,
    status: r.status,
    receivedAt: new Date(r.received_at).toISOString(),
    districtCode: r.district_code,
    streetCode: r.street_code,
    at: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
  }));
}

async function places(db: Queryable, q: string, limit: number, scope: Scope): Promise<PlaceHit[]> {
  const params: unknown[] = [like(q), q, limit];
  let within = '';
  if (scope.level !== 'city') {
    // the scope's own region and what lies inside it (its streets and grid cells)
    params.push(scope.code);
    const p = params.length;
    within = ` AND (r.code = $${p} OR r.parent_code = $${p} OR r.parent_code IN (SELECT code FROM regions WHERE parent_code = $${p}))`;
  }
  const rows = await db.query<{
    code: string;
    level: string;
    name_zh: string;
    name_en: string;
    parent: string | null;
    grandparent: string | null;
    cx: number;
    cy: number;
    x0: number;
    y0: number;
    x1: number;
    y1: number;
  }>(
    `SELECT r.code, r.level, r.name_zh, r.name_en, p.code AS parent, p.parent_code AS grandparent,
            ST_X(ST_PointOnSurface(r.geom))::float8 AS cx, ST_Y(ST_PointOnSurface(r.geom))::float8 AS cy,
            ST_XMin(r.geom)::float8 AS x0, ST_YMin(r.geom)::float8 AS y0, ST_XMax(r.geom)::float8 AS x1, ST_YMax(r.geom)::float8 AS y1
     FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
     WHERE r.level IN ('district','street','grid') AND (r.name_zh ILIKE $1 OR r.name_en ILIKE $1 OR r.code = $2)${within}
     ORDER BY (r.code = $2) DESC, (r.name_zh = $2 OR r.name_en ILIKE $2) DESC,
              CASE r.level WHEN 'district' THEN 0 WHEN 'street' THEN 1 ELSE 2 END, length(r.name_zh), r.code
     LIMIT $3`,
    params,
  );
  return rows.map((r) => ({
    code: r.code,
    level: r.level,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    path: [r.grandparent, r.parent, r.code].filter((c): c is string => !!c),
    center: [r.cx, r.cy],
    bbox: [r.x0, r.y0, r.x1, r.y1],
  }));
}

export async function search(db: Queryable, q: string, limit: number, scope: Scope): Promise<SearchSection[]> {
  const [t, p] = await Promise.all([tickets(db, q, limit, scope), places(db, q, limit, scope)]);
  return [
    { kind: 'places', items: p },
    { kind: 'tickets', items: t },
  ];
}
