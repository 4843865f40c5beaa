// The command-centre wall: /api/wall/today, /api/wall/tickets, the urgent band and the hot places.
import { z } from 'zod';
import { URGENCY_CLASSES } from '../../db/vocabulary.ts';
import { hotPlacesQuery, ticketsQuery, todayQuery, urgentQuery } from '../routes/wall.ts';
import { alertSchema } from './alerts.ts';
import { count, day, instant } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, json, type RouteContract } from './registry.ts';

const window = z.object({ from: instant, to: instant });
const pair = z.object({ today: count, lastWeek: count });
const topCategory = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  groupCode: z.string(),
  count,
});

export const wallTodaySchema = z
  .object({
    timeZone: z.string(),
    date: day,
    now: instant,
    windows: z.object({ today: window, lastWeek: window.extend({ date: day }), week: window }),
    comparison: z.literal('same-time-last-week'),
    figures: z.record(z.string(), pair),
    topCategories: z.object({ today: z.array(topCategory), week: z.array(topCategory) }),
  })
  .meta({ id: 'WallToday' });

export const wallTicketSchema = z.object({
  id: z.number().int(),
  receivedAt: instant,
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  categoryCode: z.string(),
  categoryZh: z.string(),
  categoryEn: z.string(),
  groupCode: z.string(),
  districtCode: z.string().nullable(),
  districtZh: z.string().nullable(),
  districtEn: z.string().nullable(),
  streetCode: z.string().nullable(),
  streetZh: z.string().nullable(),
  streetEn: z.string().nullable(),
});

export const urgentTicketSchema = wallTicketSchema.extend({
  urgency: z.enum(URGENCY_CLASSES),
  overdueAt: instant.nullable(),
});
const urgentList = z.object({ total: count, tickets: z.array(urgentTicketSchema) });
export const wallUrgentSchema = z
  .object({
    emergency: urgentList,
    overdue: urgentList,
    /** open surge alerts seen in the last 3 days */ alerts: z.array(alertSchema),
  })
  .meta({ id: 'WallUrgent' });

export const hotPlaceSchema = z.object({
  street: z.string(),
  category: z.string(),
  observed: count,
  expected: z.number(),
  excess: z.number(),
  /** observed ÷ expected; null when nothing was expected (JSON has no Infinity) */
  ratio: z.number().nullable(),
  p: z.number(),
  streetZh: z.string(),
  streetEn: z.string(),
  districtZh: z.string().nullable(),
  districtEn: z.string().nullable(),
  categoryZh: z.string(),
  categoryEn: z.string(),
});
/** The 30 days ending with the latest day with data (null: no data) and the top street × category pairs. */
export const wallHotPlacesSchema = z
  .object({ from: day.nullable(), to: day.nullable(), places: z.array(hotPlaceSchema) })
  .meta({ id: 'WallHotPlaces' });

export const wallRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/wall/today',
    tags: ['wall'],
    summary: "Today's figures against the same time last week, top categories",
    query: todayQuery,
    responses: { 200: json('today', wallTodaySchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/wall/urgent',
    tags: ['wall'],
    summary: 'The urgent band: open emergency tickets, the most overdue, recent open surge alerts (no caller data)',
    query: urgentQuery,
    responses: { 200: json('the band', wallUrgentSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/wall/hotplaces',
    tags: ['wall'],
    summary: 'The streets × categories of the last 30 days furthest above what was expected of them',
    query: hotPlacesQuery,
    responses: { 200: json('the places', wallHotPlacesSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/wall/tickets',
    tags: ['wall'],
    summary: 'The latest tickets (or the ones asked for), no caller data',
    query: ticketsQuery,
    responses: {
      200: json('tickets', z.object({ tickets: z.array(wallTicketSchema) }).meta({ id: 'WallTickets' })),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
];
