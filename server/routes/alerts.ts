// GET /api/alerts and POST /api/alerts/:id/state: surge alerts (server/alerts/), scoped to the
// principal's region (an official sees the alerts with a ticket in their district or street).
// A state change names who made it and is in the audit log; CSRF is checked app-wide.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { errorBody, validationError } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import { plausibleYear, readJsonBody, text, validQuery, YEAR_MESSAGE } from '../validate.ts';
import { limitBody } from './lifecycle.ts';
import { lastScan } from '../alerts/scheduler.ts';
import {
  ALERT_STATES,
  AlertNotFound,
  AlertTransitionRefused,
  DEFAULT_MIN_RECURRENCE_DAYS,
  listAlerts,
  OPEN_STATES,
  setAlertState,
} from '../alerts/store.ts';
import type { AlertState } from '../../db/schema.ts';

const states = z
  .string()
  .regex(/^[a-z]+(,[a-z]+){0,3}$/, `must be open, all, or states separated by commas (${ALERT_STATES.join(', ')})`)
  .transform((s, ctx) => {
    if (s === 'open') return [...OPEN_STATES];
    if (s === 'all') return [...ALERT_STATES];
    const out = s.split(',');
    const bad = out.find((x) => !(ALERT_STATES as readonly string[]).includes(x));
    if (bad) {
      ctx.addIssue({ code: 'custom', message: `unknown state ${bad}; states: open, all, ${ALERT_STATES.join(', ')}` });
      return z.NEVER;
    }
    return out as AlertState[];
  });

export const listQuery = z.object({
  state: states.default([...OPEN_STATES]),
  since: z
    .string()
    .datetime({ offset: true, message: 'must be an ISO instant with a zone' })
    .transform((s) => new Date(s))
    .refine(plausibleYear, YEAR_MESSAGE)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const stateBody = z.strictObject({
  state: z.enum(['acknowledged', 'handled', 'dismissed']),
  note: text(500).optional(),
});

export const alertRoutes = new Hono<AppEnv>()
  .get('/', validQuery(listQuery), async (c) => {
    const q = c.req.valid('query');
    const db = c.get('db');
    const [alerts, scan] = await Promise.all([
      listAlerts(db, c.get('principal').scope, { states: q.state, since: q.since, limit: q.limit }),
      lastScan(db),
    ]);
    return c.json({
      alerts,
      minRecurrenceDays: DEFAULT_MIN_RECURRENCE_DAYS,
      lastScan: scan
        ? { at: scan.at, ms: scan.ms, recentTickets: scan.recentTickets, scansPerDay: scan.scansPerDay }
        : null,
    });
  })
  .post('/:id{[0-9]+}/state', limitBody(), async (c) => {
    const raw = c.req.param('id');
    const id = raw.length <= 15 ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id)) return c.json(errorBody('not_found', `No alert ${raw.slice(0, 40)}`, 'id'), 404);
    const body = await readJsonBody(c);
    if (!body.ok) return body.res;
    const parsed = stateBody.safeParse(body.value);
    if (!parsed.success) return c.json(validationError(parsed.error), 400);
    const p = c.get('principal');
    const db = c.get('db');
    try {
      const note = parsed.data.note?.trim() || null;
      const r = await db.transaction(async (tx) => {
        const moved = await setAlertState(
          tx,
          p.scope,
          id,
          parsed.data.state,
          { userId: p.kind === 'user' ? p.id : null, username: p.username },
          note,
          new Date(),
        );
        await audit(tx, p, 'alert.state', null, { alert: id, from: moved.from, to: parsed.data.state, note });
        return moved;
      });
      return c.json(r.alert);
    } catch (e) {
      // missing and out of jurisdiction answer alike
      if (e instanceof AlertNotFound) return c.json(errorBody('not_found', `No alert ${id}`, 'id'), 404);
      if (e instanceof AlertTransitionRefused)
        return c.json(
          {
            error: {
              code: 'illegal_transition',
              message: e.message,
              field: 'state',
              status: e.from,
              allowed: e.allowed,
            },
          },
          409,
        );
      throw e;
    }
  });
