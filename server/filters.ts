// The one ticket filter every read endpoint accepts, turned into parameterised SQL.
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { startOfCityDay } from './time.ts';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());
const code = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'must be a region or category code');

export const ticketFilterSchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  region: code.optional(),
  category: code.optional(),
  bbox: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const n = s.split(',').map(Number);
      const ok = n.length === 4 && n.every(Number.isFinite) && n[0]! >= -180 && n[2]! <= 180 && n[1]! >= -90 && n[3]! <= 90 && n[0]! < n[2]! && n[1]! < n[3]!;
      if (!ok) {
        ctx.addIssue({ code: 'custom', message: 'must be minLon,minLat,maxLon,maxLat within WGS-84 bounds' });
        return z.NEVER;
      }
      return n as [number, number, number, number];
    }),
});
export type TicketFilterInput = z.infer<typeof ticketFilterSchema>;

export interface ResolvedFilter {
  from: Date;
  to: Date;
  where: string;
  params: unknown[];
}

const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 30;

/** Latest ticket time, so a default window shows data even when the demo is a little old. */
export async function latestTicketTime(db: Queryable): Promise<Date | null> {
  const rows = await db.query<{ last: Date | null }>('SELECT max(received_at) AS last FROM tickets');
  return rows[0]?.last ? new Date(rows[0].last) : null;
}

/** Column that holds a region's code on a ticket, by the region's level. */
export async function regionColumn(db: Queryable, regionCode: string): Promise<string | null> {
  const rows = await db.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [regionCode]);
  const level = rows[0]?.level;
  return level === 'district' ? 'district_code' : level === 'street' ? 'street_code' : level === 'grid' ? 'grid_code' : null;
}

export class UnknownCodeError extends Error {
  constructor(readonly field: string, value: string) {
    super(`${field}: unknown code '${value}'`);
  }
}

/** Build WHERE over tickets `t`. `to` is exclusive; a bare date means that whole day in the city's zone. */
export async function resolveFilter(db: Queryable, f: TicketFilterInput): Promise<ResolvedFilter> {
  const to = f.to ? endOf(f.to) : new Date(((await latestTicketTime(db)) ?? new Date()).getTime() + 1);
  const from = f.from ? startOf(f.from) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  const params: unknown[] = [from, to];
  const clauses = ['t.received_at >= $1', 't.received_at < $2'];
  if (f.region) {
    const col = await regionColumn(db, f.region);
    if (!col) throw new UnknownCodeError('region', f.region);
    params.push(f.region);
    clauses.push(`t.${col} = $${params.length}`);
  }
  if (f.category) {
    const known = await db.query('SELECT 1 FROM categories WHERE code = $1 OR group_code = $1 LIMIT 1', [f.category]);
    if (known.length === 0) throw new UnknownCodeError('category', f.category);
    params.push(f.category);
    clauses.push(`t.category_code IN (SELECT code FROM categories WHERE code = $${params.length} OR group_code = $${params.length})`);
  }
  if (f.bbox) {
    params.push(...f.bbox);
    const i = params.length - 3;
    clauses.push(`t.geom && ST_MakeEnvelope($${i}, $${i + 1}, $${i + 2}, $${i + 3}, 4326)`);
  }
  return { from, to, where: clauses.join(' AND '), params };
}

function startOf(s: string): Date {
  return s.length === 10 ? startOfCityDay(s) : new Date(s);
}

function endOf(s: string): Date {
  return s.length === 10 ? new Date(startOfCityDay(s).getTime() + DAY_MS) : new Date(s);
}
