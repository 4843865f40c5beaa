// The database side of a history import, set-based and in bounded statements: rows are staged
// (COPY) into a table of the job's own a chunk at a time, and each staged chunk adds to two small
// tallies (rows per exact point, rows per external id); once the file is read, the repeated
// placeholder points are read off the tally, and ONE statement per chunk judges its rows (kept
// or merged under the repeated-id rule, imported before or not), locates every point (large
// chunks beforehand, polygon by polygon: locateChunk; small ones with hotline_locate in the
// statement — the same rule either way), and inserts the tickets, their events and dispatches.
// No statement touches more than a chunk, so on the embedded engine (which runs in the server's
// thread) none holds the event loop for long. Rollups and ranking months stay right through the
// tickets' statement triggers, or in bulk mode are rebuilt once at the end.
import type { Database, Queryable } from '../../db/client.ts';
import type { MappedRow } from './rows.ts';

export const STAGE_COLUMNS = [
  'seq',
  'line',
  'external_id',
  'key',
  'kind',
  'channel',
  'category',
  'department',
  'status',
  'source_status',
  'received_at',
  'closed_at',
  'due_at',
  'updated_at',
  'callback_at',
  'solved',
  'satisfaction',
  'duplicate',
  'description',
  'address',
  'resolution',
  'crs',
  'source_lon',
  'source_lat',
  'lon',
  'lat',
  'h3_r7',
  'h3_r8',
  'h3_r9',
  'placeholder',
  'invalid_point',
  'caller_name',
  'caller_phone',
];

export function stageTable(jobId: string): string {
  if (!/^[a-z0-9]{6,32}$/.test(jobId)) throw new Error(`job id '${jobId}': lower-case letters and digits only`);
  return `import_stage_${jobId}`;
}

export async function createStage(db: Queryable, table: string): Promise<void> {
  // UNLOGGED: a crash loses only the job's own scratch rows; no WAL for tables read once.
  await db.query(`CREATE UNLOGGED TABLE ${table} (
    seq int PRIMARY KEY, line int NOT NULL, external_id text NOT NULL, key text NOT NULL, kind text NOT NULL, channel text NOT NULL,
    category text NOT NULL, department text, status text NOT NULL, source_status text, received_at timestamptz NOT NULL,
    closed_at timestamptz, due_at timestamptz, updated_at timestamptz, callback_at timestamptz, solved boolean, satisfaction text,
    duplicate boolean NOT NULL, description text NOT NULL, address text, resolution text, crs text NOT NULL,
    source_lon float8, source_lat float8, lon float8, lat float8, h3_r7 text, h3_r8 text, h3_r9 text,
    placeholder text, invalid_point boolean NOT NULL, caller_name text, caller_phone text)`);
  // Rows per exact point (as written in the source; rows already known as placeholders not counted).
  await db.query(`CREATE UNLOGGED TABLE ${table}_pts (lon float8, lat float8, n int NOT NULL, PRIMARY KEY (lon, lat))`);
  await db.query(`CREATE INDEX ON ${table}_pts (n)`);
  // Rows per external id, with the first and last of them (file order).
  await db.query(
    `CREATE UNLOGGED TABLE ${table}_ids (external_id text PRIMARY KEY, n int NOT NULL, first_seq int NOT NULL, first_line int NOT NULL, last_seq int NOT NULL, last_line int NOT NULL)`,
  );
  // Where each chunk's points fall (locateChunk), keyed by the chunk's first seq.
  await db.query(
    `CREATE UNLOGGED TABLE ${table}_loc (lo int NOT NULL, lon float8 NOT NULL, lat float8 NOT NULL, district_code text, street_code text, grid_code text, PRIMARY KEY (lo, lon, lat))`,
  );
}

