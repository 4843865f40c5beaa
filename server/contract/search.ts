// The header's search: GET /api/search (server/routes/search.ts, server/search/search.ts) — places
// and tickets in the reader's jurisdiction, as typed sections.
import { z } from 'zod';
import { TICKET_STATUSES } from '../../db/vocabulary.ts';
import { query } from '../routes/search.ts';
import { instant } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, json, type RouteContract } from './registry.ts';

const lonLat = z.tuple([z.number(), z.number()]);

export const ticketHitSchema = z.object({
  id: z.number().int(),
  address: z.string().nullable(),
  categoryCode: z.string(),
  status: z.enum(TICKET_STATUSES),
  receivedAt: instant,
  districtCode: z.string().nullable(),
  streetCode: z.string().nullable(),
  /** WGS-84 [lon, lat]; null for an address-only ticket */
  at: lonLat.nullable(),
});

export const placeHitSchema = z.object({
  code: z.string(),
  level: z.enum(['district', 'street', 'grid']),
  nameZh: z.string(),
  nameEn: z.string(),
  /** codes from the district down to this place */
  path: z.array(z.string()),
  center: lonLat,
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});

export const searchSchema = z
  .object({
    q: z.string(),
    sections: z.array(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('places'), items: z.array(placeHitSchema) }),
        z.object({ kind: z.literal('tickets'), items: z.array(ticketHitSchema) }),
      ]),
    ),
  })
  .meta({ id: 'Search' });

export const searchRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/search',
    tags: ['search'],
    summary: "Places by name or code and tickets by id or address words, in the reader's jurisdiction",
    query,
    responses: { 200: json('the sections: places, then tickets', searchSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
];
