// Importing a city package into a database: boundaries (and generated grid cells), taxonomy,
// policy, responsibility zones and the city's identity, all in one transaction — all or nothing.
// `check` runs the same import on a throw-away in-memory database and rolls it back.
import path from 'node:path';
import { openDatabase, type Database, type Queryable } from '../../db/client.ts';
import type { RegionLevel } from '../../db/schema.ts';
import { importRegionsIn, Rejected } from '../geo/importer.ts';
import { seedTaxonomy } from '../taxonomy/seed.ts';
import { importZonesIn } from '../zones/importer.ts';
import { generateH3Grid } from './grid.ts';
import { nameIn } from './manifest.ts';
import { readCityPackage, type CityPackage, type CityProblem } from './package.ts';
import { CITY_META_KEY, type StoredCity } from './stored.ts';

export interface CityImportReport {
  ok: boolean;
  /** The package's city code (null when its manifest could not be read). */
  city: string | null;
  /** What stops the import, each with file, feature and property. Empty when ok. */
  problems: CityProblem[];
  /** What was repaired or merely noted: invalid polygons fixed, gaps between published polygons. */
  warnings: CityProblem[];
  /** Rows written per level, categories and zones (what would be written, for a check). */
  counts: Record<RegionLevel, number> & { categories: number; departments: number; zones: number };
  /** True when nothing was meant to be kept (check). */
  dryRun: boolean;
}

export interface CityImportOptions {
  /** Check only: run the whole import and roll it back. */
  dryRun?: boolean;
}

const emptyCounts = (): CityImportReport['counts'] => ({
  district: 0,
  street: 0,
  community: 0,
  grid: 0,
  categories: 0,
  departments: 0,
  zones: 0,
});

class Refused extends Error {
  constructor(readonly problems: CityProblem[]) {
    super('city import refused');
  }
}
class DryRunDone extends Error {
  constructor(readonly report: CityImportReport) {
    super('dry run');
  }
}

async function importInto(tx: Queryable, pkg: CityPackage, dryRun: boolean): Promise<CityImportReport> {
  const m = pkg.manifest;
  const warnings: CityProblem[] = [];
  const [state] = await tx.query<{ tickets: number; city: string | null }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM tickets LIMIT 1) t)::int tickets,
            (SELECT value->'manifest'->>'code' FROM meta WHERE key = $1) city`,
    [CITY_META_KEY],
  );
  // A database from before city packages (regions and tickets, no stored city) takes its package in place.
  if (state.tickets > 0 && state.city !== null && state.city !== m.code)
    throw new Refused([
      {
        file: 'city.json',
        feature: null,
        property: 'code',
        message: `this database already holds tickets of ${state.city ? `city '${state.city}'` : 'another city'}; import '${m.code}' into an empty database`,
      },
    ]);
  // With tickets of this city already stored, regions are updated in place (tickets keep their codes).
  const replace = state.tickets === 0;
  const regionReport = await importRegionsIn(tx, pkg.regions, {
    crs: 'WGS84',
    replace,
    repair: true,
    source: `${path.basename(pkg.dir)} sha256:${pkg.sha256}`,
  }).catch((e) => {
    if (!(e instanceof Rejected)) throw e;
    throw new Refused(
      e.report.errors.map((err) => {
        const at = err.code ? pkg.origins.get(err.code) : undefined;
        return {
          file: at?.file ?? 'boundaries',
          feature: at?.feature ?? err.index,
          property: err.kind === 'invalid_properties' ? null : 'geometry',
          message: `${err.code ?? ''} ${err.kind}: ${err.message}`.trim(),
        };
      }),
    );
  });
  for (const r of regionReport.repairs) {
    const at = pkg.origins.get(r.code);
    warnings.push({
      file: at?.file ?? 'boundaries',
      feature: at?.feature ?? r.index,
      property: 'geometry',
      message: `${r.code} repaired (${r.reason}): ${r.result}`,
    });
  }
  for (const w of regionReport.warnings) {
    const at = pkg.origins.get(w.code);
    warnings.push({
      file: at?.file ?? 'boundaries',
      feature: at?.feature ?? null,
      property: 'geometry',
      message: w.message,
    });
  }
  const counts = { ...emptyCounts(), ...regionReport.counts };
  if (m.grid) {
    const existing = await tx.query<{ n: number }>(`SELECT count(*)::int n FROM regions WHERE level = 'grid'`);
    if (existing[0].n === 0) {
      const label = nameIn(
        m.levels.find((l) => l.level === 'grid')?.names ?? { local: m.locale === 'en' ? 'Grid' : '网格' },
        m.locale,
      );
      counts.grid = await generateH3Grid(tx, m.grid.h3Resolution, (_cell, n) => `${label} ${n}`);
    } else counts.grid = existing[0].n;
  }
  await seedTaxonomy(tx, pkg.taxonomy);
  counts.categories = pkg.taxonomy.categories.length;
  counts.departments = pkg.taxonomy.departments.length;
  if (pkg.zones) {
    const z = await importZonesIn(tx, pkg.zones.fc, {
      crs: pkg.zones.crs,
      replace: true,
      source: `${path.basename(pkg.dir)}/${m.zones!.file}`,
    });
    if (!z.ok)
      throw new Refused(
        z.errors.map((e) => ({
          file: m.zones!.file,
          feature: e.index,
          property:
            e.kind === 'unknown_category' ? 'appliesTo' : e.kind === 'unknown_department' ? 'departmentCode' : null,
          message: e.message,
        })),
      );
    counts.zones = z.zones;
  }
  const stored: StoredCity = {
    manifest: m,
    policy: pkg.policy,
    source: { dir: pkg.dir, sha256: pkg.sha256 },
    importedAt: new Date().toISOString(),
  };
  const put = (key: string, value: unknown) =>
    tx.query(
      `INSERT INTO meta (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  await put(CITY_META_KEY, stored);
  await put('city.time_zone', m.timeZone);
  await put('city.locate_tolerance_m', m.locateToleranceMeters);
  const report: CityImportReport = { ok: true, city: m.code, problems: [], warnings, counts, dryRun };
  if (dryRun) throw new DryRunDone(report);
  return report;
}