export async function dropStage(db: Queryable, table: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${table}, ${table}_pts, ${table}_ids, ${table}_loc`);
}

/**
 * Locates the distinct points of staged rows [lo, hi) set-based, with the same rule as
 * hotline_locate (0016): the lowest-code street part covering the point, its parent district, and
 * the lowest-code grid part covering it, preferring cells of that street. Points no street covers
 * (outside, or in a published sliver) take hotline_locate itself, so the tolerance and the
 * nearest-street rule stay in ONE place. Results go to <table>_loc under key lo; the chunk
 * statement reads them there.
 * The join runs polygon by polygon over a GiST index on the chunk's points (each part's
 * point-in-polygon tests in a row): a few times less work per point than hotline_locate one point
 * at a time, but an index probe per part (some 3,000 in New York) whatever the chunk's size, so
 * only large chunks are located this way (ChunkParams.locateByPolygonRows).
 */
export async function locateChunk(db: Database, table: string, lo: number, hi: number): Promise<void> {
  // The parts of a level covering each point, as (x.i, rp.region_code).
  const covering = (level: 'street' | 'grid') =>
    `region_parts rp CROSS JOIN LATERAL (SELECT p.i FROM hotline_import_pts p WHERE p.g @ rp.geom AND ST_Covers(rp.geom, p.g)) x WHERE rp.level = '${level}'`;
  await db.transaction(async (tx) => {
    // No nested loops but the LATERAL ones (still allowed): the chunk's points carry no
    // statistics, and a nested loop pairing 20,000 streets with 20,000 grid cells on a guess of
    // one row each took minutes.
    await tx.query(`${txSettings(false)}, set_config('enable_nestloop', 'off', true)`);
    await tx.query(
      `CREATE TEMP TABLE hotline_import_pts ON COMMIT DROP AS
       SELECT row_number() OVER ()::int AS i, lon, lat, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
       FROM (SELECT DISTINCT lon, lat FROM ${table} WHERE seq >= ${lo | 0} AND seq < ${hi | 0} AND lon IS NOT NULL) p`,
    );
    await tx.query(`CREATE INDEX ON hotline_import_pts USING gist (g)`);
    await tx.query(
      `INSERT INTO ${table}_loc (lo, lon, lat, district_code, street_code, grid_code)
       WITH st AS MATERIALIZED (
         SELECT DISTINCT ON (x.i) x.i, rp.region_code AS street
         FROM ${covering('street')}
         ORDER BY x.i, rp.region_code),
       gc0 AS MATERIALIZED (SELECT x.i, rp.region_code AS grid FROM ${covering('grid')}),
       gc AS (SELECT gc0.i, gc0.grid, g.parent_code FROM gc0 JOIN regions g ON g.code = gc0.grid),
       sd AS MATERIALIZED (SELECT st.i, st.street, r.parent_code AS district FROM st JOIN regions r ON r.code = st.street),
       gr AS (
         SELECT DISTINCT ON (gc.i) gc.i, gc.grid FROM gc JOIN sd ON sd.i = gc.i
         ORDER BY gc.i, (gc.parent_code IS NOT DISTINCT FROM sd.street) DESC, gc.grid),
       miss AS MATERIALIZED (SELECT p.i, p.g FROM hotline_import_pts p WHERE NOT EXISTS (SELECT 1 FROM sd WHERE sd.i = p.i)),
       fb AS (SELECT miss.i, f.district_code, f.street_code, f.grid_code FROM miss CROSS JOIN LATERAL hotline_locate(miss.g) f)
       SELECT ${lo | 0}, p.lon, p.lat,
              COALESCE(sd.district, fb.district_code),
              COALESCE(sd.street, fb.street_code),
              CASE WHEN sd.i IS NULL THEN fb.grid_code WHEN sd.district IS NOT NULL THEN gr.grid END
       FROM hotline_import_pts p LEFT JOIN sd ON sd.i = p.i LEFT JOIN gr ON gr.i = p.i LEFT JOIN fb ON fb.i = p.i`,
    );
  });
}

/** After a chunk's COPY: add its rows to the point and id tallies (chunks arrive in file order). */
export async function tallyChunk(db: Queryable, table: string, lo: number, hi: number): Promise<void> {
  await db.query(
    `WITH c AS (SELECT seq, line, external_id, source_lon, source_lat, lon FROM ${table} WHERE seq >= $1::int AND seq < $2::int),
     p AS (
       INSERT INTO ${table}_pts AS x (lon, lat, n)
       SELECT source_lon, source_lat, count(*) FROM c WHERE lon IS NOT NULL GROUP BY 1, 2
       ON CONFLICT (lon, lat) DO UPDATE SET n = x.n + EXCLUDED.n)
     INSERT INTO ${table}_ids AS x (external_id, n, first_seq, first_line, last_seq, last_line)
     SELECT external_id, count(*), min(seq), (array_agg(line ORDER BY seq))[1], max(seq), (array_agg(line ORDER BY seq DESC))[1]
     FROM c GROUP BY 1
     ON CONFLICT (external_id) DO UPDATE SET n = x.n + EXCLUDED.n, last_seq = EXCLUDED.last_seq, last_line = EXCLUDED.last_line`,
    [lo, hi],
  );
}

const q = (s: string | null) => (s === null ? '' : '"' + s.replace(/"/g, '""') + '"');
const n = (v: number | null) => (v === null ? '' : String(v));
const ts = (v: number | null) => (v === null ? '' : new Date(v).toISOString());
const b = (v: boolean | null) => (v === null ? '' : v ? 't' : 'f');

/** One staged row as a COPY CSV line (empty unquoted = NULL; quoted = text, even empty). */
export function stageLine(seq: number, key: string, r: MappedRow): string {
  return [
    seq,
    r.line,
    q(r.externalId),
    q(key),
    r.kind,
    r.channel,
    q(r.category),
    q(r.department),
    r.status,
    q(r.sourceStatus),
    ts(r.received),
    ts(r.closed),
    ts(r.due),
    ts(r.updated),
    ts(r.callbackAt),
    b(r.solved),
    r.satisfaction ?? '',
    b(r.duplicate),
    q(r.description),
    q(r.address),
    q(r.resolution),
    r.crs,
    n(r.sourceLon),
    n(r.sourceLat),
    n(r.lon),
    n(r.lat),
    r.h3r7 ?? '',
    r.h3r8 ?? '',
    r.h3r9 ?? '',
    r.placeholder ?? '',
    b(r.invalidPoint !== null),
    q(r.callerName),
    q(r.callerPhone),
  ].join(',');
}

/** Statistics for the staged rows and tallies, so each chunk statement is planned for what it reads. */
export async function analyzeStage(db: Database, table: string): Promise<void> {
  if (db.engine === 'postgres') {
    await db.query(`ANALYZE ${table}, ${table}_pts, ${table}_ids`);
    return;
  }
  // The embedded engine runs in the server's thread: a smaller sample (3,000 rows a table rather
  // than 30,000), each table on its own, so no single statement holds the event loop long.
  for (const t of [table, `${table}_pts`, `${table}_ids`]) {
    await db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('default_statistics_target', '10', true)`);
      await tx.query(`ANALYZE ${t}`);
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The same exact point (as written in the source) on at least minCount rows and at least minShare
 * of the rows with a point: a stand-in for "unknown". The chunk statements keep such rows'
 * source coordinates but do not locate them. Read off the tally through its index on n.
 */
