// The mapping file of a history import (JSON, validated with zod): which of the source's columns
// hold the external id, the times, the status, agency, category, text, place and verdicts, and
// how their values translate into ours. A city's 311 export of any schema is imported through
// one of these without code (data/README.md, "History import"; example:
// data/cities/nyc/history/nyc-311.mapping.json).
import fs from 'node:fs';
import { z } from 'zod';
import { CHANNELS, SATISFACTION, SOURCE_CRS, TICKET_KINDS, TICKET_STATUSES } from '../../db/schema.ts';

const column = z.string().min(1);

/** One or more columns; a list means alternatives: the first non-empty one gives the value. */
const columnsOrAlternatives = z.union([column, z.array(column).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Text joined from several columns (empty ones skipped). */
const joinedText = z.object({ columns: z.array(column).min(1), separator: z.string().default(' ') }).strict();

/**
 * Text: one column, columns joined, or a list of alternatives; an alternative is used when its
 * first column is non-empty (e.g. the street address, else the intersection).
 */
const textSpec = z
  .union([column, joinedText, z.array(z.union([column, joinedText])).min(1)])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).map((a) => (typeof a === 'string' ? { columns: [a], separator: ' ' } : a)),
  );
export type TextSpec = z.output<typeof textSpec>;

/** Source value → our value, matched trimmed, case- and space-insensitively. */
const valueTable = <T extends z.ZodType>(target: T) => z.record(z.string(), target);

const valued = <T extends z.ZodType>(target: T) =>
  z
    .object({
      column,
      values: valueTable(target),
      /** For values the table lacks (and empty cells); without it such a row is rejected. */
      default: target.optional(),
    })
    .strict();

const wgs = z.tuple([z.number().finite(), z.number().finite()]);

const coordinateSource = z.union([
  z.object({ lat: column, lon: column }).strict(),
  z
    .object({
      column,
      /**
       * pair: "(lat, lon)" or "lat,lon" (order flips with order: 'lonlat');
       * dict: a Python dict or JSON object with latitude/longitude (or lat/lon/lng) keys;
       * wkt: POINT (lon lat), optionally with SRID=…;
       */
      format: z.enum(['pair', 'dict', 'wkt']),
      order: z.enum(['latlon', 'lonlat']).default('latlon'),
    })
    .strict(),
]);
export type CoordinateSource = z.output<typeof coordinateSource>;

