// Reading one ticket with its timeline, and the dispatcher's queues, each limited to the reader's
// jurisdiction in its WHERE. Caller name and phone: masked in the detail (caller.ts has the
// one read in clear); the queues never join ticket_callers.
import type { Queryable } from '../../db/client.ts';
import type { TicketStatus } from '../../db/schema.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import { maskedCaller } from './caller.ts';
import { allowedActions } from './stateMachine.ts';
import { QUEUE_KINDS, type QueueKind } from '../../db/vocabulary.ts';
import { openNowSql } from '../measures.ts';

/** A unit's display names; codes may be streets, line departments, utilities or zones. */
export interface UnitName {
  code: string;
  kind: string;
  nameZh: string;
  nameEn: string;
}

/** Streets, departments/utilities and responsibility zones by code, in one round trip. */
export async function unitNames(db: Queryable, codes: readonly string[]): Promise<Record<string, UnitName>> {
  const wanted = [...new Set(codes.filter((c) => typeof c === 'string' && c))];
  if (wanted.length === 0) return {};
  const rows = await db.query<UnitName>(
    `SELECT code, 'street' AS kind, name_zh AS "nameZh", name_en AS "nameEn" FROM regions WHERE level = 'street' AND code = ANY($1::text[])
     UNION ALL SELECT code, kind, name_zh, name_en FROM departments WHERE code = ANY($1::text[])
     UNION ALL SELECT code, 'zone', name_zh, name_en FROM responsibility_zones WHERE code = ANY($1::text[])`,
    [wanted],
  );
  const out: Record<string, UnitName> = {};
  for (const r of rows) out[r.code] ??= r;
  return out;
}

type When = Date | string | null;
const ms = (v: When) => (v == null ? null : new Date(v).getTime());
const isoOf = (v: When) => (v == null ? null : new Date(v).toISOString());

export interface Deadline {
  kind: 'respond' | 'resolve';
  due: string;
  /** When the unit met (or missed) it: accepted for respond, replied for resolve; null while pending. */
  doneAt: string | null;
  /** true met, false missed (done late or still open past due), null still pending within the limit. */
  met: boolean | null;
}

/** Response and resolution limits with their outcome, judged at `now` for a ticket still open. */
export function deadlinesOf(
  t: {
    respondDueAt: When;
    resolveDueAt: When;
    acceptedAt: When;
    repliedAt: When;
    dispatchedAt?: When;
    closedAt?: When;
  },
  now: Date,
): Deadline[] {
  const out: Deadline[] = [];
  // answered on the call or forwarded: closed without a unit, so no unit's limit applies
  if (t.closedAt && !t.dispatchedAt) return out;
  const judge = (kind: Deadline['kind'], due: When, done: When) => {
    const d = ms(due);
    if (d == null) return;
    const x = ms(done);
    out.push({
      kind,
      due: isoOf(due)!,
      doneAt: isoOf(done),
      met: x != null ? x <= d : now.getTime() > d ? false : null,
    });
  };
  judge('respond', t.respondDueAt, t.acceptedAt);
  judge('resolve', t.resolveDueAt, t.repliedAt);
  return out;
}

const TICKET_COLUMNS = `t.id::int AS id, t.kind, t.channel, t.category_code AS "categoryCode", t.urgency, t.description, t.address,
  ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.source_crs AS "sourceCrs", t.source_lon AS "sourceLon", t.source_lat AS "sourceLat",
  t.h3_r7 AS "h3r7", t.h3_r8 AS "h3r8", t.h3_r9 AS "h3r9", t.location_status AS "locationStatus",
  t.district_code AS "districtCode", t.street_code AS "streetCode", t.grid_code AS "gridCode", t.status,
  t.received_at AS "receivedAt", t.dispatched_at AS "dispatchedAt", t.accepted_at AS "acceptedAt", t.replied_at AS "repliedAt",
  t.callback_at AS "callbackAt", t.closed_at AS "closedAt", t.respond_due_at AS "respondDueAt", t.resolve_due_at AS "resolveDueAt",
  t.remind_at AS "remindAt", t.reminded_at AS "remindedAt", t.overdue_at AS "overdueAt", t.deferred_until AS "deferredUntil",
  t.return_count AS "returnCount", t.solved, t.satisfaction, t.repeat_of::int AS "repeatOf", t.updated_at AS "updatedAt"`;

