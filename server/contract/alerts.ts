// Surge alerts (server/routes/alerts.ts, rules in server/alerts/): GET /api/alerts lists them in the
// reader's region with the last scan; POST /api/alerts/:id/state acknowledges, handles or dismisses one.
import { z } from 'zod';
import { ALERT_STATES } from '../alerts/store.ts';
import { listQuery, stateBody } from '../routes/alerts.ts';
import { count, instant } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, NOT_FOUND, json, type RouteContract } from './registry.ts';

const state = z.enum(ALERT_STATES);
const place = z.object({ code: z.string(), zh: z.string(), en: z.string() });

export const alertSchema = z
  .object({
    id: z.number().int(),
    category: z.string(),
    categoryZh: z.string().nullable(),
    categoryEn: z.string().nullable(),
    family: z.enum(['h3', 'street']),
    zoneKey: z.string(),
    cells: z.array(z.string()),
    streets: z.array(place),
    districts: z.array(place),
    lon: z.number().nullable(),
    lat: z.number().nullable(),
    windowHours: z.number(),
    observed: count,
    expected: z.number(),
    llr: z.number(),
    p: z.number(),
    /** how many days such a cluster would take to appear by chance */
    recurrenceDays: z.number(),
    peakRecurrenceDays: z.number(),
    tickets: count,
    firstSeenAt: instant,
    lastSeenAt: instant,
    state,
    stateAt: instant.nullable(),
    stateBy: z.string().nullable(),
    stateNote: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Alert' });

export const alertListSchema = z
  .object({
    alerts: z.array(alertSchema),
    minRecurrenceDays: z.number(),
    lastScan: z.object({ at: instant, ms: z.number(), recentTickets: count, scansPerDay: z.number() }).nullable(),
  })
  .meta({ id: 'Alerts' });

const alertIdParams = z.object({ id: z.coerce.number().int().min(1).meta({ description: 'alert id', example: 1 }) });
const illegal = z.looseObject({
  error: z.looseObject({
    code: z.literal('illegal_transition'),
    message: z.string(),
    field: z.literal('state'),
    status: state,
    allowed: z.array(state),
  }),
});

export const alertRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/alerts',
    tags: ['alerts'],
    summary: "Surge alerts in the reader's region (open ones by default), newest first, with the last scan",
    query: listQuery,
    responses: { 200: json('the alerts', alertListSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/alerts/:id{[0-9]+}/state',
    tags: ['alerts'],
    summary: 'Acknowledge, handle or dismiss an alert (audited)',
    params: alertIdParams,
    body: stateBody,
    responses: {
      200: json('the alert in its new state', alertSchema),
      ...BAD_INPUT,
      ...NOT_FOUND('alert'),
      409: json(
        'the state does not allow it (names the state and what is allowed), or the alert changed meanwhile',
        illegal,
        {
          error: {
            code: 'illegal_transition',
            message: 'state: an alert that is handled cannot become dismissed (final)',
            field: 'state',
            status: 'handled',
            allowed: [],
          },
        },
      ),
      ...GATED_ERRORS,
    },
  },
];
