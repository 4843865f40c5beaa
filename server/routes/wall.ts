// GET /api/wall/today and /api/wall/tickets: what the command-centre wall reads besides the
// shared APIs (ranking, hotspots, topics, live feed). Rules and SQL live in server/wall/. A wall
// bound to a district or street (kiosk token or official) shows that region's figures and tickets.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { plausibleYear, validQuery, YEAR_MESSAGE } from '../validate.ts';
import { FUTURE_SLACK_MS } from '../intake/normalise.ts';
import { wallWindows } from '../wall/windows.ts';
import { figureCounts, FIGURES } from '../wall/figures.ts';
import { topCategories } from '../wall/categories.ts';
import { latestTickets, ticketsById } from '../wall/tickets.ts';
import { urgentBand } from '../wall/urgent.ts';
import { hotPlaces } from '../wall/hotPlaces.ts';
import { listAlerts, OPEN_STATES } from '../alerts/store.ts';
import { backlog, type Backlog } from '../measures.ts';

const at = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO instant with a zone, e.g. 2026-11-26T10:00:00+08:00' })
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() <= Date.now() + FUTURE_SLACK_MS, 'in the future')
  .refine(plausibleYear, YEAR_MESSAGE);

export const todayQuery = z.object({ at: at.optional(), top: z.coerce.number().int().min(1).max(20).default(5) });

const ids = z
  .string()
  .regex(/^\d{1,15}(,\d{1,15}){0,99}$/, 'must be up to 100 ticket ids separated by commas')
  .transform((s) => [...new Set(s.split(',').map(Number))]);
export const ticketsQuery = z.object({
  ids: ids.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(12),
  at: at.optional(),
});
export const urgentQuery = z.object({ limit: z.coerce.number().int().min(1).max(20).default(4) });
export const hotPlacesQuery = z.object({ limit: z.coerce.number().int().min(1).max(20).default(6) });

export const wall = new Hono<AppEnv>()
  .get('/today', validQuery(todayQuery), async (c) => {
    const db = c.get('reads');
    const scope = c.get('principal').scope;
    const q = c.req.valid('query');
    const w = wallWindows(q.at ?? new Date());
    const [[today, lastWeek], catToday, catWeek, open] = await Promise.all([
      figureCounts(db, w.today, w.lastWeek, scope),
      topCategories(db, w.today, q.top, scope),
      topCategories(db, w.week, q.top, scope),
      // open and overdue at this instant (server/measures.ts): the queue's and the reports' figures
      backlog(db, scope, q.at ?? null),
    ]);
    const iso = (x: { from: Date; to: Date }) => ({ from: x.from.toISOString(), to: x.to.toISOString() });
    return c.json({
      timeZone: w.zone,
      date: w.date,
      now: w.today.to.toISOString(),
      windows: { today: iso(w.today), lastWeek: { ...iso(w.lastWeek), date: w.lastWeek.date }, week: iso(w.week) },
      comparison: 'same-time-last-week' as const,
      figures: Object.fromEntries(FIGURES.map((f) => [f, { today: today[f], lastWeek: lastWeek[f] }])) as Record<
        (typeof FIGURES)[number],
        { today: number; lastWeek: number }
      >,
      topCategories: { today: catToday, week: catWeek },
      backlog: open,
    });
  })
  // The urgent band: open surge alerts seen in the last 3 days, open emergency tickets, the most overdue.
  .get('/urgent', validQuery(urgentQuery), async (c) => {
    const db = c.get('reads');
    const scope = c.get('principal').scope;
    const { limit } = c.req.valid('query');
    const [band, alerts] = await Promise.all([
      urgentBand(db, scope, limit),
      listAlerts(db, scope, { states: OPEN_STATES, since: new Date(Date.now() - 3 * 86_400_000), limit }),
    ]);
    return c.json({ ...band, alerts });
  })
  // The hot spot scene's names: top streets × categories by excess over expected, last 30 days.
  .get('/hotplaces', validQuery(hotPlacesQuery), async (c) => {
    return c.json(await hotPlaces(c.get('reads'), c.get('principal').scope, c.req.valid('query').limit));
  })
  // On the primary: the wall asks for ids the live feed (LISTEN on the primary) just announced,
  // which a lagging replica may not hold yet.
  .get('/tickets', validQuery(ticketsQuery), async (c) => {
    const db = c.get('db');
    const scope = c.get('principal').scope;
    const q = c.req.valid('query');
    const rows = q.ids
      ? await ticketsById(db, q.ids, scope)
      : await latestTickets(db, q.at ?? new Date(), q.limit, scope);
    return c.json({ tickets: rows });
  });

export type WallTodayResponse = {
  timeZone: string;
  date: string;
  now: string;
  windows: {
    today: { from: string; to: string };
    lastWeek: { from: string; to: string; date: string };
    week: { from: string; to: string };
  };
  comparison: 'same-time-last-week';
  figures: Record<(typeof FIGURES)[number], { today: number; lastWeek: number }>;
  topCategories: {
    today: import('../wall/categories.ts').TopCategory[];
    week: import('../wall/categories.ts').TopCategory[];
  };
  /** Open, overdue and urgent now (or at `at`), whenever received: one definition with the queue and the reports. */
  backlog: Backlog;
};
