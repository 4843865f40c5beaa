// Alerts in the database: one row per episode. A cluster at or above the alert threshold continues
// the episode of its category that shares a ticket or a street with it and was seen within
// EPISODE_GAP_HOURS (the alert is updated: current figures, peak recurrence, tickets and places
// merged), else opens a new one. Reads and state changes are scoped to the principal's region:
// a district (street) official sees the alerts any of whose tickets lie in the district (street).
import type { Queryable } from '../../db/client.ts';
import type { AlertState } from '../../db/schema.ts';
import type { Scope } from '../auth/principal.ts';
import { NOTIFY_CHANNEL } from '../intake/settings.ts';
import { zoneKey, type FoundCluster } from './scan.ts';

export const EPISODE_GAP_HOURS = 24;
export const DEFAULT_MIN_RECURRENCE_DAYS = 100;
/** Ticket ids kept per alert (a long episode keeps its first ones). */
const MAX_TICKETS = 500;

export const ALERT_STATES = ['new', 'acknowledged', 'handled', 'dismissed'] as const satisfies readonly AlertState[];
/** Allowed moves: handled and dismissed are final for the episode. */
export const NEXT_STATES: Record<AlertState, readonly AlertState[]> = {
  new: ['acknowledged', 'handled', 'dismissed'],
  acknowledged: ['handled', 'dismissed'],
  handled: [],
  dismissed: [],
};
/** Open = someone still has to act. */
export const OPEN_STATES: readonly AlertState[] = ['new', 'acknowledged'];

export interface AlertRow {
  id: number;
  category: string;
  categoryZh: string;
  categoryEn: string;
  family: 'h3' | 'street';
  zoneKey: string;
  cells: string[];
  streets: { code: string; zh: string; en: string }[];
  districts: { code: string; zh: string; en: string }[];
  lon: number | null;
  lat: number | null;
  windowHours: number;
  observed: number;
  expected: number;
  llr: number;
  p: number;
  recurrenceDays: number;
  peakRecurrenceDays: number;
  tickets: number;
  firstSeenAt: string;
  lastSeenAt: string;
  state: AlertState;
  stateAt: string | null;
  stateBy: string | null;
  stateNote: string | null;
  version: number;
}

/** SQL condition: the alert lies (partly) in the scope; pushes the code onto params. */
function scopeCondition(scope: Scope, params: unknown[], alias = 'a'): string | null {
  if (scope.level === 'city') return null;
  params.push(scope.code);
  return scope.level === 'district'
    ? `$${params.length} = ANY(${alias}.district_codes)`
    : `$${params.length} = ANY(${alias}.street_codes)`;
}

/** Region codes with their names, in array order. */
const names = (column: string) =>
  `COALESCE((SELECT json_agg(json_build_object('code', u.s, 'zh', COALESCE((SELECT r.name_zh FROM regions r WHERE r.code = u.s LIMIT 1), u.s),
     'en', COALESCE((SELECT r.name_en FROM regions r WHERE r.code = u.s LIMIT 1), u.s)) ORDER BY u.o) FROM unnest(${column}) WITH ORDINALITY u(s, o)), '[]'::json)`;

const SELECT = `SELECT a.id::float8 AS id, a.category_code AS category, c.name_zh AS "categoryZh", c.name_en AS "categoryEn", a.family, a.zone_key AS "zoneKey",
  a.cells, ${names('a.district_codes')} AS districts, ${names('a.street_codes')} AS streets,
  a.lon, a.lat, a.window_hours AS "windowHours", a.observed, a.expected, a.llr, a.p, a.recurrence_days AS "recurrenceDays",
  a.peak_recurrence_days AS "peakRecurrenceDays", cardinality(a.ticket_ids) AS tickets, a.first_seen_at AS "firstSeenAt", a.last_seen_at AS "lastSeenAt",
  a.state, a.state_at AS "stateAt", a.state_by AS "stateBy", a.state_note AS "stateNote", a.version::float8 AS version
  FROM alerts a LEFT JOIN categories c ON c.code = a.category_code`;

type Raw = Omit<AlertRow, 'firstSeenAt' | 'lastSeenAt' | 'stateAt'> & {
  firstSeenAt: Date | string;
  lastSeenAt: Date | string;
  stateAt: Date | string | null;
};
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const shape = (r: Raw): AlertRow => ({
  ...r,
  firstSeenAt: iso(r.firstSeenAt)!,
  lastSeenAt: iso(r.lastSeenAt)!,
  stateAt: iso(r.stateAt),
});

