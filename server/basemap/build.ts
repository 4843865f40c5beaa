// The project's own base map: a PMTiles archive cut from the geography in the database (the
// city package's boundaries), in the Protomaps basemap schema (earth, boundaries, places) so the
// same style draws it and a real Protomaps extract. It holds no roads or water: the city package
// has none; a city that wants them sets BASEMAP_PMTILES to an extract (README "Base map").
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GeoJSONVT } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Queryable } from '../../db/client.ts';
import { writePmtiles, type TileInput } from './pmtiles.ts';

export const BASEMAP_MAX_ZOOM = 12;
const EXTENT = 4096;

type Geometry = { type: string; coordinates: unknown };
interface Feature {
  type: 'Feature';
  properties: Record<string, string | number>;
  geometry: Geometry;
}

/** The city's districts as land, district and street outlines, and district label points. */
export async function basemapLayers(db: Queryable): Promise<Record<string, Feature[]>> {
  const rows = await db.query<{
    level: string;
    code: string;
    name_zh: string;
    name_en: string;
    geom: string;
    line: string;
    label: string | null;
  }>(
    `SELECT level, code, name_zh, name_en,
            ST_AsGeoJSON(geom, 6) AS geom,
            ST_AsGeoJSON(ST_Boundary(geom), 6) AS line,
            ST_AsGeoJSON(COALESCE(label_point, ST_PointOnSurface(geom)), 6) AS label
       FROM regions WHERE level IN ('district', 'street') ORDER BY level, code`,
  );
  const earth: Feature[] = [];
  const boundaries: Feature[] = [];
  const places: Feature[] = [];
  for (const r of rows) {
    const district = r.level === 'district';
    if (district) earth.push({ type: 'Feature', properties: { kind: 'earth' }, geometry: JSON.parse(r.geom) });
    // Protomaps' admin levels: 4 a province, 6 a county/district, 8 a township/street.
    boundaries.push({
      type: 'Feature',
      properties: { kind: district ? 'county' : 'locality', kind_detail: district ? 6 : 8 },
      geometry: JSON.parse(r.line),
    });
    if (district && r.label)
      places.push({
        type: 'Feature',
        properties: {
          kind: 'locality',
          kind_detail: 'district',
          name: r.name_zh,
          'name:zh': r.name_zh,
          'name:en': r.name_en,
          min_zoom: 7,
        },
        geometry: JSON.parse(r.label),
      });
  }
  return { earth, boundaries, places };
}

const lon2x = (lon: number, z: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
const lat2y = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

function extentOf(layers: Record<string, Feature[]>): [number, number, number, number] {
  let [w, s, e, n] = [180, 90, -180, -90];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      w = Math.min(w, x!);
      e = Math.max(e, x!);
      s = Math.min(s, y!);
      n = Math.max(n, y!);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const fs of Object.values(layers)) for (const f of fs) visit(f.geometry.coordinates);
  return [w, s, e, n];
}

/** Cuts the layers into MVT tiles for zooms 0..maxZoom over their extent and writes the archive. */
export function buildArchive(layers: Record<string, Feature[]>, opts: { name: string; maxZoom?: number }): Buffer {
  const maxZoom = opts.maxZoom ?? BASEMAP_MAX_ZOOM;
  const bounds = extentOf(layers);
  if (bounds[0] > bounds[2]) throw new Error('no geography to draw a base map from');
  const indexes = Object.entries(layers).map(
    ([name, features]) =>
      [
        name,
        new GeoJSONVT({ type: 'FeatureCollection', features } as never, {
          maxZoom,
          indexMaxZoom: 5,
          extent: EXTENT,
          buffer: 64,
          tolerance: 3,
        }),
      ] as const,
  );
  const tiles: TileInput[] = [];
  for (let z = 0; z <= maxZoom; z++) {
    for (let x = lon2x(bounds[0], z); x <= lon2x(bounds[2], z); x++)
      for (let y = lat2y(bounds[3], z); y <= lat2y(bounds[1], z); y++) {
        const present: Record<string, NonNullable<ReturnType<GeoJSONVT['getTile']>>> = {};
        for (const [name, index] of indexes) {
          const tile = index.getTile(z, x, y);
          if (tile && tile.features.length) present[name] = tile;
        }
        if (Object.keys(present).length)
          tiles.push({ z, x, y, data: fromGeojsonVt(present, { version: 2, extent: EXTENT }) });
      }
  }
  const fields = (keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, k === 'kind_detail' || k === 'min_zoom' ? 'Number' : 'String']));
  return writePmtiles(tiles, {
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, Math.min(9, maxZoom)],
    metadata: {
      name: opts.name,
      type: 'baselayer',
      description: 'City boundaries from the city package, in the Protomaps basemap schema',
      attribution: 'City package boundaries',
      vector_layers: [
        { id: 'earth', fields: fields(['kind']), minzoom: 0, maxzoom: maxZoom },
        { id: 'boundaries', fields: fields(['kind', 'kind_detail']), minzoom: 0, maxzoom: maxZoom },
        {
          id: 'places',
          fields: fields(['kind', 'kind_detail', 'name', 'name:zh', 'name:en', 'min_zoom']),
          minzoom: 0,
          maxzoom: maxZoom,
        },
      ],
    },
  });
}

/**
 * The default archive: .data/basemap/<city>-<fingerprint>.pmtiles, built from the database's
 * geography when missing (a re-imported geography gets a new fingerprint, so a new file).
 */
export async function ensureCityBasemap(
  db: Queryable,
  dir: string,
  cityCode: string,
): Promise<{ file: string; built: boolean }> {
  const layers = await basemapLayers(db);
  const fingerprint = createHash('sha1').update(JSON.stringify(layers)).digest('hex').slice(0, 12);
  const file = path.join(dir, `${cityCode.replace(/[^\w-]/g, '_')}-${fingerprint}.pmtiles`);
  if (fs.existsSync(file)) return { file, built: false };
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, buildArchive(layers, { name: cityCode }));
  fs.renameSync(tmp, file);
  return { file, built: true };
}