export async function repeatedPoints(
  db: Queryable,
  table: string,
  minCount: number,
  minShare: number,
  withPoint: number,
): Promise<{ lon: number; lat: number; rows: number }[]> {
  const rows = await db.query<{ lon: number; lat: number; rows: number }>(
    `SELECT lon, lat, n AS rows FROM ${table}_pts WHERE n >= GREATEST($1::int, ceil($2::float8 * $3::int)::int) ORDER BY n DESC, lon, lat`,
    [minCount, minShare, withPoint],
  );
  return rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat), rows: Number(r.rows) }));
}

export interface PolicyMinutes {
  respond: { emergency: number; basic: number; ordinary: number; complex: number };
  resolve: { emergency: number; basic: number; ordinary: number; complex: number };
  remindAtFraction: number;
}

export interface ChunkResult {
  /** Staged rows of the chunk. */
  staged: number;
  /** Not kept under the repeated-id rule; and kept but imported before (an earlier run). */
  merged: number;
  already: number;
  merged_rows: { line: number; externalId: string; keptLine: number }[] | null;
  already_rows: { line: number; externalId: string }[] | null;
  inserted: number;
  located: number;
  outside: number;
  unlocated: number;
  no_point: number;
  invalid_point: number;
  placeholder: Record<string, number> | null;
  statuses: Record<string, number> | null;
  overdue: number;
  duplicates: number;
  downgraded: number;
  first_at: string | Date | null;
  last_at: string | Date | null;
  /** Lowest and highest id of the tickets the chunk inserted (bigint as text). */
  min_id: string | null;
  max_id: string | null;
  /** This transaction's id (32 bits), the xmin of the tickets it inserted. */
  xid: string;
  outside_rows: { line: number; externalId: string; metres: number }[] | null;
}

/**
 * ONE statement writes a chunk of staged rows [lo, hi) by seq: locate, tickets, events,
 * dispatches, callers. History keeps its states and times:
 *   - status as mapped; a dispatched-or-later status needs a unit (the street where the point
 *     falls, else the agency), otherwise the ticket stays 'received' (counted);
 *   - dispatched at receipt to the street (territorial) and to the agency (line), both as they
 *     were; closed at the source's closed time, replied then too;
 *   - due: the source's own, else the category's service level, else the urgency policy;
 *     respond and remind instants from the same rule as live intake (data/policy deadlinesFor);
 *   - reminder and overdue marks judged against the ticket's own instants up to when it was
 *     closed (open tickets: up to `asOf`), set here with their events — the clock job only
 *     marks tickets whose marks are still unset, so it never re-marks history;
 *   - no live-feed notification: history is not news.
 * Parameters: $1 lo, $2 hi, $3 policy JSON, $4 asOf, $5 source, $6 repeated-id rule ('first' | 'last'),
 * $7 / $8 longitudes / latitudes of the repeated placeholder points, $9 how many merged and
 * already-imported rows to list.
 */
