// One definition each of "open", "overdue", "today" and "this week" (未办结, 超时, 今日, 本周), used
// by every page and report: the wall, the workspace summary and its ticket lists, the queue, the
// reports, the exports and the clock. Nothing else in server/ or web/ spells these out; the web
// takes the figures from the API.
//
//   open at T     received at or before T, not replied (办结), answered, forwarded or closed by T,
//                 and not on the deferral ledger (挂账) at T.
//   overdue at T  open at T and past its resolve deadline at T: overdue_at, which the clock sets to
//                 the deadline itself once it has passed (server/lifecycle/clock.ts), is <= T.
//   today         the city day so far: [local midnight in the city's zone, now).
//   this week     the ISO week so far: [Monday 00:00 in the city's zone, now).
//
// "Now" has a cheap equivalent form read off the ticket's current status (CHASED_STATUSES), which the
// live lists use; the instant form reconstructs the same sets for a past instant from the ticket's
// own timestamps and its ledger events, so a report of a finished day says what its end looked
// like. At T = now both forms give the same tickets (tests/server/measures.test.ts).
import type { Queryable } from '../db/client.ts';
import { CHASED_STATUSES, sqlList } from '../db/vocabulary.ts';
import type { Scope } from './auth/principal.ts';
import { scopeClause } from './auth/scope.ts';
import { cityTimeZone, startOfCityDay, zoneOffsetMinutes } from './time.ts';

/** Statuses a ticket is open in: from receipt until the reply, except while on the ledger ('deferred'). */
export const OPEN_TICKET_STATUSES = CHASED_STATUSES;

const col = (alias: string, c: string) => (alias ? `${alias}.${c}` : c);
const OPEN_LIST = sqlList(CHASED_STATUSES).slice(1, -1);

/** Open now, from the current status. `alias` is the tickets alias ('' for none). */
export function openNowSql(alias = 't'): string {
  return `${col(alias, 'status')} IN (${OPEN_LIST})`;
}

/** Overdue now: open and its resolve deadline marked passed by the clock. */
export function overdueNowSql(alias = 't'): string {
  return `${col(alias, 'overdue_at')} IS NOT NULL AND ${openNowSql(alias)}`;
}

/** Open at the instant in parameter `$p` (a timestamptz). */
export function openAtSql(p: number, alias = 't'): string {
  const c = (x: string) => col(alias, x);
  const at = `$${p}::timestamptz`;
  // on the ledger at T: the last deferral event at or before T was not undone by then (an undeferral
  // clears deferred_until, so only the events tell); one index probe, after the cheap clauses
  const ledger = `COALESCE((SELECT e.type = 'deferred' FROM ticket_events e WHERE e.ticket_id = ${c('id')} AND e.type IN ('deferred','undeferred') AND e.at <= ${at} ORDER BY e.at DESC, e.id DESC LIMIT 1), false)`;
  return `${c('received_at')} <= ${at} AND (${c('replied_at')} IS NULL OR ${c('replied_at')} > ${at}) AND (${c('closed_at')} IS NULL OR ${c('closed_at')} > ${at}) AND NOT ${ledger}`;
}

/** Overdue at the instant in parameter `$p`. */
export function overdueAtSql(p: number, alias = 't'): string {
  return `${col(alias, 'overdue_at')} <= $${p}::timestamptz AND ${openAtSql(p, alias)}`;
}

export interface Backlog {
  /** The instant the figures stand at. */
  asOf: string;
  open: number;
  overdue: number;
  /** Open emergency tickets (突发). */
  urgent: number;
}

/**
 * The open, overdue and urgent counts in a scope at `at` (null: now, from the status), optionally
 * narrowed by a further WHERE over tickets `t` whose parameters follow the given ones.
 */
export async function backlog(
  db: Queryable,
  scope: Scope,
  at: Date | null = null,
  extra?: { where: string; params: unknown[] },
): Promise<Backlog> {
  const params: unknown[] = [];
  let open: string;
  let overdue: string;
  if (at) {
    params.push(at.toISOString());
    open = openAtSql(1);
    overdue = overdueAtSql(1);
  } else {
    open = openNowSql();
    overdue = overdueNowSql();
  }
  // every figure is a subset of open: now, the status index finds the open tickets alone
  const clauses: string[] = at ? [] : [open];
  const own = scopeClause(scope, params);
  if (own) clauses.push(own);
  if (extra?.where) {
    const shift = params.length;
    clauses.push(extra.where.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`));
    params.push(...extra.params);
  }
  const rows = await db.query<{ open: number; overdue: number; urgent: number }>(
    `SELECT count(*) FILTER (WHERE ${open})::int AS open,
            count(*) FILTER (WHERE ${overdue})::int AS overdue,
            count(*) FILTER (WHERE ${open} AND t.urgency = 'emergency')::int AS urgent
     FROM tickets t${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`,
    params,
  );
  const r = rows[0]!;
  return { asOf: (at ?? new Date()).toISOString(), open: r.open, overdue: r.overdue, urgent: r.urgent };
}

export interface Window {
  from: Date;
  to: Date;
}

/** The city date (YYYY-MM-DD) of an instant. */
export function cityDateOf(at: Date, zone: string = cityTimeZone()): string {
  return new Date(at.getTime() + zoneOffsetMinutes(at, zone) * 60_000).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Today: the city day so far. */
export function today(now: Date, zone: string = cityTimeZone()): Window & { date: string } {
  const date = cityDateOf(now, zone);
  return { date, from: startOfCityDay(date, zone), to: now };
}

/** This week: Monday 00:00 of the current ISO week in the city, to now. */
export function thisWeek(now: Date, zone: string = cityTimeZone()): Window & { monday: string } {
  const date = cityDateOf(now, zone);
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const monday = addDays(date, -weekday);
  return { monday, from: startOfCityDay(monday, zone), to: now };
}

/**
 * The same stretch of an earlier period: [start, start + (asOf − period start)), cut at the same
 * elapsed time so an unfinished period is compared with the same part of a finished one.
 */
export function sameTimeToDate(period: Window, asOf: Date, earlier: Window): Window {
  if (asOf.getTime() >= period.to.getTime()) return earlier;
  const elapsed = Math.max(0, asOf.getTime() - period.from.getTime());
  return { from: earlier.from, to: new Date(Math.min(earlier.to.getTime(), earlier.from.getTime() + elapsed)) };
}

/**
 * The last complete day a report opens on when it names none: yesterday in the city, or the day
 * of the newest ticket when the data stop earlier (an old demo), which is then complete.
 */
export function lastCompleteDay(now: Date, newestTicket: Date | null, zone: string = cityTimeZone()): string {
  const yesterday = addDays(cityDateOf(now, zone), -1);
  if (!newestTicket) return yesterday;
  const newest = cityDateOf(newestTicket, zone);
  return newest < yesterday ? newest : yesterday;
}

/** The Monday (YYYY-MM-DD) of the last complete ISO week, by the same rule as lastCompleteDay. */
export function lastCompleteWeekMonday(now: Date, newestTicket: Date | null, zone: string = cityTimeZone()): string {
  const previous = addDays(thisWeek(now, zone).monday, -7);
  if (!newestTicket) return previous;
  const newest = thisWeek(newestTicket, zone).monday;
  return newest < previous ? newest : previous;
}
