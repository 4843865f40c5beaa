// One ticket's story cut at different moments: the status, the fields and the events always agree.
import { describe, expect, it } from 'vitest';
import { MS_DAY, MS_MINUTE } from '../../../data/demo/calendar.ts';
import { lifecycle, type Handler, type LifecycleInput } from '../../../data/demo/lifecycle.ts';
import { Rng } from '../../../data/demo/random.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../../data/policy/index.ts';
import { ACTIONS, TRANSITIONS } from '../../../server/lifecycle/stateMachine.ts';
import { ACTORS, TICKET_STATUSES, type TicketStatus } from '../../../db/vocabulary.ts';

const T0 = Date.parse('2025-03-03T09:00:00+08:00');
const FAR = T0 + 365 * MS_DAY;
const perf = { respond: 0.9, resolveOnTime: 0.9, solve: 0.8, satisfy: 0.85 };
const street: Handler = { code: '110101001', kind: 'street', perf };
const other: Handler = { code: '110101002', kind: 'street', perf };
const utility: Handler = { code: 'water_group', kind: 'utility', perf };

const input = (o: Partial<LifecycleInput> = {}): LifecycleInput => ({
  ticketId: 1,
  receivedAt: T0,
  kind: 'complaint',
  urgency: 'ordinary',
  route: 'dispatch',
  grid: false,
  manualLocation: false,
  street,
  line: null,
  otherStreet: () => other,
  solvability: 1,
  ...o,
});
const ids = () => {
  let e = 1;
  let d = 1;
  return { event: () => e++, dispatch: () => d++ };
};
const at = (seed: number, now: number, o: Partial<LifecycleInput> = {}, policy = DEFAULT_POLICY) =>
  lifecycle(new Rng(seed), input(o), policy, now, ids());

describe('a dispatched ticket cut at each moment of its story', () => {
  const full = at(5, FAR);
  const states = full.events.filter((e) => e.toStatus !== null);

  it('runs received → dispatched → accepted → in progress → replied → callback → closed', () => {
    expect(states.map((e) => e.toStatus)).toEqual([
      'received',
      'dispatched',
      'accepted',
      'in_progress',
      'replied',
      'callback',
      'closed',
    ]);
    expect(full.status).toBe('closed');
  });

  it('shows each state from the instant it is reached, and the previous one a millisecond before', () => {
    for (let i = 1; i < states.length; i++) {
      expect(at(5, states[i].at).status).toBe(states[i].toStatus);
      expect(at(5, states[i].at - 1).status).toBe(states[i - 1].toStatus);
    }
  });

  it('leaves every later field empty, and writes no later event or dispatch acceptance', () => {
    const cut = at(5, states[2].at - 1); // dispatched, not yet accepted
    expect(cut).toMatchObject({
      status: 'dispatched',
      acceptedAt: null,
      repliedAt: null,
      callbackAt: null,
      closedAt: null,
      solved: null,
      satisfaction: null,
    });
    expect(cut.events.map((e) => e.type)).toEqual(['received', 'dispatched']);
    expect(cut.dispatches[0].acceptedAt).toBeNull();
    expect(at(5, T0 + 1).dispatches).toEqual([]); // not dispatched yet
  });

  it('keeps the verdict hidden until the callback', () => {
    const callback = states.find((e) => e.toStatus === 'callback')?.at as number;
    expect(at(5, callback - 1).solved).toBeNull();
    expect(at(5, callback).solved).toBe(full.solved);
    expect(at(5, callback).satisfaction).toBe(full.satisfaction);
  });
});

