// Which city the demo is generated for, read from the database: its taxonomy (the tables the city
// package importer seeded), its zone and policy (meta 'city', the imported package's manifest and
// policy), and its demo profile (demo.json in the package folder). Arguments override each part.
import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../../db/client.ts';
import type { UrgencyClass } from '../../db/schema.ts';
import { CITY_META_KEY, type StoredCity } from '../city/stored.ts';
import { DEFAULT_POLICY, parsePolicy, type Policy } from '../policy/index.ts';
import type { Category, Department, Taxonomy } from '../taxonomy/schema.ts';
import type { DemoLocale } from './people.ts';
import { CITIES_DIR, PROFILE_FILE, readDemoProfile, type DemoProfile } from './profile.ts';

export interface DemoCityOptions {
  /** The demo profile to use; null for none (defaults from the taxonomy); omitted: the city package's demo.json. */
  profile?: DemoProfile | null;
  timeZone?: string;
  policy?: Policy;
  taxonomy?: Taxonomy;
}

export interface DemoCity {
  /** The package code (manifest.code), or null when the database holds no city package. */
  code: string | null;
  taxonomy: Taxonomy;
  timeZone: string;
  policy: Policy;
  profile: DemoProfile | null;
  /** The demo.json the profile was read from; null when passed in or absent. */
  profileFile: string | null;
  /** The city's own language (manifest locale), for a profile that does not name one. */
  locale: DemoLocale | undefined;
}

export class NoTaxonomyError extends Error {
  constructor() {
    super(
      'no categories in the database: import a city package first (npm run city -- import DIR, or npm run demo -- --city DIR on an empty database), ' +
        'which seeds its taxonomy — the demo only generates tickets in the city’s own categories',
    );
  }
}

/** The taxonomy as the database holds it (categories, their groups and departments), by code. */
export async function loadTaxonomy(db: Queryable): Promise<Taxonomy> {
  const groups = await db.query<{ code: string; name_zh: string; name_en: string }>(
    `SELECT code, name_zh, name_en FROM category_groups ORDER BY code`,
  );
  const departments = await db.query<{ code: string; kind: Department['kind']; name_zh: string; name_en: string }>(
    `SELECT code, kind, name_zh, name_en FROM departments ORDER BY code`,
  );
  const categories = await db.query<{
    code: string;
    group_code: string;
    name_zh: string;
    name_en: string;
    urgency: UrgencyClass;
    department_code: string | null;
    parallel: boolean;
    respond_minutes: number | null;
    resolve_minutes: number | null;
  }>(
    `SELECT code, group_code, name_zh, name_en, urgency, department_code, parallel, respond_minutes, resolve_minutes FROM categories ORDER BY code`,
  );
  return {
    groups: groups.map((g) => ({ code: g.code, nameZh: g.name_zh, nameEn: g.name_en })),
    departments: departments.map((d) => ({ code: d.code, kind: d.kind, nameZh: d.name_zh, nameEn: d.name_en })),
    categories: categories.map((c) => {
      const out: Category = {
        code: c.code,
        groupCode: c.group_code,
        nameZh: c.name_zh,
        nameEn: c.name_en,
        urgency: c.urgency,
        departmentCode: c.department_code,
        parallel: c.parallel,
      };
      if (c.respond_minutes !== null) out.respondWithin = Number(c.respond_minutes);
      if (c.resolve_minutes !== null) out.resolveWithin = Number(c.resolve_minutes);
      return out;
    }),
  } as Taxonomy;
}

async function metaValue<T>(db: Queryable, key: string): Promise<T | null> {
  const rows = await db.query<{ value: T | string }>(`SELECT value FROM meta WHERE key = $1`, [key]);
  if (rows.length === 0) return null;
  const v = rows[0].value;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as T;
  } catch {
    return v as T;
  }
}

const localeOf = (l: string | undefined): DemoLocale | undefined =>
  l === undefined ? undefined : l.startsWith('zh') ? 'zh' : 'en';

