// Applying one action to one ticket: the pure rule (stateMachine.ts) decides the new status, this
// module writes the ticket row, its dispatches and the event in ONE transaction.
import { z } from 'zod';
import type { Database, Queryable } from '../../db/client.ts';
import { SATISFACTION, type TicketStatus } from '../../db/schema.ts';
import { audit } from '../auth/audit.ts';
import type { Principal, Scope } from '../auth/principal.ts';
import { UnknownCodeError } from '../filters.ts';
import { FUTURE_SLACK_MS } from '../intake/normalise.ts';
import { insertEvents } from './events.ts';
import { transition, type Action, type Actor } from './stateMachine.ts';
import { ACTORS, UNIT_ACTIONS } from '../../db/vocabulary.ts';

const unitCode = z.string().min(1).max(100);
const at = z.coerce
  .date()
  .refine((d) => !(d.getTime() > Date.now() + FUTURE_SLACK_MS), 'in the future')
  .optional();
const common = { at, actor: z.enum(ACTORS).optional(), note: z.string().max(4000).optional() };

/** Body of each action; unknown fields are refused so a typo never passes silently. */
export const ACTION_BODIES = {
  dispatch: z.object({ ...common, unitCode }).strict(),
  answer: z.object(common).strict(),
  forward: z.object(common).strict(),
  accept: z.object({ ...common, unitCode: unitCode.optional() }).strict(),
  progress: z.object({ ...common, unitCode: unitCode.optional() }).strict(),
  return: z.object({ ...common, unitCode: unitCode.optional(), reason: z.string().min(1).max(500) }).strict(),
  redispatch: z.object({ ...common, unitCode, justified: z.boolean().default(true) }).strict(),
  'rule-return': z.object({ ...common, justified: z.boolean(), unitCode: unitCode.optional() }).strict(),
  whistle: z.object({ ...common, unitCode: unitCode.optional(), summon: z.array(unitCode).min(1).max(20) }).strict(),
  report: z.object({ ...common, unitCode }).strict(),
  defer: z.object({ ...common, until: z.coerce.date(), plan: z.string().min(1).max(4000) }).strict(),
  undefer: z.object(common).strict(),
  reply: z.object({ ...common, unitCode: unitCode.optional() }).strict(),
  callback: z.object({ ...common, solved: z.boolean(), satisfaction: z.enum(SATISFACTION) }).strict(),
  close: z.object(common).strict(),
  remind: z.object(common).strict(),
  escalate: z.object(common).strict(),
} satisfies Record<Action, z.ZodType>;

export type ActionBody<A extends Action> = z.infer<(typeof ACTION_BODIES)[A]>;

export class TicketNotFound extends Error {
  constructor(readonly id: number) {
    super(`No ticket ${id}`);
  }
}

/** A request the rules refuse for a reason other than the status (e.g. report without a whistle). */
export class ActionRefused extends Error {
  constructor(
    message: string,
    readonly field?: string,
    /** a stable code a page can say in its own language (bulk answers carry it) */
    readonly reason: 'unit_already_holds' | 'unit_not_holding' | 'refused' = 'refused',
  ) {
    super(message);
  }
}

/** Something only an admin may ask for (HTTP 403 naming the field): recording a time or actor of one's own. */
export class ActionForbidden extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The actions a unit takes on its own dispatch; a scoped official takes them for their own unit only. */
const UNIT_OWN = new Set<Action>(UNIT_ACTIONS);

const DEFAULT_ACTOR: Record<Action, Actor> = {
  dispatch: 'hotline',
  answer: 'hotline',
  forward: 'hotline',
  accept: 'unit',
  progress: 'unit',
  return: 'unit',
  redispatch: 'hotline',
  'rule-return': 'hotline',
  whistle: 'unit',
  report: 'unit',
  defer: 'unit',
  undefer: 'unit',
  reply: 'unit',
  callback: 'hotline',
  close: 'hotline',
  remind: 'hotline',
  escalate: 'hotline',
};

