// A city package's manifest (city.json): who the city is, its zone and language, the levels of its
// jurisdiction hierarchy and where each boundary file's code, name and parent live. Validated with
// zod so `npm run city -- check DIR` can name the file, feature and property of every problem.
import { z } from 'zod';
import { REGION_LEVELS } from '../../db/schema.ts';
import { isTimeZone } from '../policy/schema.ts';

export const CRS_NAMES = ['WGS84', 'GCJ02', 'BD09'] as const;
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const text = z.string().trim().min(1);

/** A name in the city's own language, with optional English and Chinese forms for the other UI locale. */
export const namesSchema = z.object({ local: text, en: text.optional(), zh: text.optional() });
export type Names = z.infer<typeof namesSchema>;

/**
 * Where a value comes from in a feature's properties: a property name ("boro_code"), a template
 * with properties in braces ("Community District {BoroCD}"), or either with a slice of the text
 * ({ "from": "BoroCD", "slice": [0, -2] } turns 206 into "2", its borough).
 */
export const propertyRefSchema = z.union([
  text,
  z.object({
    from: text,
    slice: z
      .tuple([z.number().int(), z.number().int()])
      .or(z.tuple([z.number().int()]))
      .optional(),
  }),
]);
export type PropertyRef = z.infer<typeof propertyRefSchema>;

export const boundaryFileSchema = z
  .object({
    /** Path inside the package folder. */
    file: text,
    /** Overrides the manifest's crs for this file. */
    crs: z.enum(CRS_NAMES).optional(),
    /** Every feature of the file is at this level… */
    level: z.enum(REGION_LEVELS).optional(),
    /** …or the level is read from this property (values district, street, community, grid). */
    levelProperty: text.optional(),
    properties: z.object({
      code: propertyRefSchema,
      name: propertyRefSchema,
      nameEn: propertyRefSchema.optional(),
      parent: propertyRefSchema.optional(),
      population: propertyRefSchema.optional(),
      synthetic: propertyRefSchema.optional(),
    }),
    /** Boundaries drawn for the demo rather than published (shown as 示意 in the UI). */
    synthetic: z.boolean().default(false),
  })
  .refine((b) => (b.level === undefined) !== (b.levelProperty === undefined), {
    message: 'give exactly one of level and levelProperty',
    path: ['level'],
  });
export type BoundaryFile = z.infer<typeof boundaryFileSchema>;

/** One attribute of a service definition (GeoReport v2 "GET Service Definition"). */
export const open311AttributeSchema = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/, 'letters, digits, _ . - (1–50)'),
    variable: z.boolean().default(true),
    datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
    required: z.boolean().default(false),
    datatypeDescription: namesSchema.optional(),
    order: z.number().int().min(1),
    description: namesSchema,
    values: z
      .array(z.object({ key: z.string().min(1).max(50), name: namesSchema }))
      .max(100)
      .optional(),
  })
  .refine((a) => (a.datatype.endsWith('valuelist') ? (a.values?.length ?? 0) > 0 : a.values === undefined), {
    message: 'values are given for singlevaluelist and multivaluelist, and only for them',
    path: ['values'],
  });
export type Open311Attribute = z.infer<typeof open311AttributeSchema>;

