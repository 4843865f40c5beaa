// Intake (多口归一): one demand from any channel → normalised, located (PostGIS), timed (policy),
// linked to an earlier repeat, dispatched (responsibility zone or street + line department in
// parallel), all in ONE transaction with its events. Idempotent on the client key. The rules are
// written set-based in batch.ts; this is the one-demand, own-transaction entry point.
import type { Database, Queryable } from '../../db/client.ts';
import type { UrgencyClass } from '../../db/schema.ts';
import { UnknownCodeError } from '../filters.ts';
import { KeyRace, writeIntakeBatch, type IntakeResult } from './batch.ts';
import type { IntakeInput } from './normalise.ts';
import type { LifecycleSettings } from './settings.ts';

export type { IntakeResult } from './batch.ts';

export interface CategoryRow {
  urgency: UrgencyClass;
  department_code: string | null;
  parallel: boolean;
  department_kind: 'department' | 'utility' | null;
}

export async function categoryFor(db: Queryable, code: string): Promise<CategoryRow> {
  const rows = await db.query<CategoryRow>(
    `SELECT c.urgency, c.department_code, c.parallel, d.kind AS department_kind
     FROM categories c LEFT JOIN departments d ON d.code = c.department_code WHERE c.code = $1`,
    [code],
  );
  if (!rows[0]) throw new UnknownCodeError('category', code);
  return rows[0];
}

export async function intakeTicket(
  db: Database,
  input: IntakeInput,
  settings: LifecycleSettings,
  now: Date = new Date(),
): Promise<IntakeResult> {
  const once = () => db.transaction((tx) => writeIntakeBatch(tx, [{ input, settings, now }]));
  let outcome;
  try {
    [outcome] = await once();
  } catch (e) {
    // A writer outside the key locks (none today) took our key first: its ticket is the answer.
    if (!(e instanceof KeyRace)) throw e;
    [outcome] = await once();
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}
