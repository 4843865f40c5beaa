// The words tickets are described with, in ONE place for the database (db/schema.ts re-exports
// them), the server, the demo generator (data/) and the web pages. Pure constants: no imports, so
// the browser bundle can take them at run time without pulling in server code.

export const TICKET_KINDS = ['complaint', 'report', 'help', 'consultation', 'suggestion', 'praise'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
/** A proactive work order (未诉先办, migration 0019): the hotline's own ticket, never a citizen's demand; intake cannot file one. */
export const PROACTIVE_KIND = 'proactive' as const;
export type StoredTicketKind = TicketKind | typeof PROACTIVE_KIND;

export const CHANNELS = ['phone', 'web', 'wechat', 'weibo', 'app', 'mailbox', 'media', 'grid'] as const;
export type Channel = (typeof CHANNELS)[number];

export const URGENCY_CLASSES = ['emergency', 'basic', 'ordinary', 'complex'] as const;
export type UrgencyClass = (typeof URGENCY_CLASSES)[number];

export const SOURCE_CRS = ['WGS84', 'GCJ02', 'BD09'] as const;
export type SourceCrs = (typeof SOURCE_CRS)[number];

/** Every status of the life cycle (server/lifecycle/stateMachine.ts holds the transitions). */
export const TICKET_STATUSES = [
  'received',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
  'deferred',
  'replied',
  'callback',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Open: not closed (Open311's "open"; deferred, replied and awaiting a callback included). */
export const OPEN_STATUSES = [
  'received',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
  'deferred',
  'replied',
  'callback',
] as const satisfies readonly TicketStatus[];

/**
 * Open and still chased by the clock: not yet replied, not on the deferral ledger. Reminders and
 * "overdue" count only these (server/lifecycle/clock.ts, the overdue queue, filters and figures).
 */
export const CHASED_STATUSES = [
  'received',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
] as const satisfies readonly (typeof OPEN_STATUSES)[number][];

/** Received and not yet replied to: chased, or on the deferral ledger (a unit's open work). */
export const AWAITING_REPLY_STATUSES = [
  ...CHASED_STATUSES,
  'deferred',
] as const satisfies readonly (typeof OPEN_STATUSES)[number][];

/** located: inside a street; unlocated: address only, waits for manual location; outside: point outside every region. */
export const LOCATION_STATUSES = ['located', 'unlocated', 'outside'] as const;
export type LocationStatus = (typeof LOCATION_STATUSES)[number];

export const SATISFACTION = ['satisfied', 'basic', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];

/** Who acts on a ticket (ticket_events.actor). */
export const ACTORS = ['citizen', 'grid_worker', 'hotline', 'unit', 'system'] as const;
export type Actor = (typeof ACTORS)[number];

/** A unit works the tickets sent to it (POST /api/tickets/:id/<action>); every other action is the hotline's. */
export const UNIT_ACTIONS = ['accept', 'progress', 'return', 'report', 'defer', 'reply'] as const;

/** The dispatcher's queues (GET /api/queue?kind=). */
export const QUEUE_KINDS = ['unlocated', 'overdue', 'returned', 'reminded'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** A list of constants as an SQL literal list, for `status IN ${sqlList(CHASED_STATUSES)}`. */
export const sqlList = (values: readonly string[]): string =>
  `(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')})`;
