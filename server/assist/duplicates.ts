// Repeat demand (重复诉求), one rule for the offer at intake and the links intake writes: an earlier
// ticket of the same category, received within the repeat window, that is either from the same
// caller phone or address (the links intake has always written, server/intake/batch.ts), or within
// REPEAT_RADIUS_METRES of the new call with similar words (textSimilarity ≥ MIN_SIMILARITY) —
// what FixMyStreet shows a reporter before they file.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import { features, langOf, type Lang } from './tokenize.ts';
import { activeCity } from '../city.ts';

export const REPEAT_RADIUS_METRES = 50;
export const MIN_SIMILARITY = 0.25;

/** Cosine similarity of two texts' word and character n-gram counts (0…1). Pure. */
export function textSimilarity(a: string, b: string, lang: Lang): number {
  const count = (t: string) => {
    const m = new Map<string, number>();
    for (const f of features(t, lang)) m.set(f, (m.get(f) ?? 0) + 1);
    return m;
  };
  const x = count(a);
  const y = count(b);
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (const [f, n] of x) {
    nx += n * n;
    const m = y.get(f);
    if (m) dot += n * m;
  }
  for (const n of y.values()) ny += n * n;
  return nx && ny ? dot / Math.sqrt(nx * ny) : 0;
}

export interface RepeatFacts {
  category: string;
  receivedAt: number;
  text: string;
  phone: string | null;
  address: string | null;
  /** Metres between the two points; null when either has none. */
  distanceMetres: number | null;
}

/** Whether `later` repeats `earlier` under the rule (same category, within the window, same caller or place, or nearby with similar words). */
export function isRepeat(earlier: RepeatFacts, later: RepeatFacts, windowDays: number, lang: Lang): boolean {
  if (earlier.category !== later.category) return false;
  if (earlier.receivedAt > later.receivedAt || earlier.receivedAt < later.receivedAt - windowDays * 86_400_000)
    return false;
  if (later.phone && earlier.phone === later.phone) return true;
  if (later.address && earlier.address === later.address) return true;
  return (
    later.distanceMetres !== null &&
    later.distanceMetres <= REPEAT_RADIUS_METRES &&
    textSimilarity(earlier.text, later.text, lang) >= MIN_SIMILARITY
  );
}

export interface DuplicateCandidate {
  id: number;
  /** The first ticket of its chain: what a new repeat links to. */
  root: number;
  receivedAt: Date;
  status: string;
  description: string;
  distanceMetres: number;
  similarity: number;
}

/**
 * Earlier tickets a new call at (lon, lat) would repeat by place and words, best first (most
 * similar, then nearest), within the caller's scope. Same caller or address is found by intake itself.
 */
export async function nearbyRepeats(
  db: Queryable,
  q: { category: string; lon: number; lat: number; text: string; at: Date; windowDays: number },
  scope: Scope,
  limit = 5,
): Promise<DuplicateCandidate[]> {
  const params: unknown[] = [q.category, q.lon, q.lat, q.at.toISOString(), q.windowDays, REPEAT_RADIUS_METRES];
  const scoped = scopeClause(scope, params, 't');
  // A degree box a little larger than the radius keeps the GiST index in play; the sphere distance decides.
  const rows = await db.query<{
    id: number;
    root: number;
    received_at: Date;
    status: string;
    description: string | null;
    d: number;
  }>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326) AS g)
     SELECT t.id::float8 AS id, COALESCE(t.repeat_of, t.id)::float8 AS root, t.received_at, t.status, t.description, ST_DistanceSphere(t.geom, p.g) AS d
     FROM tickets t, p
     WHERE t.category_code = $1 AND t.received_at <= $4::timestamptz AND t.received_at >= $4::timestamptz - make_interval(days => $5::int)
       AND t.geom && ST_Expand(p.g, $6::float8 / 111320.0 / greatest(cos(radians($3::float8)), 0.2))
       AND ST_DistanceSphere(t.geom, p.g) <= $6::float8${scoped ? ` AND ${scoped}` : ''}
     ORDER BY t.received_at DESC LIMIT 200`,
    params,
  );
  const lang = langOf(activeCity()?.locale ?? 'zh');
  return rows
    .map((r) => ({
      id: r.id,
      root: r.root,
      receivedAt: new Date(r.received_at),
      status: r.status,
      description: r.description ?? '',
      distanceMetres: Math.round(r.d),
      similarity: textSimilarity(q.text, r.description ?? '', lang),
    }))
    .filter((c) => c.similarity >= MIN_SIMILARITY)
    .sort((a, b) => b.similarity - a.similarity || a.distanceMetres - b.distanceMetres || b.id - a.id)
    .slice(0, limit);
}

export interface RepeatLinkRow {
  id: number;
  category_code: string;
  received_at: Date;
  repeat_of: number | null;
}

/** The two tickets of a repeat link (POST /api/assist/link), whichever exist. */
export function repeatLinkRows(db: Queryable, ticketId: number, repeatOf: number): Promise<RepeatLinkRow[]> {
  return db.query<RepeatLinkRow>(
    `SELECT id::float8 AS id, category_code, received_at, repeat_of::float8 AS repeat_of FROM tickets WHERE id = ANY($1::bigint[])`,
    [[ticketId, repeatOf]],
  );
}

/** Record a ticket as a repeat of `root` (the first ticket of its chain). */
export async function setRepeatOf(db: Queryable, ticketId: number, root: number): Promise<void> {
  await db.query(`UPDATE tickets SET repeat_of = $2, updated_at = now() WHERE id = $1`, [ticketId, root]);
}

/** What the assistant reads of one ticket in the reader's jurisdiction, or null. */
export async function ticketForAssist(db: Queryable, id: number, scope: Scope) {
  const params: unknown[] = [id];
  const scoped = scopeClause(scope, params, 't');
  const rows = await db.query<{
    id: number;
    category_code: string;
    description: string | null;
    lon: number | null;
    lat: number | null;
    received_at: Date;
  }>(
    `SELECT t.id::float8 AS id, t.category_code, t.description, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.received_at FROM tickets t WHERE t.id = $1${scoped ? ` AND ${scoped}` : ''}`,
    params,
  );
  return rows[0] ?? null;
}