describe('side paths', () => {
  const seedWhere = (pred: (r: ReturnType<typeof at>) => boolean, o: Partial<LifecycleInput> = {}) => {
    for (let seed = 1; seed < 5000; seed++) if (pred(at(seed, FAR, o))) return seed;
    throw new Error('no seed found');
  };

  it('shows a return (退单) as returned until the hotline rules, then dispatched again', () => {
    const seed = seedWhere((r) => r.returnCount > 0);
    const full = at(seed, FAR);
    const [first, again] = full.dispatches;
    const returnedAt = first.returnedAt as number;
    const midway = at(seed, returnedAt);
    expect(midway.status).toBe('returned');
    expect(midway.returnCount).toBe(1);
    expect(midway.dispatches).toHaveLength(1);
    expect(midway.dispatches[0]).toMatchObject({ active: false, ruledAt: null, returnJustified: null });
    const ruled = at(seed, first.ruledAt as number);
    expect(ruled.status).toBe('dispatched');
    expect(ruled.dispatches[1]).toMatchObject({ unitCode: again.unitCode, active: true, dispatchedAt: first.ruledAt });
    expect(at(seed, returnedAt - 1)).toMatchObject({ status: 'dispatched', returnCount: 0 });
  });

  it('dispatches a parallel category to the line unit too; the ticket is accepted by whichever unit accepts first', () => {
    const r = at(5, FAR, { line: utility });
    expect(r.dispatches.map((d) => [d.role, d.unitCode])).toEqual([
      ['territorial', street.code],
      ['line', utility.code],
    ]);
    const first = Math.min(...r.dispatches.map((d) => d.acceptedAt as number));
    expect(r.acceptedAt).toBe(first);
    const ev = r.events.find((e) => e.type === 'accepted');
    expect(ev?.unitCode).toBe(r.dispatches.find((d) => d.acceptedAt === first)?.unitCode);
  });

  it('answers a consultation on the call: closed within minutes, no unit, no deadlines', () => {
    const r = at(5, FAR, { kind: 'consultation', route: 'answer', street: null });
    expect(r.status).toBe('closed');
    expect(r.dispatches).toEqual([]);
    expect(r.respondDueAt).toBeNull();
    expect((r.closedAt as number) - T0).toBeLessThanOrEqual(15 * MS_MINUTE);
    expect(r.events.map((e) => e.type)).toEqual(['received', 'answered']);
  });

  it('keeps a point outside the city in the queue for a day, then forwards it', () => {
    expect(at(5, T0 + 3 * 60 * MS_MINUTE, { route: 'outside', street: null }).status).toBe('received');
    const old = at(5, T0 + 2 * MS_DAY, { route: 'outside', street: null });
    expect(old.status).toBe('closed');
    expect(old.events.map((e) => e.type)).toEqual(['received', 'forwarded']);
  });

  it('waits hours, not minutes, to dispatch an address-only ticket that must be placed by hand', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = at(seed, FAR, { manualLocation: true });
      expect((r.dispatchedAt as number) - T0).toBeGreaterThanOrEqual(30 * MS_MINUTE);
    }
    expect(at(5, T0 + 20 * MS_MINUTE, { manualLocation: true }).status).toBe('received');
  });

  it('marks reminder and overdue exactly at the policy instants when the reply comes late', () => {
    const seed = seedWhere((r) => r.overdueAt !== null);
    const r = at(seed, FAR);
    expect(r.remindedAt).toBe(r.remindAt);
    expect(r.overdueAt).toBe(r.resolveDueAt);
    expect(r.repliedAt as number).toBeGreaterThan(r.resolveDueAt as number);
    // Before the deadline passes the ticket is not overdue yet.
    expect(at(seed, (r.resolveDueAt as number) - 1).overdueAt).toBeNull();
  });

  it('keeps a ticket reminded (催办) and not yet replied open while its deadline is still ahead', () => {
    // replied on time, but after the reminder
    const seed = seedWhere((r) => r.remindedAt !== null && r.overdueAt === null && r.repliedAt !== null);
    const r = at(seed, FAR);
    const remindAt = r.remindAt as number;
    const due = r.resolveDueAt as number;
    expect(r.repliedAt as number).toBeGreaterThan(remindAt);
    expect(r.repliedAt as number).toBeLessThan(due);
    // Cut after the reply but before the deadline: still being worked on, reminded, not overdue.
    const now = Math.round(((r.repliedAt as number) + due) / 2);
    const cut = at(seed, now);
    expect(cut.status).toBe('in_progress');
    expect(cut.remindedAt).toBe(remindAt);
    expect(cut.overdueAt).toBeNull();
    expect(cut.repliedAt).toBeNull();
    expect(cut.events.map((e) => e.type)).toContain('reminded');
    // once the deadline has passed the story is the full one
    expect(at(seed, due).repliedAt).toBe(r.repliedAt);
  });

  it('follows a non-default policy: Xining-style 1 hour to respond, 3 days for basic needs', () => {
    const xining = parsePolicy({
      respondWithinMinutes: { emergency: 60, basic: 60, ordinary: 60, complex: 60 },
      resolveWithinMinutes: { basic: 3 * 1440 },
    });
    const r = at(5, FAR, { urgency: 'basic' }, xining);
    expect(r.respondDueAt).toBe(T0 + 60 * MS_MINUTE);
    expect(r.resolveDueAt).toBe(T0 + 3 * MS_DAY);
    expect(r.remindAt).toBe(T0 + Math.round(0.8 * 3 * MS_DAY));
  });
});

