// npm run geo:build — writes data/cities/beijing/regions.geojson from the raw inputs in data/geo/source.
// Districts are real (coarse) outlines; streets and grids are SYNTHETIC partitions carrying real
// names and codes (see data/README.md, "Geography"). Deterministic: same bytes on every run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gcoord from 'gcoord';
import { openDatabase, type Database, type Queryable } from '../../db/client.ts';
import {
  bboxOf,
  containsPoint,
  densityMass,
  mulberry32,
  pinyinName,
  toKm,
  toLonLat,
  voronoiCells,
  weightedSeeds,
  type MultiPolygon,
  type Position,
} from './synth.ts';
import { importRegions, type RegionFeature } from './importer.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.join(HERE, 'source');
export const BEIJING_GEOJSON = path.join(HERE, '..', 'cities', 'beijing', 'regions.geojson');

const SEED = 20_250_101;
/** Total management grid cells aimed at; the per-street counts are rounded, so the result is close. */
const GRID_TARGET = 4000;
const MIN_GRIDS_PER_STREET = 3;
/**
 * The few townships whose place is certain without boundary data: 首都机场街道 is Chaoyang's
 * exclave around Capital Airport (inside Shunyi), so it gets the cell on that exclave.
 */
const ANCHORS: Record<string, Position> = { '110105043': [116.5908, 40.0738] };
/** Detached district pieces smaller than this are snapping debris from the 1/1024° source grid. */
const DEBRIS_M2 = 100_000;

interface Cell {
  domain: string;
  geom: MultiPolygon; // lon/lat, full precision
  centroid: Position;
}

function readCsv(file: string): Record<string, string>[] {
  const text = fs.readFileSync(path.join(SOURCE, file), 'utf8').replace(/^\uFEFF/, '');
  const [head, ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string) => [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[2] ?? m[1]);
  const cols = split(head);
  return lines.map((l) => Object.fromEntries(split(l).map((v, i) => [cols[i], v])));
}

/** FNV-1a, so each domain gets its own PRNG stream and one change does not reshuffle the rest. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h;
}

const mapCoords = (g: unknown, f: (p: Position) => Position): unknown =>
  typeof (g as unknown[])[0] === 'number' ? f(g as Position) : (g as unknown[]).map((c) => mapCoords(c, f));

const multi = (g: { type: string; coordinates: unknown }): MultiPolygon =>
  (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MultiPolygon;

/**
 * Districts: GCJ-02 → WGS-84, ST_MakeValid, then made into a clean coverage. The outlines were
 * simplified one by one, so neighbours overlap and leave gaps (each < 0.2 km²); we node all
 * boundaries together, polygonise, give every face to one district (overlaps to the lower code,
 * gaps to the neighbour sharing the longest border) and drop detached debris. Neighbours then
 * share exactly the same vertices, which the street and grid tiling depends on.
 */
