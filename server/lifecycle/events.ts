// Writing ticket events: always inside the caller's transaction, with a NOTIFY that PostgreSQL
// delivers only on commit (so the live feed never shows a change that was rolled back).
import type { Queryable } from '../../db/client.ts';
import { NOTIFY_CHANNEL } from '../intake/settings.ts';

export interface NewEvent {
  ticketId: number;
  at: Date;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  unitCode?: string | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
}

export async function insertEvents(tx: Queryable, events: NewEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const params: unknown[] = [];
  const rows = events.map((e) => {
    const b = params.length;
    params.push(
      e.ticketId,
      e.at.toISOString(),
      e.type,
      e.fromStatus,
      e.toStatus,
      e.actor,
      e.unitCode ?? null,
      e.note ?? null,
      e.data ? JSON.stringify(e.data) : null,
    );
    return `($${b + 1}::bigint,$${b + 2}::timestamptz,$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9}::jsonb)`;
  });
  const ids = await tx.query<{ id: string | number }>(
    `INSERT INTO ticket_events (ticket_id, at, type, from_status, to_status, actor, unit_code, note, data) VALUES ${rows.join(',')} RETURNING id`,
    params,
  );
  await notify(tx, ids.length ? Number(ids[ids.length - 1].id) : 0);
  return ids.map((r) => Number(r.id));
}

export async function notify(tx: Queryable, lastEventId: number): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [NOTIFY_CHANNEL, String(lastEventId)]);
}