export function chunkSql(table: string, located: boolean): string {
  return `
  WITH p AS (SELECT $3::jsonb AS j),
  -- The chunk's rows with the repeated-id rule: the first or last row of an id stays, the others are merged.
  -- (is_kept a column, not a comparison of two columns in the WHERE: the planner would guess
  -- 0.5% of the chunk for that, and plan every join after it for a handful of rows.)
  raw AS (
    SELECT r.*,
           r.seq = CASE WHEN $6::text = 'first' THEN ids.first_seq ELSE ids.last_seq END AS is_kept,
           CASE WHEN $6::text = 'first' THEN ids.first_line ELSE ids.last_line END AS kept_line
    FROM ${table} r
    -- One index probe per row (a hash of the whole tally per chunk would grow with the file).
    CROSS JOIN LATERAL (SELECT i.first_seq, i.first_line, i.last_seq, i.last_line FROM ${table}_ids i WHERE i.external_id = r.external_id OFFSET 0) ids
    WHERE r.seq >= $1::int AND r.seq < $2::int),
  -- Kept rows whose ticket exists already (an earlier run) change nothing.
  kept AS (
    SELECT raw.*, EXISTS (SELECT 1 FROM tickets t0 WHERE t0.idempotency_key = raw.key) AS already
    FROM raw WHERE raw.is_kept),
  rep AS (SELECT * FROM unnest($7::float8[], $8::float8[]) AS rep(lon, lat)),
  s AS (
    SELECT k.seq, k.line, k.external_id, k.key, k.kind, k.channel, k.category, k.department, k.status, k.source_status,
           k.received_at, k.closed_at, k.due_at, k.updated_at, k.callback_at, k.solved, k.satisfaction, k.duplicate,
           k.description, k.address, k.resolution, k.crs, k.source_lon, k.source_lat, k.invalid_point, k.caller_name, k.caller_phone,
           -- A repeated placeholder point keeps its source coordinates, not its place.
           CASE WHEN rp.lon IS NULL THEN k.lon END AS lon, CASE WHEN rp.lon IS NULL THEN k.lat END AS lat,
           CASE WHEN rp.lon IS NULL THEN k.h3_r7 END AS h3_r7, CASE WHEN rp.lon IS NULL THEN k.h3_r8 END AS h3_r8,
           CASE WHEN rp.lon IS NULL THEN k.h3_r9 END AS h3_r9,
           COALESCE(k.placeholder, CASE WHEN rp.lon IS NOT NULL THEN 'repeated' END) AS placeholder,
           c.urgency,
           COALESCE(k.department, c.department_code) AS dept,
           COALESCE(c.resolve_minutes, ((SELECT j FROM p) -> 'resolve' ->> c.urgency)::int) AS res_min,
           COALESCE(c.respond_minutes, ((SELECT j FROM p) -> 'respond' ->> c.urgency)::int) AS resp_min
    FROM kept k JOIN categories c ON c.code = k.category
    LEFT JOIN rep rp ON rp.lon = k.source_lon AND rp.lat = k.source_lat AND k.lon IS NOT NULL
    WHERE NOT k.already),
  ${
    located
      ? `-- Each point was located by locateChunk (polygon by polygon, before this statement): one index probe per row.
  l AS (
    SELECT s.*, loc.district_code, loc.street_code, loc.grid_code, dk.kind AS dept_kind
    FROM s
    LEFT JOIN LATERAL (SELECT x.district_code, x.street_code, x.grid_code FROM ${table}_loc x
                        WHERE x.lo = $1::int AND x.lon = s.lon AND x.lat = s.lat OFFSET 0) loc ON s.lon IS NOT NULL
    LEFT JOIN departments dk ON dk.code = s.dept),`
      : `-- Each distinct point once: history repeats addresses (a building, a corner) many times.
  pts AS (SELECT DISTINCT lon, lat FROM s WHERE lon IS NOT NULL),
  loc AS (
    SELECT pts.lon, pts.lat, f.district_code, f.street_code, f.grid_code
    FROM pts CROSS JOIN LATERAL hotline_locate(ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) f),
  l AS (
    SELECT s.*, loc.district_code, loc.street_code, loc.grid_code, dk.kind AS dept_kind
    FROM s
    LEFT JOIN loc ON loc.lon = s.lon AND loc.lat = s.lat
    LEFT JOIN departments dk ON dk.code = s.dept),`
  }
  v AS (
    SELECT l.*,
           CASE WHEN l.lon IS NULL THEN 'unlocated' WHEN l.street_code IS NULL THEN 'outside' ELSE 'located' END AS location_status,
           (l.status <> 'received' AND (l.street_code IS NOT NULL OR l.dk_present)) AS dispatched,
           COALESCE(l.due_at, l.received_at + make_interval(mins => l.res_min)) AS resolve_due
    FROM (SELECT l.*, (l.dept IS NOT NULL AND l.dept_kind IS NOT NULL) AS dk_present FROM l) l),
  w AS (
    SELECT v.*,
           CASE WHEN v.status NOT IN ('received', 'closed') AND NOT v.dispatched THEN 'received' ELSE v.status END AS final_status,
           (v.status NOT IN ('received', 'closed') AND NOT v.dispatched) AS downgraded,
           LEAST(v.received_at + make_interval(mins => LEAST(v.resp_min, v.res_min)), v.resolve_due) AS respond_due,
           v.received_at + round(extract(epoch FROM v.resolve_due - v.received_at) * 1000 * ((SELECT j FROM p) ->> 'remindAtFraction')::float8)::float8
             * interval '1 millisecond' AS remind_at
    FROM v),
  x AS (
    SELECT w.*,
           CASE WHEN final_status = 'closed' THEN closed_at END AS t_closed,
           CASE WHEN final_status = 'closed' THEN closed_at WHEN final_status IN ('replied', 'callback') THEN updated_at END AS t_replied,
           COALESCE(CASE WHEN final_status = 'closed' THEN closed_at END,
                    CASE WHEN final_status IN ('replied', 'callback') THEN updated_at END, $4::timestamptz) AS horizon,
           CASE WHEN dispatched THEN 'dispatched' ELSE 'received' END AS after_dispatch
    FROM w),
  y AS (
    SELECT x.*,
           CASE WHEN x.remind_at <= x.horizon THEN x.remind_at END AS reminded,
           CASE WHEN x.resolve_due < x.horizon THEN x.resolve_due END AS overdue
    FROM x),
  t AS (
    INSERT INTO tickets (idempotency_key, kind, channel, category_code, urgency, description, address, geom, source_crs, source_lon, source_lat,
                         h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, grid_code, status, received_at, dispatched_at,
                         replied_at, callback_at, closed_at, respond_due_at, resolve_due_at, remind_at, reminded_at, overdue_at,
                         solved, satisfaction, updated_at)
    SELECT key, kind, channel, category, urgency, description, address,
           CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END, crs, source_lon, source_lat,
           h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, grid_code, final_status, received_at,
           CASE WHEN dispatched THEN received_at END, t_replied, callback_at, t_closed, respond_due, resolve_due, remind_at,
           reminded, overdue, solved, satisfaction, now()
    FROM y ORDER BY seq
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, idempotency_key),
  j AS (SELECT y.*, t.id FROM t JOIN y ON y.key = t.idempotency_key),
  e AS (
    INSERT INTO ticket_events (ticket_id, at, type, from_status, to_status, actor, unit_code, note, data)
    SELECT j.id, ev.at, ev.type, ev.from_status, ev.to_status, 'import', ev.unit, ev.note, ev.data
    FROM j CROSS JOIN LATERAL (VALUES
      (1, j.received_at, 'received', NULL, 'received', NULL, NULL,
          jsonb_build_object('import', $5::text, 'externalId', j.external_id, 'line', j.line, 'sourceStatus', j.source_status)),
      (2, j.received_at, 'dispatched', 'received', 'dispatched', COALESCE(j.street_code, j.dept), NULL, NULL),
      (3, CASE WHEN j.final_status = 'callback' THEN COALESCE(j.callback_at, j.updated_at, j.received_at) ELSE COALESCE(j.updated_at, j.received_at) END,
          j.final_status, j.after_dispatch, j.final_status, NULL, NULL, NULL),
      (4, j.reminded, 'reminded', NULL, NULL, j.street_code, NULL, NULL),
      (5, j.overdue, 'overdue', NULL, NULL, j.street_code, NULL, NULL),
      (6, j.callback_at, 'callback', j.after_dispatch, 'callback', NULL, NULL, NULL),
      (7, j.t_closed, 'closed', CASE WHEN j.callback_at IS NOT NULL THEN 'callback' ELSE j.after_dispatch END, 'closed', NULL, j.resolution,
          CASE WHEN j.duplicate THEN '{"duplicate": true}'::jsonb END)
    ) AS ev(ord, at, type, from_status, to_status, unit, note, data)
    WHERE ev.ord = 1
       OR (ev.ord = 2 AND j.dispatched)
       OR (ev.ord = 3 AND j.final_status NOT IN ('received', 'dispatched', 'closed'))
       OR (ev.ord = 4 AND j.reminded IS NOT NULL)
       OR (ev.ord = 5 AND j.overdue IS NOT NULL)
       OR (ev.ord = 6 AND j.final_status = 'closed' AND j.callback_at IS NOT NULL)
       OR (ev.ord = 7 AND j.final_status = 'closed')
    ORDER BY j.id, ev.at, ev.ord),
  d AS (
    INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at)
    SELECT j.id, u.unit, u.kind, u.role, j.received_at
    FROM j CROSS JOIN LATERAL (VALUES (1, j.street_code, 'street', 'territorial'), (2, j.dept, j.dept_kind, 'line')) AS u(ord, unit, kind, role)
    WHERE j.dispatched AND u.unit IS NOT NULL AND u.kind IS NOT NULL AND NOT (u.ord = 2 AND u.unit IS NOT DISTINCT FROM j.street_code)
    ORDER BY j.id, u.ord),
  c AS (
    INSERT INTO ticket_callers (ticket_id, name, phone)
    SELECT j.id, j.caller_name, j.caller_phone FROM j WHERE j.caller_name IS NOT NULL OR j.caller_phone IS NOT NULL),
  o AS (
    SELECT j.line, j.external_id,
           (SELECT min(ST_Distance(g.geom::geography, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326)::geography))
              FROM (SELECT rp.geom FROM region_parts rp ORDER BY rp.geom <-> ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326) LIMIT 4) g) AS metres
    FROM j WHERE j.location_status = 'outside')
  SELECT (SELECT count(*) FROM raw)::int AS staged,
         (SELECT count(*) FROM raw WHERE NOT is_kept)::int AS merged,
         (SELECT count(*) FROM kept WHERE already)::int AS already,
         (SELECT json_agg(json_build_object('line', line, 'externalId', external_id, 'keptLine', kept_line) ORDER BY line)
            FROM (SELECT line, external_id, kept_line FROM raw WHERE NOT is_kept ORDER BY line LIMIT $9::int) m) AS merged_rows,
         (SELECT json_agg(json_build_object('line', line, 'externalId', external_id) ORDER BY line)
            FROM (SELECT line, external_id FROM kept WHERE already ORDER BY line LIMIT $9::int) a) AS already_rows,
         count(*)::int AS inserted,
         count(*) FILTER (WHERE location_status = 'located')::int AS located,
         count(*) FILTER (WHERE location_status = 'outside')::int AS outside,
         count(*) FILTER (WHERE location_status = 'unlocated')::int AS unlocated,
         count(*) FILTER (WHERE location_status = 'unlocated' AND placeholder IS NULL AND NOT invalid_point)::int AS no_point,
         count(*) FILTER (WHERE location_status = 'unlocated' AND placeholder IS NULL AND invalid_point)::int AS invalid_point,
         (SELECT jsonb_object_agg(k, n) FROM (SELECT placeholder AS k, count(*)::int AS n FROM j WHERE placeholder IS NOT NULL GROUP BY 1) ph) AS placeholder,
         (SELECT jsonb_object_agg(k, n) FROM (SELECT final_status AS k, count(*)::int AS n FROM j GROUP BY 1) st) AS statuses,
         count(*) FILTER (WHERE overdue IS NOT NULL)::int AS overdue,
         count(*) FILTER (WHERE duplicate)::int AS duplicates,
         count(*) FILTER (WHERE downgraded)::int AS downgraded,
         min(received_at) AS first_at, max(GREATEST(received_at, callback_at, closed_at)) AS last_at,
         min(id)::text AS min_id, max(id)::text AS max_id, (txid_current() % 4294967296)::text AS xid,
         (SELECT json_agg(json_build_object('line', line, 'externalId', external_id, 'metres', round(metres::numeric, 1)) ORDER BY line) FROM o) AS outside_rows
  FROM j`;
}