/** Imports the package in `dir` (all or nothing). The report lists every problem when it is refused. */
export async function importCityPackage(
  db: Database,
  dir: string,
  opts: CityImportOptions = {},
): Promise<CityImportReport> {
  const { pkg, problems } = readCityPackage(dir);
  const dryRun = !!opts.dryRun;
  if (!pkg) return { ok: false, city: null, problems, warnings: [], counts: emptyCounts(), dryRun };
  try {
    return await db.transaction((tx) => importInto(tx, pkg, dryRun));
  } catch (e) {
    if (e instanceof DryRunDone) return e.report;
    if (e instanceof Refused)
      return { ok: false, city: pkg.manifest.code, problems: e.problems, warnings: [], counts: emptyCounts(), dryRun };
    throw e;
  }
}

/** `npm run city -- check DIR`: the whole import on an in-memory database, rolled back; nothing else is touched. */
export async function checkCityPackage(dir: string): Promise<CityImportReport> {
  const { pkg, problems } = readCityPackage(dir);
  if (!pkg) return { ok: false, city: null, problems, warnings: [], counts: emptyCounts(), dryRun: true };
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  try {
    return await importCityPackage(db, dir, { dryRun: true });
  } finally {
    await db.close();
  }
}

/**
 * At start-up: the database keeps its city. Only a database without one (and without tickets)
 * takes the package in `dir` — the demo's city on a first `npm start`. Returns the report of an
 * import, or null when the stored city was kept.
 */
export async function ensureCityPackage(db: Database, dir: string): Promise<CityImportReport | null> {
  const stored = await db.query(`SELECT 1 FROM meta WHERE key = $1`, [CITY_META_KEY]);
  if (stored.length > 0) return null;
  const report = await importCityPackage(db, dir);
  if (!report.ok)
    throw new Error(
      `city package ${dir} could not be imported: ${formatProblems(report.problems).slice(0, 5).join('; ')}`,
    );
  return report;
}

/** One line per problem: "file, feature N, property: message". */
export function formatProblems(problems: CityProblem[]): string[] {
  return problems.map(
    (p) =>
      [p.file, p.feature === null ? null : `feature ${p.feature}`, p.property].filter(Boolean).join(', ') +
      `: ${p.message}`,
  );
}
