// The workspace's figures: GET /api/summary and /api/summary/series (server/routes/summary.ts).
import { z } from 'zod';
import { TICKET_STATUSES } from '../../db/vocabulary.ts';
import { count, instant } from './common.ts';

export const regionCountSchema = z.object({ code: z.string(), name: z.string(), nameEn: z.string(), count });

export const figuresSchema = z.object({
  total: count,
  dispatched: count,
  overdue: count,
  returned: count,
  replied: count,
  calledBack: count,
  solved: count,
  satisfied: count,
});

/** Open, overdue and urgent now, whenever received (server/measures.ts): the queue's and the wall's figures. */
export const backlogSchema = z
  .object({ asOf: instant, open: count, overdue: count, urgent: count })
  .meta({ id: 'Backlog' });

const childLevel = z.enum(['district', 'street', 'grid']).nullable();

export const summarySchema = z
  .object({
    from: instant,
    to: instant,
    total: count,
    located: count,
    unlocated: count,
    outside: count,
    figures: figuresSchema,
    backlog: backlogSchema,
    byDistrict: z.array(regionCountSchema),
    byCategoryGroup: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), count })),
    byStatus: z.array(z.object({ status: z.enum(TICKET_STATUSES), count })),
    /** counts for each child of the filtered region (the drill-down), zero included */
    children: z.object({ level: childLevel, items: z.array(regionCountSchema) }),
    /** first and last receipt in the reader's jurisdiction */
    dataRange: z.object({ first: instant.nullable(), last: instant.nullable() }),
    /** true when some region boundaries in the database are synthetic (示意) */
    synthetic: z.boolean(),
  })
  .meta({ id: 'Summary' });

export const seriesSchema = z
  .object({
    step: z.enum(['week', 'month']),
    level: childLevel,
    /** first day of each week or month, city time */
    buckets: z.array(z.string()),
    totals: z.array(count),
    regions: z.array(z.object({ code: z.string(), counts: z.array(count) })),
    max: count,
  })
  .meta({ id: 'Series' });

// ---- routes ----------------------------------------------------------------------------------

import { ticketFilterSchema } from '../filters.ts';
import { seriesQuery } from '../routes/summary.ts';
import { BAD_INPUT, GATED_ERRORS, json, type RouteContract } from './registry.ts';

export const summaryRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/summary',
    tags: ['figures'],
    summary: 'Totals of the filtered window, the comparison figures and the drill-down counts',
    query: ticketFilterSchema,
    responses: { 200: json('figures', summarySchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/summary/backlog',
    tags: ['figures'],
    summary: 'Open, overdue and urgent now in the filtered region and categories, whenever received',
    query: ticketFilterSchema,
    responses: { 200: json('the backlog', backlogSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/summary/series',
    tags: ['figures'],
    summary: "The children's counts per week or month (city time)",
    query: seriesQuery,
    responses: { 200: json('series', seriesSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
];
