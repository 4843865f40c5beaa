// Reading one ticket with its timeline, and the dispatcher's queues. No personal data: caller
// name and phone stay in ticket_callers until roles allow them.
import type { Queryable } from '../../db/client.ts';

export async function ticketDetail(db: Queryable, id: number) {
  const t = (await db.query<Record<string, unknown>>(
    `SELECT id::int AS id, kind, channel, category_code AS "categoryCode", urgency, description, address,
            ST_X(geom) AS lon, ST_Y(geom) AS lat, source_crs AS "sourceCrs", source_lon AS "sourceLon", source_lat AS "sourceLat",
            h3_r7 AS "h3r7", h3_r8 AS "h3r8", h3_r9 AS "h3r9", location_status AS "locationStatus",
            district_code AS "districtCode", street_code AS "streetCode", grid_code AS "gridCode", status,
            received_at AS "receivedAt", dispatched_at AS "dispatchedAt", accepted_at AS "acceptedAt", replied_at AS "repliedAt",
            callback_at AS "callbackAt", closed_at AS "closedAt", respond_due_at AS "respondDueAt", resolve_due_at AS "resolveDueAt",
            remind_at AS "remindAt", reminded_at AS "remindedAt", overdue_at AS "overdueAt", deferred_until AS "deferredUntil",
            return_count AS "returnCount", solved, satisfaction, repeat_of::int AS "repeatOf", updated_at AS "updatedAt"
     FROM tickets WHERE id = $1`,
    [id],
  ))[0];
  if (!t) return null;
  const events = await db.query(
    `SELECT id::int AS id, at, type, from_status AS "fromStatus", to_status AS "toStatus", actor, unit_code AS "unitCode", note, data
     FROM ticket_events WHERE ticket_id = $1 ORDER BY at, id`,
    [id],
  );
  const dispatches = await db.query(
    `SELECT id::int AS id, unit_code AS "unitCode", unit_kind AS "unitKind", role, dispatched_at AS "dispatchedAt", accepted_at AS "acceptedAt",
            returned_at AS "returnedAt", return_reason AS "returnReason", return_justified AS "returnJustified", ruled_at AS "ruledAt", active
     FROM dispatches WHERE ticket_id = $1 ORDER BY id`,
    [id],
  );
  return { ...t, events, dispatches };
}

export const QUEUE_KINDS = ['unlocated', 'overdue', 'returned'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

const QUEUE_WHERE: Record<QueueKind, string> = {
  // Waiting for a hand: address only, or a point outside every street.
  unlocated: `status = 'received' AND location_status IN ('unlocated','outside')`,
  overdue: `overdue_at IS NOT NULL AND status IN ('received','dispatched','accepted','in_progress','returned')`,
  returned: `status = 'returned'`,
};

export async function queue(db: Queryable, kind: QueueKind, limit: number) {
  return db.query(
    `SELECT id::int AS id, kind, category_code AS "categoryCode", urgency, status, location_status AS "locationStatus", address,
            street_code AS "streetCode", received_at AS "receivedAt", resolve_due_at AS "resolveDueAt", overdue_at AS "overdueAt", return_count AS "returnCount"
     FROM tickets WHERE ${QUEUE_WHERE[kind]} ORDER BY received_at, id LIMIT $1`,
    [limit],
  );
}

/** Unjustified returns per unit (退单不合理), counted against the unit; optional [from, to). */
export async function unjustifiedReturns(db: Queryable, from: Date | null, to: Date | null) {
  return db.query<{ unitCode: string; unjustified: number; returns: number }>(
    `SELECT unit_code AS "unitCode", count(*) FILTER (WHERE return_justified = false)::int AS unjustified, count(*)::int AS returns
     FROM dispatches WHERE returned_at IS NOT NULL
       AND ($1::timestamptz IS NULL OR returned_at >= $1) AND ($2::timestamptz IS NULL OR returned_at < $2)
     GROUP BY unit_code ORDER BY unit_code`,
    [from?.toISOString() ?? null, to?.toISOString() ?? null],
  );
}