export const open311SettingsSchema = z.object({
  /** Service lists, definitions and requests readable without a session (never a caller's name or phone). OPEN311_PUBLIC_READS overrides. */
  publicReads: z.boolean().default(false),
  /** Public reads give locations snapped to a grid of this many metres, and the street/district instead of the address (0 = exact). */
  coarsenMeters: z.number().min(0).max(5000).default(0),
  /** Coordinate systems a client may declare with `crs` when filing (lat/long are WGS-84 unless declared). */
  acceptCrs: z.array(z.enum(CRS_NAMES)).min(1).default(['WGS84']),
  /** The jurisdiction_id clients may send (default: the city's code). */
  jurisdictionId: z.string().min(1).max(100).optional(),
  /** Discovery's contact and key_service texts. */
  contact: text.optional(),
  keyService: text.optional(),
  /** Extra questions per service_code, as its service definition. */
  attributes: z.record(z.string(), z.array(open311AttributeSchema).max(30)).default({}),
});
export type Open311Settings = z.infer<typeof open311SettingsSchema>;

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    /** Short identifier, e.g. "beijing", "nyc". */
    code: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'lower-case letters, digits, - or _, 2–32 characters'),
    names: namesSchema,
    /** The interface language officials get by default. */
    locale: z.enum(LOCALES),
    /** IANA zone: days, weeks and months (and so rankings) are cut here; history without an offset is read in it. */
    timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone'),
    /** CRS of the boundary files unless a file says otherwise. */
    crs: z.enum(CRS_NAMES).default('WGS84'),
    /** The levels this city has, top down, with their local names. 'district' and 'street' are required (street = the unit tickets are dispatched to). */
    levels: z
      .array(z.object({ level: z.enum(REGION_LEVELS), names: namesSchema }))
      .min(2)
      .max(4),
    boundaries: z.array(boundaryFileSchema).min(1),
    /** Grid cells generated for a city that publishes none: H3 hexagons of this resolution clipped to each street. */
    grid: z.object({ h3Resolution: z.number().int().min(5).max(10) }).optional(),
    /** Category taxonomy file (departments/agencies, groups, categories with urgency and time limits). */
    taxonomy: text,
    /** Time-limit and assessment policy file; fields left out take the defaults. */
    policy: text.optional(),
    /** Responsibility zones (责任区) as GeoJSON. */
    zones: z.object({ file: text, crs: z.enum(CRS_NAMES).optional() }).optional(),
    /** Residents per region as CSV, for demand per 10,000 residents: columns named here. */
    population: z.object({ file: text, code: text, population: text }).optional(),
    /** Points in a gap between published polygons still belong to the nearest region within this distance. */
    locateToleranceMeters: z.number().min(0).max(500).default(15),
    /** What the data notice says about where the boundaries come from. */
    provenance: namesSchema.optional(),
    /** Open311 GeoReport v2 (server/open311/): what this city publishes and accepts. */
    open311: open311SettingsSchema.optional(),
    /**
     * The demo's official accounts (`npm start`): a district and a street official of real regions
     * of this city. Without it the demo takes the first district and its first street by code.
     */
    demoOfficials: z
      .array(
        z.object({
          username: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/),
          displayName: text,
          role: z.enum(['district_official', 'street_official']),
          region: text,
        }),
      )
      .max(10)
      .optional(),
  })
  .superRefine((m, ctx) => {
    const levels = m.levels.map((l) => l.level);
    if (new Set(levels).size !== levels.length)
      ctx.addIssue({ code: 'custom', path: ['levels'], message: 'a level is listed twice' });
    for (const need of ['district', 'street'] as const)
      if (!levels.includes(need))
        ctx.addIssue({ code: 'custom', path: ['levels'], message: `the '${need}' level is required` });
    const order = levels.map((l) => REGION_LEVELS.indexOf(l));
    if (order.some((o, i) => i > 0 && o <= order[i - 1]))
      ctx.addIssue({
        code: 'custom',
        path: ['levels'],
        message: `levels must be listed top down: ${REGION_LEVELS.join(' → ')}`,
      });
    if (m.grid && levels.includes('grid'))
      ctx.addIssue({
        code: 'custom',
        path: ['grid'],
        message: 'the city has a grid level already; grid generation is for cities without one',
      });
    for (const [service, attrs] of Object.entries(m.open311?.attributes ?? {})) {
      for (const key of ['code', 'order'] as const) {
        const seen = attrs.map((a) => a[key]);
        if (new Set(seen).size !== seen.length)
          ctx.addIssue({
            code: 'custom',
            path: ['open311', 'attributes', service],
            message: `an attribute ${key} is used twice`,
          });
      }
    }
    m.boundaries.forEach((b, i) => {
      if (b.level && !levels.includes(b.level))
        ctx.addIssue({
          code: 'custom',
          path: ['boundaries', i, 'level'],
          message: `level '${b.level}' is not among the city's levels`,
        });
    });
  });

export type CityManifest = z.infer<typeof manifestSchema>;

/** The display name in a UI locale, falling back to the local name. */
export function nameIn(names: Names, locale: Locale): string {
  return (locale === 'en' ? names.en : names.zh) ?? names.local;
}