async function buildDistricts(db: Database) {
  const src = JSON.parse(fs.readFileSync(path.join(SOURCE, 'beijing-districts.gcj02.geojson'), 'utf8')) as {
    features: { properties: { adcode: number }; geometry: { type: string; coordinates: unknown } }[];
  };
  const rows = src.features.map((f) => ({
    code: String(f.properties.adcode),
    g: {
      type: f.geometry.type,
      coordinates: mapCoords(
        f.geometry.coordinates,
        (p) => gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as Position,
      ),
    },
  }));
  await db.query(
    `CREATE TEMP TABLE d_src AS SELECT e->>'code' code, ST_SetSRID(ST_GeomFromGeoJSON(e->>'g'),4326) raw FROM json_array_elements($1::json) e`,
    [JSON.stringify(rows)],
  );
  const repairs = await db.query<{ code: string; reason: string }>(
    `SELECT code, ST_IsValidReason(raw) reason FROM d_src WHERE NOT ST_IsValid(raw) ORDER BY code`,
  );
  await db.exec(`
    CREATE TEMP TABLE d_fixed AS SELECT code, ST_CollectionExtract(ST_MakeValid(raw),3) g FROM d_src;
    CREATE TEMP TABLE d_face AS
      SELECT f.path[1] id, f.geom g,
             (SELECT min(code) FROM d_fixed d WHERE ST_Intersects(d.g, ST_PointOnSurface(f.geom))) owner,
             (SELECT count(*) FROM d_fixed d WHERE ST_Intersects(d.g, ST_PointOnSurface(f.geom)))::int n,
             1 rk
      FROM ST_Dump((SELECT ST_Polygonize(ARRAY[ST_UnaryUnion(ST_Collect(ST_Boundary(g)), 1e-6)]) FROM d_fixed)) f`);
  const fixes = (
    await db.query<{ overlap_km2: number; gap_km2: number }>(
      `SELECT coalesce(sum(ST_Area(g::geography)) FILTER (WHERE n > 1), 0)/1e6 overlap_km2,
            coalesce(sum(ST_Area(g::geography)) FILTER (WHERE n = 0), 0)/1e6 gap_km2 FROM d_face`,
    )
  )[0];
  await giveToLongestNeighbour(db, 'd_face', 'p.owner IS NULL');
  await db.query(`
    CREATE TEMP TABLE d_part AS
      SELECT owner, p.geom g, ST_Area(p.geom::geography) m2,
             rank() OVER (PARTITION BY owner ORDER BY ST_Area(p.geom) DESC) rk
      FROM (SELECT owner, ST_Union(g) g FROM d_face GROUP BY owner) u, ST_Dump(u.g) p`);
  // Debris touching another district goes to it; debris on the city edge is dropped.
  await giveToLongestNeighbour(db, 'd_part', `p.rk > 1 AND p.m2 < ${DEBRIS_M2}`);
  const dropped = (
    await db.query<{ m2: number }>(`SELECT coalesce(sum(m2),0) m2 FROM d_part WHERE rk > 1 AND m2 < ${DEBRIS_M2}`)
  )[0];
  await db.query(`DELETE FROM d_part WHERE rk > 1 AND m2 < ${DEBRIS_M2}`);
  const districts = await db.query<{ code: string; g: string }>(
    `SELECT owner code, ST_AsGeoJSON(ST_Multi(ST_Union(g)), 15) g FROM d_part GROUP BY owner ORDER BY owner`,
  );
  return {
    districts: districts.map((d) => ({ code: d.code, geom: multi(JSON.parse(d.g)) })),
    repairs,
    fixes,
    droppedKm2: dropped.m2 / 1e6,
  };
}

/**
 * Reassigns pieces of table(owner, g, rk) matching `which` to the owner of the touching non-debris
 * row that shares the longest border; repeats while pieces only touch other pieces. Moved pieces
 * get rk = 1 so they are no longer debris.
 */
async function giveToLongestNeighbour(db: Queryable, table: string, which: string) {
  for (let round = 0; round < 10; round++) {
    const moved = await db.query<{ n: number }>(`
      WITH pick AS (
        SELECT DISTINCT ON (p.ctid) p.ctid pid, o.owner
        FROM ${table} p JOIN ${table} o ON o.g && p.g AND o.owner IS DISTINCT FROM p.owner AND o.owner IS NOT NULL AND o.rk = 1
        WHERE ${which} AND ST_Length(ST_Intersection(ST_Boundary(p.g), o.g)) > 0
        ORDER BY p.ctid, ST_Length(ST_Intersection(ST_Boundary(p.g), o.g)) DESC, o.owner
      ), upd AS (
        UPDATE ${table} t SET owner = pick.owner, rk = 1 FROM pick WHERE t.ctid = pick.pid RETURNING 1
      ) SELECT count(*)::int n FROM upd`);
    if (moved[0].n === 0) return;
  }
}

/**
 * Splits each domain (a district, or a street) into n cells. Seeds are core-weighted and relaxed
 * (synth.ts); their Voronoi edges, clipped to each domain, are noded together with every domain
 * boundary in one snap-rounded pass on the 1e-6° grid and polygonised. So every region of every
 * level is a union of the same faces: neighbours share identical vertices, children tile their
 * parent exactly, and rounding to 6 decimals cannot break validity. A cell piece cut off by a
 * concave bay joins the neighbour it shares most border with, so no cell is a scatter of slivers.
 * Leaves table p_face(domain, owner, g): the faces and the cell (owner) each belongs to.
 */
