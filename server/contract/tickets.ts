// Tickets as the dashboard reads them: GET /api/tickets (a page), /api/queue, /api/tickets/:id
// with its events, dispatches, deadlines and next actions, /api/tickets/:id/caller.
import { z } from 'zod';
import { CHANNELS, LOCATION_STATUSES, QUEUE_KINDS, SATISFACTION, SOURCE_CRS, TICKET_KINDS, TICKET_STATUSES, URGENCY_CLASSES } from '../../shared/vocabulary.ts';
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
  .meta({ id: 'TicketPage', example: { total: 1, from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', items: [] } });

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
export const queueSchema = z.object({ kind: z.enum(QUEUE_KINDS), tickets: z.array(queueRowSchema) }).meta({ id: 'Queue' });

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
export const deadlineSchema = z.object({ kind: z.enum(['respond', 'resolve']), due: instant, doneAt: instant.nullable(), met: z.boolean().nullable() });
export const linkedTicketSchema = z.object({ id: z.number().int(), status, receivedAt: instant, categoryCode: code, isRoot: z.boolean(), ...ticketNames });
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

export const callerInClearSchema = z.object({ id: z.number().int(), caller: callerSchema.nullable() }).meta({ id: 'CallerInClear' });
