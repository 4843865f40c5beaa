// Sessions: a random id in an httpOnly, SameSite=Strict cookie, signed with the session secret;
// the database keeps only its SHA-256 and an expiry. The CSRF token is derived from the id, sent
// to the page in a readable cookie and required back in X-CSRF-Token on every write.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import type { Principal, Scope } from './principal.ts';
import { hmac, safeEqual, sessionSecrets } from './secret.ts';

export const SESSION_COOKIE = 'hl_session';
export const CSRF_COOKIE = 'hl_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function sessionHours(env: NodeJS.ProcessEnv = process.env): number {
  const h = Number(env.SESSION_HOURS ?? 12);
  return Number.isFinite(h) && h > 0 && h <= 24 * 30 ? h : 12;
}
/** A bound wall screen stays signed in for a year unless an admin releases or revokes it. */
export const KIOSK_SESSION_HOURS = 24 * 365;

export interface NewSession {
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
  idHash: string;
}

/** `signWith`: the signing secret, when `db` is a transaction (read it from the database beforehand). */
export async function createSession(
  db: Queryable,
  who: { userId: number } | { kioskId: number },
  hours: number,
  signWith?: string,
): Promise<NewSession> {
  const [secret] = signWith ? [signWith] : await sessionSecrets(db);
  const id = randomBytes(32).toString('base64url');
  const idHash = sha256(id);
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  await db.query('INSERT INTO sessions (id_hash, user_id, kiosk_id, expires_at) VALUES ($1, $2, $3, $4)', [
    idHash,
    'userId' in who ? who.userId : null,
    'kioskId' in who ? who.kioskId : null,
    expiresAt,
  ]);
  return { cookie: `${id}.${hmac(secret!, id)}`, csrfToken: hmac(secret!, `csrf:${id}`), expiresAt, idHash };
}

interface SessionRow {
  kind: 'user' | 'kiosk';
  id: number;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  level: 'district' | 'street' | null;
  parent: string | null;
}

// A principal is looked up at most every few seconds per session: the dashboard sends many
// requests per page, and a revoked session must still stop working promptly.
const CACHE_MS = 5_000;
const cache = new Map<string, { at: number; p: Principal | null }>();

export function forgetSession(idHash: string) {
  cache.delete(idHash);
}
export function forgetAllSessions() {
  cache.clear();
}

/** The principal behind a cookie value, or null when unsigned, unknown, expired or disabled. */
export async function readSession(db: Queryable, cookie: string | undefined): Promise<Principal | null> {
  if (!cookie || cookie.length > 200) return null;
  const dot = cookie.indexOf('.');
  if (dot <= 0) return null;
  const id = cookie.slice(0, dot);
  const sig = cookie.slice(dot + 1);
  const secrets = await sessionSecrets(db);
  const signer = secrets.find((s) => safeEqual(hmac(s, id), sig));
  if (!signer) return null;
  const idHash = sha256(id);
  const hit = cache.get(idHash);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.p;
  const rows = await db.query<SessionRow>(
    `SELECT 'user' AS kind, u.id, u.username, u.display_name AS "displayName", u.role, u.region_code AS "regionCode",
            r.level, r.parent_code AS parent
       FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN regions r ON r.code = u.region_code
      WHERE s.id_hash = $1 AND s.expires_at > now() AND NOT u.disabled
     UNION ALL
     SELECT 'kiosk', k.id, k.screen, k.screen, 'wall', k.region_code, r.level, r.parent_code
       FROM sessions s JOIN kiosk_tokens k ON k.id = s.kiosk_id LEFT JOIN regions r ON r.code = k.region_code
      WHERE s.id_hash = $1 AND s.expires_at > now() AND NOT k.revoked AND k.bound_session = $1`,
    [idHash],
  );
  const row = rows[0];
  const p: Principal | null = row
    ? {
        kind: row.kind,
        id: row.id,
        username: row.username,
        displayName: row.displayName,
        role: row.role,
        scope: scopeOf(row.regionCode, row.level, row.parent),
        sessionHash: idHash,
        csrfToken: hmac(signer, `csrf:${id}`),
      }
    : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(idHash, { at: Date.now(), p });
  return p;
}

export function scopeOf(code: string | null, level: string | null, parent: string | null): Scope {
  if (!code) return { level: 'city' };
  if (level === 'street') return { level: 'street', code, district: parent ?? '' };
  return { level: 'district', code };
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  forgetSession(idHash);
}

/** Sign everyone (or one user) out. */
export async function deleteSessions(db: Queryable, userId?: number): Promise<number> {
  const rows = await db.query(
    userId === undefined
      ? 'DELETE FROM sessions WHERE user_id IS NOT NULL RETURNING 1'
      : 'DELETE FROM sessions WHERE user_id = $1 RETURNING 1',
    userId === undefined ? [] : [userId],
  );
  forgetAllSessions();
  return rows.length;
}

export async function purgeExpiredSessions(db: Queryable): Promise<void> {
  await db.query('DELETE FROM sessions WHERE expires_at <= now()');
}