export const mappingSchema = z
  .object({
    /** Short name of the source: tickets get idempotency key `import:<source>:<externalId>`. */
    source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (up to 64)'),
    /** Free text for people reading the mapping. */
    comment: z.string().optional(),
    /** Zone of times written without an offset; default the active city's. */
    timeZone: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'unknown IANA time zone')
      .optional(),
    dates: z
      .object({
        /**
         * Field order of dates written with slashes or dots: mdy (US, default), dmy, or ymd.
         * ISO 8601 (2025-06-12T23:57:27.000, with or without offset) is always understood.
         */
        order: z.enum(['mdy', 'dmy', 'ymd']).default('mdy'),
        /** Two-digit years below the pivot are 20xx, the others 19xx (POSIX %y: 69). */
        twoDigitYearPivot: z.number().int().min(0).max(100).default(69),
        /** Numbers instead of text: seconds or milliseconds since 1970. */
        epoch: z.enum(['s', 'ms']).optional(),
      })
      .strict()
      .prefault({}),
    externalId: column,
    received: columnsOrAlternatives,
    status: valued(z.enum(TICKET_STATUSES)),
    /** When the matter was closed / completed; used when the status maps to closed. */
    closed: columnsOrAlternatives.optional(),
    /** The source's own due time; else the category's service level or the urgency policy. */
    due: columnsOrAlternatives.optional(),
    /** Last status change (e.g. resolution_action_updated_date), the time of an intermediate status. */
    updated: columnsOrAlternatives.optional(),
    /** The agency that handled the request → department code; unknown values fall back to the category's. */
    agency: z
      .object({ column, values: valueTable(z.string().min(1)) })
      .strict()
      .optional(),
    category: z
      .object({
        /** Keys are these columns' values joined with '|' ("Sewer|Street Flooding (SJ)") or a prefix of them ("HEAT/HOT WATER"). */
        columns: z.array(column).min(1),
        values: valueTable(z.string().min(1)),
        /** Category code that keeps rows of unknown values (reported); without it they are rejected. */
        unmapped: z.string().min(1).optional(),
      })
      .strict(),
    kind: z
      .object({
        column: column.optional(),
        values: valueTable(z.enum(TICKET_KINDS)).default({}),
        default: z.enum(TICKET_KINDS).default('complaint'),
      })
      .strict()
      .prefault({}),
    description: textSpec.optional(),
    address: textSpec.optional(),
    /** The resolution text: the note of the closing event. */
    resolution: textSpec.optional(),
    /** Where the point is; a list means alternatives (first that parses). */
    coordinates: z
      .union([coordinateSource, z.array(coordinateSource).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    crs: z.enum(SOURCE_CRS).default('WGS84'),
    channel: valued(z.enum(CHANNELS))
      .or(z.object({ default: z.enum(CHANNELS) }).strict())
      .default({ default: 'phone' }),
    /** Callback verdict (回访): value → solved and satisfaction; `at` the callback time (else the closed time). */
    callback: z
      .object({
        column,
        values: valueTable(
          z.object({ solved: z.boolean().optional(), satisfaction: z.enum(SATISFACTION).optional() }).strict(),
        ),
        at: columnsOrAlternatives.optional(),
      })
      .strict()
      .optional(),
    /** The source's "duplicate of / closed as duplicate" marker: such a row is closed and linked to the earlier ticket it repeats. */
    duplicateMarker: z
      .object({
        column,
        /** Whole values (case-insensitive) that mark a duplicate… */
        equals: z.array(z.string()).default([]),
        /** …or pieces of text. */
        contains: z.array(z.string()).default([]),
        /** Close the ticket (status closed) even when the status column says otherwise. */
        close: z.boolean().default(true),
      })
      .strict()
      .refine((d) => d.equals.length + d.contains.length > 0, 'give equals or contains')
      .optional(),
    caller: z.object({ name: column.optional(), phone: column.optional() }).strict().optional(),
    /** The same external id on several rows: keep the first or the last row (file order); the others are reported as merged. */
    repeatedIds: z.enum(['first', 'last']).default('last'),
    /** Points that stand for "unknown": reported and not located. */
    placeholders: z
      .object({
        zero: z.boolean().default(true),
        /** Both coordinates whole degrees (40, -74). */
        wholeDegrees: z.boolean().default(true),
        /** The same exact point at least minCount times and on at least minShare of the rows. */
        repeated: z
          .object({ minCount: z.number().int().min(2).default(25), minShare: z.number().min(0).max(1).default(0.005) })
          .strict()
          .or(z.literal(false))
          .prefault({}),
        /** Known placeholder points [lon, lat] in the source CRS. */
        points: z.array(wgs).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

export class MappingError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/** Validates a mapping (parsed JSON); throws MappingError naming every bad field. */
export function parseMapping(input: unknown): Mapping {
  const r = mappingSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(mapping)', message: i.message }));
  throw new MappingError(`mapping: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

export function readMappingFile(file: string): Mapping {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MappingError(`mapping ${file}: ${(e as Error).message}`, [
      { path: '(file)', message: (e as Error).message },
    ]);
  }
  return parseMapping(json);
}

/** How value tables compare source values: trimmed, runs of spaces as one, case-insensitive. */
export function valueKey(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Every column the mapping reads (to check against the header before anything is imported). */
export function mappingColumns(m: Mapping): string[] {
  const cols = new Set<string>();
  const add = (c: string | undefined) => c && cols.add(c);
  add(m.externalId);
  m.received.forEach(add);
  add(m.status.column);
  m.closed?.forEach(add);
  m.due?.forEach(add);
  m.updated?.forEach(add);
  add(m.agency?.column);
  m.category.columns.forEach(add);
  add(m.kind.column);
  for (const spec of [m.description, m.address, m.resolution]) spec?.forEach((a) => a.columns.forEach(add));
  for (const c of m.coordinates ?? []) {
    if ('lat' in c) {
      add(c.lat);
      add(c.lon);
    } else add(c.column);
  }
  if ('column' in m.channel) add(m.channel.column);
  add(m.callback?.column);
  m.callback?.at?.forEach(add);
  add(m.duplicateMarker?.column);
  add(m.caller?.name);
  add(m.caller?.phone);
  return [...cols];
}

/** Category and department codes the mapping names (checked against the database's taxonomy). */
export function mappingCodes(m: Mapping): { categories: string[]; departments: string[] } {
  const categories = new Set(Object.values(m.category.values));
  if (m.category.unmapped) categories.add(m.category.unmapped);
  return { categories: [...categories], departments: [...new Set(Object.values(m.agency?.values ?? {}))] };
}
