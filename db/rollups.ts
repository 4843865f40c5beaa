// The rollups the analyses read (db/schema.ts, rollup_*), kept current by triggers on tickets
// (db/migrations/0004_rollup_triggers.sql). This module is the TypeScript handle on them: rebuild
// after a bulk load, pause during one, and record the zone days are cut in. The zone is always
// given (data/ loads call it with the package's zone; server/analysis/rollups.ts adds the city's).
import type { Queryable } from './client.ts';

export const PAUSED_KEY = 'rollups.paused';
const ZONE_KEY = 'city.time_zone';

/**
 * Rebuild every rollup from the tickets table in one statement, and lift a pause. Call after a
 * bulk load that ran with the rollups paused (the triggers keep them current otherwise). Also
 * records the city's zone first, so days are cut where the server cuts them.
 */
export async function rebuildRollupsInZone(db: Queryable, timeZone: string): Promise<{ ms: number }> {
  const t0 = Date.now();
  await setZone(db, timeZone);
  await db.query('SELECT hotline_rollup_rebuild()');
  return { ms: Date.now() - t0 };
}

/**
 * Stop the triggers from maintaining the rollups (for a bulk COPY: one rebuild afterwards is
 * cheaper than grouped upserts per chunk). The pause is stored in the database, so it holds for
 * every connection, and survives a crash: `ensureRollups` at start-up repairs it.
 */
export async function pauseRollups(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO meta (key, value, updated_at) VALUES ($1, to_jsonb(now()), now()) ON CONFLICT (key) DO UPDATE SET updated_at = now()`,
    [PAUSED_KEY],
  );
}

export async function rollupsPaused(db: Queryable): Promise<boolean> {
  return (await db.query('SELECT 1 FROM meta WHERE key = $1', [PAUSED_KEY])).length > 0;
}

async function setZone(db: Queryable, zone: string): Promise<void> {
  await db.query(
    `INSERT INTO meta (key, value, updated_at) VALUES ($1, to_jsonb($2::text), now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [ZONE_KEY, zone],
  );
}
