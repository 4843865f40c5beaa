// Caller name and phone (ticket_callers): masked for every reader of the ticket page, in clear only
// through readCallerInClear, which writes the audit row in the same transaction as the read — if
// the row cannot be written, nothing is returned.
import type { Database, Queryable } from '../../db/client.ts';
import { audit } from '../auth/audit.ts';
import { maskName, maskPhone } from '../auth/mask.ts';
import type { Principal } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';

export interface Caller {
  name: string | null;
  phone: string | null;
}

async function callerRow(db: Queryable, id: number): Promise<Caller | null> {
  const rows = await db.query<Caller>('SELECT name, phone FROM ticket_callers WHERE ticket_id = $1', [id]);
  const r = rows[0];
  return r && (r.name != null || r.phone != null) ? { name: r.name, phone: r.phone } : null;
}

/** The caller as everyone may see it: 张* / 138****5678; null when the demand was anonymous. */
export async function maskedCaller(db: Queryable, id: number): Promise<Caller | null> {
  const r = await callerRow(db, id);
  return r && { name: maskName(r.name), phone: maskPhone(r.phone) };
}

/**
 * The caller in clear for `who`, audited as 'caller.read'. `found: false` when the ticket does not
 * exist or lies outside who's jurisdiction (the same answer, so existence is not revealed).
 */
export async function readCallerInClear(
  db: Database,
  who: Principal,
  id: number,
): Promise<{ found: false } | { found: true; caller: Caller | null }> {
  return db.transaction(async (tx) => {
    const params: unknown[] = [id];
    const own = scopeClause(who.scope, params);
    const ticket = await tx.query(`SELECT 1 FROM tickets t WHERE t.id = $1${own ? ` AND ${own}` : ''}`, params);
    if (ticket.length === 0) return { found: false as const };
    const caller = await callerRow(tx, id);
    await audit(tx, who, 'caller.read', id);
    return { found: true as const, caller };
  });
}
