import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { resolveFilter, ticketFilterSchema } from '../filters.ts';
import { listCategories, regionNames } from '../geo/sql.ts';
import { errorBody } from '../errors.ts';
import { cityTimeZone } from '../time.ts';
import { contentDisposition } from '../reports/labels.ts';
import { exportRows, MAX_EXPORT_ROWS } from '../export/rows.ts';
import { ticketsCsv } from '../export/csv.ts';
import { ticketsXlsx } from '../export/xlsx.ts';
import { exportFileName } from '../export/fileName.ts';
import { pointsHeader } from '../points.ts';
import { countLocated, countTickets, packedPoints, ticketPage } from '../tickets/sql.ts';

/** Points beyond this are cut (X-Truncated: 1); the map asks for a narrower filter or zooms in. */
export const MAX_POINTS = 2_000_000;

export const listQuery = ticketFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const exportQuery = ticketFilterSchema.extend({
  format: z.enum(['csv', 'xlsx']),
  lang: z.enum(['zh', 'en']).default('zh'),
});

/** "2026-11-01 08:30" in the city's zone (sv-SE writes ISO-like dates). */
const cityTime = (): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: cityTimeZone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

export const tickets = new Hono<AppEnv>()
  /** GET /api/tickets — a page of tickets (no personal data), newest first. */
  .get('/', validQuery(listQuery), async (c) => {
    const q = c.req.valid('query');
    const db = c.get('db');
    const f = await resolveFilter(db, q, c.get('principal').scope);
    const [total, items] = await Promise.all([countTickets(db, f), ticketPage(db, f, q.limit, q.offset)]);
    return c.json({ total, from: f.from, to: f.to, items });
  })
  /**
   * GET /api/tickets/export?format=csv|xlsx&lang=zh|en&<filter> — every filtered ticket (no
   * personal data, no free text), oldest first; over MAX_EXPORT_ROWS is a 400 asking to narrow.
   */
  .get('/export', validQuery(exportQuery), async (c) => {
    const q = c.req.valid('query');
    const db = c.get('db');
    const f = await resolveFilter(db, q, c.get('principal').scope);
    const n = await countTickets(db, f);
    if (n > MAX_EXPORT_ROWS) {
      return c.json(
        errorBody('too_large', `${n} tickets match; narrow the filter to at most ${MAX_EXPORT_ROWS}`, 'from'),
        400,
      );
    }
    const [rows, region] = await Promise.all([exportRows(db, f), f.region ? regionNames(db, f.region) : null]);
    const day = (d: Date) => cityTime().format(d).slice(0, 10);
    // `to` is exclusive: the file names the last day it covers; a scoped export names its region
    const name = exportFileName(
      q.lang,
      { ...q, region: f.region },
      region?.[q.lang] ?? null,
      day(f.from),
      day(new Date(f.to.getTime() - 1)),
      q.format,
    );
    c.header('Content-Disposition', contentDisposition('attachment', name, name.replace(/[^\x20-\x7e]/g, '_')));
    c.header('X-Total-Count', String(rows.length));
    const inZone = cityTime();
    const fmt = (d: Date) => inZone.format(new Date(d));
    if (q.format === 'csv') {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      return c.body(ticketsCsv(rows, q.lang, fmt));
    }
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return c.body(new Uint8Array(await ticketsXlsx(rows, q.lang, fmt, name)));
  })
  /**
   * GET /api/tickets/points — located points in the compact binary form of server/points.ts
   * (category index = position in /api/categories order).
   */
  .get('/points', validQuery(ticketFilterSchema), async (c) => {
    const db = c.get('db');
    const f = await resolveFilter(db, c.req.valid('query'), c.get('principal').scope);
    const cats = await listCategories(db);
    const r = await packedPoints(
      db,
      f,
      cats.map((cat) => cat.code),
      MAX_POINTS,
    );
    const total = r.n >= MAX_POINTS ? await countLocated(db, f) : r.n;
    const header = pointsHeader(r.n, r.n ? [r.x0!, r.y0!, r.x1!, r.y1!] : [0, 0, 0, 0]);
    const body = Buffer.concat([header, Buffer.from(r.hex ?? '', 'hex').swap16()]);
    c.header('Content-Type', 'application/octet-stream');
    c.header('X-Total-Count', String(total));
    c.header('Cache-Control', 'no-store');
    if (total > r.n) c.header('X-Truncated', '1');
    // no gzip: quantised points in arbitrary order are near random bytes (measured: 2.99 MB →
    // 2.67 MB for 500k points, at ~200 ms of server time), so it would cost more than it saves
    return c.body(new Uint8Array(body));
  });