/** Names of the category (and its group), district, street and grid, for display. */
const NAME_COLUMNS = `c.name_zh AS "categoryZh", c.name_en AS "categoryEn", c.group_code AS "groupCode", g.name_zh AS "groupZh", g.name_en AS "groupEn",
  d.name_zh AS "districtZh", d.name_en AS "districtEn", s.name_zh AS "streetZh", s.name_en AS "streetEn"`;
const NAME_JOINS = `JOIN categories c ON c.code = t.category_code JOIN category_groups g ON g.code = c.group_code
  LEFT JOIN regions d ON d.code = t.district_code LEFT JOIN regions s ON s.code = t.street_code`;

/** Actions the ticket's status allows, plus manual location while it waits unplaced. */
export function nextActions(status: TicketStatus, locationStatus: string): string[] {
  const out: string[] = allowedActions(status);
  if (status === 'received' && locationStatus !== 'located') out.unshift('locate');
  return out;
}

/** ` AND t.street_code = $n` for a scoped reader (params extended), '' for the city. */
function andScope(scope: Scope, params: unknown[]): string {
  const own = scopeClause(scope, params);
  return own ? ` AND ${own}` : '';
}

/** The ticket as its page shows it; null when it does not exist or lies outside `scope` (the same answer). */
export async function ticketDetail(db: Queryable, id: number, scope: Scope, now: Date = new Date()) {
  const params: unknown[] = [id];
  const t = (
    await db.query<Record<string, any>>(
      `SELECT ${TICKET_COLUMNS}, ${NAME_COLUMNS}, gr.name_zh AS "gridZh", gr.name_en AS "gridEn"
     FROM tickets t ${NAME_JOINS} LEFT JOIN regions gr ON gr.code = t.grid_code WHERE t.id = $1${andScope(scope, params)}`,
      params,
    )
  )[0];
  if (!t) return null;
  const events = await db.query<Record<string, any>>(
    `SELECT id::int AS id, at, type, from_status AS "fromStatus", to_status AS "toStatus", actor, unit_code AS "unitCode", note, data
     FROM ticket_events WHERE ticket_id = $1 ORDER BY at, id`,
    [id],
  );
  const dispatches = await db.query<Record<string, any>>(
    `SELECT id::int AS id, unit_code AS "unitCode", unit_kind AS "unitKind", role, zone_code AS "zoneCode", dispatched_at AS "dispatchedAt", accepted_at AS "acceptedAt",
            returned_at AS "returnedAt", return_reason AS "returnReason", return_justified AS "returnJustified", ruled_at AS "ruledAt", active
     FROM dispatches WHERE ticket_id = $1 ORDER BY id`,
    [id],
  );
  // Repeat demands hang off the first ticket of the chain (intake links to the root).
  // A repeat filed in another jurisdiction is not this reader's to see.
  const root = t.repeatOf ?? t.id;
  const linkParams: unknown[] = [root, id];
  const linked = await db.query<Record<string, unknown>>(
    `SELECT t.id::int AS id, t.status, t.received_at AS "receivedAt", t.category_code AS "categoryCode", ${NAME_COLUMNS}, (t.id = $1) AS "isRoot"
     FROM tickets t ${NAME_JOINS} WHERE (t.id = $1 OR t.repeat_of = $1) AND t.id <> $2${andScope(scope, linkParams)} ORDER BY t.received_at, t.id LIMIT 100`,
    linkParams,
  );
  const places = await db.query<{ level: string; code: string; geojson: string }>(
    `SELECT level, code, ST_AsGeoJSON(geom, 6) AS geojson FROM regions WHERE code = ANY($1::text[]) AND level IN ('street','grid')`,
    [[t.streetCode, t.gridCode].filter(Boolean)],
  );
  const actions = nextActions(t.status, t.locationStatus);
  const mentioned: string[] = [];
  for (const e of events) {
    mentioned.push(e.unitCode);
    if (Array.isArray(e.data?.summon)) mentioned.push(...e.data.summon);
    if (typeof e.data?.returnedBy === 'string') mentioned.push(e.data.returnedBy);
    if (typeof e.data?.zone === 'string') mentioned.push(e.data.zone);
  }
  for (const d of dispatches) mentioned.push(d.unitCode, d.zoneCode);
  const geometry = (level: string) => {
    const p = places.find((x) => x.level === level);
    return p ? JSON.parse(p.geojson) : null;
  };
  return {
    ...t,
    caller: await maskedCaller(db, id),
    events,
    dispatches,
    units: await unitNames(db, mentioned),
    linked,
    deadlines: deadlinesOf(t as Parameters<typeof deadlinesOf>[0], now),
    actions,
    shapes: { street: geometry('street'), grid: geometry('grid') },
    // the pick list for dispatch, re-dispatch and whistle, only when one of them is possible
    unitChoices: actions.some((a) => UNIT_ACTIONS.has(a)) ? await dispatchUnits(db) : [],
  };
}

