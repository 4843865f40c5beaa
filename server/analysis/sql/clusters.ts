// Recurring clusters (一件事 → 一类事) in SQL, in one transaction: select the categories' located
// tickets in the window, project them to metres, ST_ClusterDBSCAN per category into a temporary
// table, summarise the clusters seen in enough distinct weeks in one grouped pass, let the caller
// choose (lift, significance, radius), then detail only the chosen ones (hull, timeline, streets,
// repeat demands). Detailing thousands of candidate clusters per request was the slow
// part (correlated subqueries: minutes at 10 M tickets); grouped passes over the survivors are not.
//
// This is the one analysis that reads ticket points rather than rollups: density clustering is a
// point operation, and a recurring problem is a spot tens of metres across, finer than any cell.
// The (category_code, received_at) index keeps the read to the categories and window.
//
// Metres: a local equirectangular projection about the selected points' mean position,
//   x = (lon − lon0) · cos(lat0) · 111,195 m/°,  y = (lat − lat0) · 111,195 m/°
// (sphere of radius 6,371,008.8 m). Within ±0.5° of lat0 (±55 km, a whole city) the east-west
// scale is off by at most tan(lat0)·Δlat ≈ 0.7 % at 40°N: 1 m on an eps of 150 m. It is plain
// arithmetic, so it gives the same answer on PostgreSQL and PGlite without PROJ, and unlike Web
// Mercator (scale 1/cos(lat) ≈ 1.3 at Beijing) eps means metres on the ground. DBSCAN reads the
// points in ticket-id order, so border points (reachable from two clusters) land alike on both.
import type { Database, Queryable } from '../../../db/client.ts';

export const METRES_PER_DEGREE = 111_195.08;

export interface ClusterQuery {
  categories: string[];
  /** UTC instants; end exclusive. */
  start: Date;
  end: Date;
  eps: number;
  minPoints: number;
  minWeeks: number;
  district: string | null;
  /** Only this street's tickets (a street official's jurisdiction). */
  street: string | null;
  /**
   * The principal is limited to the district / street above: an earlier ticket a repeat points to
   * is named only when it lies inside that region too (never an id from outside the jurisdiction).
   */
  scoped: boolean;
}

export interface ClusterSummary {
  category: string;
  cid: number;
  tickets: number;
  weeks: number;
  firstSeen: Date | string;
  lastSeen: Date | string;
  lon: number;
  lat: number;
  radiusMetres: number;
  /** Area of the hull grown by eps/2, m²: the footprint used for the lift over background. */
  footprintM2: number;
  /** Tickets that do not repeat an earlier one (repeat_of null): distinct demands. */
  independent: number;
  /** The street holding most of the cluster's tickets, and how many. */
  mainStreet: string | null;
  mainStreetTickets: number;
  calledBack: number;
  solved: number;
  satisfied: number;
  basic: number;
}

export interface ClusterDetail {
  category: string;
  cid: number;
  /** Convex hull as GeoJSON Polygon text (a line or point hull is grown by ~5 m to draw). */
  hull: string;
  /** [city day, tickets] in day order. */
  days: [string, number][];
  streets: { code: string; tickets: number }[] | null;
  /** Tickets marked as repeating an earlier one (repeat_of), with the earlier id (null: outside the jurisdiction). */
  repeatOf: { id: number; repeatOf: number | null; repeatOfInside: boolean }[] | null;
  /** Groups of ticket ids sharing an address / a caller; the address and caller are not sent. */
  sameAddress: number[][] | null;
  sameCaller: number[][] | null;
}

export interface ClusterFound {
  /** Clusters DBSCAN found before the weeks rule. */
  found: number;
  /** Milliseconds per phase. */
  phases: Record<string, number>;
  clusters: { summary: ClusterSummary; detail: ClusterDetail }[];
}

const POINTS = 'hotline_cluster_points';

