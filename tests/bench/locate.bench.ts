// Locate throughput: hotline_locate (street, district, grid over subdivided region parts) against a
// baseline that finds the same street and grid by ST_Covers on whole polygons, same points, same run.
import type { Database } from '../../db/client.ts';
import { row, timed } from './machine.ts';

const BEIJING_BBOX = [115.42, 39.44, 117.5, 41.06] as const;

export async function run(db: Database, points = 20_000): Promise<void> {
  await db.exec(
    `DROP TABLE IF EXISTS bench_points; CREATE TEMP TABLE bench_points (id int, geom geometry(Point,4326))`,
  );
  // A deterministic spread over the city's bounding box (some fall outside the city on purpose).
  await db.query(
    `INSERT INTO bench_points
     SELECT i, ST_SetSRID(ST_MakePoint($1::float8 + ($3::float8 - $1::float8) * mod(i * 0.6180339887, 1)::float8, $2::float8 + ($4::float8 - $2::float8) * mod(i * 0.7548776662, 1)::float8), 4326)
     FROM generate_series(1, $5::int) i`,
    [...BEIJING_BBOX, points],
  );
  const fast = await timed(() =>
    db.query<{ n: number }>(
      `SELECT count(l.street_code)::int AS n FROM bench_points p CROSS JOIN LATERAL hotline_locate(p.geom) l`,
    ),
  );
  const naive = await timed(() =>
    db.query<{ n: number }>(
      `SELECT count(s)::int AS n FROM (SELECT
         (SELECT r.code FROM regions r WHERE r.level = 'street' AND ST_Covers(r.geom, p.geom) ORDER BY r.code LIMIT 1) AS s,
         (SELECT r.code FROM regions r WHERE r.level = 'grid' AND ST_Covers(r.geom, p.geom) ORDER BY r.code LIMIT 1) AS g
       FROM bench_points p) x`,
    ),
  );
  if (fast.value[0]!.n !== naive.value[0]!.n)
    throw new Error(`locate disagrees with baseline: ${fast.value[0]!.n} vs ${naive.value[0]!.n}`);
  row(
    `locate ${points.toLocaleString('en')} points (${db.engine})`,
    `${Math.round(points / (fast.ms / 1000)).toLocaleString('en')} pts/s`,
    `${fast.value[0]!.n} in a street`,
  );
  row(
    `  baseline: street + grid on whole polygons (${db.engine})`,
    `${Math.round(points / (naive.ms / 1000)).toLocaleString('en')} pts/s`,
    `${(naive.ms / fast.ms).toFixed(2)} × our time`,
  );
  await db.exec('DROP TABLE bench_points');
}