const UNIT_ACTIONS = new Set(['dispatch', 'redispatch', 'rule-return', 'whistle']);

/** Units a dispatcher can send a ticket to: every street (with its district) and every department or utility. */
export async function dispatchUnits(db: Queryable) {
  return db.query<UnitName & { districtCode: string | null }>(
    `SELECT * FROM (
       SELECT code, 'street' AS kind, name_zh AS "nameZh", name_en AS "nameEn", parent_code AS "districtCode" FROM regions WHERE level = 'street'
       UNION ALL SELECT code, kind, name_zh, name_en, NULL FROM departments) u
     ORDER BY (kind <> 'street'), "districtCode", code`,
  );
}

export { QUEUE_KINDS, type QueueKind };

const OPEN = openNowSql('t');
const QUEUE_WHERE: Record<QueueKind, string> = {
  // Waiting for a hand: address only, or a point outside every street.
  unlocated: `t.status = 'received' AND t.location_status IN ('unlocated','outside')`,
  overdue: `t.overdue_at IS NOT NULL AND ${OPEN}`,
  returned: `t.status = 'returned'`,
  // Reminded (催办) by the clock and not yet past the limit: the ones still worth a chase.
  reminded: `t.reminded_at IS NOT NULL AND t.overdue_at IS NULL AND ${OPEN}`,
};

/** Oldest first; `total` on every row is the queue's full size (rows stop at `limit`). */
export async function queue(db: Queryable, kind: QueueKind, limit: number, scope: Scope) {
  const params: unknown[] = [limit];
  const own = andScope(scope, params);
  return db.query(
    `SELECT t.id::int AS id, t.kind, t.channel, t.category_code AS "categoryCode", t.urgency, t.status, t.location_status AS "locationStatus", t.address,
            t.district_code AS "districtCode", t.street_code AS "streetCode", t.received_at AS "receivedAt", t.respond_due_at AS "respondDueAt",
            t.resolve_due_at AS "resolveDueAt", t.remind_at AS "remindAt", t.reminded_at AS "remindedAt", t.overdue_at AS "overdueAt",
            t.return_count AS "returnCount", ${NAME_COLUMNS},
            r.unit_code AS "returnedBy", r.name_zh AS "returnedByZh", r.name_en AS "returnedByEn", r.returned_at AS "returnedAt", r.return_reason AS "returnReason",
            count(*) OVER ()::int AS total
     FROM tickets t ${NAME_JOINS}
     LEFT JOIN LATERAL (SELECT x.unit_code, x.returned_at, x.return_reason, COALESCE(rs.name_zh, dp.name_zh) AS name_zh, COALESCE(rs.name_en, dp.name_en) AS name_en
                        FROM dispatches x LEFT JOIN regions rs ON rs.code = x.unit_code LEFT JOIN departments dp ON dp.code = x.unit_code
                        WHERE x.ticket_id = t.id AND x.returned_at IS NOT NULL AND x.ruled_at IS NULL ORDER BY x.returned_at DESC, x.id DESC LIMIT 1) r ON t.status = 'returned'
     WHERE ${QUEUE_WHERE[kind]}${own} ORDER BY t.received_at, t.id LIMIT $1`,
    params,
  );
}

/** Unjustified returns per unit (退单不合理), counted against the unit; optional [from, to); only tickets in `scope`. */
export async function unjustifiedReturns(db: Queryable, from: Date | null, to: Date | null, scope: Scope) {
  const params: unknown[] = [from?.toISOString() ?? null, to?.toISOString() ?? null];
  const own = andScope(scope, params);
  return db.query<{ unitCode: string; unjustified: number; returns: number }>(
    `SELECT d.unit_code AS "unitCode", count(*) FILTER (WHERE d.return_justified = false)::int AS unjustified, count(*)::int AS returns
     FROM dispatches d JOIN tickets t ON t.id = d.ticket_id WHERE d.returned_at IS NOT NULL
       AND ($1::timestamptz IS NULL OR d.returned_at >= $1) AND ($2::timestamptz IS NULL OR d.returned_at < $2)${own}
     GROUP BY d.unit_code ORDER BY d.unit_code`,
    params,
  );
}
