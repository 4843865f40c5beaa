// Administration (admin role only, enforced by the gate): accounts, wall kiosk tokens, API keys'
// grants, audit log.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { errorBody, validationError } from '../errors.ts';
import {
  AccountError,
  createKiosk,
  createUser,
  listKiosks,
  listUsers,
  newKioskSchema,
  newUserSchema,
  releaseKiosk,
  revokeKiosk,
  setDisabled,
  setPassword,
} from '../auth/accounts.ts';
import { audit, readAudit } from '../auth/audit.ts';
import { forgetApiKeys, grantsSchema, listApiKeys, setApiKeyGrants } from '../auth/apiKeys.ts';
import { readJsonBody, validQuery } from '../validate.ts';

function refused(c: Context, e: unknown) {
  if (!(e instanceof AccountError)) throw e;
  return c.json(
    errorBody(e.status === 409 ? 'conflict' : e.status === 404 ? 'not_found' : 'invalid_input', e.message, e.field),
    e.status,
  );
}

async function body<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<{ ok: true; value: z.infer<T> } | { ok: false; res: Response }> {
  const raw = await readJsonBody(c);
  if (!raw.ok) return raw;
  const parsed = schema.safeParse(raw.value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, res: c.json(validationError(parsed.error), 400) };
}

// An empty change is refused: it would answer 204 without even looking the user up.
export const userPatch = z
  .object({ password: z.string().min(1).max(200).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.password !== undefined || v.disabled !== undefined, {
    message: 'name password or disabled to change',
  });
export const grantsBody = z.object({ grants: grantsSchema }).strict();
export const auditQuery = z.object({
  ticket: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  username: z.string().max(64).optional(),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const admin = new Hono<AppEnv>()
  .get('/users', async (c) => c.json({ items: await listUsers(c.get('db')) }))
  .post('/users', async (c) => {
    const b = await body(c, newUserSchema);
    if (!b.ok) return b.res;
    try {
      return c.json(await createUser(c.get('db'), b.value), 201);
    } catch (e) {
      return refused(c, e);
    }
  })
  .patch('/users/:username', async (c) => {
    const b = await body(c, userPatch);
    if (!b.ok) return b.res;
    const username = c.req.param('username');
    try {
      if (b.value.password !== undefined) await setPassword(c.get('db'), username, b.value.password);
      if (b.value.disabled !== undefined) await setDisabled(c.get('db'), username, b.value.disabled);
      return c.body(null, 204);
    } catch (e) {
      return refused(c, e);
    }
  })
  .get('/kiosks', async (c) => c.json({ items: await listKiosks(c.get('db')) }))
  .post('/kiosks', async (c) => {
    const b = await body(c, newKioskSchema);
    if (!b.ok) return b.res;
    try {
      return c.json(await createKiosk(c.get('db'), b.value), 201);
    } catch (e) {
      return refused(c, e);
    }
  })
  .post('/kiosks/:screen/release', async (c) => {
    try {
      await releaseKiosk(c.get('db'), c.req.param('screen'));
      return c.body(null, 204);
    } catch (e) {
      return refused(c, e);
    }
  })
  .delete('/kiosks/:screen', async (c) => {
    try {
      await revokeKiosk(c.get('db'), c.req.param('screen'));
      return c.body(null, 204);
    } catch (e) {
      return refused(c, e);
    }
  })
  // API keys file tickets only; an admin grants more by name ('locate', 'import'), audited.
  .get('/api-keys', async (c) => c.json({ items: await listApiKeys(c.get('db')) }))
  .patch('/api-keys/:name', async (c) => {
    const b = await body(c, grantsBody);
    if (!b.ok) return b.res;
    try {
      const db = c.get('db');
      const r = await db.transaction(async (tx) => {
        const changed = await setApiKeyGrants(tx, c.req.param('name'), b.value.grants);
        await audit(tx, c.get('principal'), 'api_key.grant', null, changed);
        return changed;
      });
      forgetApiKeys();
      return c.json(r);
    } catch (e) {
      return refused(c, e);
    }
  })
  .get('/audit', validQuery(auditQuery), async (c) => {
    const q = c.req.valid('query');
    return c.json({
      items: await readAudit(c.get('db'), {
        ticketId: q.ticket,
        username: q.username,
        before: q.before,
        limit: q.limit,
      }),
    });
  });