interface TicketRow {
  id: string | number;
  status: TicketStatus;
  accepted_at: Date | string | null;
  last_at: Date | string | null;
}

const asDate = (v: Date | string | null) => (v == null ? null : new Date(v));

async function unitKind(tx: Queryable, code: string, field = 'unitCode'): Promise<string> {
  const rows = await tx.query<{ kind: string }>(
    `SELECT 'street' AS kind FROM regions WHERE code = $1 AND level = 'street'
     UNION ALL SELECT kind FROM departments WHERE code = $1 LIMIT 1`,
    [code],
  );
  if (!rows[0]) throw new UnknownCodeError(field, code);
  return rows[0].kind;
}

async function activeTerritorial(tx: Queryable, id: number): Promise<string | null> {
  const rows = await tx.query<{ unit_code: string }>(
    `SELECT unit_code FROM dispatches WHERE ticket_id = $1 AND active AND role = 'territorial' ORDER BY id DESC LIMIT 1`,
    [id],
  );
  return rows[0]?.unit_code ?? null;
}

export interface ActionResult {
  id: number;
  status: TicketStatus;
  eventId: number;
}

/**
 * Who acts: their username goes into the event (data.by); a scope limits which tickets they may
 * touch and, for a unit's actions, which dispatch (their own unit's). Only `mayRecord` (an admin)
 * may give `at` or `actor`; otherwise both are the server's, and a body naming either is refused.
 * An admin's recorded time or actor is written to the audit log in the same transaction.
 */
export interface ActingAs {
  username: string;
  scope: Scope;
  mayRecord?: boolean;
  who?: Pick<Principal, 'kind' | 'id' | 'username'>;
}

/**
 * The scoped official's own unit holding an active dispatch of the ticket (whistle calls for
 * `report`, the others otherwise): `unitCode` if they named one, else the territorial one first.
 * A street official's unit is their street; a district official acts for any street of it.
 */
async function ownDispatch(
  tx: Queryable,
  id: number,
  scope: Scope,
  unitCode: string | undefined,
  whistle: boolean,
): Promise<string | null> {
  if (scope.level === 'city') return null;
  const params: unknown[] = [id, scope.code];
  const own =
    scope.level === 'street'
      ? 'd.unit_code = $2'
      : `d.unit_code IN (SELECT code FROM regions WHERE level = 'street' AND parent_code = $2)`;
  const named = unitCode !== undefined ? ` AND d.unit_code = $${params.push(unitCode)}` : '';
  const rows = await tx.query<{ unit_code: string }>(
    `SELECT d.unit_code FROM dispatches d WHERE d.ticket_id = $1 AND d.active AND ${own}${named}
       AND ${whistle ? "d.role = 'whistle' AND d.accepted_at IS NULL" : "d.role <> 'whistle'"}
     ORDER BY (d.role = 'territorial') DESC, d.id DESC LIMIT 1`,
    params,
  );
  return rows[0]?.unit_code ?? null;
}

/**
 * A scoped official acts on a ticket located in their region, or on one dispatched to their own
 * unit (a street's code): `AND (...)` with params extended, '' for the city.
 */
function inJurisdiction(scope: Scope, params: unknown[]): string {
  if (scope.level === 'city') return '';
  const p = `$${params.push(scope.code)}`;
  const located = scope.level === 'street' ? `t.street_code = ${p}` : `t.district_code = ${p}`;
  const unit =
    scope.level === 'street'
      ? `d.unit_code = ${p}`
      : `d.unit_code IN (SELECT code FROM regions WHERE level = 'street' AND parent_code = ${p})`;
  return ` AND (${located} OR EXISTS (SELECT 1 FROM dispatches d WHERE d.ticket_id = t.id AND d.active AND ${unit}))`;
}

