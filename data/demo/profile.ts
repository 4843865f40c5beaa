// A city's demo profile: data/cities/<city>/demo.json, optional. It says what a plausible year of
// that city's hotline looks like — category shares, seasonal curves, time of day, channels and the
// coordinate system each reports in, the city core, the language of names and addresses, and what
// the planted hotspots and clusters are about. Everything is optional: without a profile (or for
// what it leaves out) the demo takes its defaults from the taxonomy alone (shares by urgency, no
// season, phone/web/app in WGS-84, themes from the most common categories).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CHANNELS, SOURCE_CRS, type UrgencyClass } from '../../db/schema.ts';
import type { Category, Taxonomy } from '../taxonomy/schema.ts';
import type { Position } from './geometry.ts';
import {
  DEFAULT_CHANNELS,
  KIND_PROFILES,
  KIND_SHARES,
  MIX_BY_URGENCY,
  type CategoryMix,
  type ChannelShare,
  type KindProfile,
} from './mix.ts';
import { readDescriptions, type DescriptionVocab } from './descriptions.ts';
import { DEMO_LOCALES, peopleFor, type DemoLocale, type People } from './people.ts';
import { curveSchema, DIURNAL, FLAT_SEASON, seasonTable, WEEKDAY_FACTOR, type SeasonTable } from './seasons.ts';
import { HOTSPOT_PATTERNS, type HotspotPattern } from './truth.ts';

/** The folder of bundled city packages (data/cities). */
export const CITIES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cities');
export const PROFILE_FILE = 'demo.json';

const categoryCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'a category code such as "noise.residential"');
const factor = z.number().min(0);
/** A curve by name (from `seasons`, or "flat") or written in place. */
const seasonRef = z.union([z.string().min(1), curveSchema]);

const mixSchema = z
  .object({
    /** Relative yearly share; only ratios matter. 0 = never generated. */
    share: factor.optional(),
    season: seasonRef.optional(),
    /** A time-of-day shape: day, office, evening, night, heating, round_the_clock, or one of `diurnal`. */
    diurnal: z.string().min(1).optional(),
    /** Mix of ticket kinds: problem, policy (mostly consultations), enforcement (reports), urgent (help). */
    kinds: z.enum(KIND_PROFILES).optional(),
    /** Grid workers find it on patrol (needs patrolShare > 0). */
    patrol: z.boolean().optional(),
    /** Multiplies the chance a unit solves it (historic problems resist): 0–1.5. */
    solvability: z.number().min(0).max(1.5).optional(),
  })
  .strict();
export type MixInput = z.infer<typeof mixSchema>;

const themeSchema = z.object({ story: z.string().min(1), categories: z.array(categoryCode).min(1) }).strict();