async function partition(db: Database, domains: { code: string; geom: MultiPolygon; n: number }[]): Promise<Cell[]> {
  const cells: { domain: string; idx: number; ring: Position[] }[] = [];
  for (const d of domains) {
    const km = d.geom.map((p) => p.map((r) => r.map(toKm)));
    const seeds = weightedSeeds(km, d.n, mulberry32(SEED ^ hash(d.code)));
    voronoiCells(seeds, bboxOf(km, 1)).forEach((ring, idx) =>
      cells.push({ domain: d.code, idx, ring: ring.map(toLonLat) }),
    );
  }
  await db.exec(`DROP TABLE IF EXISTS p_dom, p_cell, p_face`);
  await db.query(
    `CREATE TEMP TABLE p_dom AS SELECT e->>'code' code, ST_SetSRID(ST_GeomFromGeoJSON(e->>'g'),4326) g FROM json_array_elements($1::json) e`,
    [JSON.stringify(domains.map((d) => ({ code: d.code, g: { type: 'MultiPolygon', coordinates: d.geom } })))],
  );
  await db.query(
    `CREATE TEMP TABLE p_cell AS SELECT e->>'domain' domain, (e->>'idx')::int idx,
       ST_SetSRID(ST_MakePolygon(ST_GeomFromGeoJSON(json_build_object('type','LineString','coordinates',e->'ring')::text)),4326) g
     FROM json_array_elements($1::json) e`,
    [JSON.stringify(cells)],
  );
  await db.exec(`
    CREATE INDEX ON p_dom USING gist (g);
    CREATE INDEX ON p_cell USING gist (g);
    CREATE TEMP TABLE p_face AS
      WITH lines AS (
        SELECT ST_Boundary(g) l FROM p_dom
        UNION ALL
        SELECT ST_CollectionExtract(ST_Intersection(ST_Boundary(c.g), d.g), 2) FROM p_cell c JOIN p_dom d ON d.code = c.domain
      )
      SELECT f.geom g, ST_PointOnSurface(f.geom) pos, ST_Area(f.geom) a, NULL::text domain, NULL::int owner, NULL::int rk
      FROM ST_Dump((SELECT ST_Polygonize(ARRAY[ST_UnaryUnion(ST_Collect(l), 1e-6)]) FROM lines)) f;
    CREATE INDEX ON p_face USING gist (g);
    UPDATE p_face f SET domain = (SELECT min(code) FROM p_dom d WHERE ST_Intersects(d.g, f.pos));
    DELETE FROM p_face WHERE domain IS NULL;
    UPDATE p_face f SET owner = (SELECT min(idx) FROM p_cell c WHERE c.domain = f.domain AND ST_Intersects(c.g, f.pos));
    UPDATE p_face f SET rk = r.rk FROM (SELECT ctid, rank() OVER (PARTITION BY domain, owner ORDER BY a DESC) rk FROM p_face) r WHERE r.ctid = f.ctid;
    WITH pick AS (
      SELECT DISTINCT ON (p.ctid) p.ctid pid, o.owner
      FROM p_face p JOIN p_face o ON o.domain = p.domain AND o.owner <> p.owner AND o.rk = 1 AND o.g && p.g
      WHERE p.rk > 1 AND ST_Length(ST_Intersection(ST_Boundary(p.g), o.g)) > 0
      ORDER BY p.ctid, ST_Length(ST_Intersection(ST_Boundary(p.g), o.g)) DESC, o.owner
    ) UPDATE p_face t SET owner = pick.owner FROM pick WHERE t.ctid = pick.pid;`);
  const rows = await db.query<{ domain: string; g: string; c: string }>(`
    SELECT domain, ST_AsGeoJSON(ST_Multi(ST_Union(g)), 15) g, ST_AsGeoJSON(ST_Centroid(ST_Union(g)), 15) c
    FROM p_face GROUP BY domain, owner ORDER BY domain, owner`);
  const out: Cell[] = rows.map((r) => ({
    domain: r.domain,
    geom: multi(JSON.parse(r.g)),
    centroid: JSON.parse(r.c).coordinates,
  }));
  for (const d of domains) {
    const got = out.filter((c) => c.domain === d.code).length;
    if (got !== d.n) throw new Error(`domain ${d.code}: ${got} cells instead of ${d.n}`);
  }
  return out;
}