export async function applyAction<A extends Action>(
  db: Database,
  id: number,
  action: A,
  body: ActionBody<A>,
  now: Date = new Date(),
  as?: ActingAs,
): Promise<ActionResult> {
  const b = body as Record<string, any>;
  if (as && !as.mayRecord) {
    // The time and the actor of an action are the server's: an official naming an earlier time
    // could turn their own missed deadline into a met one (issue 15, H2).
    if (b.at !== undefined)
      throw new ActionForbidden(
        'at',
        'at: the server records when an action happens; only an admin may record another time',
      );
    if (b.actor !== undefined)
      throw new ActionForbidden('actor', 'actor: the server records who acts; only an admin may record another actor');
  }
  const when: Date = b.at ?? now;
  return db.transaction(async (tx) => {
    const lookup: unknown[] = [id];
    // out of jurisdiction reads as missing: the same 404, so an official cannot probe for ids
    const rows = await tx.query<TicketRow>(
      `SELECT t.id, t.status, t.accepted_at, (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = t.id) AS last_at
       FROM tickets t WHERE t.id = $1${as ? inJurisdiction(as.scope, lookup) : ''} FOR UPDATE`,
      lookup,
    );
    const row = rows[0];
    if (!row) throw new TicketNotFound(id);
    const r = transition(
      { id, status: row.status, acceptedAt: asDate(row.accepted_at), lastEventAt: asDate(row.last_at) },
      action,
      when,
      b.actor ?? DEFAULT_ACTOR[action],
    );
    const patch: Record<string, unknown> = { ...r.patch };
    let unit: string | null = b.unitCode ?? null;
    let data: Record<string, unknown> | null = null;
    const iso = when.toISOString();
    // A unit acts only on its own dispatch (issue 15, M1): never on another unit's sent in parallel
    // or after a re-dispatch, even when the ticket lies in the official's region.
    if (as && as.scope.level !== 'city' && UNIT_OWN.has(action)) {
      const own = await ownDispatch(tx, id, as.scope, b.unitCode, action === 'report');
      if (!own)
        throw new ActionRefused(
          `${b.unitCode ?? `No unit of ${as.scope.code}`} holds no active ${action === 'report' ? 'whistle call' : 'dispatch'} of ticket ${id}`,
          'unitCode',
        );
      unit = own;
    }

    switch (action) {
      case 'dispatch': {
        const kind = await unitKind(tx, b.unitCode);
        await tx.query(
          `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at) VALUES ($1,$2,$3,'territorial',$4)`,
          [id, b.unitCode, kind, iso],
        );
        break;
      }
      case 'accept': {
        // an official accepts for their own unit only; the hotline may accept for the named unit or every one
        const only = as && as.scope.level !== 'city' ? unit : (b.unitCode ?? null);
        unit ??= await activeTerritorial(tx, id);
        await tx.query(
          `UPDATE dispatches SET accepted_at = $2 WHERE ticket_id = $1 AND active AND accepted_at IS NULL AND role <> 'whistle' AND ($3::text IS NULL OR unit_code = $3::text)`,
          [id, iso, only],
        );
        break;
      }
      case 'progress':
      case 'reply':
        unit ??= await activeTerritorial(tx, id);
        break;
      case 'return': {
        unit ??= await activeTerritorial(tx, id);
        const done = await tx.query(
          `UPDATE dispatches SET returned_at = $2, return_reason = $3, active = false WHERE ticket_id = $1 AND active AND unit_code = $4 AND role <> 'whistle' RETURNING id`,
          [id, iso, b.reason, unit],
        );
        if (done.length === 0)
          throw new ActionRefused(
            `Unit ${unit} holds no active dispatch of ticket ${id}`,
            'unitCode',
            'unit_not_holding',
          );
        patch.return_count = { sql: 'return_count + 1' };
        data = { reason: b.reason };
        break;
      }
      case 'redispatch':
        if (row.status !== 'returned') {
          // 改派 of a ticket a unit still holds: its dispatch ends (not a return: nothing counts
          // against it, and the facts it already has stay where they are) and the new unit's begins
          const held = await tx.query<{ unit_code: string; role: string }>(
            `UPDATE dispatches SET active = false WHERE ticket_id = $1 AND active AND role = 'territorial' RETURNING unit_code, role`,
            [id],
          );
          if (held.some((d) => d.unit_code === b.unitCode))
            throw new ActionRefused(`Unit ${b.unitCode} already holds ticket ${id}`, 'unitCode', 'unit_already_holds');
          const kind = await unitKind(tx, b.unitCode);
          await tx.query(
            `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at) VALUES ($1,$2,$3,'territorial',$4)`,
            [id, b.unitCode, kind, iso],
          );
          unit = b.unitCode;
          data = { reassignedFrom: held.map((d) => d.unit_code) };
          break;
        }
      // falls through: a returned ticket's re-dispatch rules on the return first
      case 'rule-return': {
        const last = (
          await tx.query<{ id: string | number; unit_code: string; unit_kind: string; role: string }>(
            `SELECT id, unit_code, unit_kind, role FROM dispatches WHERE ticket_id = $1 AND returned_at IS NOT NULL ORDER BY returned_at DESC, id DESC LIMIT 1`,
            [id],
          )
        )[0];
        if (!last) throw new ActionRefused(`Ticket ${id} has no returned dispatch`);
        const justified: boolean = b.justified;
        if (justified && !b.unitCode)
          throw new ActionRefused('A justified return needs the unit to re-dispatch to', 'unitCode');
        unit = b.unitCode ?? last.unit_code;
        const kind = unit === last.unit_code ? last.unit_kind : await unitKind(tx, unit!);
        await tx.query(`UPDATE dispatches SET return_justified = $2, ruled_at = $3 WHERE id = $1`, [
          last.id,
          justified,
          iso,
        ]);
        await tx.query(
          `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at) VALUES ($1,$2,$3,$4,$5)`,
          [id, unit, kind, last.role, iso],
        );
        data = { justified, returnedBy: last.unit_code };
        break;
      }
      case 'whistle': {
        unit ??= await activeTerritorial(tx, id);
        for (const code of b.summon as string[]) {
          const kind = await unitKind(tx, code, 'summon');
          await tx.query(
            `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at) VALUES ($1,$2,$3,'whistle',$4)`,
            [id, code, kind, iso],
          );
        }
        data = { summon: b.summon };
        break;
      }
      case 'report': {
        const done = await tx.query(
          `UPDATE dispatches SET accepted_at = $2 WHERE ticket_id = $1 AND role = 'whistle' AND active AND unit_code = $3 AND accepted_at IS NULL RETURNING id`,
          [id, iso, unit],
        );
        if (done.length === 0)
          throw new ActionRefused(`Unit ${unit} was not summoned to ticket ${id}, or has already reported`, 'unitCode');
        break;
      }
      case 'defer':
        patch.deferred_until = b.until;
        data = { until: (b.until as Date).toISOString(), plan: b.plan };
        break;
      case 'callback':
        patch.solved = b.solved;
        patch.satisfaction = b.satisfaction;
        data = { solved: b.solved, satisfaction: b.satisfaction };
        break;
      default:
        break;
    }

    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [col, v] of Object.entries(patch)) {
      if (v && typeof v === 'object' && 'sql' in (v as object)) sets.push(`${col} = ${(v as { sql: string }).sql}`);
      else {
        params.push(v instanceof Date ? v.toISOString() : v);
        sets.push(`${col} = $${params.length}`);
      }
    }
    params.push(iso);
    sets.push(`updated_at = $${params.length}`);
    await tx.query(`UPDATE tickets SET ${sets.join(', ')} WHERE id = $1`, params);
    if (as) data = { ...data, by: as.username };
    const [eventId] = await insertEvents(tx, [
      {
        ...r.event,
        unitCode: unit,
        note: b.note ?? (action === 'defer' ? b.plan : action === 'return' ? b.reason : null),
        data,
      },
    ]);
    if (as?.mayRecord && (b.at !== undefined || b.actor !== undefined)) {
      await audit(tx, as.who ?? null, 'ticket.override', id, {
        action,
        eventId,
        at: b.at !== undefined ? iso : null,
        actor: b.actor ?? null,
        serverTime: now.toISOString(),
      });
    }
    return { id, status: r.status, eventId };
  });
}
