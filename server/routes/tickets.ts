import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app.ts';
import { validQuery } from '../validate.ts';
import { resolveFilter, ticketFilterSchema } from '../filters.ts';
import { listCategories } from './categories.ts';
import { encodePoints } from '../points.ts';

/** Points beyond this are cut (X-Truncated: 1); the map asks for a narrower filter or zooms in. */
export const MAX_POINTS = 2_000_000;

const listQuery = ticketFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const tickets = new Hono<AppEnv>()
  /** GET /api/tickets — a page of tickets (no personal data), newest first. */
  .get('/', validQuery(listQuery), async (c) => {
    const q = c.req.valid('query');
    const db = c.get('db');
    const f = await resolveFilter(db, q);
    const [count, items] = await Promise.all([
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets t WHERE ${f.where}`, f.params),
      db.query(
        `SELECT t.id::float8 AS id, t.kind, t.channel, t.category_code AS "categoryCode", t.status,
                t.received_at AS "receivedAt", t.district_code AS "districtCode", t.street_code AS "streetCode",
                t.grid_code AS "gridCode", ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.address,
                t.location_status AS "locationStatus"
         FROM tickets t WHERE ${f.where}
         ORDER BY t.received_at DESC, t.id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
        f.params,
      ),
    ]);
    return c.json({ total: count[0]!.n, from: f.from, to: f.to, items });
  })
  /**
   * GET /api/tickets/points — located points in a compact binary form (little-endian):
   * uint32 n, Float32 lon/lat × n, Uint16 category index × n (index into /api/categories order).
   */
  .get('/points', validQuery(ticketFilterSchema), async (c) => {
    const db = c.get('db');
    const f = await resolveFilter(db, c.req.valid('query'));
    const [cats, rows, total] = await Promise.all([
      listCategories(db),
      db.query<{ x: number; y: number; c: string }>(
        `SELECT ST_X(t.geom) AS x, ST_Y(t.geom) AS y, t.category_code AS c
         FROM tickets t WHERE ${f.where} AND t.geom IS NOT NULL LIMIT ${MAX_POINTS}`,
        f.params,
      ),
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets t WHERE ${f.where} AND t.geom IS NOT NULL`, f.params),
    ]);
    const index = new Map(cats.map((cat, i) => [cat.code, i]));
    const body = encodePoints(rows.map((r) => [r.x, r.y, index.get(r.c) ?? 0xffff]));
    c.header('Content-Type', 'application/octet-stream');
    c.header('X-Total-Count', String(total[0]!.n));
    if (total[0]!.n > rows.length) c.header('X-Truncated', '1');
    return c.body(body);
  });