const clusterSchema = z
  .object({
    story: z.string().min(1),
    category: categoryCode,
    season: seasonRef.default('flat'),
    /** Calendar months (1–12) in which it recurs. */
    months: z.array(z.number().int().min(1).max(12)).min(1).default([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    weekdaysOnly: z.boolean().default(false),
    /** Planted tickets as a share of the demo's total, and at least `min`. */
    share: z.number().positive().max(0.05),
    min: z.number().int().min(0),
  })
  .strict();

export const demoProfileSchema = z
  .object({
    $schema: z.string().optional(),
    /** A note for people reading the file. */
    description: z.string().optional(),
    /** Language of caller names, addresses and descriptions; default: the city manifest's locale. */
    locale: z.enum(DEMO_LOCALES).optional(),
    /** [lon, lat] WGS-84 of the city core (demand per resident rises toward it); default: the population-weighted centroid of the districts, else the centre of the map. */
    core: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).optional(),
    /** Demand multipliers by region code (street or district), e.g. parks and airports that hold few residents. */
    regionWeights: z.record(z.string().min(1), factor).default({}),
    /** Citizen channels with their shares and the CRS their points arrive in. */
    channels: z
      .array(
        z
          .object({
            channel: z.enum(CHANNELS).exclude(['grid']),
            share: factor,
            crs: z.enum(SOURCE_CRS).default('WGS84'),
          })
          .strict(),
      )
      .min(1)
      .optional(),
    /** Share of a patrol category's tickets filed by grid workers (channel "grid"); 0 for a city without them. */
    patrolShare: z.number().min(0).max(1).default(0),
    /** Relative demand per weekday, Sunday first. */
    weekday: z.array(factor).length(7).optional(),
    /** Extra time-of-day shapes: 24 relative values, local hour 0 first. */
    diurnal: z.record(z.string().min(1), z.array(factor).length(24)).default({}),
    /** Named seasonal curves the categories, groups and clusters refer to. */
    seasons: z.record(z.string().min(1), curveSchema).default({}),
    /** For every category, under its group's entry and its own. */
    defaults: mixSchema.optional(),
    /** By category group code: applies to the group's categories. */
    groups: z.record(z.string().min(1), mixSchema).default({}),
    /** By category code; the order here is the order categories are drawn in. */
    categories: z.record(categoryCode, mixSchema).default({}),
    /** What each planted hotspot is about, per pattern (one hotspot per theme). */
    themes: z
      .object({
        persistent: z.array(themeSchema),
        new: z.array(themeSchema),
        intensifying: z.array(themeSchema),
        diminishing: z.array(themeSchema),
      })
      .partial()
      .strict()
      .optional(),
    /** Recurring place + category clusters. */
    clusters: z.array(clusterSchema).optional(),
    /** English addresses: what follows the district name, e.g. "NY". */
    address: z
      .object({ suffix: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** English phone numbers: area codes to draw from. */
    phone: z
      .object({ areaCodes: z.array(z.string().regex(/^[2-9]\d\d$/)).min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seasons = new Set(['flat', ...Object.keys(p.seasons)]);
    const diurnal = new Set([...Object.keys(DIURNAL), ...Object.keys(p.diurnal)]);
    const check = (m: MixInput | undefined, where: (string | number)[]) => {
      if (!m) return;
      if (typeof m.season === 'string' && !seasons.has(m.season))
        ctx.addIssue({
          code: 'custom',
          path: [...where, 'season'],
          message: `unknown season '${m.season}': name one of ${[...seasons].join(', ')} or write the curve in place`,
        });
      if (m.diurnal && !diurnal.has(m.diurnal))
        ctx.addIssue({
          code: 'custom',
          path: [...where, 'diurnal'],
          message: `unknown time-of-day shape '${m.diurnal}': one of ${[...diurnal].join(', ')}`,
        });
    };
    check(p.defaults, ['defaults']);
    for (const [k, m] of Object.entries(p.groups)) check(m, ['groups', k]);
    for (const [k, m] of Object.entries(p.categories)) check(m, ['categories', k]);
    (p.clusters ?? []).forEach((c, i) => {
      if (typeof c.season === 'string' && !seasons.has(c.season))
        ctx.addIssue({ code: 'custom', path: ['clusters', i, 'season'], message: `unknown season '${c.season}'` });
    });
    if (p.channels && !p.channels.some((c) => c.share > 0))
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'at least one channel needs a share above 0' });
  });

export type DemoProfileInput = z.input<typeof demoProfileSchema>;
export type DemoProfile = z.output<typeof demoProfileSchema> & {
  /** How callers word each category (descriptions.json beside demo.json; data/demo/descriptions.ts). */
  descriptions?: DescriptionVocab | null;
};

/** Validates a profile; the error names every problem with its path. */
export function parseDemoProfile(input: unknown): DemoProfile {
  return demoProfileSchema.parse(input);
}

/** The profile in a city package folder, or null when the package has none. */
export function readDemoProfile(dir: string): DemoProfile | null {
  const file = path.join(dir, PROFILE_FILE);
  if (!fs.existsSync(file)) return null;
  const raw = fs.readFileSync(file, 'utf8');
  try {
    return { ...parseDemoProfile(JSON.parse(raw)), descriptions: readDescriptions(dir) };
  } catch (e) {
    throw new Error(`${file}: ${e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message}`, { cause: e });
  }
}

// --- resolved against a taxonomy ---------------------------------------------------------------

export interface Theme {
  story: string;
  categories: string[];
}

export interface ClusterSpec {
  story: string;
  category: string;
  season: SeasonTable;
  months: number[];
  weekdaysOnly: boolean;
  share: number;
  min: number;
}

/** A profile applied to one taxonomy: what the generator reads. */
export interface DemoSettings {
  locale: DemoLocale;
  people: People;
  /** null: the region model's own (population-weighted) core. */
  core: Position | null;
  regionWeights: Record<string, number>;
  /** Categories in drawing order: the profile's order first, then the rest by code. */
  categories: Category[];
  mix: Map<string, CategoryMix>;
  channels: ChannelShare[];
  patrolShare: number;
  weekday: number[];
  diurnal: Record<string, number[]>;
  kindShares: Record<KindProfile, Record<string, number>>;
  themes: Record<HotspotPattern, Theme[]>;
  clusters: ClusterSpec[];
  /** What in the profile did not fit the taxonomy (ignored or replaced), for the operator. */
  warnings: string[];
  /** How callers word each category; null: one plain line per ticket. */
  descriptions: DescriptionVocab | null;
}

const THEME_COUNTS: Record<HotspotPattern, number> = { persistent: 4, new: 3, intensifying: 3, diminishing: 3 };
const DEFAULT_CLUSTERS = [
  { share: 0.0004, min: 60, weekdaysOnly: false },
  { share: 0.0006, min: 150, weekdaysOnly: false },
  { share: 0.0003, min: 60, weekdaysOnly: false },
  { share: 0.0003, min: 50, weekdaysOnly: false },
  { share: 0.0003, min: 50, weekdaysOnly: true },
  { share: 0.00012, min: 30, weekdaysOnly: false },
];

/**
 * Applies a profile (or none) to a taxonomy. Unknown categories in the profile are reported in
 * `warnings` and left out; a theme or cluster left without categories is replaced by one drawn
 * from the taxonomy's most common categories, so a profile never breaks the demo.
 */
export function resolveDemoProfile(
  profile: DemoProfile | null,
  taxonomy: Taxonomy,
  opts: { locale?: DemoLocale } = {},
): DemoSettings {
  const p = profile ?? parseDemoProfile({});
  const warnings: string[] = [];
  const locale: DemoLocale = p.locale ?? opts.locale ?? 'en';
  const people = peopleFor(locale, { addressSuffix: p.address?.suffix, areaCodes: p.phone?.areaCodes });
  const byCode = new Map(taxonomy.categories.map((c) => [c.code, c]));
  const groups = new Set(taxonomy.groups.map((g) => g.code));

  // Order: as the profile lists them, then the rest by code — never the order rows come out of a table.
  const listed = Object.keys(p.categories);
  for (const code of listed) if (!byCode.has(code)) warnings.push(`category '${code}' is not in the taxonomy: ignored`);
  for (const g of Object.keys(p.groups))
    if (!groups.has(g)) warnings.push(`group '${g}' is not in the taxonomy: ignored`);
  const first = listed.filter((c) => byCode.has(c));
  const rest = taxonomy.categories
    .map((c) => c.code)
    .filter((c) => !p.categories[c])
    .sort();
  const categories = [...first, ...rest].map((c) => byCode.get(c) as Category);

  const tables = new Map<string, SeasonTable>([['flat', FLAT_SEASON]]);
  const season = (ref: string | z.input<typeof curveSchema>): SeasonTable => {
    if (typeof ref === 'string' && ref === 'flat') return FLAT_SEASON;
    if (typeof ref === 'string') {
      let t = tables.get(ref);
      if (!t) tables.set(ref, (t = seasonTable(p.seasons[ref])));
      return t;
    }
    return seasonTable(ref);
  };
  const mixFor = (c: Category): CategoryMix => {
    const base = MIX_BY_URGENCY[c.urgency as UrgencyClass];
    // Layered: the profile's defaults, then the category's group, then the category itself.
    const m: MixInput = Object.assign({}, p.defaults, p.groups[c.groupCode], p.categories[c.code]);
    return {
      share: m.share ?? base.share,
      season: season(m.season ?? 'flat'),
      diurnal: m.diurnal ?? base.diurnal,
      kinds: m.kinds ?? base.kinds,
      patrol: m.patrol ?? false,
      solvability: m.solvability ?? base.solvability,
    };
  };
  const mix = new Map(categories.map((c) => [c.code, mixFor(c)]));
  if (![...mix.values()].some((m) => m.share > 0))
    throw new Error('the demo profile gives every category of the taxonomy a share of 0');

  // The most common categories (by yearly share), for themes and clusters the profile does not name.
  const common = categories
    .filter((c) => (mix.get(c.code) as CategoryMix).share > 0)
    .sort(
      (a, b) =>
        (mix.get(b.code) as CategoryMix).share - (mix.get(a.code) as CategoryMix).share || (a.code < b.code ? -1 : 1),
    );
  const name = (code: string) => people.name(byCode.get(code) as Category);
  const known = (codes: string[], where: string) => {
    const ok = codes.filter((c) => byCode.has(c));
    for (const c of codes) if (!byCode.has(c)) warnings.push(`${where}: category '${c}' is not in the taxonomy`);
    return ok;
  };

  let pick = 0;
  const nextCommon = () => common[pick++ % common.length].code;
  const themes = {} as Record<HotspotPattern, Theme[]>;
  for (const pattern of HOTSPOT_PATTERNS) {
    const given = p.themes?.[pattern];
    if (given) {
      themes[pattern] = given.map((t, k) => {
        const cats = known(t.categories, `themes.${pattern}[${k}]`);
        if (cats.length > 0) return { story: t.story, categories: cats };
        const a = nextCommon();
        return { story: defaultStory(locale, [name(a)]), categories: [a] };
      });
      continue;
    }
    themes[pattern] = Array.from({ length: THEME_COUNTS[pattern] }, () => {
      const cats = [...new Set([nextCommon(), nextCommon()])];
      return { story: defaultStory(locale, cats.map(name)), categories: cats };
    });
  }

  const monthsOf = (t: SeasonTable) => {
    // The months in which a curve runs at or above its yearly mean (all twelve for a flat one).
    const out: number[] = [];
    for (let m = 1; m <= 12; m++) {
      const a = Math.round((Date.UTC(2001, m - 1, 1) - Date.UTC(2001, 0, 1)) / 86_400_000);
      const b = Math.round((Date.UTC(2001, m, 1) - Date.UTC(2001, 0, 1)) / 86_400_000);
      let s = 0;
      for (let d = a; d < b; d++) s += t[d];
      if (s / (b - a) >= 0.999) out.push(m);
    }
    return out;
  };
  const defaultCluster = (i: number): ClusterSpec => {
    const code = common[i % common.length].code;
    const t = (mix.get(code) as CategoryMix).season;
    return {
      story: clusterStory(locale, name(code)),
      category: code,
      season: t,
      months: monthsOf(t),
      ...DEFAULT_CLUSTERS[i % DEFAULT_CLUSTERS.length],
    };
  };
  const clusters: ClusterSpec[] = p.clusters
    ? p.clusters.map((c, i) => {
        if (!byCode.has(c.category)) {
          warnings.push(`clusters[${i}]: category '${c.category}' is not in the taxonomy: replaced`);
          return defaultCluster(i);
        }
        return {
          story: c.story,
          category: c.category,
          season: season(c.season),
          months: c.months,
          weekdaysOnly: c.weekdaysOnly,
          share: c.share,
          min: c.min,
        };
      })
    : DEFAULT_CLUSTERS.map((_, i) => defaultCluster(i));

  return {
    locale,
    people,
    core: p.core ?? null,
    regionWeights: p.regionWeights,
    categories,
    mix,
    channels: p.channels ?? DEFAULT_CHANNELS,
    patrolShare: p.patrolShare,
    weekday: p.weekday ?? WEEKDAY_FACTOR,
    diurnal: { ...DIURNAL, ...p.diurnal },
    kindShares: KIND_SHARES,
    themes,
    clusters,
    warnings,
    descriptions: profile?.descriptions ?? null,
  };
}

function defaultStory(locale: DemoLocale, names: string[]): string {
  return locale === 'zh' ? `诉求集中：${names.join('、')}` : `hotspot of ${names.join(' and ')}`;
}

function clusterStory(locale: DemoLocale, name: string): string {
  return locale === 'zh' ? `同一地点反复出现：${name}` : `${name}, again and again at one address`;
}