describe('the demo life cycle against the state machine (server/lifecycle/stateMachine.ts)', () => {
  /** The actions whose rule writes event `type` from `from` and lands on `to` (a marker keeps `from`). */
  const actionsFor = (from: TicketStatus, type: string, to: TicketStatus) =>
    ACTIONS.filter((a) => {
      const rule = TRANSITIONS[from][a];
      if (!rule || rule.event !== type) return false;
      return (
        rule.to === to ||
        (rule.to === 'same' && from === to) ||
        (rule.to === 'undefer' && (to === 'dispatched' || to === 'in_progress'))
      );
    });
  // Every route the generator draws, at every cut: a thousand stories.
  const variants: Partial<LifecycleInput>[] = [
    {},
    { line: utility },
    { grid: true },
    { manualLocation: true },
    { urgency: 'emergency' },
    { kind: 'consultation', route: 'answer', street: null },
    { route: 'outside', street: null },
  ];
  const stories = variants.flatMap((o) =>
    Array.from({ length: 150 }, (_, seed) => [seed, at(seed + 1, FAR, o)] as const),
  );

  it('writes only transitions the state machine allows, from received, in time order', () => {
    const illegal: string[] = [];
    let transitions = 0;
    for (const [seed, story] of stories) {
      const moves = story.events.filter((e) => e.toStatus !== null);
      expect(moves[0]).toMatchObject({ type: 'received', fromStatus: null, toStatus: 'received' });
      for (const e of moves.slice(1)) {
        transitions++;
        if (actionsFor(e.fromStatus as TicketStatus, e.type, e.toStatus as TicketStatus).length === 0)
          illegal.push(`seed ${seed}: ${e.fromStatus} -(${e.type})-> ${e.toStatus}`);
      }
      expect(story.events.map((e) => e.at)).toEqual([...story.events.map((e) => e.at)].sort((a, b) => a - b));
    }
    expect(illegal).toEqual([]);
    expect(transitions).toBeGreaterThan(2000);
  });

  it('ends each story in the status its last transition reached, and writes only known words', () => {
    const markers = new Set<string>();
    const wrong: string[] = [];
    for (const [seed, story] of stories) {
      if (story.status !== story.events.filter((e) => e.toStatus !== null).at(-1)!.toStatus)
        wrong.push(`seed ${seed}: ends ${story.status}`);
      for (const e of story.events) {
        if (!(ACTORS as readonly string[]).includes(e.actor)) wrong.push(`seed ${seed}: actor ${e.actor}`);
        if (e.toStatus === null) markers.add(e.type);
        else if (!(TICKET_STATUSES as readonly string[]).includes(e.toStatus))
          wrong.push(`seed ${seed}: status ${e.toStatus}`);
      }
    }
    expect(wrong).toEqual([]);
    // Markers change no status: the clock's reminder and overdue marks (server/lifecycle/clock.ts).
    expect([...markers].sort()).toEqual(['overdue', 'reminded']);
  });

  it('would catch a transition the machine does not have', () => {
    expect(actionsFor('received', 'accepted', 'accepted')).toEqual([]);
    expect(actionsFor('accepted', 'in_progress', 'in_progress')).toEqual(['progress']);
  });
});
