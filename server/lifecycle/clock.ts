// The clock job: marks reminders (催办) and overdue (超时) tickets. Idempotent — each mark is set
// once (reminded_at / overdue_at IS NULL) and its event is written in the same statement — so
// running it twice, or on two servers at once, marks nothing twice. The instant of each mark is
// the deadline itself (as the demo generator writes it), not the moment the job happened to run.
// Driven by the database clock now(), or by an injected instant in tests.
import type { Database } from '../../db/client.ts';
import { notify } from './events.ts';
import { openNowSql } from '../measures.ts';

/** Tickets the clock chases: the open ones (server/measures.ts); answered, on the ledger or closed are not. */
const OPEN = openNowSql('t');

export interface ClockRun {
  reminded: number;
  overdue: number;
}

export async function runClock(db: Database, now?: Date): Promise<ClockRun> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ reminded: number; overdue: number; last_id: string | number | null }>(
      `WITH clock AS (SELECT COALESCE($1::timestamptz, now()) AS now),
       due AS (
         SELECT t.id, t.remind_at, t.resolve_due_at,
                (t.reminded_at IS NULL AND t.remind_at <= clock.now) AS r,
                (t.overdue_at IS NULL AND t.resolve_due_at <= clock.now) AS o
         FROM tickets t, clock
         WHERE ${OPEN}
           AND ((t.reminded_at IS NULL AND t.remind_at <= clock.now) OR (t.overdue_at IS NULL AND t.resolve_due_at <= clock.now))
         FOR UPDATE OF t),
       upd AS (
         UPDATE tickets t SET reminded_at = CASE WHEN due.r THEN due.remind_at ELSE t.reminded_at END,
                              overdue_at = CASE WHEN due.o THEN due.resolve_due_at ELSE t.overdue_at END
         FROM due WHERE t.id = due.id
         RETURNING t.id, due.r, due.o, due.remind_at, due.resolve_due_at),
       marks AS (SELECT id, remind_at AS at, 'reminded' AS type FROM upd WHERE r
                 UNION ALL SELECT id, resolve_due_at, 'overdue' FROM upd WHERE o),
       ev AS (
         INSERT INTO ticket_events (ticket_id, at, type, actor, unit_code)
         SELECT m.id, m.at, m.type, 'system',
                (SELECT d.unit_code FROM dispatches d WHERE d.ticket_id = m.id AND d.active AND d.role = 'territorial' ORDER BY d.id DESC LIMIT 1)
         FROM marks m ORDER BY m.at, m.id
         RETURNING id)
       SELECT (SELECT count(*) FROM upd WHERE r)::int AS reminded, (SELECT count(*) FROM upd WHERE o)::int AS overdue, (SELECT max(id) FROM ev) AS last_id`,
      [now?.toISOString() ?? null],
    );
    const r = rows[0]!;
    if (r.last_id != null) await notify(tx, Number(r.last_id));
    return { reminded: r.reminded, overdue: r.overdue };
  });
}

/** Run the clock every `everyMs` (default a minute); returns the function that stops it. */
export function startClock(
  db: Database,
  everyMs = 60_000,
  onError: (e: unknown) => void = (e) => console.error('clock:', e),
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runClock(db);
    } catch (e) {
      onError(e);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref?.();
  void tick();
  return () => clearInterval(timer);
}
