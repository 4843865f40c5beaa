// The wall's urgent band (issue 16): open emergency tickets (urgency class 'emergency', not yet
// replied or closed) and the most overdue open tickets (the queue's definition: marked overdue by
// the clock and still open, server/lifecycle/read.ts), each with its total and the first few —
// where, what, since when; never who. Surge alerts come from GET /api/alerts. Scoped like every
// wall read.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import { WALL_TICKET_SELECT, type WallTicket } from './tickets.ts';

/** Open = still waiting for the hotline or a unit (as the queue counts it). */
const OPEN = `t.status IN ('received','dispatched','accepted','in_progress','returned')`;

export interface UrgentTicket extends WallTicket {
  urgency: string;
  overdueAt: string | null;
}

export interface UrgentBand {
  emergency: { total: number; tickets: UrgentTicket[] };
  overdue: { total: number; tickets: UrgentTicket[] };
}

async function list(
  db: Queryable,
  where: string,
  order: string,
  limit: number,
  scope: Scope,
): Promise<{ total: number; tickets: UrgentTicket[] }> {
  const params: unknown[] = [limit];
  const own = scopeClause(scope, params);
  const rows = await db.query<
    UrgentTicket & { receivedAt: Date | string; overdueAt: Date | string | null; total: number }
  >(
    `${WALL_TICKET_SELECT.replace('SELECT ', 'SELECT t.urgency, t.overdue_at AS "overdueAt", count(*) OVER ()::int AS total, ')}
     WHERE ${where}${own ? ` AND ${own}` : ''} ORDER BY ${order} LIMIT $1`,
    params,
  );
  return {
    total: rows[0]?.total ?? 0, // no row: nothing matched (limit ≥ 1)
    tickets: rows.map(({ total: _, ...r }) => ({
      ...r,
      receivedAt: new Date(r.receivedAt).toISOString(),
      overdueAt: r.overdueAt === null ? null : new Date(r.overdueAt).toISOString(),
      lon: r.lon == null ? null : Number(r.lon),
      lat: r.lat == null ? null : Number(r.lat),
    })),
  };
}

export async function urgentBand(db: Queryable, scope: Scope, limit: number): Promise<UrgentBand> {
  const [emergency, overdue] = await Promise.all([
    list(db, `t.urgency = 'emergency' AND ${OPEN} AND t.replied_at IS NULL`, 't.received_at, t.id', limit, scope),
    list(db, `t.overdue_at IS NOT NULL AND ${OPEN}`, 't.overdue_at, t.id', limit, scope),
  ]);
  return { emergency, overdue };
}
