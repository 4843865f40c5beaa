import { describe, expect, it } from 'vitest';
import {
  IllegalTransition,
  TimeTravel,
  TRANSITIONS,
  allowedActions,
  transition,
  type TicketState,
} from '../../../server/lifecycle/stateMachine.ts';
import { TICKET_STATUSES } from '../../../db/schema.ts';

const t = (status: TicketState['status'], extra: Partial<TicketState> = {}): TicketState => ({
  id: 7,
  status,
  acceptedAt: null,
  lastEventAt: null,
  ...extra,
});
const at = new Date('2026-11-02T08:00:00Z');

describe('the ticket state machine', () => {
  it('has a row for every status and none out of closed', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...TICKET_STATUSES].sort());
    expect(allowedActions('closed')).toEqual([]);
  });

  it('walks the normal path and stamps each first instant', () => {
    const steps: [TicketState['status'], Parameters<typeof transition>[1], string, string | null][] = [
      ['received', 'dispatch', 'dispatched', 'dispatched_at'],
      ['dispatched', 'accept', 'accepted', 'accepted_at'],
      ['accepted', 'progress', 'in_progress', null],
      ['in_progress', 'reply', 'replied', 'replied_at'],
      ['replied', 'callback', 'callback', 'callback_at'],
      ['callback', 'close', 'closed', 'closed_at'],
    ];
    for (const [from, action, to, col] of steps) {
      const r = transition(t(from), action, at, 'hotline');
      expect(r.status).toBe(to);
      expect(r.event).toMatchObject({ ticketId: 7, at, fromStatus: from, toStatus: to, actor: 'hotline' });
      if (col) expect(r.patch[col]).toEqual(at);
    }
  });

  it('records whistle and report as markers that keep the status', () => {
    const r = transition(t('in_progress'), 'whistle', at, 'unit');
    expect(r).toEqual({
      status: 'in_progress',
      patch: {},
      event: { ticketId: 7, at, type: 'whistle', fromStatus: null, toStatus: null, actor: 'unit' },
    });
  });

  it('re-dispatches a returned ticket without moving the first dispatch instant', () => {
    const r = transition(t('returned'), 'redispatch', at, 'hotline');
    expect(r.status).toBe('dispatched');
    expect(r.event.type).toBe('redispatched');
    expect(r.patch).toEqual({ status: 'dispatched' });
  });

  it('brings a deferred ticket back to where it was', () => {
    expect(transition(t('deferred'), 'undefer', at, 'unit').status).toBe('dispatched');
    const back = transition(t('deferred', { acceptedAt: at }), 'undefer', at, 'unit');
    expect(back.status).toBe('in_progress');
    expect(back.patch.deferred_until).toBeNull();
  });

  it('refuses an illegal action naming the state and the allowed ones', () => {
    try {
      transition(t('replied'), 'accept', at, 'unit');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IllegalTransition);
      expect((e as IllegalTransition).status).toBe('replied');
      expect((e as IllegalTransition).allowed).toEqual(['callback']);
      expect((e as Error).message).toBe('Cannot accept a ticket that is replied; allowed: callback');
    }
  });

  it('refuses an instant before the latest event', () => {
    expect(() =>
      transition(t('dispatched', { lastEventAt: new Date(at.getTime() + 1) }), 'accept', at, 'unit'),
    ).toThrow(TimeTravel);
  });
});