export interface ListOptions {
  states: readonly AlertState[];
  /** Only alerts seen at or after this instant. */
  since?: Date;
  limit: number;
}

export async function listAlerts(db: Queryable, scope: Scope, o: ListOptions): Promise<AlertRow[]> {
  const params: unknown[] = [o.states];
  const where = [`a.state = ANY($1::text[])`];
  const own = scopeCondition(scope, params);
  if (own) where.push(own);
  if (o.since) where.push(`a.last_seen_at >= $${params.push(o.since.toISOString())}::timestamptz`);
  params.push(o.limit);
  const rows = await db.query<Raw>(
    `${SELECT} WHERE ${where.join(' AND ')}
     ORDER BY (a.state = 'new') DESC, a.last_seen_at DESC, a.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(shape);
}

export async function alertById(db: Queryable, id: number, scope: Scope): Promise<AlertRow | null> {
  const params: unknown[] = [id];
  const own = scopeCondition(scope, params);
  const [r] = await db.query<Raw>(`${SELECT} WHERE a.id = $1${own ? ` AND ${own}` : ''}`, params);
  return r ? shape(r) : null;
}

/** Alerts written after `version` in the scope, oldest write first (the live feed). */
export async function alertsAfter(db: Queryable, version: number, scope: Scope, limit = 50): Promise<AlertRow[]> {
  const params: unknown[] = [version];
  const own = scopeCondition(scope, params);
  params.push(limit);
  const rows = await db.query<Raw>(
    `${SELECT} WHERE a.version > $1${own ? ` AND ${own}` : ''} ORDER BY a.version LIMIT $${params.length}`,
    params,
  );
  return rows.map(shape);
}

export async function latestAlertVersion(db: Queryable): Promise<number> {
  const [r] = await db.query<{ v: number | null }>(`SELECT max(version)::float8 AS v FROM alerts`);
  return r?.v ?? 0;
}

const uniq = <T>(xs: Iterable<T | null | undefined>): T[] => [
  ...new Set([...xs].filter((x): x is T => x !== null && x !== undefined)),
];

/**
 * Keeps the clusters of one scan that reach `minRecurrenceDays` as alerts; returns the ids written.
 * Clusters come strongest first; a weaker one that continues an alert already written by this
 * scan (the same surge seen as a cell ring and as a street) only adds its tickets and places.
 */
export async function recordClusters(
  db: Queryable,
  clusters: readonly FoundCluster[],
  now: Date,
  minRecurrenceDays = DEFAULT_MIN_RECURRENCE_DAYS,
): Promise<number[]> {
  const written = new Set<number>();
  const sorted = [...clusters]
    .filter((c) => c.recurrenceDays >= minRecurrenceDays && c.tickets.length > 0)
    .sort((a, b) => b.llr - a.llr);
  for (const c of sorted) {
    const ids = c.tickets.map((t) => t.id);
    const streets = uniq(c.tickets.map((t) => t.streetCode));
    const districts = uniq(c.tickets.map((t) => t.districtCode));
    const located = c.tickets.filter((t) => t.lon !== null && t.lat !== null);
    const lon = located.length ? located.reduce((a, t) => a + t.lon!, 0) / located.length : null;
    const lat = located.length ? located.reduce((a, t) => a + t.lat!, 0) / located.length : null;
    const cells = c.family === 'h3' ? c.places : [];
    const [match] = await db.query<{ id: number }>(
      `SELECT id::float8 AS id FROM alerts
       WHERE category_code = $1 AND last_seen_at >= $2::timestamptz - make_interval(hours => ${EPISODE_GAP_HOURS})
         AND (ticket_ids && $3::bigint[] OR street_codes && $4::text[] OR zone_key = $5)
       ORDER BY last_seen_at DESC, id DESC LIMIT 1`,
      [c.category, now.toISOString(), ids, streets, zoneKey(c)],
    );
    if (match && written.has(match.id)) {
      await db.query(
        `UPDATE alerts SET ticket_ids = (SELECT array_agg(x ORDER BY x) FROM (SELECT DISTINCT unnest(ticket_ids || $2::bigint[]) x ORDER BY 1 LIMIT ${MAX_TICKETS}) u),
           street_codes = (SELECT array_agg(DISTINCT x) FROM unnest(street_codes || $3::text[]) x),
           district_codes = (SELECT array_agg(DISTINCT x) FROM unnest(district_codes || $4::text[]) x),
           cells = (SELECT COALESCE(array_agg(DISTINCT x), '{}') FROM unnest(cells || $5::text[]) x),
           version = nextval('alerts_version_seq'), updated_at = now()
         WHERE id = $1`,
        [match.id, ids, streets, districts, cells],
      );
      continue;
    }
    const figures = [
      c.family,
      zoneKey(c),
      c.windowHours,
      c.observed,
      c.expected,
      c.llr,
      c.p,
      c.recurrenceDays,
      lon,
      lat,
      now.toISOString(),
    ];
    if (match) {
      await db.query(
        `UPDATE alerts SET family = $2, zone_key = $3, window_hours = $4, observed = $5, expected = $6, llr = $7, p = $8, recurrence_days = $9,
           peak_recurrence_days = GREATEST(peak_recurrence_days, $9), lon = COALESCE($10, lon), lat = COALESCE($11, lat), last_seen_at = $12::timestamptz,
           ticket_ids = (SELECT array_agg(x ORDER BY x) FROM (SELECT DISTINCT unnest(ticket_ids || $13::bigint[]) x ORDER BY 1 LIMIT ${MAX_TICKETS}) u),
           street_codes = (SELECT array_agg(DISTINCT x) FROM unnest(street_codes || $14::text[]) x),
           district_codes = (SELECT array_agg(DISTINCT x) FROM unnest(district_codes || $15::text[]) x),
           cells = (SELECT COALESCE(array_agg(DISTINCT x), '{}') FROM unnest(cells || $16::text[]) x),
           version = nextval('alerts_version_seq'), updated_at = now()
         WHERE id = $1`,
        [match.id, ...figures, ids, streets, districts, cells],
      );
      written.add(match.id);
    } else {
      const [row] = await db.query<{ id: number }>(
        `INSERT INTO alerts (category_code, family, zone_key, window_hours, observed, expected, llr, p, recurrence_days, peak_recurrence_days,
           lon, lat, first_seen_at, last_seen_at, ticket_ids, street_codes, district_codes, cells)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12::timestamptz, $12::timestamptz, $13::bigint[], $14::text[], $15::text[], $16::text[])
         RETURNING id::float8 AS id`,
        [c.category, ...figures, ids.slice(0, MAX_TICKETS), streets, districts, cells],
      );
      written.add(row!.id);
    }
  }
  if (written.size > 0) await notifyAlerts(db);
  return [...written];
}

/** Wakes the live streams (they read alerts by version, never from the payload). */
export async function notifyAlerts(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify($1, 'alerts')`, [NOTIFY_CHANNEL]);
}

