// The one ticket filter every read endpoint accepts, turned into parameterised SQL.
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { startOfCityDay } from './time.ts';
import { CHANNELS, TICKET_KINDS, TICKET_STATUSES, URGENCY_CLASSES } from '../db/schema.ts';
import type { Scope } from './auth/principal.ts';
import { scopeClause, scopedRegion } from './auth/scope.ts';
import { plausibleYear, YEAR_MESSAGE } from './validate.ts';
import { overdueNowSql } from './measures.ts';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date()).refine(plausibleYear, { message: YEAR_MESSAGE });
const code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a region or category code');

/** `a,b,c` of known values: one request can ask for several statuses at once. */
function oneOrMore<T extends string>(values: readonly T[]) {
  return z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return undefined;
      const list = [...new Set(s.split(',').map((v) => v.trim()))];
      const bad = list.find((v) => !(values as readonly string[]).includes(v));
      if (bad !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown value '${bad}'; one or more of ${values.join(', ')}, comma-separated`,
        });
        return z.NEVER;
      }
      return list as T[];
    });
}

/** Tickets that need chasing: past their limit and still open, or sent back by a unit (退单). */
export const TICKET_FLAGS = ['overdue', 'returned'] as const;
export type TicketFlag = (typeof TICKET_FLAGS)[number];

const FLAG_WHERE: Record<TicketFlag, string> = {
  overdue: overdueNowSql('t'),
  returned: `t.return_count > 0`,
};

export const ticketFilterSchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  region: code.optional(),
  category: code.optional(),
  channel: oneOrMore(CHANNELS),
  kind: oneOrMore(TICKET_KINDS),
  status: oneOrMore(TICKET_STATUSES),
  urgency: oneOrMore(URGENCY_CLASSES),
  flag: z.enum(TICKET_FLAGS).optional(),
  bbox: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const n = s.split(',').map(Number);
      const ok =
        n.length === 4 &&
        n.every(Number.isFinite) &&
        n[0]! >= -180 &&
        n[2]! <= 180 &&
        n[1]! >= -90 &&
        n[3]! <= 90 &&
        n[0]! < n[2]! &&
        n[1]! < n[3]!;
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
  /** The region the rows are limited to: the one asked for, or a scoped principal's own. */
  region: string | undefined;
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
  return level === 'district'
    ? 'district_code'
    : level === 'street'
      ? 'street_code'
      : level === 'grid'
        ? 'grid_code'
        : null;
}

export class UnknownCodeError extends Error {
  constructor(
    readonly field: string,
    value: string,
    message?: string,
  ) {
    super(message ?? `${field}: unknown code '${value}'`);
  }
}

/**
 * Build WHERE over tickets `t`. `to` is exclusive; a bare date means that whole day in the city's
 * zone. `scope` is required so no read can forget it: a scoped principal's region is a clause of
 * the WHERE itself, and a `region` outside it is OutOfScope (403 naming region).
 */
export async function resolveFilter(
  db: Queryable,
  f: TicketFilterInput,
  scope: Scope,
  opts: { window?: boolean } = {},
): Promise<ResolvedFilter> {
  const to = f.to ? endOf(f.to) : new Date(((await latestTicketTime(db)) ?? new Date()).getTime() + 1);
  const from = f.from ? startOf(f.from) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (f.from && f.to && from.getTime() >= to.getTime())
    throw new UnknownCodeError('to', f.to, 'to: must be after from');
  // without the window (the backlog of open tickets whenever received) the other clauses still apply
  const windowed = opts.window !== false;
  const params: unknown[] = windowed ? [from, to] : [];
  const clauses = windowed ? ['t.received_at >= $1', 't.received_at < $2'] : [];
  if (f.region && !(await regionColumn(db, f.region))) throw new UnknownCodeError('region', f.region);
  const region = await scopedRegion(db, scope, f.region, 'region');
  const own = scopeClause(scope, params);
  if (own) clauses.push(own);
  const sameAsScope = scope.level !== 'city' && region === scope.code; // the scope clause says it already
  if (region && !sameAsScope) {
    params.push(region);
    clauses.push(`t.${await regionColumn(db, region)} = $${params.length}`);
  }
  if (f.category) {
    const known = await db.query('SELECT 1 FROM categories WHERE code = $1 OR group_code = $1 LIMIT 1', [f.category]);
    if (known.length === 0) throw new UnknownCodeError('category', f.category);
    params.push(f.category);
    clauses.push(
      `t.category_code IN (SELECT code FROM categories WHERE code = $${params.length} OR group_code = $${params.length})`,
    );
  }
  for (const [key, col] of [
    ['channel', 'channel'],
    ['kind', 'kind'],
    ['status', 'status'],
    ['urgency', 'urgency'],
  ] as const) {
    const list = f[key];
    if (!list?.length) continue;
    params.push(list);
    clauses.push(`t.${col} = ANY($${params.length}::text[])`);
  }
  if (f.flag) clauses.push(FLAG_WHERE[f.flag]);
  if (f.bbox) {
    params.push(...f.bbox);
    const i = params.length - 3;
    clauses.push(`t.geom && ST_MakeEnvelope($${i}, $${i + 1}, $${i + 2}, $${i + 3}, 4326)`);
  }
  return { from, to, region, where: clauses.length ? clauses.join(' AND ') : 'TRUE', params };
}

function startOf(s: string): Date {
  return s.length === 10 ? startOfCityDay(s) : new Date(s);
}

function endOf(s: string): Date {
  return s.length === 10 ? new Date(startOfCityDay(s).getTime() + DAY_MS) : new Date(s);
}
