// The session secret signs session cookies and derives CSRF tokens. SESSION_SECRET (comma-
// separated: the first signs, all verify, so a rotation logs nobody out mid-shift) wins; without
// it the database keeps a random one in meta('session_secret'), made on first use. Rotating it
// (`npm run accounts -- rotate-secret`) signs everyone out, wall screens included.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';

const CACHE_MS = 10_000;
const cache = new WeakMap<object, { at: number; secrets: Promise<string[]> }>();

export function envSecrets(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const raw = env.SESSION_SECRET?.trim();
  if (!raw) return null;
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const short = list.find((s) => s.length < 32);
  if (short !== undefined) throw new Error('Configuration: SESSION_SECRET: each secret must be at least 32 characters');
  return list;
}

async function stored(db: Queryable): Promise<string[]> {
  const fresh = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO meta (key, value) VALUES ('session_secret', to_jsonb($1::text)) ON CONFLICT (key) DO NOTHING`,
    [fresh],
  );
  const rows = await db.query<{ v: string }>(`SELECT value #>> '{}' AS v FROM meta WHERE key = 'session_secret'`);
  return [rows[0]!.v];
}

/** Secrets in use: [signing, ...also accepted]. Cached for 10 s per database, so a rotation reaches a running server within seconds. */
export function sessionSecrets(db: Queryable): Promise<string[]> {
  const env = envSecrets();
  if (env) return Promise.resolve(env);
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.secrets;
  const secrets = stored(db);
  secrets.catch(() => cache.delete(db));
  cache.set(db, { at: Date.now(), secrets });
  return secrets;
}

/** A new stored secret; every session signed with the old one stops working. */
export async function rotateStoredSecret(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO meta (key, value, updated_at) VALUES ('session_secret', to_jsonb($1::text), now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [randomBytes(32).toString('base64url')],
  );
  // Walls too: their tokens can then be redeemed again (accounts.ts redeemKiosk).
  await db.query('DELETE FROM sessions');
  cache.delete(db);
}

export const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
