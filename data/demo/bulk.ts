// Bulk-load mode: secondary indexes and foreign keys of the ticket tables are dropped while COPY
// runs and rebuilt afterwards, and their user triggers (rollups, notifications) are disabled.
// Maintaining a GiST and six B-trees row by row, and checking a foreign key per event row, costs
// ~3x the load itself on PGlite; one rebuild at the end is cheap. A disabled trigger also spares
// PostgreSQL capturing every copied and located row into transition tables. The definitions are
// read from the catalogue (so schema changes need no edit here) and parked in meta first, so a
// crash mid-load is repaired by the next run.
import type { Queryable } from '../../db/client.ts';

export const BULK_TABLES = ['tickets', 'ticket_callers', 'ticket_events', 'dispatches'];
const RESTORE_KEY = 'demo_bulk_restore';

export interface BulkState {
  indexes: { name: string; def: string }[];
  foreignKeys: { table: string; name: string; def: string }[];
  triggers?: { table: string; name: string }[];
}

async function readDefinitions(db: Queryable): Promise<BulkState> {
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[])
        AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY 1`,
    [BULK_TABLES],
  );
  const foreignKeys = await db.query<{ table: string; name: string; def: string }>(
    `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = ANY($1::text[])
      ORDER BY 1, 2`,
    [BULK_TABLES],
  );
  const triggers = await db.query<{ table: string; name: string }>(
    `SELECT c.relname AS table, t.tgname AS name
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema() AND c.relname = ANY($1::text[])
      ORDER BY 1, 2`,
    [BULK_TABLES],
  );
  return { indexes, foreignKeys, triggers };
}

const quote = (name: string) => '"' + name.replace(/"/g, '""') + '"';

/** Drop secondary indexes and foreign keys of the ticket tables; returns what to rebuild. */
export async function enterBulkMode(db: Queryable): Promise<BulkState> {
  await repairBulkMode(db);
  const state = await readDefinitions(db);
  await db.query(
    `INSERT INTO meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [RESTORE_KEY, JSON.stringify(state)],
  );
  for (const fk of state.foreignKeys)
    await db.query(`ALTER TABLE ${quote(fk.table)} DROP CONSTRAINT IF EXISTS ${quote(fk.name)}`);
  for (const ix of state.indexes) await db.query(`DROP INDEX IF EXISTS ${quote(ix.name)}`);
  for (const tg of state.triggers ?? [])
    await db.query(`ALTER TABLE ${quote(tg.table)} DISABLE TRIGGER ${quote(tg.name)}`);
  return state;
}

/** Rebuild what enterBulkMode dropped (idempotent), then forget the parked definitions. */
export async function leaveBulkMode(
  db: Queryable,
  state: BulkState,
  onStep?: (done: number, total: number) => void,
): Promise<void> {
  const total = state.indexes.length + state.foreignKeys.length;
  let done = 0;
  for (const tg of state.triggers ?? [])
    await db.query(`ALTER TABLE ${quote(tg.table)} ENABLE TRIGGER ${quote(tg.name)}`);
  for (const ix of state.indexes) {
    await db.query(ix.def.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}IF NOT EXISTS `));
    onStep?.(++done, total);
  }
  for (const fk of state.foreignKeys) {
    const exists = await db.query(`SELECT 1 FROM pg_constraint WHERE conname = $1`, [fk.name]);
    if (exists.length === 0)
      await db.query(`ALTER TABLE ${quote(fk.table)} ADD CONSTRAINT ${quote(fk.name)} ${fk.def}`);
    onStep?.(++done, total);
  }
  await db.query(`DELETE FROM meta WHERE key = $1`, [RESTORE_KEY]);
}

/** If an earlier load died in bulk mode, put its indexes and keys back. */
export async function repairBulkMode(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ value: BulkState | string }>(`SELECT value FROM meta WHERE key = $1`, [RESTORE_KEY]);
  if (rows.length === 0) return false;
  const v = rows[0].value;
  await leaveBulkMode(db, typeof v === 'string' ? (JSON.parse(v) as BulkState) : v);
  return true;
}
