// One ticket's life cycle, consistent with the time-limit policy: the whole story is drawn first
// (dispatch, maybe a return, acceptance, reply, callback, close), then cut at `now`, so recent
// tickets are still open, old late ones are overdue, and every field agrees with the event rows.
// Instants are whole milliseconds, so what is stored (microsecond timestamptz) reads back equal.
import type { Satisfaction, TicketKind, TicketStatus, UrgencyClass } from '../../db/schema.ts';
import { deadlinesFor, type Policy, type ServiceLevel } from '../policy/index.ts';
import { MS_DAY, MS_HOUR, MS_MINUTE } from './calendar.ts';
import type { Rng } from './random.ts';
import type { DemoDispatch, DemoEvent, DemoTicket } from './types.ts';
import type { Performance } from './units.ts';

export interface Handler {
  code: string;
  kind: 'street' | 'department' | 'utility';
  perf: Performance;
}

export interface LifecycleInput {
  ticketId: number;
  receivedAt: number;
  kind: TicketKind;
  urgency: UrgencyClass;
  /** The category's own time limits (a 311 request type's service level), overriding the urgency's. */
  serviceLevel?: ServiceLevel;
  /** Return reasons and notes in the city's language (default Chinese). */
  words?: { returnReasons: readonly string[]; forwardedNote: string; replyNote?: string };
  /** How the ticket is handled: by a unit, answered on the call, or forwarded out of the city. */
  route: 'dispatch' | 'answer' | 'outside';
  grid: boolean;
  /** Address only: an operator must place it on the map before it can be dispatched (hours, not minutes). */
  manualLocation: boolean;
  /** Territorial street (属地); null only when the route is not 'dispatch'. */
  street: Handler | null;
  /** Line department or utility dispatched in parallel (并行派单), if the category says so. */
  line: Handler | null;
  /** Another street of the district, for a justified return (the first street was the wrong one). */
  otherStreet: () => Handler;
  /** Category factor on the chance of really solving it (historic problems resist). */
  solvability: number;
}

export type LifecycleResult = Pick<
  DemoTicket,
  | 'status'
  | 'dispatchedAt'
  | 'acceptedAt'
  | 'repliedAt'
  | 'callbackAt'
  | 'closedAt'
  | 'respondDueAt'
  | 'resolveDueAt'
  | 'remindAt'
  | 'remindedAt'
  | 'overdueAt'
  | 'returnCount'
  | 'solved'
  | 'satisfaction'
  | 'updatedAt'
  | 'events'
  | 'dispatches'
> & {
  /** The drawn verdict regardless of `now`: unsolved or dissatisfied tickets are where repeat calls come from. */
  unresolved: boolean;
};

export interface IdSource {
  event(): number;
  dispatch(): number;
}

interface Stage {
  at: number;
  type: string;
  to: TicketStatus | null;
  actor: DemoEvent['actor'];
  unit: string | null;
  note?: string;
  data?: Record<string, unknown>;
}

const RETURN_SHARE = 0.03;
const RETURN_JUSTIFIED = 0.45;
const RETURN_REASONS = ['非本辖区', '非本单位职责', '地址不详需核实', '已由其他单位处理'];
const FORWARDED_NOTE = '非本市范围，转外地热线';
const REPLY_NOTE = '已到现场核实处理，并已答复市民';

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function pickSatisfaction(rng: Rng, solved: boolean, pSatisfied: number): Satisfaction {
  const u = rng.next();
  if (solved) return u < pSatisfied ? 'satisfied' : u < pSatisfied + (1 - pSatisfied) * 0.75 ? 'basic' : 'dissatisfied';
  return u < 0.08 ? 'satisfied' : u < 0.38 ? 'basic' : 'dissatisfied';
}