/**
 * Settings of a write transaction: no JIT (the locate's nested estimates cross jit_above_cost and
 * compiling took longer than running, as at intake), room to sort a chunk in memory, and in bulk
 * mode `session_replication_role = replica`: the tickets' triggers (rollups, ranking months) and
 * the foreign-key checks are skipped for this transaction only — the statement writes dependants
 * of the tickets it inserts itself, categories are joined, and the importer rebuilds the rollups
 * and forgets the ranking months it touched afterwards. Other sessions keep their triggers.
 */
export const txSettings = (bulk: boolean) =>
  `SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)${bulk ? `, set_config('session_replication_role', 'replica', true)` : ''}`;

/**
 * How a write chunk keeps the rollups and ranking months right:
 *   'triggers' — the tickets' statement triggers, as for any insert;
 *   'bulk'     — triggers and key checks skipped, the rollups rebuilt once at the end (afterBulk);
 *   'chunks'   — triggers and key checks skipped, and the chunk's own transaction adds the tickets
 *                it inserted (ids in the chunk's range with this transaction's xmin) to the rollups
 *                with the statement the rollup trigger builds, planned once per job
 *                (addChunkRollups), and forgets the ranking months they fall in. What the triggers
 *                do, without their per-chunk planning of that statement and the per-row key checks,
 *                and without the rebuild of every rollup at the end that 'bulk' needs.
 */
