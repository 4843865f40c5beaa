// OpenAPI 3.1 from the route contract (server/contract/index.ts): paths, parameters, bodies and
// every response with its JSON Schema (zod v4's z.toJSONSchema, draft 2020-12 as OpenAPI 3.1
// uses it); schemas with an id are shared under components.schemas. Pure and deterministic, so
// the committed openapi.json (npm run openapi) can be compared with it in CI.
import { z } from 'zod';
import { CONTRACT } from './index.ts';
import type { RouteContract } from './registry.ts';

type Json = Record<string, unknown>;

/** /api/tickets/:id{[0-9]+}/:action → /api/tickets/{id}/{action} */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');

function toSchema(schema: z.ZodType, io: 'input' | 'output', defs: Json): Json {
  const raw = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' });
  // references between shared schemas too (Summary → Backlog), not only from the top
  const out = JSON.parse(JSON.stringify(raw).replace(/"#\/\$defs\//g, '"#/components/schemas/')) as Json;
  delete out.$schema;
  const local = (out.$defs ?? {}) as Json;
  delete out.$defs;
  for (const [k, v] of Object.entries(local)) defs[k] = v;
  return out;
}

/** A top-level schema with an id becomes a $ref to its component. */
function named(schema: z.ZodType, io: 'input' | 'output', defs: Json): Json {
  const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
  const json = toSchema(schema, io, defs);
  if (!id) return json;
  // zod answers a schema with an id as a $ref into its own $defs (moved to components above)
  if (json.$ref !== `#/components/schemas/${id}`) {
    const { id: _id, ...rest } = json;
    defs[id] = rest;
  }
  return { $ref: `#/components/schemas/${id}` };
}

function parameters(r: RouteContract, defs: Json): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', obj: z.ZodType | undefined) => {
    if (!obj) return;
    const json = toSchema(obj, 'input', defs) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const { description, example, ...rest } = schema as Json;
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        ...(example !== undefined ? { example } : {}),
        schema: rest,
      });
    }
  };
  add('path', r.params);
  add('query', r.query);
  return out;
}

function operation(r: RouteContract, defs: Json): Json {
  const responses: Json = {};
  for (const [status, reply] of Object.entries(r.responses).sort(([a], [b]) => Number(a) - Number(b))) {
    const type = reply.contentType ?? 'application/json';
    const content =
      reply.schema || reply.contentType
        ? {
            [type]: {
              ...(reply.schema ? { schema: named(reply.schema, 'output', defs) } : {}),
              ...(reply.example !== undefined ? { example: reply.example } : {}),
            },
          }
        : undefined;
    responses[status] = { description: reply.description, ...(content ? { content } : {}) };
  }
  const params = parameters(r, defs);
  return {
    operationId: `${r.method.toLowerCase()}${openApiPath(r.path)
      .replace(/[{}]/g, '')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: r.tags,
    ...(r.public ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { [r.bodyType ?? 'application/json']: { schema: named(r.body, 'input', defs) } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteContract[] = CONTRACT): Json {
  const defs: Json = {};
  const paths: Record<string, Json> = {};
  for (const r of routes) (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation(r, defs);
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: '12345 hotline GIS dashboard API',
      version: '1',
      description:
        'The JSON API behind the dashboard, for integrators (telephony, Open311 clients, other city systems). Sign in with POST /api/auth/login (a session cookie; writes carry X-CSRF-Token), or send an API key as `Authorization: Bearer <key>` to file tickets. Every error is `{ "error": { "code", "message", "field"? } }`; Open311 endpoints answer in the GeoReport v2 shapes.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.flatMap((r) => r.tags))].sort().map((name) => ({ name })),
    paths: sortedPaths,
    components: {
      schemas: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'hl_session',
          description: 'from POST /api/auth/login; writes also need the X-CSRF-Token header',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'an API key (npm run accounts -- api-key NAME): files tickets only, unless granted locate/import',
        },
      },
    },
    security: [{ session: [] }, { apiKey: [] }],
  };
}
