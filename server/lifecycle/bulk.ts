// One action on many tickets from the dispatcher's queue (催办, 督办, 改派): each ticket goes through
// the same applyAction as the ticket page, in its own transaction, so one refusal (a ticket replied
// meanwhile, a unit that already holds it) neither stops nor undoes the others. The answer says
// what happened to each ticket; one audit row records who asked for what.
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { audit } from '../auth/audit.ts';
import { OutOfScope } from '../auth/scope.ts';
import { UnknownCodeError } from '../filters.ts';
import {
  ACTION_BODIES,
  ActionForbidden,
  ActionRefused,
  applyAction,
  TicketNotFound,
  type ActingAs,
} from './actions.ts';
import { IllegalTransition, TimeTravel } from './stateMachine.ts';

export const BULK_ACTIONS = ['remind', 'escalate', 'redispatch'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK = 200;

export const bulkBody = z
  .object({
    action: z.enum(BULK_ACTIONS),
    ids: z
      .array(z.number().int().positive().max(999_999_999_999_999))
      .min(1)
      .max(MAX_BULK)
      .refine((ids) => new Set(ids).size === ids.length, 'each ticket once'),
    unitCode: z.string().min(1).max(100).optional(),
    note: z.string().max(4000).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.action === 'redispatch' && !b.unitCode)
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: 'the unit to re-dispatch to is required' });
    if (b.action !== 'redispatch' && b.unitCode !== undefined)
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: `only a re-dispatch names a unit, not ${b.action}` });
  });
export type BulkBody = z.infer<typeof bulkBody>;

/**
 * Why a ticket was not done, as a code the page translates (web/i18n areas/desk.ts bulk.reason);
 * the English message stays beside it for logs and API users.
 */
export const BULK_REASONS = [
  'status_forbids',
  'not_found',
  'unit_already_holds',
  'unit_not_holding',
  'refused',
  'forbidden',
  'unknown_code',
  'time_order',
  'failed',
] as const;
export type BulkReason = (typeof BULK_REASONS)[number];

export interface BulkOutcome {
  id: number;
  ok: boolean;
  /** The ticket's status after the action. */
  status?: string;
  error?: { code: string; reason: BulkReason; message: string; field?: string; status?: string };
}

function outcomeOf(id: number, e: unknown): BulkOutcome {
  const err = (code: string, reason: BulkReason, message: string, field?: string, extra: { status?: string } = {}) => ({
    id,
    ok: false,
    error: { code, reason, message, ...(field ? { field } : {}), ...extra },
  });
  if (e instanceof IllegalTransition)
    return err('illegal_transition', 'status_forbids', e.message, 'status', { status: e.status });
  if (e instanceof TicketNotFound) return err('not_found', 'not_found', e.message, 'id');
  if (e instanceof ActionRefused) return err('refused', e.reason, e.message, e.field);
  if (e instanceof ActionForbidden || e instanceof OutOfScope) return err('forbidden', 'forbidden', e.message, e.field);
  if (e instanceof UnknownCodeError) return err('invalid_input', 'unknown_code', e.message, e.field);
  if (e instanceof TimeTravel) return err('invalid_input', 'time_order', e.message, 'at');
  // anything else (the database went away mid-way): this ticket is reported, the others stand
  return err('failed', 'failed', e instanceof Error ? e.message : String(e));
}

export async function bulkAction(
  db: Database,
  body: BulkBody,
  as: ActingAs,
): Promise<{ action: BulkAction; done: number; failed: number; results: BulkOutcome[] }> {
  if (body.unitCode !== undefined) {
    // a unit that does not exist fails every ticket alike: refuse the request instead
    const known = await db.query(
      `SELECT 1 FROM regions WHERE code = $1 AND level = 'street' UNION ALL SELECT 1 FROM departments WHERE code = $1`,
      [body.unitCode],
    );
    if (known.length === 0) throw new UnknownCodeError('unitCode', body.unitCode);
  }
  const results: BulkOutcome[] = [];
  for (const id of body.ids) {
    try {
      // the ticket page's own body schema, defaults included (a re-dispatch rules a return justified)
      const payload = ACTION_BODIES[body.action].parse({
        ...(body.note ? { note: body.note } : {}),
        ...(body.action === 'redispatch' ? { unitCode: body.unitCode } : {}),
      });
      const r = await applyAction(db, id, body.action, payload as never, undefined, as);
      results.push({ id, ok: true, status: r.status });
    } catch (e) {
      results.push(outcomeOf(id, e));
    }
  }
  const done = results.filter((r) => r.ok).length;
  await audit(db, as.who ?? null, 'ticket.bulk', null, {
    action: body.action,
    unitCode: body.unitCode ?? null,
    done: results.filter((r) => r.ok).map((r) => r.id),
    failed: results.filter((r) => !r.ok).map((r) => ({ id: r.id, code: r.error!.code })),
  });
  return { action: body.action, done, failed: results.length - done, results };
}