/**
 * Find, summarise, let `choose` pick (it may read the database through `tx`), detail the chosen.
 * Runs without JIT: the planner prices the geometry functions so high that PostgreSQL would
 * JIT-compile every statement, ~1 s of compiling for ~0.3 s of work.
 */
export async function findClusters(
  db: Database,
  q: ClusterQuery,
  choose: (tx: Queryable, summaries: ClusterSummary[]) => Promise<ClusterSummary[]>,
): Promise<ClusterFound> {
  const phases: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    phases[name] = Date.now() - t;
    t = Date.now();
  };
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL jit = off');
    // The planner likes walking the received_at index (the heap is in time order) and filtering
    // the category, i.e. reading every ticket of the quarter; a bitmap on (category, received_at)
    // reads only the category's. The temporary table is read by sequential scans anyway.
    await tx.query('SET LOCAL enable_indexscan = off');
    await tx.query(`CREATE TEMPORARY TABLE ${POINTS} (
      id bigint, category_code text, cid int, received_at timestamptz, day date, street_code text, address text,
      callback_at timestamptz, solved boolean, satisfaction text, repeat_of bigint,
      lon float8, lat float8, x float8, y float8) ON COMMIT DROP`);
    const selected = `
           FROM tickets t
          WHERE t.category_code = ANY($1::text[]) AND t.received_at >= $2 AND t.received_at < $3
            AND t.geom IS NOT NULL AND t.location_status = 'located'
            AND ($4::text IS NULL OR t.district_code = $4)
            AND ($5::text IS NULL OR t.street_code = $5)`;
    const within = [q.categories, q.start, q.end, q.district, q.street];
    // The projection's origin and the city's zone are read first and passed as constants: joined
    // in as an aggregate subquery, the embedded engine re-ran the aggregate for every point
    // (quadratic: minutes for one dense category-year).
    const [origin] = await tx.query<{ lon0: number | null; lat0: number | null; zone: string }>(
      `SELECT avg(ST_X(t.geom))::float8 AS lon0, avg(ST_Y(t.geom))::float8 AS lat0, hotline_city_zone() AS zone ${selected}`,
      within,
    );
    if (origin.lon0 !== null)
      await tx.query(
        `WITH xy AS (
           SELECT t.id, t.category_code, t.received_at, t.street_code, t.address, t.callback_at, t.solved,
                  t.satisfaction, t.repeat_of, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
                  (ST_X(t.geom) - $8::float8) * cos(radians($9::float8)) * ${METRES_PER_DEGREE} AS x,
                  (ST_Y(t.geom) - $9::float8) * ${METRES_PER_DEGREE} AS y,
                  (t.received_at AT TIME ZONE $10::text)::date AS day
           ${selected}
         ),
         cl AS (SELECT xy.*, ST_ClusterDBSCAN(ST_MakePoint(xy.x, xy.y), $6::float8, $7::int) OVER (PARTITION BY xy.category_code ORDER BY xy.id) AS cid FROM xy)
         INSERT INTO ${POINTS} (id, category_code, cid, received_at, day, street_code, address, callback_at, solved, satisfaction, repeat_of, lon, lat, x, y)
         SELECT id, category_code, cid, received_at, day, street_code, address, callback_at, solved, satisfaction, repeat_of, lon, lat, x, y
           FROM cl WHERE cid IS NOT NULL`,
        [...within, q.eps, q.minPoints, origin.lon0, origin.lat0, origin.zone],
      );
    const [{ found }] = await tx.query<{ found: number }>(
      `SELECT count(*)::int AS found FROM (SELECT DISTINCT category_code, cid FROM ${POINTS}) c`,
    );
    lap('dbscan');
    const summaries = await tx.query<ClusterSummary>(
      `WITH c AS (
         SELECT p.*, avg(x) OVER w AS cx, avg(y) OVER w AS cy FROM ${POINTS} p WINDOW w AS (PARTITION BY category_code, cid)
       ),
       s AS (
         SELECT category_code, cid, count(*)::int AS tickets, count(DISTINCT date_trunc('week', day))::int AS weeks,
                min(received_at) AS first_seen, max(received_at) AS last_seen,
                avg(lon) AS lon, avg(lat) AS lat,
                max(sqrt((x - cx) ^ 2 + (y - cy) ^ 2)) AS radius,
                ST_ConvexHull(ST_Collect(ST_MakePoint(x, y))) AS mh,
                count(*) FILTER (WHERE callback_at IS NOT NULL)::int AS called_back,
                count(*) FILTER (WHERE callback_at IS NOT NULL AND solved)::int AS solved,
                count(*) FILTER (WHERE callback_at IS NOT NULL AND satisfaction = 'satisfied')::int AS satisfied,
                count(*) FILTER (WHERE callback_at IS NOT NULL AND satisfaction = 'basic')::int AS basic,
                count(*) FILTER (WHERE repeat_of IS NULL)::int AS independent
           FROM c GROUP BY 1, 2
         HAVING count(DISTINCT date_trunc('week', day)) >= $2
       ),
       main AS (
         SELECT DISTINCT ON (category_code, cid) category_code, cid, street_code, n
           FROM (SELECT category_code, cid, street_code, count(*)::int AS n FROM ${POINTS} WHERE street_code IS NOT NULL GROUP BY 1, 2, 3) x
          ORDER BY category_code, cid, n DESC, street_code
       )
       SELECT s.category_code AS category, s.cid, s.tickets, s.weeks, s.first_seen AS "firstSeen", s.last_seen AS "lastSeen",
              s.lon::float8 AS lon, s.lat::float8 AS lat, s.radius::float8 AS "radiusMetres",
              -- The hull grown by r = eps/2, by Steiner's formula for convex sets: A + P·r + π·r²
              -- (a line hull has perimeter 2L). Exact, and no buffer polygon per candidate.
              (ST_Area(s.mh) + (ST_Perimeter(s.mh) + 2 * ST_Length(s.mh)) * ($1::float8 / 2) + pi() * ($1::float8 / 2) ^ 2)::float8 AS "footprintM2",
              s.independent, main.street_code AS "mainStreet", COALESCE(main.n, 0) AS "mainStreetTickets",
              s.called_back AS "calledBack", s.solved, s.satisfied, s.basic
         FROM s LEFT JOIN main USING (category_code, cid)
        ORDER BY s.tickets DESC, s.category_code, s.cid`,
      [q.eps, q.minWeeks],
    );
    lap('summary');
    const chosen = await choose(tx, summaries);
    lap('choose');
    if (chosen.length === 0) return { found, phases, clusters: [] };
    const details = await tx.query<ClusterDetail>(
      `WITH k AS (SELECT * FROM unnest($1::text[], $2::int[]) AS k(category_code, cid)),
       p AS (SELECT p.* FROM ${POINTS} p JOIN k USING (category_code, cid)),
       hulls AS (
         SELECT category_code, cid, ST_AsGeoJSON(CASE WHEN ST_GeometryType(h) = 'ST_Polygon' THEN h
                                                      ELSE ST_Buffer(h, 0.00005, 'quad_segs=2') END, 6) AS j
           FROM (SELECT category_code, cid, ST_ConvexHull(ST_Collect(ST_SetSRID(ST_MakePoint(lon, lat), 4326))) AS h FROM p GROUP BY 1, 2) x
       ),
       days AS (
         SELECT category_code, cid, json_agg(json_build_array(day::text, n) ORDER BY day) AS j
           FROM (SELECT category_code, cid, day, count(*)::int AS n FROM p GROUP BY 1, 2, 3) x GROUP BY 1, 2
       ),
       streets AS (
         SELECT category_code, cid, json_agg(json_build_object('code', street_code, 'tickets', n) ORDER BY n DESC, street_code) AS j
           FROM (SELECT category_code, cid, street_code, count(*)::int AS n FROM p WHERE street_code IS NOT NULL GROUP BY 1, 2, 3) x GROUP BY 1, 2
       ),
       rep AS (
         SELECT p.category_code, p.cid,
                json_agg(json_build_object('id', p.id,
                  'repeatOf', CASE WHEN x.id IS NOT NULL OR NOT $3::boolean OR EXISTS (
                                 SELECT 1 FROM tickets e WHERE e.id = p.repeat_of
                                    AND ($4::text IS NULL OR e.district_code = $4) AND ($5::text IS NULL OR e.street_code = $5))
                              THEN p.repeat_of END,
                  'repeatOfInside', x.id IS NOT NULL) ORDER BY p.received_at, p.id) AS j
           FROM p LEFT JOIN p x ON x.id = p.repeat_of AND x.category_code = p.category_code AND x.cid = p.cid
          WHERE p.repeat_of IS NOT NULL GROUP BY 1, 2
       ),
       addr AS (
         SELECT category_code, cid, json_agg(ids ORDER BY ids[1]) AS j FROM (
           SELECT category_code, cid, array_agg(id::int8 ORDER BY received_at, id) AS ids FROM p
            WHERE address IS NOT NULL AND address <> '' GROUP BY category_code, cid, address HAVING count(*) > 1) a
          GROUP BY 1, 2
       ),
       caller AS (
         SELECT category_code, cid, json_agg(ids ORDER BY ids[1]) AS j FROM (
           SELECT p.category_code, p.cid, array_agg(p.id::int8 ORDER BY p.received_at, p.id) AS ids
             FROM p JOIN ticket_callers c ON c.ticket_id = p.id
            WHERE c.phone IS NOT NULL AND c.phone <> '' GROUP BY p.category_code, p.cid, c.phone HAVING count(*) > 1) a
          GROUP BY 1, 2
       )
       SELECT k.category_code AS category, k.cid, hulls.j AS hull, days.j AS days, streets.j AS streets, rep.j AS "repeatOf",
              addr.j AS "sameAddress", caller.j AS "sameCaller"
         FROM k LEFT JOIN hulls USING (category_code, cid) LEFT JOIN days USING (category_code, cid) LEFT JOIN streets USING (category_code, cid)
              LEFT JOIN rep USING (category_code, cid) LEFT JOIN addr USING (category_code, cid) LEFT JOIN caller USING (category_code, cid)`,
      [chosen.map((c) => c.category), chosen.map((c) => c.cid), q.scoped, q.district, q.street],
    );
    lap('detail');
    const byKey = new Map(details.map((d) => [`${d.category}|${d.cid}`, d]));
    return {
      found,
      phases,
      clusters: chosen.map((summary) => ({ summary, detail: byKey.get(`${summary.category}|${summary.cid}`)! })),
    };
  });
}

