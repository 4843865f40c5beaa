// Open311 GeoReport v2's queries (routes/open311.ts): the services, requests read back in the
// reader's jurisdiction (no column of ticket_callers is ever selected), tokens, media and what a
// filed request adds (attributes, media). Names in the city's language, the other as fallback.
import type { Queryable } from '../../db/client.ts';
import type { Locale } from '../../data/city/manifest.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import type { RequestRow, ServiceRow } from './mapping.ts';

/** A name column in the city's language, the other language as fallback; and the other language alone. */
const localName = (alias: string, locale: Locale) =>
  locale === 'en'
    ? `COALESCE(NULLIF(${alias}.name_en, ''), ${alias}.name_zh)`
    : `COALESCE(NULLIF(${alias}.name_zh, ''), ${alias}.name_en)`;
const otherName = (alias: string, locale: Locale) =>
  locale === 'en' ? `NULLIF(${alias}.name_zh, '')` : `NULLIF(${alias}.name_en, '')`;

const servicesSql = (l: Locale) =>
  `SELECT c.code, ${localName('c', l)} AS name, ${otherName('c', l)} AS name_alt, ${localName('g', l)} AS group_name, ${otherName('g', l)} AS group_alt
   FROM categories c JOIN category_groups g ON g.code = c.group_code`;

// The unit a request is dispatched to: the active territorial dispatch first, else the latest.
// status_notes is the unit's reply; no column of ticket_callers is ever selected here.
const requestSql = (l: Locale) => `
  SELECT t.id::text AS id, t.status, t.category_code, ${localName('c', l)} AS service_name, t.description, t.address,
         ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.received_at, t.updated_at, t.closed_at, t.resolve_due_at,
         CASE WHEN d.unit_kind = 'street' THEN ${localName('ur', l)} ELSE ${localName('ud', l)} END AS agency,
         rep.note AS reply_note,
         NULLIF(concat_ws(', ', ${localName('rs', l)}, ${localName('rd', l)}), '') AS area,
         CASE WHEN m.bytes IS NOT NULL THEN 'upload' WHEN m.url IS NOT NULL THEN 'url' END AS media_kind,
         CASE m.content_type WHEN 'image/jpeg' THEN 'jpg' WHEN 'image/png' THEN 'png' END AS media_ext,
         m.url AS media_url
  FROM tickets t
  JOIN categories c ON c.code = t.category_code
  LEFT JOIN LATERAL (SELECT x.unit_code, x.unit_kind FROM dispatches x WHERE x.ticket_id = t.id
                     ORDER BY x.active DESC, (x.role = 'territorial') DESC, x.id DESC LIMIT 1) d ON true
  LEFT JOIN regions ur ON d.unit_kind = 'street' AND ur.code = d.unit_code
  LEFT JOIN departments ud ON d.unit_kind <> 'street' AND ud.code = d.unit_code
  LEFT JOIN LATERAL (SELECT e.note FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'replied' AND coalesce(e.note, '') <> ''
                     ORDER BY e.at DESC, e.id DESC LIMIT 1) rep ON true
  LEFT JOIN regions rs ON rs.code = t.street_code
  LEFT JOIN regions rd ON rd.code = t.district_code
  LEFT JOIN open311_media m ON m.ticket_id = t.id`;

/** When the services or their definitions last changed (a city package or taxonomy import). */
export async function changesetAt(db: Queryable): Promise<string> {
  const [r] = await db.query<{ at: Date | string | null }>(
    `SELECT max(updated_at) AS at FROM meta WHERE key IN ('city', 'taxonomy')`,
  );
  return new Date(r?.at ?? '2026-12-01T00:00:00Z').toISOString();
}