/** When a unit first acts on a dispatch at `from`: within the limit with probability `p`, else late. */
function acceptance(rng: Rng, from: number, due: number, limit: number, p: number): number {
  if (from < due && rng.chance(p))
    return Math.round(from + Math.max(MS_MINUTE, (due - from) * (0.05 + 0.9 * rng.next() ** 1.6)));
  return Math.round(Math.max(from, due) + Math.max(MS_MINUTE, limit * clamp(rng.logNormal(0.6, 0.9), 0.02, 12)));
}

export function lifecycle(
  rng: Rng,
  input: LifecycleInput,
  policy: Policy,
  now: number,
  ids: IdSource,
): LifecycleResult {
  const t0 = input.receivedAt;
  const stages: Stage[] = [
    { at: t0, type: 'received', to: 'received', actor: input.grid ? 'grid_worker' : 'citizen', unit: null },
  ];
  const dispatches: DemoDispatch[] = [];
  const markers: Stage[] = [];

  let due: { respondDueAt: number; resolveDueAt: number; remindAt: number } | null = null;
  let solved: boolean | null = null;
  let satisfaction: Satisfaction | null = null;
  let unresolved = false;
  const at: Partial<Record<'dispatched' | 'accepted' | 'replied' | 'callback' | 'closed', number>> = {};

  if (input.route === 'answer') {
    // Answered on the call (consultations, praise): no unit, no time limits.
    const t = Math.round(t0 + rng.uniform(3, 15) * MS_MINUTE);
    stages.push({ at: t, type: 'answered', to: 'closed', actor: 'hotline', unit: null });
    at.replied = t;
    at.closed = t;
  } else if (input.route === 'outside') {
    // Outside the city: after a day the hotline forwards it to the neighbouring city's hotline;
    // until then it waits in the manual queue.
    if (t0 < now - MS_DAY) {
      const t = Math.round(t0 + rng.uniform(10, 240) * MS_MINUTE);
      stages.push({
        at: t,
        type: 'forwarded',
        to: 'closed',
        actor: 'hotline',
        unit: null,
        note: input.words?.forwardedNote ?? FORWARDED_NOTE,
      });
      at.closed = t;
    }
  } else {
    const street = input.street as Handler;
    const d = deadlinesFor(new Date(t0), input.urgency, policy, input.serviceLevel);
    due = {
      respondDueAt: d.respondDueAt.getTime(),
      resolveDueAt: d.resolveDueAt.getTime(),
      remindAt: d.remindAt.getTime(),
    };
    const respondLimit = due.respondDueAt - t0;
    const resolveLimit = due.resolveDueAt - t0;

    const dispatchDelay = input.manualLocation
      ? clamp(rng.logNormal(180, 0.6), 30, 720)
      : clamp(input.urgency === 'emergency' ? rng.logNormal(3, 0.5) : rng.logNormal(12, 0.8), 1, 360);
    const tDisp = Math.round(t0 + dispatchDelay * MS_MINUTE);
    at.dispatched = tDisp;
    // Which units got it lives in dispatches; the event stays lean (millions of rows on PGlite).
    stages.push({ at: tDisp, type: 'dispatched', to: 'dispatched', actor: 'hotline', unit: street.code });

    const first: DemoDispatch = mkDispatch(input.ticketId, street, 'territorial', tDisp);
    dispatches.push(first);
    let handler = street;
    let handlerFrom = tDisp;
    if (rng.chance(RETURN_SHARE)) {
      // Return (退单): the street says it is not its place or duty; the hotline rules and re-dispatches.
      const tRet = Math.round(tDisp + clamp(rng.logNormal(40, 0.8), 5, 720) * MS_MINUTE);
      const tRule = Math.round(tRet + clamp(rng.logNormal(60, 0.7), 10, 720) * MS_MINUTE);
      const justified = rng.chance(RETURN_JUSTIFIED);
      const reason = rng.pick(input.words?.returnReasons ?? RETURN_REASONS);
      first.returnedAt = tRet;
      first.returnReason = reason;
      first.returnJustified = justified;
      first.ruledAt = tRule;
      first.active = false;
      handler = justified ? input.otherStreet() : street;
      handlerFrom = tRule;
      dispatches.push(mkDispatch(input.ticketId, handler, 'territorial', tRule));
      stages.push({ at: tRet, type: 'returned', to: 'returned', actor: 'unit', unit: street.code, note: reason });
      stages.push({
        at: tRule,
        type: 'redispatched',
        to: 'dispatched',
        actor: 'hotline',
        unit: handler.code,
        data: { justified },
      });
    }
    const active = dispatches[dispatches.length - 1];
    active.acceptedAt = acceptance(rng, handlerFrom, due.respondDueAt, respondLimit, handler.perf.respond);
    // The ticket counts as accepted when the first of its units accepts (never before its current dispatch).
    let tAcc = active.acceptedAt;
    let acceptedBy = handler.code;
    if (input.line) {
      const line = mkDispatch(input.ticketId, input.line, 'line', tDisp);
      line.acceptedAt = acceptance(rng, tDisp, due.respondDueAt, respondLimit, input.line.perf.respond);
      dispatches.push(line);
      const lineAt = Math.max(line.acceptedAt, handlerFrom + MS_MINUTE);
      if (lineAt < tAcc) {
        tAcc = lineAt;
        acceptedBy = input.line.code;
      }
    }
    at.accepted = tAcc;
    stages.push({ at: tAcc, type: 'accepted', to: 'accepted', actor: 'unit', unit: acceptedBy });

    // With a line department in parallel, the outcome depends on both: average their odds.
    const p = input.line
      ? {
          resolveOnTime: (handler.perf.resolveOnTime + input.line.perf.resolveOnTime) / 2,
          solve: (handler.perf.solve + input.line.perf.solve) / 2,
          satisfy: (handler.perf.satisfy + input.line.perf.satisfy) / 2,
        }
      : handler.perf;
    const onTime = tAcc < due.resolveDueAt && rng.chance(p.resolveOnTime);
    let tRep = Math.round(
      onTime
        ? tAcc + Math.max(5 * MS_MINUTE, (due.resolveDueAt - tAcc) * (0.03 + 0.9 * rng.next() ** 2))
        : Math.max(tAcc, due.resolveDueAt) + resolveLimit * clamp(rng.logNormal(0.25, 1.0), 0.01, 3),
    );
    // Still at work when reminded (催办): a unit that had not replied by the reminder and whose deadline
    // is still ahead at `now` has not replied yet either; its reply moves into (now, deadline), still on
    // time, in the same proportion (no draw: the other tickets stay as they were). So the demo ending
    // now leaves reminded tickets open (the dispatcher's 催办 queue) however long a span it covers.
    if (onTime && due.remindAt < tRep && tRep <= now && now < due.resolveDueAt)
      tRep = Math.round(now + (due.resolveDueAt - now) * ((tRep - due.remindAt) / (due.resolveDueAt - due.remindAt)));
    const tProg = Math.round(tAcc + Math.min(clamp(rng.logNormal(40, 1), 2, 600) * MS_MINUTE, (tRep - tAcc) * 0.3));
    stages.push({ at: tProg, type: 'in_progress', to: 'in_progress', actor: 'unit', unit: handler.code });
    at.replied = tRep;
    stages.push({
      at: tRep,
      type: 'replied',
      to: 'replied',
      actor: 'unit',
      unit: handler.code,
      note: input.words?.replyNote ?? REPLY_NOTE,
    });

    // Callback (回访) within a day or two, then the hotline closes the ticket.
    const tCb = Math.round(tRep + clamp(rng.logNormal(18, 0.7), 0.5, 120) * MS_HOUR);
    const tClose = Math.round(tCb + rng.uniform(1, 20) * MS_MINUTE);
    const drawnSolved = rng.chance(p.solve * input.solvability * (onTime ? 1 : 0.8));
    const drawnSatisfaction = pickSatisfaction(rng, drawnSolved, p.satisfy * (onTime ? 1 : 0.85));
    unresolved = !drawnSolved || drawnSatisfaction === 'dissatisfied';
    at.callback = tCb;
    at.closed = tClose;
    stages.push({
      at: tCb,
      type: 'callback',
      to: 'callback',
      actor: 'hotline',
      unit: handler.code,
      data: { solved: drawnSolved, satisfaction: drawnSatisfaction },
    });
    stages.push({ at: tClose, type: 'closed', to: 'closed', actor: 'hotline', unit: null });
    if (tCb <= now) {
      solved = drawnSolved;
      satisfaction = drawnSatisfaction;
    }
    // Reminder (催办) and overdue (超时) are markers: they change no state.
    if (due.remindAt < tRep)
      markers.push({ at: due.remindAt, type: 'reminded', to: null, actor: 'system', unit: handler.code });
    if (due.resolveDueAt < tRep)
      markers.push({ at: due.resolveDueAt, type: 'overdue', to: null, actor: 'system', unit: handler.code });
  }

  // Cut the story at now.
  const kept = stages.filter((s) => s.at <= now);
  const keptMarkers = markers.filter((s) => s.at <= now);
  const status = kept[kept.length - 1].to as TicketStatus;
  const seen = (t: number | undefined) => (t !== undefined && t <= now ? t : null);
  for (const d of dispatches) {
    if (d.acceptedAt !== null && d.acceptedAt > now) d.acceptedAt = null;
    if (d.returnedAt !== null && d.returnedAt > now) {
      d.returnedAt = null;
      d.returnReason = null;
      d.returnJustified = null;
      d.ruledAt = null;
      d.active = true;
    } else if (d.ruledAt !== null && d.ruledAt > now) {
      d.ruledAt = null;
      d.returnJustified = null;
    }
  }
  // Ids only for rows that exist by now, so the dispatches table has no gaps.
  const liveDispatches = dispatches.filter((d) => d.dispatchedAt <= now);
  for (const d of liveDispatches) d.id = ids.dispatch();

  const all = [...kept, ...keptMarkers].sort((a, b) => a.at - b.at);
  const events: DemoEvent[] = [];
  let from: TicketStatus | null = null;
  for (const s of all) {
    events.push({
      id: ids.event(),
      ticketId: input.ticketId,
      at: s.at,
      type: s.type,
      fromStatus: s.to ? from : null,
      toStatus: s.to,
      actor: s.actor,
      unitCode: s.unit,
      note: s.note ?? null,
      data: s.data ?? null,
    });
    if (s.to) from = s.to;
  }
  const reminded = keptMarkers.find((m) => m.type === 'reminded');
  const overdue = keptMarkers.find((m) => m.type === 'overdue');
  return {
    status,
    dispatchedAt: seen(at.dispatched),
    acceptedAt: seen(at.accepted),
    repliedAt: seen(at.replied),
    callbackAt: seen(at.callback),
    closedAt: seen(at.closed),
    respondDueAt: due?.respondDueAt ?? null,
    resolveDueAt: due?.resolveDueAt ?? null,
    remindAt: due?.remindAt ?? null,
    remindedAt: reminded ? reminded.at : null,
    overdueAt: overdue ? overdue.at : null,
    returnCount: dispatches.some((d) => d.returnedAt !== null && d.returnedAt <= now) ? 1 : 0,
    solved,
    satisfaction,
    updatedAt: all[all.length - 1].at,
    events,
    dispatches: liveDispatches,
    unresolved,
  };
}

function mkDispatch(ticketId: number, unit: Handler, role: DemoDispatch['role'], at: number): DemoDispatch {
  return {
    id: 0,
    ticketId,
    unitCode: unit.code,
    unitKind: unit.kind,
    role,
    dispatchedAt: at,
    acceptedAt: null,
    returnedAt: null,
    returnReason: null,
    returnJustified: null,
    ruledAt: null,
    active: true,
  };
}
