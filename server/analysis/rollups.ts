// The rollups' handle for the server (db/rollups.ts does the work): the day boundary defaults to
// the active city's zone, and start-up repairs a pause or a zone change.
import type { Queryable } from '../../db/client.ts';
import { PAUSED_KEY, rebuildRollupsInZone } from '../../db/rollups.ts';
import { cityTimeZone } from '../time.ts';

export { pauseRollups, rollupsPaused } from '../../db/rollups.ts';

/** Rebuild every rollup (db/rollups.ts), in the city's zone unless told another. */
export const rebuildRollups = (db: Queryable, opts: { timeZone?: string } = {}): Promise<{ ms: number }> =>
  rebuildRollupsInZone(db, opts.timeZone ?? cityTimeZone());

/**
 * At start-up: rebuild when a bulk load left the rollups paused, or when the city's zone differs
 * from the one the days were cut in. Returns whether it rebuilt.
 */
export async function ensureRollups(db: Queryable, opts: { timeZone?: string } = {}): Promise<boolean> {
  const zone = opts.timeZone ?? cityTimeZone();
  const [state] = await db.query<{ paused: boolean; zone: string }>(
    `SELECT EXISTS (SELECT 1 FROM meta WHERE key = $1) AS paused, hotline_city_zone() AS zone`,
    [PAUSED_KEY],
  );
  if (!state.paused && state.zone === zone) return false;
  await rebuildRollups(db, { timeZone: zone });
  return true;
}