export class AlertNotFound extends Error {}
export class AlertTransitionRefused extends Error {
  constructor(
    readonly from: AlertState,
    readonly allowed: readonly AlertState[],
    message: string,
  ) {
    super(message);
  }
}

/** Moves an alert in the scope to `to`; who, when and the note are kept on the row. */
export async function setAlertState(
  db: Queryable,
  scope: Scope,
  id: number,
  to: AlertState,
  who: { userId: number | null; username: string },
  note: string | null,
  at: Date,
): Promise<{ from: AlertState; alert: AlertRow }> {
  const current = await alertById(db, id, scope);
  if (!current) throw new AlertNotFound(`No alert ${id}`);
  const allowed = NEXT_STATES[current.state];
  if (!allowed.includes(to))
    throw new AlertTransitionRefused(
      current.state,
      allowed,
      `state: an alert that is ${current.state} cannot become ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (final)'}`,
    );
  const [moved] = await db.query<{ id: number }>(
    `UPDATE alerts SET state = $2, state_at = $3::timestamptz, state_by = $4, state_user_id = $5, state_note = $6,
       version = nextval('alerts_version_seq'), updated_at = now()
     WHERE id = $1 AND state = $7 RETURNING id::float8 AS id`,
    [id, to, at.toISOString(), who.username, who.userId, note, current.state],
  );
  if (!moved) throw new AlertTransitionRefused(current.state, allowed, `state: the alert changed meanwhile; reload it`);
  await notifyAlerts(db);
  return { from: current.state, alert: (await alertById(db, id, scope))! };
}
