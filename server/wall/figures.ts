// Today's figures for the wall, each counted at the instant its own fact happened (the rule the
// ranking uses, server/ranking/sql.ts), so a figure is final once its window has passed:
//   received          tickets.received_at in the window (every ticket, located or not)
//   dispatched        tickets.dispatched_at (the ticket's first dispatch) in the window
//   respondedInTime   tickets.accepted_at in the window and no later than respond_due_at
//   overdue           tickets.overdue_at (set by the clock at the resolve deadline) in the window
//   calledBack        tickets.callback_at in the window (回访)
//   solved            called back in the window and confirmed solved
//   satisfied         called back in the window with the verdict "satisfied" (基本满意 not included)
// No caller data is read. A district or street wall (or official) counts its own region's tickets:
// the scope clause is part of the statement's WHERE. Proactive work orders (kind 'proactive') are not
// demands and stay out of every figure here.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import type { Window } from './windows.ts';

export const FIGURES = [
  'received',
  'dispatched',
  'respondedInTime',
  'overdue',
  'calledBack',
  'solved',
  'satisfied',
] as const;
export type Figure = (typeof FIGURES)[number];
export type FigureCounts = Record<Figure, number>;

const inWindow = (col: string, p: number) => `${col} >= $${p}::timestamptz AND ${col} < $${p + 1}::timestamptz`;

/** The instants the figures count (each figure reads one of them). */
const FACT_COLUMNS = ['received_at', 'dispatched_at', 'accepted_at', 'overdue_at', 'callback_at'] as const;

function countsSql(p: number): string {
  return [
    `count(*) FILTER (WHERE ${inWindow('received_at', p)})::int`,
    `count(*) FILTER (WHERE ${inWindow('dispatched_at', p)})::int`,
    `count(*) FILTER (WHERE ${inWindow('accepted_at', p)} AND accepted_at <= respond_due_at)::int`,
    `count(*) FILTER (WHERE ${inWindow('overdue_at', p)})::int`,
    `count(*) FILTER (WHERE ${inWindow('callback_at', p)})::int`,
    `count(*) FILTER (WHERE ${inWindow('callback_at', p)} AND solved)::int`,
    `count(*) FILTER (WHERE ${inWindow('callback_at', p)} AND satisfaction = 'satisfied')::int`,
  ]
    .map((expr, i) => `${expr} AS "${p === 1 ? 'a' : 'b'}_${FIGURES[i]}"`)
    .join(',\n');
}

/**
 * Both windows in one statement. A ticket counts only if one of its facts falls in a window, so the
 * statement reads just those: one index range per fact and window (migration 0024 indexes the
 * facts that had none), not every ticket of the history.
 */
export async function figureCounts(
  db: Queryable,
  a: Window,
  b: Window,
  scope: Scope,
): Promise<[FigureCounts, FigureCounts]> {
  const params: unknown[] = [a.from.toISOString(), a.to.toISOString(), b.from.toISOString(), b.to.toISOString()];
  const own = scopeClause(scope, params, '');
  const rows = await db.query<Record<string, number>>(
    `SELECT ${countsSql(1)},
            ${countsSql(3)}
     FROM tickets WHERE kind <> 'proactive' AND (${FACT_COLUMNS.map((c) => `(${inWindow(c, 1)}) OR (${inWindow(c, 3)})`).join(' OR ')})${own ? ` AND ${own}` : ''}`,
    params,
  );
  const r = rows[0] ?? {};
  const pick = (prefix: string) =>
    Object.fromEntries(FIGURES.map((f) => [f, Number(r[`${prefix}_${f}`] ?? 0)])) as FigureCounts;
  return [pick('a'), pick('b')];
}