export type WriteMode = 'triggers' | 'bulk' | 'chunks';

export interface ChunkParams {
  /** Mode 'chunks': the rollup statement (rollupChunkSql), built once per job. */
  rollupSql?: string;
  policy: PolicyMinutes;
  asOf: Date;
  source: string;
  rule: 'first' | 'last';
  repeated: { lon: number; lat: number }[];
  detailLimit: number;
  mode: WriteMode;
  /** Chunks of at least this many rows are located polygon by polygon before the statement (locateChunk). */
  locateByPolygonRows: number;
}

function chunkParams(lo: number, hi: number, p: ChunkParams): unknown[] {
  return [
    lo,
    hi,
    JSON.stringify(p.policy),
    p.asOf.toISOString(),
    p.source,
    p.rule,
    p.repeated.map((r) => r.lon),
    p.repeated.map((r) => r.lat),
    Math.min(p.detailLimit, 2_000_000_000),
  ];
}

/** A literal for PREPARE'd statements' EXECUTE (which takes no bind parameters). */
function literal(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (Array.isArray(v)) return `ARRAY[${v.map(literal).join(',')}]::float8[]`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

const PARAM_TYPES = 'int, int, jsonb, timestamptz, text, text, float8[], float8[], int';

/**
 * One chunk in its own transaction. The embedded engine plans the statement once per job
 * (PREPARE; planning a statement this size costs as much as writing a few hundred rows there),
 * PostgreSQL plans it per chunk of 20,000 on whichever pooled connection runs it.
 */
export async function writeChunk(
  db: Database,
  table: string,
  lo: number,
  hi: number,
  p: ChunkParams,
  prepared?: Set<string>,
  preparedPrefix = '',
): Promise<ChunkResult> {
  // Large chunks are located beforehand, polygon by polygon; small ones point by point in the statement.
  const located = hi - lo >= p.locateByPolygonRows;
  if (located) await locateChunk(db, table, lo, hi);
  if (p.mode === 'chunks' && !p.rollupSql) throw new Error("write mode 'chunks' needs ChunkParams.rollupSql");
  return db.transaction(async (tx) => {
    await tx.query(txSettings(p.mode !== 'triggers'));
    const params = chunkParams(lo, hi, p);
    let r: ChunkResult;
    if (prepared) {
      const name = `${preparedPrefix}_${located ? 'l' : 'p'}`;
      if (!prepared.has(name)) {
        await tx.query(`PREPARE ${name} (${PARAM_TYPES}) AS ${chunkSql(table, located)}`);
        prepared.add(name);
      }
      [r] = await tx.query<ChunkResult>(`EXECUTE ${name} (${params.map(literal).join(', ')})`);
    } else {
      [r] = await tx.query<ChunkResult>(chunkSql(table, located), params);
    }
    if (p.mode === 'chunks' && r.min_id !== null && r.max_id !== null)
      await addChunkRollups(tx, db.engine, r, p.rollupSql!, prepared, `${preparedPrefix}_r`);
    return r;
  });
}

/**
 * Mode 'chunks': the statement adding tickets to every rollup — the one the rollup trigger builds
 * (hotline_rollup_sql, 0006) — over the tickets with ids in [$1, $2] inserted by transaction $3.
 * Counts only grow here, so no rollup row falls to zero.
 */
export async function rollupChunkSql(db: Queryable): Promise<string> {
  const [{ sql }] = await db.query<{ sql: string }>(
    `SELECT hotline_rollup_sql(format('SELECT %s, 1 AS sign FROM tickets t WHERE t.id >= $1::bigint AND t.id <= $2::bigint AND t.xmin = $3::text::xid AND t.kind <> ''proactive'' AND NOT EXISTS (SELECT 1 FROM meta WHERE key = ''rollups.paused'')', hotline_rollup_columns('t')), hotline_city_zone()) AS sql`,
  );
  return sql;
}

/**
 * Mode 'chunks', in the chunk's transaction: its tickets added to the rollups (rollupChunkSql;
 * prepared once on the embedded engine) and the stored ranking months their instants fall in
 * forgotten, as the ranking triggers would (0011). On PostgreSQL two writers run at once: their
 * rollup steps take turns (a transaction-scoped advisory lock), so two upserts never wait on each
 * other's rows in opposite orders.
 */
async function addChunkRollups(
  tx: Queryable,
  engine: Database['engine'],
  r: ChunkResult,
  sql: string,
  prepared: Set<string> | undefined,
  name: string,
): Promise<void> {
  const [minId, maxId, xid] = [r.min_id!, r.max_id!, r.xid];
  if (![minId, maxId, xid].every((v) => /^[0-9]+$/.test(v)))
    throw new Error(`chunk ids '${minId}', '${maxId}', '${xid}'`);
  if (engine === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext('hotline_import_rollups'))`);
  // As the trigger function runs it (0019: SET enable_nestloop = off).
  await tx.query(`SELECT set_config('enable_nestloop', 'off', true)`);
  if (prepared) {
    if (!prepared.has(name)) {
      await tx.query(`PREPARE ${name} (bigint, bigint, text) AS ${sql}`);
      prepared.add(name);
    }
    await tx.query(`EXECUTE ${name} (${minId}, ${maxId}, '${xid}')`);
  } else {
    await tx.query(sql, [minId, maxId, xid]);
  }
  await tx.query(
    `WITH m AS (SELECT received_at, callback_at FROM tickets WHERE id >= $1::bigint AND id <= $2::bigint AND xmin = $3::text::xid)
     SELECT hotline_ranking_touch(ARRAY(SELECT received_at FROM m UNION SELECT callback_at FROM m WHERE callback_at IS NOT NULL))
     WHERE EXISTS (SELECT 1 FROM ranking_months)`,
    [minId, maxId, xid],
  );
}

/** May this connection skip triggers for its own transactions (superuser)? */
export async function canSkipTriggers(db: Queryable): Promise<boolean> {
  const [r] = await db.query<{ su: boolean }>(`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`);
  return r?.su === true;
}

/** About how many tickets the database holds (planner statistics; exact enough to choose a mode). */
export async function ticketEstimate(db: Queryable): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `SELECT GREATEST((SELECT reltuples FROM pg_class WHERE oid = 'tickets'::regclass), 0)::bigint::int AS n`,
  );
  if (r.n > 0) return r.n;
  const [c] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM tickets LIMIT 100000) t`);
  return c.n;
}

