// The command-centre wall: /api/wall/today, /api/wall/tickets.
import { z } from 'zod';
import { ticketsQuery, todayQuery } from '../routes/wall.ts';
import { count, day, instant } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, json, type RouteContract } from './registry.ts';

const window = z.object({ from: instant, to: instant });
const pair = z.object({ today: count, lastWeek: count });
const topCategory = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), groupCode: z.string(), count });

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

export const wallRoutes: RouteContract[] = [
  { method: 'GET', path: '/api/wall/today', tags: ['wall'], summary: "Today's figures against the same time last week, top categories", query: todayQuery, responses: { 200: json('today', wallTodaySchema), ...BAD_INPUT, ...GATED_ERRORS } },
  { method: 'GET', path: '/api/wall/tickets', tags: ['wall'], summary: 'The latest tickets (or the ones asked for), no caller data', query: ticketsQuery, responses: { 200: json('tickets', z.object({ tickets: z.array(wallTicketSchema) }).meta({ id: 'WallTickets' })), ...BAD_INPUT, ...GATED_ERRORS } },
];