interface Package {
  dir: string;
  code: string | null;
  timeZone: string | null;
  locale: DemoLocale | undefined;
  policy: unknown;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * A database that holds a taxonomy but no city package (one seeded by hand, or by an older
 * version): the bundled package whose taxonomy has exactly these categories, if one does.
 */
function bundledPackageFor(taxonomy: Taxonomy): Package | null {
  if (!fs.existsSync(CITIES_DIR)) return null;
  const codes = taxonomy.categories
    .map((c) => c.code)
    .sort()
    .join('\n');
  for (const name of fs.readdirSync(CITIES_DIR).sort()) {
    const dir = path.join(CITIES_DIR, name);
    try {
      const manifest = readJson(path.join(dir, 'city.json')) as {
        code?: string;
        timeZone?: string;
        locale?: string;
        taxonomy?: string;
        policy?: string;
      };
      const tax = readJson(path.join(dir, manifest.taxonomy ?? 'taxonomy.json')) as { categories?: { code: string }[] };
      const theirs = (tax.categories ?? [])
        .map((c) => c.code)
        .sort()
        .join('\n');
      if (theirs !== codes) continue;
      const policyFile = path.join(dir, manifest.policy ?? 'policy.json');
      return {
        dir,
        code: manifest.code ?? name,
        timeZone: manifest.timeZone ?? null,
        locale: localeOf(manifest.locale),
        policy: fs.existsSync(policyFile) ? readJson(policyFile) : {},
      };
    } catch {
      continue; // not a package (or a broken one): not ours to judge here
    }
  }
  return null;
}

/**
 * The taxonomy in its package file's order: units draw their performance one after another, so
 * the order decides who gets which draw, and table order is arbitrary. Rows the file lacks go last, by code.
 */
function inPackageOrder(taxonomy: Taxonomy, dir: string | null): Taxonomy {
  if (!dir) return taxonomy;
  let file: { departments?: { code: string }[]; categories?: { code: string }[]; groups?: { code: string }[] };
  try {
    const manifest = readJson(path.join(dir, 'city.json')) as { taxonomy?: string };
    file = readJson(path.join(dir, manifest.taxonomy ?? 'taxonomy.json')) as typeof file;
  } catch {
    return taxonomy;
  }
  const order = <T extends { code: string }>(rows: readonly T[], listed: { code: string }[] | undefined): T[] => {
    const at = new Map((listed ?? []).map((r, i) => [r.code, i]));
    return [...rows].sort(
      (a, b) =>
        (at.get(a.code) ?? Infinity) - (at.get(b.code) ?? Infinity) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
  };
  return {
    groups: order(taxonomy.groups, file.groups),
    departments: order(taxonomy.departments, file.departments),
    categories: order(taxonomy.categories, file.categories),
  };
}

/** The demo profile of a stored city: demo.json in the folder it was imported from, else in data/cities/<code>. */
function profileDirs(stored: StoredCity): string[] {
  const dirs: string[] = [];
  if (stored.source?.dir) dirs.push(path.resolve(stored.source.dir));
  dirs.push(path.join(CITIES_DIR, stored.manifest.code));
  return dirs;
}

export async function resolveDemoCity(db: Queryable, opts: DemoCityOptions = {}): Promise<DemoCity> {
  const loaded = opts.taxonomy ?? (await loadTaxonomy(db));
  if (loaded.categories.length === 0) throw new NoTaxonomyError();
  const stored = await metaValue<StoredCity>(db, CITY_META_KEY);
  const storedZone = stored ? null : await metaValue<string>(db, 'city.time_zone');
  const bundled = stored ? null : bundledPackageFor(loaded);
  const packageDir = stored
    ? (profileDirs(stored).find((d) => fs.existsSync(path.join(d, 'city.json'))) ?? null)
    : (bundled?.dir ?? null);
  const taxonomy = opts.taxonomy ?? inPackageOrder(loaded, packageDir);

  const timeZone =
    opts.timeZone ??
    stored?.manifest.timeZone ??
    bundled?.timeZone ??
    storedZone ??
    opts.policy?.timeZone ??
    DEFAULT_POLICY.timeZone;
  const policy = opts.policy
    ? { ...opts.policy, timeZone }
    : stored
      ? parsePolicy({ ...(stored.policy ?? {}), timeZone })
      : bundled
        ? parsePolicy({ ...(bundled.policy as object), timeZone })
        : { ...DEFAULT_POLICY, timeZone };

  let profile: DemoProfile | null = null;
  let profileFile: string | null = null;
  if (opts.profile !== undefined) profile = opts.profile;
  else {
    const dirs = stored ? profileDirs(stored) : bundled ? [bundled.dir] : [];
    const dir = dirs.find((d) => fs.existsSync(path.join(d, PROFILE_FILE)));
    if (dir) {
      profile = readDemoProfile(dir);
      profileFile = path.relative(process.cwd(), path.join(dir, PROFILE_FILE)) || PROFILE_FILE;
    }
  }
  return {
    code: stored?.manifest.code ?? bundled?.code ?? null,
    taxonomy,
    timeZone,
    policy,
    profile,
    profileFile,
    locale: stored ? localeOf(stored.manifest.locale) : bundled?.locale,
  };
}
