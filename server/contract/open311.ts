// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the spec's own shapes, JSON or XML
// by the path's extension (.json, .xml); errors are the spec's list of { code, description }.
import { z } from 'zod';
import type { RouteContract } from './registry.ts';

const fmt = z.string().regex(/^[a-z_]+\.(json|xml)$/);
export const open311ErrorsSchema = z
  .array(z.object({ code: z.number().int(), description: z.string() }))
  .meta({ id: 'Open311Errors', example: [{ code: 400, description: 'service_code: required' }] });
export const open311ServiceSchema = z.looseObject({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.string(),
  keywords: z.array(z.string()),
  group: z.string(),
});
export const open311RequestSchema = z.looseObject({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  long: z.number().nullable(),
});
export const open311DiscoverySchema = z.looseObject({
  changeset: z.string(),
  contact: z.string(),
  key_service: z.string(),
  endpoints: z.array(z.looseObject({ specification: z.string(), url: z.string(), formats: z.array(z.string()) })),
});
export const open311PostedSchema = z.array(
  z.looseObject({ service_request_id: z.string(), token: z.string().optional() }),
);

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [c, { description: `the spec's error list (${c})`, schema: open311ErrorsSchema }]),
  );

export const open311Routes: RouteContract[] = [
  {
    method: 'GET',
    path: '/open311/v2/:name',
    tags: ['open311'],
    summary:
      'discovery.{json,xml} (public), services.{json,xml}, requests.{json,xml}?service_request_id&service_code&start_date&end_date&status',
    params: z.object({ name: fmt.meta({ example: 'requests.json' }) }),
    query: z.object({
      service_request_id: z.string().optional(),
      service_code: z.string().optional(),
      start_date: z.string().optional(),
      end_date: z.string().optional(),
      status: z.string().optional(),
    }),
    responses: {
      200: {
        description: 'discovery, the service list or service requests',
        schema: z.union([open311DiscoverySchema, z.array(open311ServiceSchema), z.array(open311RequestSchema)]),
      },
      ...errors(400, 401, 403, 404),
    },
  },
  {
    method: 'GET',
    path: '/open311/v2/services/:name',
    tags: ['open311'],
    summary: "A service's definition (services/{code}.json)",
    params: z.object({ name: fmt }),
    responses: {
      200: {
        description: 'the definition',
        schema: z.looseObject({ service_code: z.string(), attributes: z.array(z.looseObject({})) }),
      },
      ...errors(401, 404),
    },
  },
  {
    method: 'GET',
    path: '/open311/v2/requests/:name',
    tags: ['open311'],
    summary: 'One service request (requests/{id}.json)',
    params: z.object({ name: fmt }),
    responses: {
      200: { description: 'a one-element list', schema: z.array(open311RequestSchema) },
      ...errors(401, 404),
    },
  },
  {
    method: 'GET',
    path: '/open311/v2/tokens/:name',
    tags: ['open311'],
    summary: 'The request id a token became (tokens/{token}.json)',
    params: z.object({ name: z.string() }),
    responses: {
      200: {
        description: 'a one-element list',
        schema: z.array(z.looseObject({ service_request_id: z.string(), token: z.string() })),
      },
      ...errors(401, 404),
    },
  },
  {
    method: 'GET',
    path: '/open311/v2/media/:name',
    tags: ['open311'],
    summary: 'A photo uploaded with a request',
    params: z.object({ name: z.string() }),
    responses: { 200: { description: 'the image', contentType: 'image/jpeg' }, ...errors(401, 404) },
  },
  {
    method: 'POST',
    path: '/open311/v2/:name',
    tags: ['open311'],
    summary: 'File a service request (requests.json; api_key required)',
    params: z.object({ name: fmt.meta({ example: 'requests.json' }) }),
    bodyType: 'application/x-www-form-urlencoded',
    body: z.looseObject({
      api_key: z.string(),
      service_code: z.string(),
      lat: z.string().optional(),
      long: z.string().optional(),
      address_string: z.string().optional(),
      description: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      phone: z.string().optional(),
    }),
    responses: {
      201: { description: 'filed', schema: open311PostedSchema },
      200: { description: 'the same Idempotency-Key again', schema: open311PostedSchema },
      ...errors(400, 403, 404, 503),
    },
  },
];
