// Signing in and out: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me,
// POST /api/auth/kiosk (a wall screen redeems its kiosk token) and POST /api/auth/unlock (an
// admin lifts a sign-in lock; server/auth/rateLimit.ts has the rules).
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { errorBody, validationError } from '../errors.ts';
import { AccountError, checkPassword, redeemKiosk } from '../auth/accounts.ts';
import { audit } from '../auth/audit.ts';
import { LoginLimiter } from '../auth/rateLimit.ts';
import { capabilitiesOf } from '../auth/roles.ts';
import type { Principal } from '../auth/principal.ts';
import {
  createSession,
  CSRF_COOKIE,
  deleteSession,
  readSession,
  SESSION_COOKIE,
  sessionHours,
  type NewSession,
} from '../auth/sessions.ts';
import { readJsonBody } from '../validate.ts';
import { regionNames } from '../geo/sql.ts';

export const loginBody = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) })
  .strict();
export const kioskBody = z.object({ token: z.string().trim().min(1).max(200) }).strict();
export const unlockBody = z
  .object({
    username: z.string().trim().min(1).max(64).optional(),
    address: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .refine((v) => v.username !== undefined || v.address !== undefined, {
    message: 'name a username or an address to unlock',
  });

const secureCookies = () => process.env.COOKIE_SECURE === '1' || process.env.COOKIE_SECURE === 'true';

function address(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}

function setSessionCookies(c: Context, s: NewSession) {
  // Rounded: the milliseconds spent since the session was made must not turn 12 h into 11:59:59.
  const maxAge = Math.max(1, Math.round((s.expiresAt.getTime() - Date.now()) / 1000));
  const secure = secureCookies();
  setCookie(c, SESSION_COOKIE, s.cookie, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge, secure });
  // Readable by the page, which sends it back in X-CSRF-Token; useless to another site.
  setCookie(c, CSRF_COOKIE, s.csrfToken, { httpOnly: false, sameSite: 'Strict', path: '/', maxAge, secure });
}

/** What the page may know about who is signed in. */
async function describe(c: Context<AppEnv>, p: Principal) {
  const code = p.scope.level === 'city' ? null : p.scope.code;
  const region = code ? await regionNames(c.get('db'), code) : null;
  return {
    kind: p.kind,
    username: p.username,
    displayName: p.displayName,
    role: p.role,
    scope: { ...p.scope, nameZh: region?.zh ?? null, nameEn: region?.en ?? null },
    capabilities: capabilitiesOf(p.role),
    csrfToken: p.csrfToken,
  };
}

export function authRoutes(limiter = new LoginLimiter()) {
  return (
    new Hono<AppEnv>()
      .post('/login', async (c) => {
        const body = await readJsonBody(c);
        if (!body.ok) return body.res;
        const parsed = loginBody.safeParse(body.value);
        if (!parsed.success) return c.json(validationError(parsed.error), 400);
        const { username, password } = parsed.data;
        const db = c.get('db');
        const from = address(c);
        // Counted before the password is checked: concurrent guesses cannot all pass the limit (H1).
        const attempt = await limiter.acquire(username, from);
        if ('wait' in attempt) {
          c.header('Retry-After', String(attempt.wait));
          return c.json(
            errorBody(
              'rate_limited',
              `username: too many failed sign-ins; try again in ${Math.ceil(attempt.wait / 60)} min`,
              'username',
            ),
            429,
          );
        }
        let user;
        try {
          user = await checkPassword(db, username, password);
        } catch (e) {
          attempt.cancel();
          throw e;
        }
        if (!user) {
          attempt.fail();
          await audit(db, null, 'login.failed', null, { username, from });
          return c.json(errorBody('invalid_credentials', 'password: wrong username or password', 'password'), 401);
        }
        attempt.succeed();
        const s = await createSession(db, { userId: user.id }, sessionHours());
        setSessionCookies(c, s);
        const p = await readSession(db, s.cookie);
        await audit(db, p, 'login', null, { from });
        return c.json({ ...(await describe(c, p!)), expiresAt: s.expiresAt });
      })
      .post('/logout', async (c) => {
        const p = c.get('principal');
        if (p) await deleteSession(c.get('db'), p.sessionHash);
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        deleteCookie(c, CSRF_COOKIE, { path: '/' });
        return c.body(null, 204);
      })
      .get('/me', async (c) => {
        const p = c.get('principal');
        if (!p) return c.json(errorBody('unauthenticated', 'Not signed in', 'session'), 401);
        return c.json(await describe(c, p));
      })
      .post('/kiosk', async (c) => {
        const body = await readJsonBody(c);
        if (!body.ok) return body.res;
        const parsed = kioskBody.safeParse(body.value);
        if (!parsed.success) return c.json(validationError(parsed.error), 400);
        const db = c.get('db');
        const from = address(c);
        const attempt = await limiter.acquire(`kiosk:${from}`, from);
        if ('wait' in attempt) {
          c.header('Retry-After', String(attempt.wait));
          return c.json(
            errorBody(
              'rate_limited',
              `token: too many failed attempts; try again in ${Math.ceil(attempt.wait / 60)} min`,
              'token',
            ),
            429,
          );
        }
        try {
          const s = await redeemKiosk(db, parsed.data.token);
          attempt.cancel();
          setSessionCookies(c, s);
          const p = await readSession(db, s.cookie);
          await audit(db, p, 'kiosk.redeem', null, { from });
          return c.json(await describe(c, p!));
        } catch (e) {
          // only a token that does not exist counts as a guess
          if (e instanceof AccountError && e.status === 404) attempt.fail();
          else attempt.cancel();
          if (!(e instanceof AccountError)) throw e;
          return c.json(errorBody(e.status === 409 ? 'conflict' : 'not_found', e.message, e.field), e.status);
        }
      })
      // Admins lift a sign-in lock: a username (at every address) and/or an address.
      .post('/unlock', async (c) => {
        const body = await readJsonBody(c);
        if (!body.ok) return body.res;
        const parsed = unlockBody.safeParse(body.value);
        if (!parsed.success) return c.json(validationError(parsed.error), 400);
        const n = limiter.unlock(parsed.data);
        await audit(c.get('db'), c.get('principal'), 'login.unlock', null, { ...parsed.data, counters: n });
        return c.body(null, 204);
      })
  );
}
