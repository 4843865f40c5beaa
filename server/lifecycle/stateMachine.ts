// The ticket life cycle as ONE table of allowed transitions (pure, no I/O). Statuses and event
// types are the ones the demo generator writes (data/demo/lifecycle.ts), so live and generated
// tickets read alike: received → dispatched → accepted → in_progress → replied → callback → closed,
// with returned (退单), deferred (延期/挂账) and markers that change no status (whistle 吹哨,
// report 报到, reminded 催办, overdue 超时).
import type { Actor, TicketStatus } from '../../db/vocabulary.ts';

export const ACTIONS = [
  'dispatch',
  'answer',
  'forward',
  'accept',
  'progress',
  'return',
  'redispatch',
  'rule-return',
  'whistle',
  'report',
  'defer',
  'undefer',
  'reply',
  'callback',
  'close',
  // the hotline's own markers on a ticket a unit holds: 催办 (a reminder sent now, beside the
  // clock's) and 督办 (escalated to the centre's supervision); neither changes the status
  'remind',
  'escalate',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Where an action leads: a fixed status, the same status (a marker), or back from the ledger. */
type Target = TicketStatus | 'same' | 'undefer';

interface Rule {
  /** Event type written to ticket_events (the demo generator's vocabulary). */
  event: string;
  to: Target;
}

const R = (event: string, to: Target): Rule => ({ event, to });

/** The one table: current status → action → rule. Anything absent is illegal (HTTP 409). */
export const TRANSITIONS: Readonly<Record<TicketStatus, Partial<Record<Action, Rule>>>> = {
  received: {
    dispatch: R('dispatched', 'dispatched'),
    answer: R('answered', 'closed'),
    forward: R('forwarded', 'closed'),
  },
  dispatched: {
    accept: R('accepted', 'accepted'),
    return: R('returned', 'returned'),
    whistle: R('whistle', 'same'),
    report: R('report', 'same'),
    defer: R('deferred', 'deferred'),
    // the hotline takes a ticket from the unit holding it and sends it to another (改派)
    redispatch: R('redispatched', 'dispatched'),
    remind: R('reminded', 'same'),
    escalate: R('escalated', 'same'),
  },
  accepted: {
    progress: R('in_progress', 'in_progress'),
    reply: R('replied', 'replied'),
    return: R('returned', 'returned'),
    whistle: R('whistle', 'same'),
    report: R('report', 'same'),
    defer: R('deferred', 'deferred'),
    redispatch: R('redispatched', 'dispatched'),
    remind: R('reminded', 'same'),
    escalate: R('escalated', 'same'),
  },
  in_progress: {
    reply: R('replied', 'replied'),
    whistle: R('whistle', 'same'),
    report: R('report', 'same'),
    defer: R('deferred', 'deferred'),
    redispatch: R('redispatched', 'dispatched'),
    remind: R('reminded', 'same'),
    escalate: R('escalated', 'same'),
  },
  returned: {
    redispatch: R('redispatched', 'dispatched'),
    // Ruling without a new unit: unjustified sends it back to the same unit (see service).
    'rule-return': R('redispatched', 'dispatched'),
    escalate: R('escalated', 'same'),
  },
  deferred: {
    undefer: R('undeferred', 'undefer'),
    report: R('report', 'same'),
    reply: R('replied', 'replied'),
  },
  replied: {
    callback: R('callback', 'callback'),
  },
  callback: {
    close: R('closed', 'closed'),
  },
  closed: {},
};

export function allowedActions(status: TicketStatus): Action[] {
  return ACTIONS.filter((a) => TRANSITIONS[status][a] !== undefined);
}

/** The part of a ticket the rules read. */
export interface TicketState {
  id: number;
  status: TicketStatus;
  acceptedAt: Date | null;
  /** Instant of the ticket's latest event; a new one may not come before it. */
  lastEventAt: Date | null;
}

export type { Actor };

export interface TransitionEvent {
  ticketId: number;
  at: Date;
  type: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  actor: Actor;
}

export interface TransitionResult {
  status: TicketStatus;
  /** Ticket columns to set (snake_case → value). */
  patch: Record<string, Date | string | null>;
  event: TransitionEvent;
}

export class IllegalTransition extends Error {
  constructor(
    readonly status: TicketStatus,
    readonly action: string,
    readonly allowed: Action[],
  ) {
    super(
      `Cannot ${action} a ticket that is ${status}; allowed: ${allowed.length ? allowed.join(', ') : 'none (final state)'}`,
    );
  }
}

/** An `at` earlier than what is already on record (events are a timeline, not a wish list). */
export class TimeTravel extends Error {
  constructor(
    readonly at: Date,
    readonly last: Date,
  ) {
    super(`at ${at.toISOString()} is before the ticket's latest event at ${last.toISOString()}`);
  }
}

const STAMP: Partial<Record<TicketStatus, string>> = {
  dispatched: 'dispatched_at',
  accepted: 'accepted_at',
  replied: 'replied_at',
  callback: 'callback_at',
  closed: 'closed_at',
};

export function transition(ticket: TicketState, action: Action, at: Date, actor: Actor): TransitionResult {
  const rule = TRANSITIONS[ticket.status][action];
  if (!rule) throw new IllegalTransition(ticket.status, action, allowedActions(ticket.status));
  if (ticket.lastEventAt && at.getTime() < ticket.lastEventAt.getTime()) throw new TimeTravel(at, ticket.lastEventAt);
  const to: TicketStatus =
    rule.to === 'same'
      ? ticket.status
      : rule.to === 'undefer'
        ? ticket.acceptedAt
          ? 'in_progress'
          : 'dispatched'
        : rule.to;
  const patch: TransitionResult['patch'] = {};
  if (to !== ticket.status) {
    patch.status = to;
    const col = STAMP[to];
    // First time only: a re-dispatch keeps the original dispatch instant (response is timed from it).
    if (col && !(to === 'dispatched' && action !== 'dispatch')) patch[col] = at;
  }
  if (action === 'undefer') patch.deferred_until = null;
  return {
    status: to,
    patch,
    event: {
      ticketId: ticket.id,
      at,
      type: rule.event,
      fromStatus: to === ticket.status ? null : ticket.status,
      toStatus: to === ticket.status ? null : to,
      actor,
    },
  };
}
