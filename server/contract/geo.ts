// Reference geography and taxonomy: GET /api/config, /api/regions, /api/zones, /api/categories.
import { z } from 'zod';
import { LOCALES } from '../../data/city/manifest.ts';
import { REGION_LEVELS } from '../../db/schema.ts';
import { URGENCY_CLASSES } from '../../db/vocabulary.ts';
import { errorSchema, featureCollection, names, polygonal } from './common.ts';

export const cityInfoSchema = z.object({
  code: z.string(),
  names,
  locale: z.enum(LOCALES),
  timeZone: z.string().meta({ description: "the city package's IANA time zone" }),
  levels: z.array(z.object({ level: z.enum(REGION_LEVELS), names })),
  bounds: z
    .tuple([z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number()])])
    .nullable()
    .meta({ description: '[[west, south], [east, north]], WGS-84' }),
  provenance: names.nullable(),
  locateToleranceMeters: z.number(),
});

export const configSchema = z
  .object({
    engine: z.enum(['pglite', 'postgres']),
    /** optional self-hosted base-map style; null means draw the city's own boundaries only */
    basemapStyleUrl: z.string().nullable(),
    /** path of the base-map PMTiles archive this server serves by range requests; null when none */
    basemapPmtiles: z.string().nullable(),
    /** true when tickets are generated demo data (shown as a badge) */
    demo: z.boolean(),
    /** the city's names, zone, levels, bounds and language; null when no city package is active */
    city: cityInfoSchema.nullable(),
  })
  .meta({ id: 'Config' });

export const regionProperties = z.object({
  code: z.string(),
  /** Chinese (the city's own) name */
  name: z.string(),
  nameEn: z.string(),
  parentCode: z.string().nullable(),
  /** true for the demo's street and grid boundaries, which are not official */
  synthetic: z.boolean(),
  level: z.enum(REGION_LEVELS),
  population: z.number().nullable(),
  /** server-computed point inside the region for its name (PostGIS) */
  labelPoint: z.tuple([z.number(), z.number()]).nullable().optional(),
  areaKm2: z.number().nullable().optional(),
});
export const regionCollectionSchema = featureCollection(polygonal, regionProperties).meta({ id: 'RegionCollection' });

export const categoryGroupSchema = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });
export const categorySchema = z.object({
  code: z.string(),
  groupCode: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  urgency: z.enum(URGENCY_CLASSES),
});
export const categoriesSchema = z
  .object({ groups: z.array(categoryGroupSchema), categories: z.array(categorySchema) })
  .meta({ id: 'Categories' });

// ---- routes ----------------------------------------------------------------------------------

import { ZONE_KINDS } from '../../db/schema.ts';
import { query as regionsQuery } from '../routes/regions.ts';
import { query as zonesQuery } from '../routes/zones.ts';
import { geometry } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, json, type RouteContract } from './registry.ts';

export const zoneCollectionSchema = featureCollection(
  geometry,
  z.object({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    kind: z.enum(ZONE_KINDS),
    departmentCode: z.string(),
    departmentName: z.string(),
    departmentNameEn: z.string(),
    appliesTo: z.array(z.string()),
    priority: z.number(),
    synthetic: z.boolean(),
  }),
).meta({ id: 'ZoneCollection' });

export const geoRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/basemap/city.pmtiles',
    tags: ['reference'],
    public: true,
    summary: 'The base-map archive (PMTiles v3), read by HTTP range requests',
    description:
      'BASEMAP_PMTILES, or the archive the server cut from the city boundaries (server/basemap/). One `bytes=a-b` range per request; ETag changes with the file.',
    responses: {
      200: { description: 'the whole archive (no Range header)', contentType: 'application/vnd.pmtiles' },
      206: { description: 'the requested bytes, with Content-Range', contentType: 'application/vnd.pmtiles' },
      404: { description: 'no archive configured or the file is missing', schema: errorSchema },
      416: { description: 'a malformed range, or one past the end; Content-Range: bytes */size', schema: errorSchema },
    },
  },
  {
    method: 'GET',
    path: '/api/config',
    tags: ['reference'],
    public: true,
    summary: 'The deployment and the city: names, zone, levels, bounds',
    responses: { 200: json('settings', configSchema) },
  },
  {
    method: 'GET',
    path: '/api/regions',
    tags: ['reference'],
    summary: 'Boundaries of one level (GeoJSON, WGS-84; ETag, 304)',
    query: regionsQuery,
    responses: {
      200: { description: 'a FeatureCollection', schema: regionCollectionSchema, contentType: 'application/geo+json' },
      304: { description: 'unchanged since the ETag' },
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/zones',
    tags: ['reference'],
    summary: 'Responsibility zones (GeoJSON)',
    query: zonesQuery,
    responses: {
      200: { description: 'a FeatureCollection', schema: zoneCollectionSchema, contentType: 'application/geo+json' },
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/categories',
    tags: ['reference'],
    summary: 'The two-level taxonomy (its order indexes the binary points)',
    responses: { 200: json('groups and categories', categoriesSchema), ...GATED_ERRORS },
  },
];