/** Tickets per (street, category) over [from, end) for the lift over background, and the streets' names and areas. */
export async function streetBackground(
  db: Queryable,
  categories: string[],
  fromDay: string,
  endDay: string,
  streets: string[],
): Promise<{
  tickets: Map<string, number>;
  streets: Map<string, { areaM2: number | null; name: string; nameEn: string }>;
}> {
  const [counts, regions] = await Promise.all([
    db.query<{ code: string; category: string; tickets: number }>(
      `SELECT region_code AS code, category_code AS category, sum(tickets)::int AS tickets FROM rollup_region_daily
        WHERE level = 'street' AND region_code = ANY($4::text[]) AND category_code = ANY($1::text[])
          AND day >= $2::date AND day < $3::date
        GROUP BY 1, 2`,
      [categories, fromDay, endDay, streets],
    ),
    db.query<{ code: string; area: number | null; name: string; nameEn: string }>(
      `SELECT code, (area_km2 * 1e6)::float8 AS area, name_zh AS name, name_en AS "nameEn" FROM regions WHERE code = ANY($1::text[])`,
      [streets],
    ),
  ]);
  return {
    tickets: new Map(counts.map((r) => [`${r.code}|${r.category}`, r.tickets])),
    streets: new Map(regions.map((r) => [r.code, { areaM2: r.area, name: r.name, nameEn: r.nameEn }])),
  };
}