/** Whether a service (a category code) exists. */
export async function serviceExists(db: Queryable, code: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM categories WHERE code = $1`, [code]);
  return rows.length > 0;
}

/** Every service, by code. */
export function serviceRows(db: Queryable, locale: Locale): Promise<ServiceRow[]> {
  return db.query<ServiceRow>(`${servicesSql(locale)} ORDER BY c.code`);
}

/** One request, if it is in `scope` (null: the public's reads, the whole city). */
export function requestById(db: Queryable, locale: Locale, id: string, scope: Scope | null): Promise<RequestRow[]> {
  const params: unknown[] = [id];
  const own = scope ? scopeClause(scope, params) : null;
  return db.query<RequestRow>(`${requestSql(locale)} WHERE t.id = $1::bigint${own ? ` AND ${own}` : ''}`, params);
}

/** What GET /requests selects (routes/open311.ts parses it): the reader's scope holds whatever else is asked. */
export interface RequestFilter {
  /** null: the public's reads, the whole city */
  scope: Scope | null;
  /** service_request_id: these requests and no other condition but the scope */
  ids?: string[];
  codes?: string[];
  from?: Date;
  to?: Date;
  /** ticket statuses */
  statuses?: string[];
  limit: number;
  offset: number;
}

/** The requests `filter` selects, newest first. */
export function requestList(db: Queryable, locale: Locale, filter: RequestFilter): Promise<RequestRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const own = filter.scope ? scopeClause(filter.scope, params) : null;
  if (own) where.push(own);
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.ids) add((n) => `t.id = ANY($${n}::bigint[])`, filter.ids);
  else {
    if (filter.codes) add((n) => `t.category_code = ANY($${n}::text[])`, filter.codes);
    if (filter.from) add((n) => `t.received_at >= $${n}`, filter.from.toISOString());
    if (filter.to) add((n) => `t.received_at <= $${n}`, filter.to.toISOString());
    if (filter.statuses) add((n) => `t.status = ANY($${n}::text[])`, filter.statuses);
  }
  return db.query<RequestRow>(
    `${requestSql(locale)} WHERE ${where.join(' AND ') || 'true'} ORDER BY t.received_at DESC, t.id DESC LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset)}`,
    params,
  );
}

/** The ticket a token (the request's idempotency key) filed, if it is in `scope`. */
export async function ticketIdOfToken(db: Queryable, token: string, scope: Scope | null): Promise<string | null> {
  const params: unknown[] = [`open311:${token}`];
  const own = scope ? scopeClause(scope, params) : null;
  const rows = await db.query<{ id: string }>(
    `SELECT t.id::text AS id FROM tickets t WHERE t.idempotency_key = $1${own ? ` AND ${own}` : ''}`,
    params,
  );
  return rows[0]?.id ?? null;
}

/** An uploaded image of a request in `scope`, or null. */
export async function mediaBytes(
  db: Queryable,
  ticketId: string,
  contentType: string,
  scope: Scope | null,
): Promise<Uint8Array | null> {
  const params: unknown[] = [ticketId, contentType];
  const own = scope ? scopeClause(scope, params) : null;
  const rows = await db.query<{ bytes: Uint8Array }>(
    `SELECT m.bytes FROM open311_media m JOIN tickets t ON t.id = m.ticket_id
     WHERE m.ticket_id = $1::bigint AND m.content_type = $2 AND m.bytes IS NOT NULL${own ? ` AND ${own}` : ''}`,
    params,
  );
  return rows[0]?.bytes ?? null;
}

/** Bytes the media store holds. */
export async function mediaBytesUsed(db: Queryable): Promise<number> {
  const [r] = await db.query<{ used: string }>(`SELECT coalesce(sum(byte_size), 0)::text AS used FROM open311_media`);
  return Number(r?.used ?? 0);
}

/** A new request's service attributes. */
export async function saveAttributes(
  db: Queryable,
  ticketId: number,
  code: string,
  values: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `INSERT INTO open311_attributes (ticket_id, service_code, attributes) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING`,
    [ticketId, code, JSON.stringify(values)],
  );
}

/** A new request's media: an uploaded image, or the client's own URL. */
export async function saveMedia(
  db: Queryable,
  ticketId: number,
  media: { type: string; bytes: Uint8Array } | { url: string },
): Promise<void> {
  if ('bytes' in media)
    await db.query(
      `INSERT INTO open311_media (ticket_id, content_type, bytes, byte_size) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [ticketId, media.type, media.bytes, media.bytes.length],
    );
  else
    await db.query(`INSERT INTO open311_media (ticket_id, url) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      ticketId,
      media.url,
    ]);
}
