// Building blocks of the API contract (server/contract/): the one error body, instants, GeoJSON,
// names. Schemas only (zod v4): the registry (server/contract/index.ts) turns them into OpenAPI
// 3.1, the contract test validates real answers against them, and the web takes its response
// types from them with z.infer (type-only imports: no server code reaches the bundle).
import { z } from 'zod';
import { TICKET_STATUSES } from '../../db/vocabulary.ts';

/** An instant as JSON carries it (Date.toJSON: `2026-11-02T08:30:00.000Z`). */
export const instant = z.iso.datetime({ offset: true }).meta({ example: '2026-11-02T08:30:00.000Z' });
/** A calendar day in the city's zone. */
export const day = z.iso.date().meta({ example: '2026-11-02' });
export const month = z
  .string()
  .regex(/^\d{4}-\d{2}$/)
  .meta({ example: '2026-10' });
export const count = z.number().int().min(0);

/** The one error body of every failure (server/errors.ts); a 409 on a ticket action adds the status and what is allowed. */
export const errorSchema = z
  .looseObject({
    error: z.looseObject({
      code: z
        .string()
        .meta({ description: 'machine-readable reason: invalid_input, forbidden, not_found, conflict, …' }),
      message: z.string().meta({ description: 'one sentence naming the field and what is wrong' }),
      field: z.string().optional().meta({ description: 'the offending parameter, body field or path segment' }),
      status: z.enum(TICKET_STATUSES).optional(),
      allowed: z.array(z.string()).optional(),
    }),
  })
  .meta({
    id: 'Error',
    example: { error: { code: 'invalid_input', message: 'from: must be a date between 1900 and 2999', field: 'from' } },
  });
export type ErrorBody = z.infer<typeof errorSchema>;

const position = z.array(z.number()).min(2);
export const polygon = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) });
export const multiPolygon = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(position))),
});
export const polygonal = z.discriminatedUnion('type', [polygon, multiPolygon]);
export const point = z.object({ type: z.literal('Point'), coordinates: position });
/** Any GeoJSON geometry (a responsibility zone may be a line). */
export const geometry = z
  .object({ type: z.string(), coordinates: z.array(z.unknown()) })
  .meta({ description: 'GeoJSON geometry, WGS-84' });

export const featureCollection = <G extends z.ZodType, P extends z.ZodType>(geom: G, properties: P) =>
  z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.union([z.number(), z.string()]).optional(),
        geometry: geom,
        properties,
      }),
    ),
  });

/** A name in the city's language, with optional English and Chinese forms (data/city/manifest.ts). */
export const names = z.object({ local: z.string(), en: z.string().optional(), zh: z.string().optional() });

/** A schema's type without the open-ended `[key: string]: unknown` of loose objects, all the way down. */
type Known<T> = T extends readonly (infer E)[]
  ? Known<E>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Known<T[K]> }
    : T;
/**
 * `Fits<Server, Schema>` compiles only when what the server's code returns fits the schema's known
 * fields: the guard for rows a small demo leaves empty in the contract test (a drift there would pass it).
 */
export type Fits<T extends Known<U>, U> = T;
