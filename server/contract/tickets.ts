// Tickets as the dashboard reads them: GET /api/tickets (a page), /api/queue, /api/tickets/:id
// with its events, dispatches, deadlines and next actions, /api/tickets/:id/caller.
import { z } from 'zod';
import {
  CHANNELS,
  LOCATION_STATUSES,
  QUEUE_KINDS,
  SATISFACTION,
  SOURCE_CRS,
  TICKET_KINDS,
  TICKET_STATUSES,
  URGENCY_CLASSES,
} from '../../db/vocabulary.ts';
import { count, instant, polygonal } from './common.ts';

const status = z.enum(TICKET_STATUSES);
const code = z.string();

export const ticketRowSchema = z.object({
  id: z.number().int(),
  kind: z.enum(TICKET_KINDS),
  channel: z.enum(CHANNELS),
  categoryCode: code,
  status,
  urgency: z.enum(URGENCY_CLASSES),
  receivedAt: instant,
  districtCode: code.nullable(),
  streetCode: code.nullable(),
  gridCode: code.nullable(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  address: z.string().nullable(),
  locationStatus: z.enum(LOCATION_STATUSES),
});

export const ticketPageSchema = z
  .object({ total: count, from: instant, to: instant, items: z.array(ticketRowSchema) })
  .meta({
    id: 'TicketPage',
    example: { total: 1, from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', items: [] },
  });

/** Display names the server joins onto ticket rows. */
export const ticketNamesSchema = z.object({
  categoryZh: z.string(),
  categoryEn: z.string(),
  groupCode: code,
  groupZh: z.string(),
  groupEn: z.string(),
  districtZh: z.string().nullable(),
  districtEn: z.string().nullable(),
  streetZh: z.string().nullable(),
  streetEn: z.string().nullable(),
});
const ticketNames = ticketNamesSchema.shape;

export const queueRowSchema = z.object({
  id: z.number().int(),
  kind: z.enum(TICKET_KINDS),
  channel: z.enum(CHANNELS),
  categoryCode: code,
  urgency: z.enum(URGENCY_CLASSES),
  status,
  locationStatus: z.enum(LOCATION_STATUSES),
  address: z.string().nullable(),
  districtCode: code.nullable(),
  streetCode: code.nullable(),
  receivedAt: instant,
  respondDueAt: instant.nullable(),
  resolveDueAt: instant.nullable(),
  remindAt: instant.nullable(),
  remindedAt: instant.nullable(),
  overdueAt: instant.nullable(),
  returnCount: count,
  returnedBy: code.nullable(),
  returnedByZh: z.string().nullable(),
  returnedByEn: z.string().nullable(),
  returnedAt: instant.nullable(),
  returnReason: z.string().nullable(),
  /** the queue's full size; rows stop at the request's limit */
  total: count,
  ...ticketNames,
});
export const queueSchema = z
  .object({ kind: z.enum(QUEUE_KINDS), tickets: z.array(queueRowSchema) })
  .meta({ id: 'Queue' });

export const ticketEventSchema = z.object({
  id: z.number().int(),
  at: instant,
  type: z.string(),
  fromStatus: status.nullable(),
  toStatus: status.nullable(),
  actor: z.string().nullable(),
  unitCode: code.nullable(),
  note: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const ticketDispatchSchema = z.object({
  id: z.number().int(),
  unitCode: code,
  unitKind: z.string(),
  role: z.enum(['territorial', 'line', 'whistle']),
  zoneCode: code.nullable(),
  dispatchedAt: instant,
  acceptedAt: instant.nullable(),
  returnedAt: instant.nullable(),
  returnReason: z.string().nullable(),
  returnJustified: z.boolean().nullable(),
  ruledAt: instant.nullable(),
  active: z.boolean(),
});

export const unitNameSchema = z.object({ code, kind: z.string(), nameZh: z.string(), nameEn: z.string() });
export const unitChoiceSchema = unitNameSchema.extend({ districtCode: code.nullable() });
export const deadlineSchema = z.object({
  kind: z.enum(['respond', 'resolve']),
  due: instant,
  doneAt: instant.nullable(),
  met: z.boolean().nullable(),
});
export const linkedTicketSchema = z.object({
  id: z.number().int(),
  status,
  receivedAt: instant,
  categoryCode: code,
  isRoot: z.boolean(),
  ...ticketNames,
});
/** Caller details: masked in GET /api/tickets/:id (王*, 139****2222); in clear from GET /api/tickets/:id/caller (audited). */
export const callerSchema = z.object({ name: z.string().nullable(), phone: z.string().nullable() });

export const ticketDetailSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(TICKET_KINDS),
    channel: z.enum(CHANNELS),
    categoryCode: code,
    urgency: z.enum(URGENCY_CLASSES),
    description: z.string(),
    address: z.string().nullable(),
    lon: z.number().nullable(),
    lat: z.number().nullable(),
    sourceCrs: z.enum(SOURCE_CRS),
    sourceLon: z.number().nullable(),
    sourceLat: z.number().nullable(),
    h3r7: z.string().nullable(),
    h3r8: z.string().nullable(),
    h3r9: z.string().nullable(),
    locationStatus: z.enum(LOCATION_STATUSES),
    districtCode: code.nullable(),
    streetCode: code.nullable(),
    gridCode: code.nullable(),
    gridZh: z.string().nullable(),
    gridEn: z.string().nullable(),
    status,
    receivedAt: instant,
    dispatchedAt: instant.nullable(),
    acceptedAt: instant.nullable(),
    repliedAt: instant.nullable(),
    callbackAt: instant.nullable(),
    closedAt: instant.nullable(),
    respondDueAt: instant.nullable(),
    resolveDueAt: instant.nullable(),
    remindAt: instant.nullable(),
    remindedAt: instant.nullable(),
    overdueAt: instant.nullable(),
    deferredUntil: instant.nullable(),
    returnCount: count,
    solved: z.boolean().nullable(),
    satisfaction: z.enum(SATISFACTION).nullable(),
    repeatOf: z.number().int().nullable(),
    updatedAt: instant,
    ...ticketNames,
    /** the caller's name and phone, masked; null when the ticket has none */
    caller: callerSchema.nullable(),
    events: z.array(ticketEventSchema),
    dispatches: z.array(ticketDispatchSchema),
    units: z.record(z.string(), unitNameSchema),
    linked: z.array(linkedTicketSchema),
    deadlines: z.array(deadlineSchema),
    /** what the status allows now, plus 'locate' while the ticket waits unplaced */
    actions: z.array(z.string()),
    shapes: z.object({ street: polygonal.nullable(), grid: polygonal.nullable() }),
    unitChoices: z.array(unitChoiceSchema),
  })
  .meta({ id: 'TicketDetail' });

export const callerInClearSchema = z
  .object({ id: z.number().int(), caller: callerSchema.nullable() })
  .meta({ id: 'CallerInClear' });

// ---- routes ----------------------------------------------------------------------------------

import { ticketFilterSchema } from '../filters.ts';
import { intakeSchema } from '../intake/normalise.ts';
import { locateBody } from '../intake/manualLocate.ts';
import { ACTION_BODIES } from '../lifecycle/actions.ts';
import { BULK_ACTIONS, BULK_REASONS, bulkBody } from '../lifecycle/bulk.ts';
import { ACTIONS } from '../lifecycle/stateMachine.ts';
import { exportQuery, listQuery } from '../routes/tickets.ts';
import { BAD_INPUT, CONFLICT, GATED_ERRORS, NOT_FOUND, json, ticketIdParams, type RouteContract } from './registry.ts';

export const intakeResultSchema = z
  .object({
    id: z.number().int(),
    created: z.boolean(),
    status,
    locationStatus: z.enum(LOCATION_STATUSES),
    repeatOf: z.number().int().nullable(),
  })
  .meta({
    id: 'IntakeResult',
    example: { id: 300001, created: true, status: 'dispatched', locationStatus: 'located', repeatOf: null },
  });
export const actionResultSchema = z.looseObject({ id: z.number().int(), status });
/** POST /api/queue/bulk: what happened to each ticket (a refusal names its code and field; the others stand). */
export const bulkResultSchema = z
  .object({
    action: z.enum(BULK_ACTIONS),
    done: count,
    failed: count,
    results: z.array(
      z.object({
        id: z.number().int(),
        ok: z.boolean(),
        /** the status after the action */
        status: status.optional(),
        error: z
          .object({
            code: z.string(),
            /** why, as a code the page translates */
            reason: z.enum(BULK_REASONS),
            message: z.string(),
            field: z.string().optional(),
            /** for status_forbids: the status the ticket is in */
            status: status.optional(),
          })
          .optional(),
      }),
    ),
  })
  .meta({ id: 'BulkResult' });
const ILLEGAL = CONFLICT(
  'the status does not allow the action (names the status and what is allowed), or the unit does not hold the dispatch',
);

export const ticketRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/tickets',
    tags: ['tickets'],
    summary: 'A page of filtered tickets, newest first (no personal data)',
    query: listQuery,
    responses: { 200: json('the page and the total', ticketPageSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/tickets/export',
    tags: ['tickets'],
    summary: 'Every filtered ticket as CSV or XLSX (no personal data, no free text)',
    query: exportQuery,
    responses: {
      200: { description: 'the file (text/csv or the XLSX type), X-Total-Count', contentType: 'text/csv' },
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/tickets/points',
    tags: ['tickets'],
    summary: 'Filtered ticket points, binary (server/points.ts layout)',
    query: ticketFilterSchema,
    responses: {
      200: {
        description:
          'uint32 n, uint32 format 2, float64 extent ×4, then (uint16 x, y, category) × n; X-Total-Count, X-Truncated',
        contentType: 'application/octet-stream',
      },
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/tickets',
    tags: ['tickets'],
    summary: 'File a ticket (intake: locate, dispatch, link repeats); idempotent by key',
    body: intakeSchema,
    responses: {
      201: json('filed', intakeResultSchema),
      200: json('the same idempotency key again: that ticket', intakeResultSchema),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/tickets/:id{[0-9]+}',
    tags: ['tickets'],
    summary: 'One ticket with its events, dispatches, deadlines and next actions',
    params: ticketIdParams,
    responses: { 200: json('the ticket', ticketDetailSchema), ...NOT_FOUND('ticket'), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/tickets/:id{[0-9]+}/caller',
    tags: ['tickets'],
    summary: 'The caller in clear (dispatcher, admin; audited)',
    params: ticketIdParams,
    responses: { 200: json('name and phone', callerInClearSchema), ...NOT_FOUND('ticket'), ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/tickets/:id{[0-9]+}/locate',
    tags: ['tickets'],
    summary: 'Place an unlocated ticket by hand (and dispatch it)',
    params: ticketIdParams,
    body: locateBody,
    responses: {
      200: json(
        'located',
        z.looseObject({
          id: z.number().int(),
          status,
          locationStatus: z.enum(LOCATION_STATUSES),
          streetCode: code.nullable(),
        }),
      ),
      ...BAD_INPUT,
      ...NOT_FOUND('ticket'),
      ...ILLEGAL,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/tickets/:id{[0-9]+}/:action',
    tags: ['tickets'],
    summary: 'A life-cycle action (dispatch, accept, return, reply, callback, close …)',
    params: ticketIdParams.extend({ action: z.enum(ACTIONS) }),
    body: z.union(Object.values(ACTION_BODIES)),
    responses: {
      200: json('the new status', actionResultSchema),
      ...BAD_INPUT,
      ...NOT_FOUND('ticket or action'),
      ...ILLEGAL,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/queue',
    tags: ['tickets'],
    summary: "The dispatcher's queues: unlocated, overdue, returned, reminded (oldest first)",
    query: z.object({ kind: z.enum(QUEUE_KINDS), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    responses: { 200: json('the queue', queueSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/queue/bulk',
    tags: ['tickets'],
    summary: 'Remind, escalate or re-dispatch many tickets from the queue, each in its own transaction (audited)',
    body: bulkBody,
    responses: {
      200: json('a result per ticket: done, or the refusal', bulkResultSchema),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/returns',
    tags: ['tickets'],
    summary: 'Returns (退单) per unit, unjustified ones counted',
    query: z.object({ from: z.string().optional(), to: z.string().optional() }),
    responses: {
      200: json(
        'per unit',
        z.object({ units: z.array(z.object({ unitCode: code, returns: count, unjustified: count })) }),
      ),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
];