/**
 * After a bulk write: rollups rebuilt from tickets (one statement, as after the demo load; it takes
 * the rollup tables' locks, so a live ticket filed meanwhile is counted once, after it), and the
 * stored ranking months that the imported instants fall in forgotten (recounted on next read).
 */
export async function afterBulk(db: Database, from: Date | null, to: Date | null): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(txSettings(false));
    await tx.query('SELECT hotline_rollup_rebuild()');
    if (from && to) {
      await tx.query(`UPDATE ranking_rollup_state SET epoch = epoch + 1 WHERE id = 1`);
      await tx.query(
        `DELETE FROM ranking_months WHERE period_to > $1::timestamptz AND period_from <= $2::timestamptz`,
        [from.toISOString(), to.toISOString()],
      );
    }
  });
}

/**
 * Rows the source marked as duplicates are linked (repeat_of) to the latest earlier ticket of the
 * same category at the same address within the repeat window, as intake links repeat demands
 * (to the first ticket of its chain). Run after every chunk is written, so earlier tickets later
 * in the file are found too. Only this run's rows (the staged ones) are touched.
 */
export async function linkDuplicates(
  db: Database,
  table: string,
  lo: number,
  hi: number,
  windowDays: number,
  bulk: boolean,
): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(txSettings(bulk));
    const [r] = await tx.query<{ n: number }>(
      `WITH dup AS (
       SELECT DISTINCT t.id, t.category_code, btrim(t.address) AS addr, t.received_at
       FROM ${table} s JOIN tickets t ON t.idempotency_key = s.key
       WHERE s.seq >= $1::int AND s.seq < $2::int AND s.duplicate AND t.address IS NOT NULL AND t.repeat_of IS NULL),
     m AS (
       SELECT dup.id,
              (SELECT COALESCE(p.repeat_of, p.id) FROM tickets p
                WHERE btrim(p.address) = dup.addr AND p.address IS NOT NULL AND p.category_code = dup.category_code
                  AND (p.received_at, p.id) < (dup.received_at, dup.id) AND p.received_at >= dup.received_at - make_interval(days => $3::int)
                ORDER BY p.received_at DESC, p.id DESC LIMIT 1) AS root
       FROM dup),
     u AS (UPDATE tickets t SET repeat_of = m.root, updated_at = now() FROM m WHERE t.id = m.id AND m.root IS NOT NULL RETURNING t.id)
     SELECT count(*)::int AS n FROM u`,
      [lo, hi, windowDays],
    );
    return r.n;
  });
}
