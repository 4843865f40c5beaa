// API keys for systems that file tickets: the call centre's telephony and Open311 clients. A key
// may file tickets (capability 'intake') and nothing else, unless an admin grants it more by name
// (GRANTABLE: 'locate' a ticket by hand, 'import' a CSV or give a past receipt time), through the
// admin API or the accounts CLI; grants are stored with the key and each change is audited. Only
// the key's SHA-256 is stored.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { AccountError } from './accounts.ts';
import type { Principal } from './principal.ts';
import type { Capability } from './roles.ts';
import { sha256 } from './sessions.ts';

export const GRANTABLE = ['locate', 'import'] as const satisfies readonly Capability[];
export type Grant = (typeof GRANTABLE)[number];
export const grantsSchema = z
  .array(z.enum(GRANTABLE))
  .max(GRANTABLE.length)
  .transform((g) => [...new Set(g)]);

function checkGrants(grants: readonly string[]): Grant[] {
  const parsed = grantsSchema.safeParse(grants);
  if (!parsed.success) throw new AccountError('grants', `one or more of ${GRANTABLE.join(', ')}`);
  return parsed.data;
}

export async function createApiKey(db: Queryable, name: string, grants: readonly string[] = []): Promise<string> {
  const n = name.trim();
  if (!/^[\p{L}\p{N} ._-]{1,100}$/u.test(n))
    throw new AccountError('name', 'letters, digits, space and . _ - only, at most 100');
  const g = checkGrants(grants);
  const key = `key_${randomBytes(24).toString('base64url')}`;
  const rows = await db.query(
    'INSERT INTO api_keys (name, key_hash, grants) VALUES ($1, $2, $3::text[]) ON CONFLICT DO NOTHING RETURNING id',
    [n, sha256(key), g],
  );
  if (rows.length === 0) throw new AccountError('name', `a key named '${n}' exists; revoke it first`, 409);
  return key;
}

/** Replace what a key is granted beyond filing tickets (an empty list takes everything back). */
export async function setApiKeyGrants(
  db: Queryable,
  name: string,
  grants: readonly string[],
): Promise<{ name: string; grants: Grant[] }> {
  const g = checkGrants(grants);
  const rows = await db.query<{ name: string }>(
    'UPDATE api_keys SET grants = $2::text[] WHERE name = $1 RETURNING name',
    [name, g],
  );
  if (rows.length === 0) throw new AccountError('name', `no API key named '${name}'`, 404);
  cache.clear();
  return { name: rows[0]!.name, grants: g };
}

export async function revokeApiKey(db: Queryable, name: string): Promise<void> {
  const rows = await db.query('DELETE FROM api_keys WHERE name = $1 RETURNING id', [name]);
  if (rows.length === 0) throw new AccountError('name', `no API key named '${name}'`, 404);
  cache.clear();
}

export async function listApiKeys(db: Queryable): Promise<{ name: string; grants: Grant[]; createdAt: Date }[]> {
  return db.query('SELECT name, grants, created_at AS "createdAt" FROM api_keys ORDER BY name');
}

const envKeys = () =>
  new Set(
    (process.env.OPEN311_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );

const CACHE_MS = 5_000;
const cache = new Map<string, { at: number; p: Principal | null }>();
/** Keys are read again from the database (after a change that has committed). */
export const forgetApiKeys = () => cache.clear();

/** The integration behind a key, or null. */
export async function readApiKey(db: Queryable, key: string): Promise<Principal | null> {
  if (key.length === 0 || key.length > 100) return null;
  // Keys configured in OPEN311_API_KEYS (comma-separated) stay valid alongside the stored ones.
  if (envKeys().has(key))
    return {
      kind: 'api',
      id: 0,
      username: 'OPEN311_API_KEYS',
      displayName: 'OPEN311_API_KEYS',
      role: 'integration',
      scope: { level: 'city' },
      sessionHash: '',
      csrfToken: '',
    };
  if (!key.startsWith('key_')) return null;
  const hash = sha256(key);
  const hit = cache.get(hash);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.p;
  const row = (
    await db.query<{ id: number; name: string; grants: Grant[] }>(
      'SELECT id, name, grants FROM api_keys WHERE key_hash = $1',
      [hash],
    )
  )[0];
  const p: Principal | null = row
    ? {
        kind: 'api',
        id: row.id,
        username: row.name,
        displayName: row.name,
        role: 'integration',
        scope: { level: 'city' },
        sessionHash: '',
        csrfToken: '',
        grants: row.grants.filter((g) => (GRANTABLE as readonly string[]).includes(g)),
      }
    : null;
  if (cache.size > 1_000) cache.clear();
  cache.set(hash, { at: Date.now(), p });
  return p;
}
