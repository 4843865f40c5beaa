// Accounts and wall-display kiosk tokens: creating, listing, changing, signing in. Used by the
// admin API (server/routes/admin.ts), the CLI (cli.ts) and the demo start.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/client.ts';
import { ROLES, type Role, type UserRole } from '../../db/schema.ts';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { REGION_LEVEL_OF_ROLE } from './roles.ts';
import {
  createSession,
  deleteSessions,
  forgetAllSessions,
  KIOSK_SESSION_HOURS,
  sha256,
  type NewSession,
} from './sessions.ts';
import { sessionSecrets } from './secret.ts';

export const USER_ROLES = ROLES.filter((r) => r !== 'wall' && r !== 'integration') as UserRole[];

/** A refused account change, naming the field. */
export class AccountError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(`${field}: ${message}`);
  }
}

export const newUserSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(2)
      .max(64)
      .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
    displayName: z.string().trim().min(1).max(100),
    role: z.enum(USER_ROLES as [UserRole, ...UserRole[]]),
    regionCode: z.string().trim().min(1).max(64).nullish(),
    password: z.string().min(1).max(200),
  })
  .strict();
export type NewUser = z.infer<typeof newUserSchema>;

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  regionCode: string | null;
  disabled: boolean;
  createdAt: Date;
}

/** Officials need a region of their level (a district for district officials); others none. */
async function checkRegion(db: Queryable, role: Role, regionCode: string | null | undefined): Promise<string | null> {
  const level = (REGION_LEVEL_OF_ROLE as Record<string, string>)[role];
  if (!level) {
    if (regionCode) throw new AccountError('regionCode', `a ${role} sees the whole city; leave regionCode empty`);
    return null;
  }
  if (!regionCode) throw new AccountError('regionCode', `a ${role} needs the code of their ${level}`);
  const rows = await db.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [regionCode]);
  if (!rows[0]) throw new AccountError('regionCode', `unknown region '${regionCode}'`);
  if (rows[0].level !== level)
    throw new AccountError('regionCode', `'${regionCode}' is a ${rows[0].level}; a ${role} needs a ${level}`);
  return regionCode;
}

const USER_COLUMNS = `id, username, display_name AS "displayName", role, region_code AS "regionCode", disabled, created_at AS "createdAt"`;