const TOWNSHIP_RANK = (name: string) =>
  name.endsWith('街道') ? 0 : name.endsWith('地区') ? 1 : name.endsWith('镇') ? 2 : 3;
const distKm = (p: Position) => Math.hypot(...toKm(p));

/** Rounds to 6 decimals (~0.1 m) and drops vertices that rounding made repeat; exterior rings CCW per RFC 7946. */
function roundGeom(mp: MultiPolygon): MultiPolygon {
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  return mp.map((poly) =>
    poly.map((ring, i) => {
      const out: Position[] = [];
      for (const [x, y] of ring) {
        const p: Position = [r(x), r(y)];
        const last = out[out.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
      }
      let s = 0;
      for (let k = 0; k + 1 < out.length; k++) s += out[k][0] * out[k + 1][1] - out[k + 1][0] * out[k][1];
      return (i === 0) === s > 0 ? out : out.reverse();
    }),
  );
}

export async function buildBeijing(): Promise<{
  fc: { type: 'FeatureCollection'; features: RegionFeature[] };
  log: string[];
}> {
  const log: string[] = [];
  // Always PGlite, even with DATABASE_URL set: the bytes depend on the GEOS build doing the overlays.
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://', migrate: false });
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    const townships = readCsv('beijing-townships.csv');
    const population = new Map(readCsv('beijing-district-population-2020.csv').map((r) => [r.CODE, Number(r.POPU)]));
    const byCode = new Map(townships.map((t) => [t.id, t]));

    const { districts, repairs, fixes, droppedKm2 } = await buildDistricts(db);
    log.push(`districts repaired with ST_MakeValid: ${repairs.map((r) => `${r.code} (${r.reason})`).join('; ')}`);
    log.push(
      `coverage cleaned: ${fixes.overlap_km2.toFixed(3)} km² of overlaps resolved, ${fixes.gap_km2.toFixed(3)} km² of gaps filled, ${droppedKm2.toFixed(4)} km² of edge debris dropped`,
    );

    const streetsOf = (code: string) =>
      townships
        .filter((t) => t.deep === '3' && t.pid === code)
        .sort((a, b) => TOWNSHIP_RANK(a.ext_name) - TOWNSHIP_RANK(b.ext_name) || a.id.localeCompare(b.id));
    const streetCells = await partition(
      db,
      districts.map((d) => ({ ...d, n: streetsOf(d.code).length })),
    );
    // Urban 街道 first, nearest the core; 地区, 镇 and 乡 further out: plausible, still invented.
    const streets = districts.flatMap((d) => {
      const cells = streetCells
        .filter((c) => c.domain === d.code)
        .sort((a, b) => distKm(a.centroid) - distKm(b.centroid));
      const named: { t: Record<string, string>; cell: Cell }[] = [];
      const free = streetsOf(d.code).filter((t) => {
        const anchor = ANCHORS[t.id];
        const at = anchor ? cells.findIndex((c) => containsPoint(c.geom, anchor)) : -1;
        if (at >= 0) named.push({ t, cell: cells.splice(at, 1)[0] });
        return at < 0;
      });
      named.push(...free.map((t, i) => ({ t, cell: cells[i] })));
      return named.sort((a, b) => a.t.id.localeCompare(b.t.id));
    });

    // Grid counts: density mass of each street, scaled so the total lands near GRID_TARGET.
    const masses = streets.map((s) =>
      densityMass(
        s.cell.geom.map((p) => p.map((r) => r.map(toKm))),
        mulberry32(SEED ^ hash(`m${s.t.id}`)),
      ),
    );
    const countsFor = (k: number) => masses.map((m) => Math.max(MIN_GRIDS_PER_STREET, Math.round(k * m)));
    let [lo, hi] = [0, 1e4];
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (countsFor(mid).reduce((a, b) => a + b, 0) < GRID_TARGET) lo = mid;
      else hi = mid;
    }
    const gridCounts = countsFor(hi);
    const gridCells = await partition(
      db,
      streets.map((s, i) => ({ code: s.t.id, geom: s.cell.geom, n: gridCounts[i] })),
    );

    // Final outlines of streets and districts are unions of the grid faces, so all levels share vertices.
    const finalStreets = new Map(
      (
        await db.query<{ code: string; g: string }>(
          `SELECT domain code, ST_AsGeoJSON(ST_Multi(ST_Union(g)), 15) g FROM p_face GROUP BY domain`,
        )
      ).map((r) => [r.code, multi(JSON.parse(r.g))]),
    );
    const finalDistricts = new Map(
      (
        await db.query<{ code: string; g: string }>(
          `SELECT sp.parent code, ST_AsGeoJSON(ST_Multi(ST_Union(f.g)), 15) g
           FROM p_face f JOIN (SELECT e->>0 code, e->>1 parent FROM json_array_elements($1::json) e) sp ON sp.code = f.domain
           GROUP BY sp.parent`,
          [JSON.stringify(streets.map((s) => [s.t.id, s.t.pid]))],
        )
      ).map((r) => [r.code, multi(JSON.parse(r.g))]),
    );

    const features: RegionFeature[] = [];
    const feature = (props: RegionFeature['properties'], geom: MultiPolygon): RegionFeature => ({
      type: 'Feature',
      properties: props,
      geometry: { type: 'MultiPolygon', coordinates: roundGeom(geom) },
    });
    for (const d of districts) {
      const t = byCode.get(d.code)!;
      features.push(
        feature(
          {
            level: 'district',
            code: d.code,
            nameZh: t.ext_name,
            nameEn: `${pinyinName(t.pinyin)} District`,
            parentCode: null,
            population: population.get(d.code) ?? null,
            synthetic: false,
          },
          finalDistricts.get(d.code)!,
        ),
      );
    }
    for (const { t } of streets) {
      features.push(
        feature(
          {
            level: 'street',
            code: t.id,
            nameZh: t.ext_name,
            nameEn: pinyinName(t.pinyin),
            parentCode: t.pid,
            population: null,
            synthetic: true,
          },
          finalStreets.get(t.id)!,
        ),
      );
    }
    for (const { t } of streets) {
      const cells = gridCells.filter((c) => c.domain === t.id);
      // Number grids in reading order: bands north to south, west to east within a band.
      const lats = cells.map((c) => c.centroid[1]);
      const band = (Math.max(...lats) - Math.min(...lats)) / Math.max(1, Math.round(Math.sqrt(cells.length))) || 1;
      const top = Math.max(...lats);
      const key = (c: Cell) => Math.floor((top - c.centroid[1]) / band + 1e-9);
      cells.sort((a, b) => key(a) - key(b) || a.centroid[0] - b.centroid[0]);
      cells.forEach((c, i) => {
        const n = i + 1;
        features.push(
          feature(
            {
              level: 'grid',
              code: `${t.id}G${String(n).padStart(3, '0')}`,
              nameZh: `${t.ext_name}第${n}网格`,
              nameEn: `${pinyinName(t.pinyin)} Grid ${n}`,
              parentCode: t.id,
              population: null,
              synthetic: true,
            },
            c.geom,
          ),
        );
      });
    }
    log.push(`features: ${districts.length} districts, ${streets.length} streets, ${gridCells.length} grids`);
    return { fc: { type: 'FeatureCollection', features }, log };
  } finally {
    await db.close();
  }
}

/** One feature per line: readable diffs, and the same bytes for the same input. */
export function serialise(fc: { features: RegionFeature[] }): string {
  return `{"type":"FeatureCollection","features":[\n${fc.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const { fc, log } = await buildBeijing();
  const text = serialise(fc);
  fs.writeFileSync(BEIJING_GEOJSON, text);
  const built = performance.now();
  for (const l of log) console.log(l);
  console.log(
    `wrote ${path.relative(process.cwd(), BEIJING_GEOJSON)} (${(text.length / 1e6).toFixed(2)} MB) in ${((built - t0) / 1000).toFixed(1)} s`,
  );
  // Self-check: the output must pass the same importer a real city's file goes through.
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  try {
    const t1 = performance.now();
    const report = await importRegions(db, JSON.parse(text), { crs: 'WGS84', replace: true });
    console.log(
      `self-check import: ${report.ok ? 'ok' : 'FAILED'} in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
      report.ok ? report.counts : report.errors.slice(0, 20),
    );
    if (!report.ok) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
