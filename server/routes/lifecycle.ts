// Intake and life-cycle actions over HTTP: POST /api/tickets, POST /api/tickets/:id/<action>,
// POST /api/tickets/:id/locate, GET /api/tickets/:id, GET /api/tickets/:id/caller (audited),
// GET /api/queue, GET /api/returns. Every read and unit action is limited to the principal's scope.
// Rules live in server/lifecycle/ and server/intake/; this file maps them to HTTP.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { errorBody, unavailable, validationError } from '../errors.ts';
import { FUTURE_SLACK_MS, intakeSchema } from '../intake/normalise.ts';
import { intakeQueue, IntakeUnavailable } from '../intake/groupCommit.ts';
import { locateBody, locateManually } from '../intake/manualLocate.ts';
import { defaultSettings, type LifecycleSettings } from '../intake/settings.ts';
import { ACTION_BODIES, ActionForbidden, ActionRefused, applyAction, TicketNotFound } from '../lifecycle/actions.ts';
import { audit } from '../auth/audit.ts';
import { can } from '../auth/principal.ts';
import { OutOfScope, regionInScope } from '../auth/scope.ts';
import { readCallerInClear } from '../lifecycle/caller.ts';
import { bulkAction, bulkBody } from '../lifecycle/bulk.ts';
import { UnknownCodeError } from '../filters.ts';
import { QUEUE_KINDS, queue, ticketDetail, unjustifiedReturns } from '../lifecycle/read.ts';
import { ACTIONS, IllegalTransition, TimeTravel, type Action } from '../lifecycle/stateMachine.ts';
import { plausibleYear, readJsonBody, validQuery, YEAR_MESSAGE } from '../validate.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export const limitBody = (max = MAX_BODY_BYTES) =>
  bodyLimit({ maxSize: max, onError: (c) => c.json(errorBody('too_large', `Body over ${max} bytes`, 'body'), 413) });

/** Map the life-cycle's refusals to HTTP; anything else goes to the app's error handler. */
export function lifecycleError(c: Context, e: unknown) {
  if (e instanceof IllegalTransition)
    return c.json(
      {
        error: {
          code: 'illegal_transition',
          message: e.message,
          field: 'status',
          status: e.status,
          allowed: e.allowed,
        },
      },
      409,
    );
  if (e instanceof TimeTravel) return c.json(errorBody('invalid_input', e.message, 'at'), 400);
  if (e instanceof TicketNotFound) return c.json(errorBody('not_found', e.message, 'id'), 404);
  if (e instanceof ActionRefused) return c.json(errorBody('refused', e.message, e.field), 409);
  if (e instanceof ActionForbidden) return c.json(errorBody('forbidden', e.message, e.field), 403);
  throw e;
}

const idParam = (c: Context) => Number(c.req.param('id'));
/** Missing and out of jurisdiction answer alike, so an official cannot learn which ids exist elsewhere. */
const noTicket = (c: Context) =>
  c.json(errorBody('not_found', `No ticket ${(c.req.param('id') ?? '').slice(0, 40)}`, 'id'), 404);
/** Ids the tickets table can hold; a longer one (1e26) is a ticket that cannot exist, not a database error. */
const MAX_ID_DIGITS = 15;
const idOk = (c: Context) => (c.req.param('id') ?? '').length <= MAX_ID_DIGITS;
/** How far back a new ticket's receipt time may lie without the 'import' capability (a call just ended). */
export const RECEIVED_SLACK_MS = 10 * 60_000;

