// The audit log: who read personal data in clear, when, and on which ticket (written in the same
// request that returns the data; the read fails if the audit row cannot be written); sign-ins and
// unlocks; an admin's recorded time or actor on a ticket action; grants to API keys.
import type { Queryable } from '../../db/client.ts';
import type { Principal } from './principal.ts';

export type AuditAction =
  | 'caller.read'
  | 'login'
  | 'login.failed'
  | 'login.unlock'
  | 'kiosk.redeem'
  | 'ticket.override'
  | 'api_key.grant'
  | 'ticket.bulk'
  // The governance ledgers (server/governance/): every change, with what it was and what it became.
  | 'gov.topic.adopt'
  | 'gov.topic.status'
  | 'gov.task.create'
  | 'gov.task.update'
  | 'gov.policy.create'
  | 'gov.review.create'
  | 'gov.ledger.create'
  | 'gov.ledger.update'
  | 'gov.ledger.sync'
  | 'gov.proactive.create'
  // Surge alerts (server/alerts/): a state change, with the note.
  | 'alert.state'
  // The dispatcher's assistant: knowledge-base edits and retraining on demand.
  | 'kb.create'
  | 'kb.update'
  | 'kb.delete'
  | 'kb.case'
  | 'assist.retrain';

/** `who` is the principal, or `{ kind: 'cli' }` for the accounts command line. */
export async function audit(
  db: Queryable,
  who: Pick<Principal, 'kind' | 'id' | 'username'> | { kind: 'cli'; id: 0; username: string } | null,
  action: AuditAction,
  ticketId: number | null,
  detail?: Record<string, unknown>,
) {
  await db.query('INSERT INTO audit_log (user_id, username, action, ticket_id, detail) VALUES ($1, $2, $3, $4, $5)', [
    who?.kind === 'user' ? who.id : null,
    who?.username ?? '-',
    action,
    ticketId,
    detail ? JSON.stringify(detail) : null,
  ]);
}

export interface AuditRow {
  id: number;
  at: Date;
  username: string;
  action: AuditAction;
  ticketId: number | null;
  detail: Record<string, unknown> | null;
}

export async function readAudit(
  db: Queryable,
  opts: { ticketId?: number; username?: string; limit: number; before?: number },
): Promise<AuditRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (opts.ticketId !== undefined) where.push(`ticket_id = $${params.push(opts.ticketId)}`);
  if (opts.username !== undefined) where.push(`username = $${params.push(opts.username)}`);
  if (opts.before !== undefined) where.push(`id < $${params.push(opts.before)}`);
  params.push(opts.limit);
  return db.query<AuditRow>(
    `SELECT id::float8 AS id, at, username, action, ticket_id::float8 AS "ticketId", detail FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
}