export async function createUser(db: Queryable, input: NewUser): Promise<UserRow> {
  const u = newUserSchema.parse(input);
  const problem = passwordProblem(u.password);
  if (problem) throw new AccountError('password', problem);
  const region = await checkRegion(db, u.role, u.regionCode);
  const hash = await hashPassword(u.password);
  const rows = await db.query<UserRow>(
    `INSERT INTO users (username, display_name, role, region_code, password_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (username) DO NOTHING RETURNING ${USER_COLUMNS}`,
    [u.username, u.displayName, u.role, region, hash],
  );
  if (!rows[0]) throw new AccountError('username', `'${u.username}' is taken`, 409);
  return rows[0];
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  return db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY role, username`);
}

export async function findUser(db: Queryable, username: string): Promise<UserRow | null> {
  return (await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [username]))[0] ?? null;
}

/** A new password signs the user out everywhere. */
export async function setPassword(db: Queryable, username: string, password: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new AccountError('password', problem);
  const rows = await db.query<{ id: number }>('UPDATE users SET password_hash = $2 WHERE username = $1 RETURNING id', [
    username,
    await hashPassword(password),
  ]);
  if (!rows[0]) throw new AccountError('username', `no account '${username}'`, 404);
  await deleteSessions(db, rows[0].id);
}

export async function setDisabled(db: Queryable, username: string, disabled: boolean): Promise<void> {
  const rows = await db.query<{ id: number }>('UPDATE users SET disabled = $2 WHERE username = $1 RETURNING id', [
    username,
    disabled,
  ]);
  if (!rows[0]) throw new AccountError('username', `no account '${username}'`, 404);
  if (disabled) await deleteSessions(db, rows[0].id);
}

/** The user behind a username and password, or null (taking as long as a real check). */
export async function checkPassword(db: Queryable, username: string, password: string): Promise<{ id: number } | null> {
  const rows = await db.query<{ id: number; hash: string }>(
    'SELECT id, password_hash AS hash FROM users WHERE username = $1 AND NOT disabled',
    [username],
  );
  const row = rows[0];
  const ok = await verifyPassword(password, row?.hash ?? (await dummyHash()));
  return row && ok ? { id: row.id } : null;
}

// --- Kiosk tokens (wall displays) ---------------------------------------------------------------

export interface KioskRow {
  id: number;
  screen: string;
  regionCode: string | null;
  bound: boolean;
  boundAt: Date | null;
  revoked: boolean;
  createdAt: Date;
}
const KIOSK_COLUMNS = `id, screen, region_code AS "regionCode", bound_session IS NOT NULL AS bound, bound_at AS "boundAt", revoked, created_at AS "createdAt"`;

export const newKioskSchema = z
  .object({
    screen: z.string().trim().min(1).max(100),
    regionCode: z.string().trim().min(1).max(64).nullish(),
  })
  .strict();

/** A new token for one screen; the token itself is returned once and never stored. */
export async function createKiosk(
  db: Queryable,
  input: z.infer<typeof newKioskSchema>,
  token = `wall_${randomBytes(24).toString('base64url')}`,
): Promise<KioskRow & { token: string }> {
  const k = newKioskSchema.parse(input);
  if (k.regionCode) {
    const rows = await db.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [k.regionCode]);
    if (!rows[0]) throw new AccountError('regionCode', `unknown region '${k.regionCode}'`);
    if (rows[0].level !== 'district' && rows[0].level !== 'street')
      throw new AccountError('regionCode', `a wall shows the city, a district or a street, not a ${rows[0].level}`);
  }
  const rows = await db.query<KioskRow>(
    `INSERT INTO kiosk_tokens (screen, token_hash, region_code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ${KIOSK_COLUMNS}`,
    [k.screen, sha256(token), k.regionCode ?? null],
  );
  if (!rows[0]) throw new AccountError('screen', `a token for '${k.screen}' exists; revoke it first`, 409);
  return { ...rows[0], token };
}

export async function listKiosks(db: Queryable): Promise<KioskRow[]> {
  return db.query<KioskRow>(`SELECT ${KIOSK_COLUMNS} FROM kiosk_tokens ORDER BY screen`);
}

/** Let the token be redeemed again (the screen was replaced); the old screen is signed out. */
export async function releaseKiosk(db: Queryable, screen: string): Promise<void> {
  const rows = await db.query<{ id: number }>(
    'UPDATE kiosk_tokens SET bound_session = NULL, bound_at = NULL WHERE screen = $1 RETURNING id',
    [screen],
  );
  if (!rows[0]) throw new AccountError('screen', `no kiosk token for '${screen}'`, 404);
  await db.query('DELETE FROM sessions WHERE kiosk_id = $1', [rows[0].id]);
  forgetAllSessions();
}

export async function revokeKiosk(db: Queryable, screen: string): Promise<void> {
  const rows = await db.query<{ id: number }>('DELETE FROM kiosk_tokens WHERE screen = $1 RETURNING id', [screen]);
  if (!rows[0]) throw new AccountError('screen', `no kiosk token for '${screen}'`, 404);
  forgetAllSessions();
}

/**
 * Redeem a kiosk token on a screen: the first screen binds it; after that only that screen's
 * session works, and another screen gets 409 until an admin releases the token. One transaction
 * holding the token's row: of concurrent redemptions exactly one binds and the others are told
 * 409, and no session is left behind for a screen that did not bind.
 */
export async function redeemKiosk(db: Database, token: string): Promise<NewSession> {
  // A binding whose session is gone (expired, or ended by a secret rotation) no longer holds.
  const LIVE = `EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = k.bound_session AND s.expires_at > now())`;
  const [secret] = await sessionSecrets(db);
  return db.transaction(async (tx) => {
    const k = (
      await tx.query<{ id: number; revoked: boolean }>(
        'SELECT id, revoked FROM kiosk_tokens WHERE token_hash = $1 FOR UPDATE',
        [sha256(token)],
      )
    )[0];
    if (!k || k.revoked) throw new AccountError('token', 'unknown or revoked kiosk token', 404);
    // read after the lock: a redemption that bound first has committed by now
    const bound = await tx.query(`SELECT 1 FROM kiosk_tokens k WHERE k.id = $1 AND ${LIVE}`, [k.id]);
    if (bound.length > 0)
      throw new AccountError('token', 'this token is bound to another screen; an admin can release it', 409);
    const s = await createSession(tx, { kioskId: k.id }, KIOSK_SESSION_HOURS, secret);
    await tx.query('UPDATE kiosk_tokens SET bound_session = $2, bound_at = now() WHERE id = $1', [k.id, s.idHash]);
    return s;
  });
}