export function lifecycleRoutes(settings: LifecycleSettings = defaultSettings()) {
  const tickets = new Hono<AppEnv>()
    .post('/', limitBody(), async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.res;
      const header = c.req.header('idempotency-key');
      const value =
        header && body.value && typeof body.value === 'object'
          ? { idempotencyKey: header, ...(body.value as object) }
          : body.value;
      const parsed = intakeSchema.safeParse(value);
      if (!parsed.success) return c.json(validationError(parsed.error), 400);
      // An earlier receipt time starts the deadlines earlier: that is importing history, not filing.
      const received = parsed.data.receivedAt;
      if (received && received.getTime() < Date.now() - RECEIVED_SLACK_MS && !can(c.get('principal'), 'import')) {
        return c.json(
          errorBody(
            'forbidden',
            `receivedAt: more than ${RECEIVED_SLACK_MS / 60_000} min ago is an import; this key may not import`,
            'receivedAt',
          ),
          403,
        );
      }
      try {
        const r = await intakeQueue(c.get('db')).submit(parsed.data, settings);
        return c.json(r, r.created ? 201 : 200);
      } catch (e) {
        if (e instanceof IntakeUnavailable) return unavailable(c);
        return lifecycleError(c, e);
      }
    })
    .get('/:id{[0-9]+}', async (c) => {
      if (!idOk(c)) return noTicket(c);
      c.header('Cache-Control', 'no-store');
      const t = await ticketDetail(c.get('db'), idParam(c), c.get('principal').scope);
      return t ? c.json(t) : noTicket(c);
    })
    // Name and phone in clear (dispatcher/admin, gate caller_unmasked); each read is in the audit log.
    .get('/:id{[0-9]+}/caller', async (c) => {
      if (!idOk(c)) return noTicket(c);
      const r = await readCallerInClear(c.get('db'), c.get('principal'), idParam(c));
      c.header('Cache-Control', 'no-store');
      return r.found ? c.json({ id: idParam(c), caller: r.caller }) : noTicket(c);
    })
    .post('/:id{[0-9]+}/locate', limitBody(), async (c) => {
      if (!idOk(c)) return noTicket(c);
      const body = await readJsonBody(c);
      if (!body.ok) return body.res;
      const parsed = locateBody.safeParse(body.value);
      if (!parsed.success) return c.json(validationError(parsed.error), 400);
      const p = c.get('principal');
      const at = parsed.data.at;
      if (at !== undefined) {
        // locating dispatches the ticket: its time is the server's, as for every action (H2)
        if (p.role !== 'admin')
          return c.json(
            errorBody(
              'forbidden',
              'at: the server records when a ticket is located; only an admin may record another time',
              'at',
            ),
            403,
          );
        if (at.getTime() > Date.now() + FUTURE_SLACK_MS)
          return c.json(errorBody('invalid_input', 'at: in the future', 'at'), 400);
      }
      try {
        const r = await locateManually(c.get('db'), idParam(c), parsed.data, undefined, p.username);
        if (at !== undefined)
          await audit(c.get('db'), p, 'ticket.override', idParam(c), {
            action: 'locate',
            at: at.toISOString(),
            actor: null,
            serverTime: new Date().toISOString(),
          });
        return c.json(r);
      } catch (e) {
        return lifecycleError(c, e);
      }
    })
    .post('/:id{[0-9]+}/:action', limitBody(), async (c) => {
      const action = c.req.param('action') as Action;
      if (!(ACTIONS as readonly string[]).includes(action))
        return c.json(
          errorBody('not_found', `No such action: ${action}; actions: ${ACTIONS.join(', ')}`, 'action'),
          404,
        );
      if (!idOk(c)) return noTicket(c);
      const body = await readJsonBody(c);
      if (!body.ok) return body.res;
      const parsed = ACTION_BODIES[action].safeParse(body.value);
      if (!parsed.success) return c.json(validationError(parsed.error), 400);
      try {
        const p = c.get('principal');
        // an official acts as their own unit (or one of their district's streets), never as another
        const unitCode = (parsed.data as { unitCode?: string }).unitCode;
        if (
          unitCode !== undefined &&
          p.scope.level !== 'city' &&
          !(await regionInScope(c.get('db'), p.scope, unitCode))
        ) {
          throw new OutOfScope('unitCode', `unitCode: ${unitCode} is outside your jurisdiction (${p.scope.code})`);
        }
        // only an admin records a time or an actor of their own (audited); for everyone else both are the server's
        return c.json(
          await applyAction(c.get('db'), idParam(c), action, parsed.data as never, undefined, {
            username: p.username,
            scope: p.scope,
            mayRecord: p.role === 'admin',
            who: p,
          }),
        );
      } catch (e) {
        return lifecycleError(c, e);
      }
    });

  const queueRoute = new Hono<AppEnv>()
    .get(
      '/',
      validQuery(z.object({ kind: z.enum(QUEUE_KINDS), limit: z.coerce.number().int().min(1).max(1000).default(200) })),
      async (c) => {
        const q = c.req.valid('query');
        return c.json({ kind: q.kind, tickets: await queue(c.get('db'), q.kind, q.limit, c.get('principal').scope) });
      },
    )
    /**
     * POST /api/queue/bulk {action: remind|escalate|redispatch, ids: [...], unitCode?, note?} — each
     * ticket through the ticket page's own action, in its own transaction; 200 with a result per
     * ticket (ok, or the refusal with its code and field), so a partial failure loses nothing.
     */
    .post('/bulk', limitBody(), async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.res;
      const parsed = bulkBody.safeParse(body.value);
      if (!parsed.success) return c.json(validationError(parsed.error), 400);
      const p = c.get('principal');
      if (
        parsed.data.unitCode !== undefined &&
        p.scope.level !== 'city' &&
        !(await regionInScope(c.get('db'), p.scope, parsed.data.unitCode))
      ) {
        return c.json(
          errorBody(
            'forbidden',
            `unitCode: ${parsed.data.unitCode} is outside your jurisdiction (${p.scope.code})`,
            'unitCode',
          ),
          403,
        );
      }
      try {
        return c.json(
          await bulkAction(c.get('db'), parsed.data, {
            username: p.username,
            scope: p.scope,
            mayRecord: false,
            who: p,
          }),
        );
      } catch (e) {
        if (e instanceof UnknownCodeError) return c.json(errorBody('invalid_input', e.message, e.field), 400);
        throw e;
      }
    });

  const returns = new Hono<AppEnv>().get(
    '/',
    validQuery(
      z.object({
        from: z.coerce.date().refine(plausibleYear, YEAR_MESSAGE).optional(),
        to: z.coerce.date().refine(plausibleYear, YEAR_MESSAGE).optional(),
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({
        units: await unjustifiedReturns(c.get('db'), q.from ?? null, q.to ?? null, c.get('principal').scope),
      });
    },
  );

  return { tickets, queue: queueRoute, returns };
}
